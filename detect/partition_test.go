package detect_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"ringfence"
	"ringfence/detect"
	"ringfence/number"
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

// Detectors given only their calls by a Router raise exactly the flags
// (scores, times, reasons, campaigns) and keep exactly the counters of
// partitioned detectors given every call, also with a zero-key row, a
// call to oneself and a stream that starts with either.
func TestRouterSameAsEveryCall(t *testing.T) {
	for _, sc := range scenarios {
		for _, count := range []int{2, 5} {
			t.Run(fmt.Sprintf("%s/%d", sc.name, count), func(t *testing.T) {
				days, subs := 2, 3000
				if testing.Short() {
					days, subs = 1, 2000
				}
				calls := sc.run(days, subs, 9).Calls
				first := calls[0]
				odd := []ringfence.CallRecord{
					{Caller: first.Caller, Callee: first.Caller, Start: first.Start - 5},
					{Caller: 0, Callee: first.Callee, Start: first.Start - 4},
					{Caller: first.Caller, Callee: 0, Start: first.Start + 7200},
				}
				calls = append(odd, calls...)
				router := detect.NewRouter(count)
				batches := make([][]detect.Routed, count)
				for j, c := range calls {
					router.Route(c, batches)
					if j%1000 == 999 || j == len(calls)-1 {
						router.End(batches)
					}
				}
				routed := 0
				for i := range count {
					cfg := detect.DefaultConfig()
					cfg.Partition = detect.Partition{Count: count, Index: i}
					every, given := detect.New(cfg), detect.New(cfg)
					var want, got []string
					for j := 0; j < len(calls); j += 256 {
						every.ObserveCalls(calls[j:min(j+256, len(calls))], func(f ringfence.Flag) { want = append(want, fmt.Sprintf("%+v", f)) })
					}
					b := batches[i]
					routed += len(b)
					for j := 0; j < len(b); j += 300 {
						given.ObserveRouted(b[j:min(j+300, len(b))], func(f ringfence.Flag) { got = append(got, fmt.Sprintf("%+v", f)) })
					}
					if len(want) == 0 && i == 0 {
						t.Errorf("partition %d raised no flags to compare", i)
					}
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("partition %d: %d flags given its calls, %d given every call", i, len(got), len(want))
						diff(t, want, got)
					}
					ws, gs := every.Stats(), given.Stats()
					ws.CallerBytes, gs.CallerBytes = 0, 0
					if fmt.Sprint(ws) != fmt.Sprint(gs) {
						t.Errorf("partition %d: stats %+v given its calls, %+v given every call", i, gs, ws)
					}
				}
				// Each call goes to its caller's and its callee's owner,
				// and a few ticks to the others; so does every call to a
				// service line (who may be called back is every
				// detector's business).
				service := 0
				for _, c := range calls {
					if info, err := number.Parse(number.FromKey(c.Callee)); err == nil && (info.Type == number.Service || info.Type == number.TollFree) {
						service++
					}
				}
				if service == 0 && sc.name == "alt" {
					t.Error("no call to a service line")
				}
				if routed > len(calls)*2+(len(calls)/1000+service)*count+count || routed < len(calls) {
					t.Errorf("%d calls (%d to service lines) routed as %d", len(calls), service, routed)
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
