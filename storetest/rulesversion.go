package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"ringfence"
	"ringfence/screen"
)

// testRulesVersion: a rules document carries a version; PutRules based on
// the stored version stores the next one, and one based on any other is
// refused with ECONFLICT and writes nothing (no document, event or audit
// entry); of two writers based on the same version exactly one wins.
func testRulesVersion(t *testing.T, s ringfence.Store) {
	const sub = "+8613900000001"
	audit := ringfence.AuditEntry{At: t0, Actor: "op", Action: "rules.set"}
	doc := func(version int64, pattern string) *screen.Rules {
		return &screen.Rules{Subscriber: sub, Entries: []screen.Entry{{Pattern: pattern, Kind: "block"}},
			BlockedCategories: map[ringfence.Category]ringfence.Action{}, Version: version}
	}
	first := doc(0, "+8617000000001")
	if err := s.PutRules(ctx, first, audit); err != nil {
		t.Fatal(err)
	}
	if first.Version != 1 {
		t.Fatalf("first document stored as version %d, want 1", first.Version)
	}
	steps := []struct {
		name    string
		base    int64
		wantErr bool
		stored  int64 // the version stored after the step
	}{
		{"a new document where one is stored", 0, true, 1},
		{"based on the stored version", 1, false, 2},
		{"based on the version before", 1, true, 2},
		{"based on a version not reached", 7, true, 2},
		{"based on the stored version again", 2, false, 3},
	}
	for i, st := range steps {
		head, _ := s.Events().Head(ctx)
		log, _ := s.AuditLog(ctx, 100)
		r := doc(st.base, "+861700000010"+string(rune('0'+i)))
		err := s.PutRules(ctx, r, audit)
		if st.wantErr {
			if ringfence.ErrorCode(err) != ringfence.ECONFLICT {
				t.Fatalf("%s: %v, want ECONFLICT", st.name, err)
			}
			if h, _ := s.Events().Head(ctx); h != head {
				t.Fatalf("%s: a refused write appended an event", st.name)
			}
			if l, _ := s.AuditLog(ctx, 100); len(l) != len(log) {
				t.Fatalf("%s: a refused write left an audit entry", st.name)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		} else if r.Version != st.stored {
			t.Fatalf("%s: stored as version %d, want %d", st.name, r.Version, st.stored)
		}
		got, err := s.Rules(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != st.stored {
			t.Fatalf("%s: stored version %d, want %d", st.name, got.Version, st.stored)
		}
		if !st.wantErr && got.Entries[0].Pattern != r.Entries[0].Pattern {
			t.Fatalf("%s: stored %v, want the write's entry %s", st.name, got.Entries, r.Entries[0].Pattern)
		}
	}
	// The event of a write carries its version.
	var last ringfence.Event
	s.Events().Read(ctx, 0, func(ev ringfence.Event) error { last = ev; return nil })
	if last.Type != ringfence.EventRules || last.Rules.Version != 3 {
		t.Fatalf("last event %+v, want the rules at version 3", last)
	}

	// Two writers based on version 3 at once: one wins, one is refused.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.PutRules(ctx, doc(3, "+86170000002"+string(rune('0'+i))), audit)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch ringfence.ErrorCode(err) {
		case "":
			won++
		case ringfence.ECONFLICT:
		default:
			t.Fatalf("concurrent write: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d writers based on one version won, want exactly 1", won, len(errs))
	}
	if got, _ := s.Rules(ctx, sub); got.Version != 4 {
		t.Fatalf("after the race: version %d, want 4", got.Version)
	}
}

// testRulesManyAtOnce: writes of many subscribers' documents at once
// (which a store may commit together), some based on a version that is
// not the stored one: each right write stores its own document at the
// next version with one event (carrying that document, at a position of
// its own, which the write's context learns) and one audit entry; each
// wrong one is refused alone and leaves nothing.
func testRulesManyAtOnce(t *testing.T, s ringfence.Store) {
	const n = 64
	sub := func(i int) string { return fmt.Sprintf("+86139100%05d", i) }
	head, _ := s.Events().Head(ctx)
	before, _ := s.AuditLog(ctx, 1000)
	var wg sync.WaitGroup
	errs := make([]error, n)
	docs := make([]*screen.Rules, n)
	apps := make([]*ringfence.Appended, n)
	for i := range n {
		base := int64(0)
		if i%8 == 7 {
			base = 5 // no such version: refused
		}
		docs[i] = &screen.Rules{Subscriber: sub(i), Entries: []screen.Entry{{Pattern: fmt.Sprintf("+86170%08d", i), Kind: "block"}},
			BlockedCategories: map[ringfence.Category]ringfence.Action{}, Version: base}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var wctx context.Context
			wctx, apps[i] = ringfence.WithAppended(ctx)
			errs[i] = s.PutRules(wctx, docs[i], ringfence.AuditEntry{At: t0, Actor: "op", Action: "rules.set", Detail: fmt.Sprint(i)})
		}()
	}
	wg.Wait()
	positions := map[int64]int{}
	ok := 0
	for i := range n {
		refused := i%8 == 7
		switch {
		case refused && ringfence.ErrorCode(errs[i]) != ringfence.ECONFLICT:
			t.Fatalf("write %d based on a version never stored: %v, want ECONFLICT", i, errs[i])
		case refused:
			if _, err := s.Rules(ctx, sub(i)); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
				t.Fatalf("refused write %d stored a document (%v)", i, err)
			}
			if p := apps[i].Positions(); len(p) != 0 {
				t.Fatalf("refused write %d learnt positions %v", i, p)
			}
			continue
		case errs[i] != nil:
			t.Fatalf("write %d: %v", i, errs[i])
		}
		ok++
		if docs[i].Version != 1 {
			t.Fatalf("write %d: version %d, want 1", i, docs[i].Version)
		}
		got, err := s.Rules(ctx, sub(i))
		if err != nil || got.Version != 1 || got.Entries[0].Pattern != docs[i].Entries[0].Pattern {
			t.Fatalf("write %d: stored %+v, %v", i, got, err)
		}
		p := apps[i].Positions()
		if len(p) != 1 {
			t.Fatalf("write %d learnt positions %v, want one", i, p)
		}
		if j, dup := positions[p[0]]; dup {
			t.Fatalf("writes %d and %d both at position %d", j, i, p[0])
		}
		positions[p[0]] = i
	}
	if h, _ := s.Events().Head(ctx); h != head+int64(ok) {
		t.Fatalf("head %d → %d after %d writes stored, want one event each", head, h, ok)
	}
	if err := s.Events().Read(ctx, head, func(ev ringfence.Event) error {
		i, mine := positions[ev.Position]
		if !mine || ev.Type != ringfence.EventRules || ev.Rules == nil || ev.Rules.Subscriber != sub(i) || ev.Rules.Version != 1 {
			return fmt.Errorf("event at %d: %+v, want write %d's document", ev.Position, ev, i)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.AuditLog(ctx, 1000); len(after) != len(before)+ok {
		t.Fatalf("%d audit entries after %d writes stored, %d before", len(after), ok, len(before))
	}
}
