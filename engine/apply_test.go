package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/engine"
	"ringfence/screen"
)

// TestFollowerCatchesUp runs two engines over one store: what one writes
// reaches the other's memory through the event log (CatchUp), by the same
// apply path the writer used, and applying the log again changes nothing.
func TestFollowerCatchesUp(t *testing.T) {
	v := newAtomicEnv(t)
	follower := reopen(t, v.db)
	if _, err := follower.Authenticate(ctx, v.secret); err != nil { // cached
		t.Fatal(err)
	}
	writes := []struct {
		name string
		act  func() error
	}{
		{"reports", func() error { return v.e.AddReports(ctx, reports("17100001234", "fraud", names("good", 6)...)) }},
		{"rules", func() error {
			_, err := v.e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: "95599", Kind: screen.EntryBlock})
			return err
		}},
		{"registry add", func() error { _, err := v.e.AddBusiness(ctx, "op", "95588", "工商银行"); return err }},
		{"registry remove", func() error { return v.e.RemoveBusiness(ctx, "op", v.bizID) }},
		{"appeal", func() error { _, err := v.e.DecideAppeal(ctx, "op", v.appeal, true, "checked"); return err }},
		{"key revoke", func() error { return v.e.RevokeKey(ctx, "op", v.keyID) }},
		{"flags", func() error {
			return v.e.ApplyFlags(ctx, []ringfence.Flag{{Number: "+8616500001111", Kind: ringfence.KindRobocall, Score: 0.95, FlaggedAt: v.e.Now(), Reasons: []string{"robocall pattern"}}})
		}},
		{"alias block strangers", func() error { _, err := v.e.SetBlockStrangers(ctx, "op", "", v.alias, true); return err }},
		{"pool add", func() error {
			_, _, err := v.e.AddAliasPool(ctx, "op", []string{"+8613900000021", "+8613900000022", "+8613900000023", "+8613900000024"}, time.Hour, 0.5)
			return err
		}},
		{"calls to a pool number", func() error { return callPool(v.e, "+8613900000021", alias.MaxQuarantineCalls+1) }},
	}
	for _, w := range writes {
		if err := w.act(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
	}
	before := follower.Position()
	if err := follower.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if follower.Position() <= before {
		t.Fatalf("position %d after catching up from %d", follower.Position(), before)
	}
	view := func(e *engine.Engine) string {
		s := ""
		for _, n := range []string{"17100001234", "95588", "95311000", appealed, "16500001111"} {
			vd := check(t, e, n, "")
			s += n + " " + string(vd.Action) + " " + string(vd.Category) + "\n"
			for _, r := range vd.ReasonStrings() {
				s += "  " + r + "\n"
			}
		}
		vd := check(t, e, "95599", ruled)
		s += "95599 for " + ruled + " " + string(vd.Action) + "\n"
		if b, err := e.Alias(v.alias); err == nil {
			s += "alias blocks strangers " + map[bool]string{true: "yes", false: "no"}[b.BlockStrangers] + "\n"
		}
		_, err := e.Authenticate(ctx, v.secret)
		s += "revoked key authenticates: " + map[bool]string{true: "yes", false: "no"}[err == nil] + "\n"
		s += fmt.Sprintf("pool %+v, null aliases %q\n", e.PoolStats(), e.NullAliases())
		return s
	}
	want := view(v.e)
	if got := view(follower); got != want {
		t.Fatalf("follower after CatchUp:\n%s\nwriter:\n%s", got, want)
	}
	// Re-applying the whole log changes nothing.
	if err := v.db.Events().Read(ctx, 0, func(ev ringfence.Event) error { follower.Apply(ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := view(follower); got != want {
		t.Fatalf("follower after re-applying the log:\n%s\nwriter:\n%s", got, want)
	}
}

// TestFollowerFollows runs a follower that applies the log as it grows: a
// rules change made through one engine reaches the other's verdicts.
func TestFollowerFollows(t *testing.T) {
	v := newAtomicEnv(t)
	follower := reopen(t, v.db)
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- follower.Follow(fctx) }()
	if _, err := v.e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: "95599", Kind: screen.EntryBlock}); err != nil {
		t.Fatal(err)
	}
	head, err := v.db.Events().Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for follower.Position() < head {
		if time.Now().After(deadline) {
			t.Fatalf("follower at %d, log at %d", follower.Position(), head)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if vd := check(t, follower, "95599", ruled); vd.Action != ringfence.Block {
		t.Fatalf("follower's verdict under the new rule: %s %q", vd.Action, vd.ReasonStrings())
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow after cancel: %v", err)
	}
}

// callPool routes n calls from a stranger to pool number num.
func callPool(e *engine.Engine, num string, n int) error {
	for i := range n {
		_, _, handled, err := e.RouteAlias(ctx, engine.AliasCall{Callee: num, Caller: fmt.Sprintf("+861390000%04d", 9000+i), At: e.Now()})
		if err != nil {
			return err
		}
		if !handled {
			return fmt.Errorf("%s: not a pool number", num)
		}
	}
	return nil
}
