package alt

import (
	"ringfence"

	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"ringfence/cdr"
	"ringfence/simulate"
)

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Days: 2, Subscribers: 1500, Seed: 4}
	a, b := Generate(cfg), Generate(cfg)
	if len(a.Calls) == 0 || !slices.Equal(a.Calls, b.Calls) || !slices.Equal(a.Truth, b.Truth) {
		t.Fatalf("same config, different output: %d and %d calls", len(a.Calls), len(b.Calls))
	}
	if c := Generate(Config{Days: 2, Subscribers: 1500, Seed: 5}); slices.Equal(c.Calls, a.Calls) {
		t.Error("another seed gave the same calls")
	}
}

func TestPopulation(t *testing.T) {
	res := Generate(Config{Days: 3, Subscribers: 3000, Seed: 1})
	classes := map[string]int{}
	for _, tr := range res.Truth {
		classes[tr.Class]++
	}
	for _, class := range []string{
		simulate.ClassOrdinary, ClassFamily, ClassHeavyUser, ClassNightShift, simulate.ClassCourier,
		simulate.ClassRider, simulate.ClassServiceCentre, simulate.ClassCallbackLine, simulate.ClassTelemarketing,
		simulate.ClassRobocall, simulate.ClassDebt, simulate.ClassBombingTarget,
	} {
		if classes[class] == 0 {
			t.Errorf("no %s in the population: %v", class, classes)
		}
	}
}

func TestDisorderAndDuplicates(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		sorted     bool
		duplicates bool
	}{
		{"as logged", Config{Days: 1, Subscribers: 2000, Seed: 2}, false, true},
		{"clean", Config{Days: 1, Subscribers: 2000, Seed: 2, Disorder: -1, Duplicates: -1}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Generate(tt.cfg)
			var newest int64
			sorted, dups := true, 0
			seen := map[ringfence.CallRecord]bool{}
			for _, c := range res.Calls {
				if c.Start < newest {
					sorted = false
				}
				if newest-c.Start > int64((3*time.Minute)/time.Second) {
					t.Fatalf("call %+v logged %d s after a later one, beyond the disorder", c, newest-c.Start)
				}
				newest = max(newest, c.Start)
				if seen[c] {
					dups++
				}
				seen[c] = true
				if !c.Answered && c.Duration != 0 {
					t.Fatalf("unanswered call with talk time: %+v", c)
				}
			}
			if sorted != tt.sorted || (dups > 0) != tt.duplicates {
				t.Errorf("sorted %v, %d duplicates; want sorted %v, duplicates %v", sorted, dups, tt.sorted, tt.duplicates)
			}
		})
	}
}

// A robocall platform dials at an exact interval, round-robin over its
// numbers: each number's calls are a whole number of periods apart.
func TestRobocallsAtExactIntervals(t *testing.T) {
	res := Generate(Config{Days: 1, Subscribers: 4000, Seed: 3, Duplicates: -1})
	robots := map[uint64]bool{}
	for _, tr := range res.Truth {
		if tr.Class == simulate.ClassRobocall {
			robots[key(t, tr.Number)] = true
		}
	}
	starts := map[uint64][]int64{}
	for _, c := range res.Calls {
		if robots[c.Caller] {
			starts[c.Caller] = append(starts[c.Caller], c.Start)
		}
	}
	if len(starts) == 0 {
		t.Fatal("no robocalls")
	}
	for n, s := range starts {
		slices.Sort(s)
		period := s[1] - s[0]
		for i := 2; i < len(s); i++ {
			if gap := s[i] - s[i-1]; gap <= 0 || gap%period != 0 {
				t.Fatalf("%d: gap %d s is not a multiple of the period %d s", n, gap, period)
			}
		}
	}
}

// Call bombing comes from many distinct callback lines within minutes.
func TestBombingFromCallbackLines(t *testing.T) {
	res := Generate(Config{Days: 2, Subscribers: 3000, Seed: 6})
	class := map[uint64]string{}
	var victims []simulate.Truth
	for _, tr := range res.Truth {
		class[key(t, tr.Number)] = tr.Class
		if tr.Class == simulate.ClassBombingTarget {
			victims = append(victims, tr)
		}
	}
	if len(victims) == 0 {
		t.Fatal("no call bombing")
	}
	for _, v := range victims {
		k, start := key(t, v.Number), v.FirstCall.Unix()
		lines := map[uint64]bool{}
		for _, c := range res.Calls {
			if c.Callee == k && c.Start >= start && c.Start < start+15*60 && class[c.Caller] == simulate.ClassCallbackLine {
				lines[c.Caller] = true
			}
		}
		if len(lines) < 100 {
			t.Errorf("%s: bombed by %d callback lines within 15 min, want at least 100", v.Number, len(lines))
		}
	}
}

// The CSV mixes UTC and China Standard Time and reads back exactly.
func TestWriteCSVReadsBack(t *testing.T) {
	res := Generate(Config{Days: 1, Subscribers: 800, Seed: 8})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, res.Calls); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if !strings.Contains(text, "Z,") || !strings.Contains(text, "+08:00,") {
		t.Fatalf("times are not mixed UTC and +08:00:\n%s", text[:min(len(text), 400)])
	}
	rd := cdr.NewReader(strings.NewReader(text), cdr.Auto)
	var got []ringfence.CallRecord
	for {
		r, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		got = append(got, r)
	}
	if !slices.Equal(got, res.Calls) {
		t.Fatalf("read back %d calls, wrote %d, or they differ", len(got), len(res.Calls))
	}
}

func key(t *testing.T, e164 string) uint64 {
	t.Helper()
	var k uint64
	for _, c := range e164[1:] {
		k = k*10 + uint64(c-'0')
	}
	return k
}

func TestSectors(t *testing.T) {
	res := Generate(Config{Days: 2, Subscribers: 3000, Seed: 5})
	want := map[string][]string{
		simulate.ClassTelemarketing: {simulate.SectorDecoration, simulate.SectorLoans, simulate.SectorInsurance, simulate.SectorRealEstate},
		simulate.ClassRobocall:      {simulate.SectorRobocall},
		simulate.ClassDebt:          {simulate.SectorDebt},
		simulate.ClassBombingTarget: {simulate.SectorCallBombing},
	}
	seen := map[string]bool{}
	for _, tr := range res.Truth {
		ok, abusive := want[tr.Class]
		if !abusive {
			if tr.Sector != "" {
				t.Errorf("%s %s: sector %s", tr.Class, tr.Number, tr.Sector)
			}
			continue
		}
		if !slices.Contains(ok, tr.Sector) {
			t.Errorf("%s %s: sector %q", tr.Class, tr.Number, tr.Sector)
		}
		seen[tr.Class] = true
	}
	if len(seen) != len(want) {
		t.Errorf("abusive classes seen: %v", seen)
	}
}
