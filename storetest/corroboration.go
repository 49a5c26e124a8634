package storetest

import (
	"testing"
	"time"

	"ringfence"
)

// testCorroboratedTallies: a tally counts the current, uncleared reports
// of its category that call records confirmed; a reporter who changes
// their report moves their count with it; the count travels in the
// report event and is stored with the report.
func testCorroboratedTallies(t *testing.T, s ringfence.Store) {
	const n = "+8617100000077"
	with := func(r ringfence.Report, c ringfence.Corroboration) ringfence.Report { r.Corroboration = c; return r }
	steps := []struct {
		name string
		rs   []ringfence.Report
		want map[ringfence.Category][2]int // reporters, corroborated
	}{
		{"two confirmed, one unconfirmed, one unchecked", []ringfence.Report{
			with(report(n, "loan", "a", t0), ringfence.Confirmed),
			with(report(n, "loan", "b", t0), ringfence.Confirmed),
			with(report(n, "loan", "c", t0), ringfence.Unconfirmed),
			report(n, "sales", "d", t0),
		}, map[ringfence.Category][2]int{"loan": {3, 2}, "sales": {1, 0}}},
		{"a confirmed reporter changes category", []ringfence.Report{
			with(report(n, "sales", "a", t0.Add(time.Hour)), ringfence.Confirmed),
		}, map[ringfence.Category][2]int{"loan": {2, 1}, "sales": {2, 1}}},
		{"a confirmed report replaced by an unchecked one", []ringfence.Report{
			report(n, "loan", "b", t0.Add(2*time.Hour)),
		}, map[ringfence.Category][2]int{"loan": {2, 0}, "sales": {2, 1}}},
	}
	for _, st := range steps {
		out, err := s.AddReports(ctx, st.rs, unitBoost, fixedJudge(1))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		check := func(where string, ts []ringfence.Tally) {
			got := map[ringfence.Category][2]int{}
			for _, tl := range ts {
				got[tl.Category] = [2]int{tl.Reporters, tl.Corroborated}
			}
			if len(got) != len(st.want) {
				t.Errorf("%s: %s tallies %v, want %v", st.name, where, got, st.want)
			}
			for c, w := range st.want {
				if got[c] != w {
					t.Errorf("%s: %s tally %s = %v (reporters, corroborated), want %v", st.name, where, c, got[c], w)
				}
			}
		}
		check("returned", out[0].Tallies)
		stored, err := s.TallyOf(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		check("stored", stored)
		var last ringfence.Event
		if err := s.Events().Read(ctx, 0, func(e ringfence.Event) error { last = e; return nil }); err != nil {
			t.Fatal(err)
		}
		if last.Tallies == nil {
			t.Fatalf("%s: last event %+v has no tallies", st.name, last)
		}
		check("event", last.Tallies.Tallies)
	}
	// Clearing recounts from the reports that remain.
	later := report(n, "loan", "e", t0.Add(48*time.Hour))
	later.ReceivedAt = t0.Add(48 * time.Hour)
	if _, err := s.AddReports(ctx, []ringfence.Report{with(later, ringfence.Confirmed)}, unitBoost, fixedJudge(1)); err != nil {
		t.Fatal(err)
	}
	ts, err := s.ClearReports(ctx, n, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Category != "loan" || ts[0].Reporters != 1 || ts[0].Corroborated != 1 {
		t.Fatalf("after clearing: %+v, want loan with 1 reporter, 1 corroborated", ts)
	}
}
