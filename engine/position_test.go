package engine_test

import (
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/screen"
)

// TestWriterPositionFollowsItsWrites checks that an engine's own writes
// move its log position over the events they appended, so that CatchUp on
// the writing node starts after them; and that when another writer's event
// comes between, the position waits for CatchUp, which then applies both.
func TestWriterPositionFollowsItsWrites(t *testing.T) {
	v := newAtomicEnv(t)
	head := func() int64 {
		t.Helper()
		h, err := v.db.Events().Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if p, h := v.e.Position(), head(); p != h {
		t.Fatalf("after its set-up writes the writer is at %d, the log at %d", p, h)
	}
	writes := []struct {
		name string
		act  func(e *engine.Engine) error
	}{
		{"reports", func(e *engine.Engine) error {
			return e.AddReports(ctx, reports("17100001234", "fraud", names("good", 6)...))
		}},
		{"rules", func(e *engine.Engine) error {
			_, err := e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: "95599", Kind: screen.EntryBlock})
			return err
		}},
		{"registry add", func(e *engine.Engine) error { _, err := e.AddBusiness(ctx, "op", "95588", "工商银行"); return err }},
		{"registry remove", func(e *engine.Engine) error { return e.RemoveBusiness(ctx, "op", v.bizID) }},
		{"appeal", func(e *engine.Engine) error {
			_, err := e.DecideAppeal(ctx, "op", v.appeal, true, "checked")
			return err
		}},
		{"key revoke", func(e *engine.Engine) error { return e.RevokeKey(ctx, "op", v.keyID) }},
		{"flags", func(e *engine.Engine) error {
			return e.ApplyFlags(ctx, []ringfence.Flag{{Number: "+8616500001111", Kind: ringfence.KindRobocall, Score: 0.95, FlaggedAt: e.Now()}})
		}},
		{"alias block strangers", func(e *engine.Engine) error { _, err := e.SetBlockStrangers(ctx, "op", "", v.alias, true); return err }},
		{"pool add", func(e *engine.Engine) error {
			_, _, err := e.AddAliasPool(ctx, "op", []string{"+8613900000031", "+8613900000032"}, time.Hour, 0)
			return err
		}},
		{"call to a pool number", func(e *engine.Engine) error { return callPool(e, "+8613900000031", 1) }},
		{"alias", func(e *engine.Engine) error {
			_, err := e.NewAlias(ctx, "op", "13800138001", "某店", nil, false)
			return err
		}},
	}
	for _, w := range writes {
		before := head()
		if err := w.act(v.e); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		h := head()
		if h == before {
			t.Fatalf("%s appended no event", w.name)
		}
		if p := v.e.Position(); p != h {
			t.Fatalf("%s: the writer is at %d, its event at %d", w.name, p, h)
		}
	}

	// Another writer's event comes between: the position waits for it.
	other := reopen(t, v.db)
	at := v.e.Position()
	if _, err := other.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: "95566", Kind: screen.EntryBlock}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.e.AddBusiness(ctx, "op", "95577", "华夏银行"); err != nil {
		t.Fatal(err)
	}
	if p := v.e.Position(); p != at {
		t.Fatalf("with another writer's event unapplied the writer moved from %d to %d", at, p)
	}
	if err := v.e.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if p, h := v.e.Position(), head(); p != h {
		t.Fatalf("after CatchUp the writer is at %d, the log at %d", p, h)
	}
	if vd := check(t, v.e, "95566", ruled); vd.Action != ringfence.Block {
		t.Fatalf("the other writer's rule did not reach the writer: %s %q", vd.Action, vd.ReasonStrings())
	}
	if vd := check(t, v.e, "95577", ""); len(vd.Reasons) == 0 || vd.Reasons[0].Code != screen.ReasonVerifiedBusiness {
		t.Fatalf("the writer's own registry entry was lost: %q", vd.ReasonStrings())
	}
}
