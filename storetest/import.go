package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/reputation"
)

// Importer is the optional bulk path of a ReportStore (engine.ReportImporter):
// a file of reports in one transaction, ending as AddReports report by
// report would.
type Importer interface {
	ImportReports(ctx context.Context, next func() (ringfence.Report, error), boost func(ringfence.Report) float64, judge ringfence.Judge, audit func(n int) ringfence.AuditEntry) ([]ringfence.NumberTallies, error)
}

// testImportReports checks a store's ImportReports against its AddReports: the
// same reports, imported in one call into one half of the store (numbers
// and reporters of namespace "b") and added one by one into the other
// ("a"), over the same stored state beforehand (including a cleared
// report and official reports counting complaints), give the judge the
// same tracks and tallies-before report by report, and end with the same
// weights and tallies; the import's audit entry and one event per touched
// number commit with it; an import whose reader fails stores nothing.
func testImportReports(t *testing.T, s ringfence.Store) {
	im, ok := s.(Importer)
	if !ok {
		t.Skipf("%T has no ImportReports", s)
	}
	rng := rand.New(rand.NewPCG(14, 1))
	cats := []string{"fraud", "loan", "sales", "estate", "harass"}
	gen := func(n int, from time.Time) []ringfence.Report {
		var rs []ringfence.Report
		for i := range n {
			r := report(fmt.Sprintf("+86170000%05d", rng.IntN(40)), cats[rng.IntN(len(cats))], fmt.Sprintf("r%d", rng.IntN(12)), from.Add(time.Duration(i)*time.Minute))
			if rng.IntN(3) == 0 {
				r.Source = "ftc"
			}
			if rng.IntN(4) == 0 {
				r.Corroboration = ringfence.Confirmed
			}
			r.Note = fmt.Sprintf("note %d", i)
			rs = append(rs, r)
		}
		return rs
	}
	// ns moves a report into namespace p: its number's digits after +86
	// start with p's digit, its reporter with p.
	ns := func(p string, rs []ringfence.Report) []ringfence.Report {
		out := make([]ringfence.Report, len(rs))
		for i, r := range rs {
			d := map[string]string{"a": "1", "b": "2"}[p]
			r.Number = "+86" + d + r.Number[4:]
			r.Reporter = p + "-" + r.Reporter
			out[i] = r
		}
		return out
	}
	type call struct {
		track  reputation.Track
		before string
	}
	var calls []call
	judge := func(r ringfence.Report, tr reputation.Track, before []reputation.Tally) (float64, int) {
		calls = append(calls, call{tr, fmt.Sprint(before)})
		w := 1 + 0.25*float64(tr.Agreed) - 0.125*float64(tr.Disagreed) + 0.5*float64(r.Complaints)
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
	var boosted [][2]float64 // weight and complaints of each report weighed
	boost := func(r ringfence.Report) float64 {
		boosted = append(boosted, [2]float64{r.Weight, float64(r.Complaints)})
		return 1 + float64(r.ReportedAt.Sub(t0)/time.Hour)/7
	}

	// The state before: the same reports in both halves, then an appeal
	// clears one number's.
	pre := gen(150, t0)
	// Another reporter's report in the category of the report the appeal
	// clears, after it: it stays.
	stays := pre[0]
	stays.Reporter, stays.Source, stays.ReportedAt, stays.ReceivedAt = "r99", ringfence.SourceCrowd, t0.Add(2*time.Hour), t0.Add(2*time.Hour)
	pre = append(pre, stays)
	for _, p := range []string{"a", "b"} {
		if _, err := s.AddReports(ctx, ns(p, pre), boost, judge); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClearReports(ctx, ns(p, pre[:1])[0].Number, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	head0, err := s.Events().Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count0, _ := s.CountReports(ctx)
	file := gen(600, t0.Add(24*time.Hour))
	// The reporter of the cleared report reports the number again, as an
	// official feed twice (complaints counted), then in the crowd.
	for k, src := range []string{"ftc", "ftc", ringfence.SourceCrowd} {
		r := pre[0]
		r.Source, r.Category = src, ringfence.Category(cats[k])
		r.ReportedAt, r.ReceivedAt = file[k*100].ReportedAt, file[k*100].ReceivedAt
		file[k*100] = r
	}

	// A reader that fails after 400 reports: nothing is stored.
	b := ns("b", file)
	i := 0
	failing := func() (ringfence.Report, error) {
		if i == 400 {
			return ringfence.Report{}, errors.New("line 401: read error")
		}
		i++
		return b[i-1], nil
	}
	if _, err := im.ImportReports(ctx, failing, boost, judge, func(int) ringfence.AuditEntry {
		return ringfence.AuditEntry{At: t0, Actor: "op", Action: "import reports"}
	}); err == nil {
		t.Fatal("an import whose reader failed succeeded")
	}
	if head, _ := s.Events().Head(ctx); head != head0 {
		t.Fatalf("a failed import appended events: head %d, was %d", head, head0)
	}
	if n, _ := s.CountReports(ctx); n != count0 {
		t.Fatalf("a failed import stored reports: %d, was %d", n, count0)
	}
	if log, _ := s.AuditLog(ctx, 1); len(log) > 0 && log[0].Action == "import reports" {
		t.Fatal("a failed import left its audit entry")
	}

	// Row by row into a, one import into b.
	calls, boosted = nil, nil
	a := ns("a", file)
	for k := range a {
		if _, err := s.AddReports(ctx, a[k:k+1], boost, judge); err != nil {
			t.Fatal(err)
		}
	}
	rowCalls := calls
	head1, _ := s.Events().Head(ctx)
	calls = nil
	boosted = boosted[:len(file)]
	b = ns("b", file)
	i = 0
	next := func() (ringfence.Report, error) {
		if i == len(b) {
			return ringfence.Report{}, io.EOF
		}
		i++
		return b[i-1], nil
	}
	var audited int
	out, err := im.ImportReports(ctx, next, boost, judge, func(n int) ringfence.AuditEntry {
		audited = n
		return ringfence.AuditEntry{At: t0, Actor: "op", Action: "import reports", Target: "file.csv", Detail: fmt.Sprint(n)}
	})
	if err != nil {
		t.Fatal(err)
	}
	if audited != len(file) {
		t.Fatalf("audit entry made for %d reports, want %d", audited, len(file))
	}
	if log, _ := s.AuditLog(ctx, 1); len(log) != 1 || log[0].Action != "import reports" || log[0].Detail != fmt.Sprint(len(file)) {
		t.Fatalf("latest audit entry %+v, want the import's", log)
	}
	if len(calls) != len(rowCalls) {
		t.Fatalf("judge called %d times by the import, %d row by row", len(calls), len(rowCalls))
	}
	for k := range calls {
		got, want := calls[k], rowCalls[k]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("report %d: the import's judge saw %v, row by row %v", k, got, want)
		}
	}
	if len(boosted) != 2*len(file) {
		t.Fatalf("boost called %d times, want %d", len(boosted), 2*len(file))
	}
	for k := range file {
		if got, want := boosted[len(file)+k], boosted[k]; got != want {
			t.Fatalf("report %d: imported with weight and complaints %v, row by row %v", k, got, want)
		}
	}
	touched := map[string]bool{}
	for _, r := range b {
		touched[r.Number] = true
	}
	if len(out) != len(touched) {
		t.Fatalf("import returned the tallies of %d numbers, touched %d", len(out), len(touched))
	}
	for _, nt := range out {
		ta, err := s.TallyOf(ctx, "+861"+nt.Number[4:])
		if err != nil {
			t.Fatal(err)
		}
		tb, err := s.TallyOf(ctx, nt.Number)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ta) != fmt.Sprint(tb) || fmt.Sprint(nt.Tallies) != fmt.Sprint(tb) {
			t.Fatalf("%s: imported tallies %v (returned %v), row by row %v", nt.Number, tb, nt.Tallies, ta)
		}
	}
	var evs []ringfence.Event
	if err := s.Events().Read(ctx, head1, func(ev ringfence.Event) error { evs = append(evs, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(touched) {
		t.Fatalf("import appended %d events, want one per touched number (%d)", len(evs), len(touched))
	}
	for k, ev := range evs {
		if ev.Type != ringfence.EventReport || ev.Tallies == nil || fmt.Sprint(*ev.Tallies) != fmt.Sprint(out[k]) {
			t.Fatalf("event %d: %+v, want the tallies of %s", k, ev, out[k].Number)
		}
	}
	na, nb := 0, 0
	if err := s.ReportEvents(ctx, t0.Add(24*time.Hour), t0.Add(48*time.Hour), func(e ringfence.ReportEvent) error {
		if strings.HasPrefix(e.Number, "+861") {
			na++
		} else {
			nb++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if na != len(file) || nb != len(file) {
		t.Fatalf("report events: %d row by row, %d imported, want %d each", na, nb, len(file))
	}
}
