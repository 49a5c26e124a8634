package sip

import (
	"context"
	"fmt"
	"testing"

	"ringfence"
	"ringfence/engine"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/sqlite"
)

// Test numbers: the subscriber, and callers the seed makes allowed,
// labelled (crowd: loan) and blocked (crowd: sales, a category the
// subscriber blocks).
const (
	subscriber    = "+8613800138000"
	allowedCaller = "13912345678"
	loanCaller    = "17100001234"
	salesCaller   = "16512340000"
	blockedByRule = "17000000001"
)

// newEngine opens an engine over a fresh store seeded with the test numbers.
func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var rs []ringfence.Report
	for i := range 8 {
		rs = append(rs,
			ringfence.Report{Number: loanCaller, Category: "loan", Reporter: fmt.Sprintf("1390000%04d", i)},
			ringfence.Report{Number: salesCaller, Category: "sales", Reporter: fmt.Sprintf("1391111%04d", i)})
	}
	if err := e.AddReports(ctx, rs); err != nil {
		t.Fatal(err)
	}
	_, err = e.UpdateRules(ctx, "op", subscriber, func(r *screen.Rules) error {
		r.BlockedCategories = map[ringfence.Category]ringfence.Action{"sales": ringfence.Block}
		r.MinReportWeight = 1
		r.Entries = append(r.Entries, screen.Entry{Pattern: "+86" + blockedByRule, Kind: screen.EntryBlock})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestSeedVerdicts pins the verdicts the other tests and the SIPp
// injection files rely on.
func TestSeedVerdicts(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		caller, callee string
		action         ringfence.Action
		category       ringfence.Category
	}{
		{allowedCaller, subscriber, ringfence.Allow, ""},
		{loanCaller, subscriber, ringfence.Label, "loan"},
		{salesCaller, subscriber, ringfence.Block, "sales"},
		{blockedByRule, subscriber, ringfence.Block, ""},
		{loanCaller, "13900139000", ringfence.Allow, ""}, // others keep the default label weight
	}
	for _, tt := range tests {
		var v screen.Verdict
		if err := e.Check(&v, ringfence.CheckRequest{Caller: tt.caller, Callee: tt.callee}); err != nil {
			t.Fatal(err)
		}
		if v.Action != tt.action || v.Category != tt.category {
			t.Errorf("%s → %s: %s %q %q, want %s %q", tt.caller, tt.callee, v.Action, v.Category, v.ReasonStrings(), tt.action, tt.category)
		}
	}
}
