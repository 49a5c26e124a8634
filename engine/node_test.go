package engine_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/screen"
)

// TestNodeFollows runs a node over the store another engine writes: the
// other's rule change reaches the node's memory through Run, and the
// node's LogStatus then shows it caught up; after Run ends it no longer
// follows.
func TestNodeFollows(t *testing.T) {
	v := newAtomicEnv(t)
	n := engine.NewNode(reopen(t, v.db), slog.New(slog.DiscardHandler))
	if _, _, following, failure := n.LogStatus(); following || failure == "" {
		t.Fatalf("before Run: following %v, failure %q; want not following", following, failure)
	}
	snap, loaded := n.Snapshot()
	if snap != n.Position() || time.Since(loaded) > time.Minute {
		t.Fatalf("Snapshot %d at %v; want the position at open, %d, just now", snap, loaded, n.Position())
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- n.Run(rctx) }()
	tests := []string{"95599", "95598", "4001234567"}
	for _, pattern := range tests {
		stored, err := engine.Pattern(pattern) // +8695599
		if err != nil {
			t.Fatal(err)
		}
		if hasEntry(n.Engine, stored) {
			t.Fatalf("the node has %s before the write", stored)
		}
		if _, err := v.e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: pattern, Kind: screen.EntryBlock}); err != nil {
			t.Fatal(err)
		}
		pattern := stored
		deadline := time.Now().Add(10 * time.Second)
		for !hasEntry(n.Engine, pattern) {
			if time.Now().After(deadline) {
				r, _ := n.Rules(ruled)
				pos, head, following, failure := n.LogStatus()
				t.Fatalf("rule entry %s did not reach the node within 10 s: %+v; position %d head %d following %v failure %q", pattern, r.Entries, pos, head, following, failure)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		pos, head, following, failure := n.LogStatus()
		if following && failure == "" && pos == head && pos == v.e.Position() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("LogStatus: position %d, head %d, following %v, failure %q; want caught up at %d", pos, head, following, failure, v.e.Position())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if pos, _ := n.Snapshot(); pos != snap || pos == n.Position() {
		t.Fatalf("Snapshot position %d after following to %d; want the open's %d still", pos, n.Position(), snap)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run after cancel: %v", err)
	}
	if _, _, following, _ := n.LogStatus(); following {
		t.Fatal("following after Run ended")
	}
}

// TestNodeStopsWhenTrimmed: a node whose next events were trimmed from the
// log cannot catch up; Run returns ECONFLICT instead of retrying for ever.
func TestNodeStopsWhenTrimmed(t *testing.T) {
	v := newAtomicEnv(t)
	n := engine.NewNode(reopen(t, v.db), slog.New(slog.DiscardHandler))
	for _, pattern := range []string{"95599", "95598", "95597"} {
		if _, err := v.e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: pattern, Kind: screen.EntryBlock}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.db.Events().Trim(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := n.Run(rctx); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("Run over a trimmed log: %v, want a conflict", err)
	}
	if _, _, following, failure := n.LogStatus(); following || failure == "" {
		t.Fatalf("after Run: following %v, failure %q", following, failure)
	}
}

func hasEntry(e *engine.Engine, pattern string) bool {
	r, err := e.Rules(ruled)
	if err != nil {
		return false
	}
	for _, en := range r.Entries {
		if en.Pattern == pattern {
			return true
		}
	}
	return false
}

// TestApplySkipsWhatMemoryHas: an event at or before Position is already
// in memory; applied again (a follower that read a node's own write before
// the write moved Position, and waited for the lock while a later write of
// the same subscriber applied) it must not bring back the older state.
func TestApplySkipsWhatMemoryHas(t *testing.T) {
	v := newAtomicEnv(t)
	var first ringfence.Event
	from := v.e.Position()
	for _, pattern := range []string{"95599", "95598"} {
		if _, err := v.e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: pattern, Kind: screen.EntryBlock}); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.db.Events().Read(ctx, from, func(ev ringfence.Event) error {
		if ev.Type == ringfence.EventRules && first.Type == "" {
			first = ev
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if first.Position == 0 || first.Position > v.e.Position() {
		t.Fatalf("first rules event %d, position %d", first.Position, v.e.Position())
	}
	v.e.Apply(first)
	if !hasEntry(v.e, "+8695598") {
		r, _ := v.e.Rules(ruled)
		t.Fatalf("applying event %d again (position %d) brought back older rules: %+v", first.Position, v.e.Position(), r.Entries)
	}
}
