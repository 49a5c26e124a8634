package engine_test

import (
	"fmt"
	"testing"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// TestFutureFlagDoesNotExtendWindow: a flag dated years ahead counts from
// now, so an attack or a behaviour window ends on time.
func TestFutureFlagDoesNotExtendWindow(t *testing.T) {
	dir := t.TempDir()
	e, _ := open(t, dir)
	now := time.Now().UTC()
	e.Now = func() time.Time { return now }
	future := time.Date(2031, 6, 1, 9, 0, 0, 0, time.UTC)
	if err := e.ApplyFlags(ctx, []ringfence.Flag{
		{Number: "+8618347833398", Kind: ringfence.KindCallBombingTarget, Score: 1, FlaggedAt: future, Reasons: []string{"312 calls"}},
		{Number: "+8617012345678", Kind: ringfence.KindTelemarketing, Score: 1, FlaggedAt: future, Reasons: []string{"1,240 calls in 24 h"}},
	}); err != nil {
		t.Fatal(err)
	}
	attacked := func(v *screen.Verdict) bool {
		for _, r := range v.Reasons {
			if r.Code == screen.ReasonCalleeUnderAttack {
				return true
			}
		}
		return false
	}
	if v := check(t, e, "13912345678", "18347833398"); !attacked(v) {
		t.Fatalf("just flagged: not under attack: %+v", v)
	}
	e.Now = func() time.Time { return now.Add(3 * time.Hour) }
	if v := check(t, e, "13912345678", "18347833398"); attacked(v) {
		t.Errorf("3 h after a flag dated %s: still under attack: %+v", future, v)
	}
	e.Now = func() time.Time { return now.Add(31 * 24 * time.Hour) }
	if v := check(t, e, "17012345678", ""); v.Action != ringfence.Allow {
		t.Errorf("31 days after a flag dated %s: %s %+v", future, v.Action, v.Reasons)
	}
}

// TestFlagNeverDatedAfterApplied: call records up to ClockSkew ahead of
// the engine's clock raise flags dated no later than the moment they are
// applied, both as returned and as stored.
func TestFlagNeverDatedAfterApplied(t *testing.T) {
	dir := t.TempDir()
	e, db := open(t, dir)
	now := time.Now().UTC().Truncate(time.Millisecond)
	e.Now = func() time.Time { return now }
	var cdrs []ringfence.CallRecord
	start := now.Add(4 * time.Minute)
	for i := 0; i < 400; i++ {
		caller, callee := 10+i%10, 1000+i
		ck, _ := number.Key(fmt.Sprintf("+86170000000%02d", caller))
		ek, _ := number.Key(fmt.Sprintf("+861391234%04d", callee))
		cdrs = append(cdrs, ringfence.CallRecord{
			Caller: ck,
			Callee: ek,
			Start:  start.Add(time.Duration(i) * 100 * time.Millisecond).Unix(),
		})
	}
	flags, err := e.Observe(ctx, cdrs)
	if err != nil {
		t.Fatal(err)
	}
	if len(flags) == 0 {
		t.Fatal("no flags raised")
	}
	for _, f := range flags {
		if f.FlaggedAt.After(now) {
			t.Errorf("returned: %s flagged at %s, after now %s", f.Number, f.FlaggedAt.Format(time.RFC3339), now.Format(time.RFC3339))
		}
	}
	db.Flags(ctx, func(f ringfence.Flag) error {
		if f.FlaggedAt.After(now) {
			t.Errorf("stored: %s flagged at %s, after now %s", f.Number, f.FlaggedAt.Format(time.RFC3339), now.Format(time.RFC3339))
		}
		return nil
	})
}
