package engine_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
)

// Crowd reports checked against the call records the engine observed, end
// to end over SQLite: a report about a number that really called the
// reporter counts CorroboratedBoost times more and the verdict says it was
// confirmed; one about a number that never called a covered reporter
// counts UncorroboratedFactor; a reporter the records never saw, or known
// by no number, keeps the usual weight. The counts reach a second node
// through the event log and survive a restart; the sketch does not, and
// until it holds the lookback again nothing is counted against a report.
func TestReportsCheckedAgainstCallRecords(t *testing.T) {
	e, db := open(t, t.TempDir())
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	e.Now = func() time.Time { return now }

	const (
		spammer  = "+8617100000001" // called the subscribers
		stranger = "+8617100000002" // called nobody
		caller   = "+8617100000003" // called one subscriber once
		sub      = "+8613800000001" // a subscriber with a key
		phoneSub = "+8613800000002" // a subscriber who reports by number
		unseen   = "+8613800000003" // a subscriber the records never saw
	)
	key := func(role ringfence.Role, subscriber string) string {
		_, k, err := e.CreateKey(ctx, "op", role, subscriber, "")
		if err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	subKey, unseenKey, appKey := key(ringfence.RoleSubscriber, sub), key(ringfence.RoleSubscriber, unseen), key(ringfence.RoleReporter, "")

	// Three weeks of records: a call a day between two other numbers, up
	// to a few minutes ago; the spammer called both subscribers.
	var cdrs []ringfence.CallRecord
	for d := 20; d >= 0; d-- {
		cdrs = append(cdrs, ringfence.CallRecord{Caller: 8613900000001, Callee: 8613900000002, Start: now.Add(-time.Duration(d)*24*time.Hour - 5*time.Minute).Unix(), Duration: 60, Answered: true})
		if d == 9 {
			cdrs = append(cdrs, ringfence.CallRecord{Caller: 8617100000003, Callee: 8613800000001, Start: now.Add(-9*24*time.Hour + time.Hour).Unix()})
		}
		if d == 3 {
			cdrs = append(cdrs,
				ringfence.CallRecord{Caller: 8617100000001, Callee: 8613800000001, Start: now.Add(-72 * time.Hour).Unix(), Duration: 20, Answered: true},
				ringfence.CallRecord{Caller: 8617100000001, Callee: 8613800000002, Start: now.Add(-71 * time.Hour).Unix()})
		}
	}
	if _, err := e.Observe(ctx, cdrs); err != nil {
		t.Fatal(err)
	}

	// A second node over the same log, started before the reports.
	follower := reopen(t, db)
	base := reputationWeight(e)
	cfg := e.Config()
	hourAgo := now.Add(-time.Hour)
	tests := []struct {
		name     string
		number   string
		reporter string
		calledAt time.Time
		want     ringfence.Corroboration
		weight   float64
	}{
		{"called the reporter: confirmed", spammer, subKey, hourAgo, ringfence.Confirmed, base * cfg.CorroboratedBoost},
		{"called the reporter, unanswered, 9 days before", caller, subKey, time.Time{}, ringfence.Confirmed, base * cfg.CorroboratedBoost},
		{"never called a covered reporter", stranger, subKey, hourAgo, ringfence.Unconfirmed, base * cfg.UncorroboratedFactor},
		{"reporter given by number, called", spammer, phoneSub, time.Time{}, ringfence.Confirmed, base * cfg.CorroboratedBoost},
		{"reporter given by number, in national form", stranger, "13800000002", hourAgo, ringfence.Unconfirmed, base * cfg.UncorroboratedFactor},
		{"reported call newer than the records", caller, phoneSub, now.Add(-time.Minute), ringfence.NotCorroborated, base},
		{"reporter the records never saw", spammer, unseenKey, hourAgo, ringfence.NotCorroborated, base},
		{"reporter with no number", spammer, appKey, hourAgo, ringfence.NotCorroborated, base},
		{"reporter name that is no number", spammer, "alice", hourAgo, ringfence.NotCorroborated, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.Report(ctx, ringfence.Report{Number: tt.number, Category: "sales", Reporter: tt.reporter, CalledAt: tt.calledAt})
			if err != nil {
				t.Fatal(err)
			}
			if r.Corroboration != tt.want || math.Abs(r.Weight-tt.weight) > 1e-9 {
				t.Errorf("report: %q weight %v, want %q weight %v", r.Corroboration, r.Weight, tt.want, tt.weight)
			}
		})
	}
	// An official feed is never scaled, even from a covered number.
	if r, err := e.Report(ctx, ringfence.Report{Number: stranger, Category: "sales", Reporter: "ftc:138", Source: ringfence.SourceFTC}); err != nil || r.Corroboration != "" || r.Weight != cfg.SourceWeights[ringfence.SourceFTC] {
		t.Errorf("feed report: %+v, %v", r, err)
	}

	confirmed := func(e *engine.Engine, number, want string) {
		t.Helper()
		v := check(t, e, number, sub)
		if got := strings.Join(v.ReasonStrings(), "; "); !strings.Contains(got, want) {
			t.Errorf("verdict on %s: %q, want it to contain %q", number, got, want)
		}
	}
	// The spammer: 5 reports, 2 confirmed; the stranger: none confirmed.
	confirmed(e, spammer, "sales 5 (2 confirmed by call records)")
	confirmed(e, caller, "crowd reports: sales 2 (1 confirmed by call records)")
	confirmed(e, stranger, "crowd reports: sales 3 (")
	if v := check(t, e, stranger, sub); strings.Contains(strings.Join(v.ReasonStrings(), ";"), "confirmed") {
		t.Errorf("stranger's verdict claims confirmation: %v", v.ReasonStrings())
	}

	// The count travels with the tallies in the report events.
	if err := follower.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	confirmed(follower, spammer, "sales 5 (2 confirmed by call records)")

	// After a restart the counts are still there (they are the tallies'),
	// but the sketch is empty: a new report is not counted against.
	e2 := reopen(t, db)
	e2.Now = func() time.Time { return now.Add(time.Minute) }
	confirmed(e2, spammer, "sales 5 (2 confirmed by call records)")
	r, err := e2.Report(ctx, ringfence.Report{Number: stranger, Category: "loan", Reporter: phoneSub, CalledAt: hourAgo})
	if err != nil {
		t.Fatal(err)
	}
	if r.Corroboration != ringfence.NotCorroborated {
		t.Errorf("after a restart, with no records yet: %q", r.Corroboration)
	}
	if st := e2.CorroborationStats(); st.Items != 0 {
		t.Errorf("sketch after restart holds %d items", st.Items)
	}
	if st := e.CorroborationStats(); st.Days != 21 || st.Bytes == 0 {
		t.Errorf("sketch stats %+v, want 21 days", st)
	}
}

// reputationWeight is the weight of a crowd reporter with no record.
func reputationWeight(e *engine.Engine) float64 {
	return e.Config().ReporterWeight(ringfence.Track{})
}
