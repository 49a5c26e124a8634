package storetest

import (
	"fmt"
	"io"
	"testing"
	"time"

	"ringfence"
	"ringfence/reputation"
)

// testRepeatedReports: a crowd report filed again as it stands (same
// reporter, number, category and time) changes nothing, whether filed with
// AddReports or imported again; a changed category replaces the report
// (latest wins) without a second count in the reporter's track; an
// official group's identical rows still count as complaints.
func testRepeatedReports(t *testing.T, s ringfence.Store) {
	tracks := map[string]reputation.Track{} // the last track the judge saw, by reporter
	judged, complaints := 0, 0
	judge := func(r ringfence.Report, tr reputation.Track, before []reputation.Tally) (float64, int) {
		judged++
		complaints = r.Complaints
		tracks[r.Reporter] = tr
		w := 1 + float64(tr.Agreed)
		for _, b := range before {
			if b.Reporters >= 2 {
				if b.Category == r.Category {
					return w, 1
				}
				return w, -1
			}
		}
		return w, 0
	}
	file := func(p string) []ringfence.Report {
		var rs []ringfence.Report
		for i := range 6 {
			rs = append(rs, report("+86"+p+"6600000003", "loan", fmt.Sprintf("%s-r%d", p, i), t0.Add(time.Duration(i)*time.Minute)))
		}
		return rs
	}
	importAll := func(t *testing.T, rs []ringfence.Report) {
		t.Helper()
		rs = append([]ringfence.Report(nil), rs...)
		i := 0
		next := func() (ringfence.Report, error) {
			if i == len(rs) {
				return ringfence.Report{}, io.EOF
			}
			i++
			return rs[i-1], nil
		}
		if _, err := s.(Importer).ImportReports(ctx, next, unitBoost, judge, func(int) ringfence.AuditEntry {
			return ringfence.AuditEntry{At: t0, Actor: "op", Action: "import reports"}
		}); err != nil {
			t.Fatal(err)
		}
	}
	addAll := func(t *testing.T, rs []ringfence.Report) {
		t.Helper()
		for k := range rs {
			if _, err := s.AddReports(ctx, append([]ringfence.Report(nil), rs[k]), unitBoost, judge); err != nil {
				t.Fatal(err)
			}
		}
	}
	state := func(num string) string {
		ts, err := s.TallyOf(ctx, num)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := s.CountReports(ctx)
		ev := 0
		if err := s.ReportEvents(ctx, t0.Add(-time.Hour), t0.Add(time.Hour), func(ringfence.ReportEvent) error { ev++; return nil }); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("tallies %v, %d reports, %d report events", ts, n, ev)
	}
	_, bulk := s.(Importer)
	for _, tt := range []struct {
		name  string
		p     string
		store func(*testing.T, []ringfence.Report)
	}{
		{"AddReports", "1", addAll},
		{"ImportReports", "2", importAll},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.p == "2" && !bulk {
				t.Skipf("%T has no ImportReports", s)
			}
			rs := file(tt.p)
			num := rs[0].Number
			tt.store(t, rs)
			first := state(num)
			// Again, twice, and once more within one call.
			judged = 0
			tt.store(t, rs)
			tt.store(t, append(rs[:2:2], rs...))
			if got := state(num); got != first {
				t.Fatalf("filed again: %s, was %s", got, first)
			}
			if judged != 0 {
				t.Fatalf("repeats weighed %d times", judged)
			}
			// The first reporter changes its mind, then reports another
			// number: its track counts one report, one agreement at most.
			changed := rs[0]
			changed.Category = "fraud"
			tt.store(t, []ringfence.Report{changed})
			ts, _ := s.TallyOf(ctx, num)
			if m := tallyMap(ts); m["fraud"].Reporters != 1 || m["loan"].Reporters != len(rs)-1 {
				t.Fatalf("after a changed category: %v", ts)
			}
			other := report("+86"+tt.p+"6600000004", "loan", rs[0].Reporter, t0)
			tt.store(t, []ringfence.Report{other})
			if tr := tracks[rs[0].Reporter]; tr.Reports != 1 {
				t.Fatalf("track after a changed report: %+v, want 1 report", tr)
			}
			// A group of official complainants: identical rows are
			// complaints, counted.
			ftc := report("+86"+tt.p+"6600000005", "robocall", "ftc:510", t0)
			ftc.Source = ringfence.SourceFTC
			tt.store(t, []ringfence.Report{ftc, ftc})
			if complaints != 2 {
				t.Fatalf("official complaints: %d, want 2", complaints)
			}
		})
	}
}
