package engine_test

import (
	"slices"
	"testing"

	"ringfence"
	"ringfence/engine"
	"ringfence/reputation"
	"ringfence/screen"
)

// TestRulesNoLostUpdate runs two engines over one store, as two nodes of a
// cluster whose second has not yet applied the first's change: an entry
// added on each keeps both (the second write is refused by the store,
// made again on the stored document, and stored); a whole document based
// on an old version is refused with ECONFLICT, one based on the current
// version (or on none) replaces it.
func TestRulesNoLostUpdate(t *testing.T) {
	a, db := open(t, t.TempDir())
	b, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	const sub, x, y = "13800138000", "13912345678", "13987654321"
	if _, err := a.SetEntry(ctx, "a", sub, screen.Entry{Pattern: x, Kind: screen.EntryBlock}); err != nil {
		t.Fatal(err)
	}
	r, err := b.SetEntry(ctx, "b", sub, screen.Entry{Pattern: y, Kind: screen.EntryBlock})
	if err != nil {
		t.Fatalf("second node's entry: %v", err)
	}
	patterns := func(r *screen.Rules) []string {
		var ps []string
		for _, e := range r.Entries {
			ps = append(ps, e.Pattern)
		}
		slices.Sort(ps)
		return ps
	}
	want := []string{"+86" + x, "+86" + y}
	if got := patterns(r); !slices.Equal(got, want) || r.Version != 2 {
		t.Fatalf("rules after an entry on each node: %v version %d, want %v version 2", got, r.Version, want)
	}
	stored, err := db.Rules(ctx, "+86"+sub)
	if err != nil || !slices.Equal(patterns(stored), want) {
		t.Fatalf("stored rules %v (%v), want %v", stored, err, want)
	}

	// Node a still holds version 1; a document based on it is refused on
	// either node, with nothing written.
	for _, tc := range []struct {
		name    string
		e       *engine.Engine
		version int64
		want    string
		stored  int64
	}{
		{"stale version on the stale node", a, 1, ringfence.ECONFLICT, 2},
		{"stale version on the current node", b, 1, ringfence.ECONFLICT, 2},
		{"current version on the stale node", a, 2, "", 3},
		{"no version", b, 0, "", 4},
	} {
		doc := &screen.Rules{Subscriber: "+86" + sub, Entries: []screen.Entry{{Pattern: x, Kind: screen.EntryAllow}}, Version: tc.version}
		r, err := tc.e.ReplaceRules(ctx, "op", sub, doc)
		if code := ringfence.ErrorCode(err); code != tc.want {
			t.Fatalf("%s: %v, want %q", tc.name, err, tc.want)
		}
		got, _ := db.Rules(ctx, "+86"+sub)
		if got.Version != tc.stored {
			t.Fatalf("%s: stored version %d, want %d", tc.name, got.Version, tc.stored)
		}
		if err == nil && r.Version != tc.stored {
			t.Fatalf("%s: answered version %d, want %d", tc.name, r.Version, tc.stored)
		}
	}
}
