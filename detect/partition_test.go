package detect_test

import (
	"fmt"
	"sort"
	"testing"

	"ringfence"
	"ringfence/detect"
)

// Detectors that share a stream by partition raise, each once, the flags
// one detector raises over it, but for a few that list evidence held in
// another partition decides; their counters add up to its counters.
func TestPartitionSameFlags(t *testing.T) {
	for _, sc := range scenarios {
		for _, count := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/%d", sc.name, count), func(t *testing.T) {
				days, subs := 2, 6000
				if testing.Short() {
					days, subs = 1, 3000
				}
				calls := sc.run(days, subs, 5).Calls
				one, det := detectAll(calls)
				if len(one) == 0 {
					t.Fatal("no flags to compare")
				}
				var parts []ringfence.Flag
				var sum detect.Stats
				for i := range count {
					cfg := detect.DefaultConfig()
					cfg.Partition = detect.Partition{Count: count, Index: i}
					d := detect.New(cfg)
					for j := 0; j < len(calls); j += 256 {
						d.ObserveCalls(calls[j:min(j+256, len(calls))], func(f ringfence.Flag) { parts = append(parts, f) })
					}
					st := d.Stats()
					sum.Calls += st.Calls
					sum.Duplicates += st.Duplicates
					sum.Late += st.Late
					sum.Skipped += st.Skipped
					sum.ActiveCallers += st.ActiveCallers
				}
				// The list inputs (callees another suspicious or a flagged
				// number dialled) are kept by the caller's owner, so a
				// partition does not see the lists other partitions'
				// callers work: scores, times and reasons may differ, and
				// the numbers flagged may differ by a few.
				a, b := flagNumbers(one), flagNumbers(parts)
				if d := symmetricDiff(a, b); d > max(1, len(a)*3/100) {
					t.Errorf("%d flags from one detector, %d from %d partitions: %d numbers differ", len(a), len(b), count, d)
					diff(t, a, b)
				}
				st := det.Stats()
				if sum.Calls != st.Calls || sum.Duplicates != st.Duplicates || sum.Late != st.Late || sum.Skipped != st.Skipped || sum.ActiveCallers != st.ActiveCallers {
					t.Errorf("partitions count calls %d dup %d late %d skipped %d callers %d, one detector %d %d %d %d %d",
						sum.Calls, sum.Duplicates, sum.Late, sum.Skipped, sum.ActiveCallers, st.Calls, st.Duplicates, st.Late, st.Skipped, st.ActiveCallers)
				}
			})
		}
	}
}

// flagNumbers renders flags as sorted "number kind" lines.
func flagNumbers(fs []ringfence.Flag) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Number + " " + string(f.Kind)
	}
	sort.Strings(out)
	return out
}

// symmetricDiff counts the lines in one of a and b but not the other.
func symmetricDiff(a, b []string) int {
	in := map[string]int{}
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		in[s]--
	}
	n := 0
	for _, v := range in {
		n += max(v, -v)
	}
	return n
}

func diff(t *testing.T, a, b []string) {
	t.Helper()
	in := map[string]int{}
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		in[s]--
	}
	n := 0
	for s, c := range in {
		if c != 0 && n < 10 {
			t.Errorf("  %+d %s", -c, s)
			n++
		}
	}
}

func TestOwner(t *testing.T) {
	counts := make([]int, 4)
	for k := uint64(8613800000000); k < 8613800004000; k++ {
		o := detect.Owner(k, 4)
		if o != detect.Owner(k, 4) || o < 0 || o >= 4 {
			t.Fatalf("Owner(%d, 4) = %d", k, o)
		}
		counts[o]++
	}
	for i, n := range counts {
		if n < 800 || n > 1200 {
			t.Errorf("partition %d owns %d of 4000 sequential numbers", i, n)
		}
	}
	if detect.Owner(8613800000000, 1) != 0 || detect.Owner(8613800000000, 0) != 0 {
		t.Error("one detector does not own every number")
	}
}

// BenchmarkPartition measures what one of two partitioned detectors does
// over a stream against one detector alone: the share of the work each of
// two workers has.
func BenchmarkPartition(b *testing.B) {
	calls := scenarios[0].run(2, 20000, 3).Calls
	emit := func(ringfence.Flag) {}
	for _, p := range []detect.Partition{{}, {Count: 2, Index: 0}} {
		b.Run(fmt.Sprintf("of%d", max(p.Count, 1)), func(b *testing.B) {
			for range b.N {
				cfg := detect.DefaultConfig()
				cfg.Partition = p
				d := detect.New(cfg)
				for i := 0; i < len(calls); i += 256 {
					d.ObserveCalls(calls[i:min(i+256, len(calls))], emit)
				}
			}
			b.ReportMetric(float64(len(calls))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
