package engine_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"ringfence"
	"ringfence/engine"
	"ringfence/reputation"
	"ringfence/screen"
)

// TestRulesConcurrentEntries: many entry changes at once, spread over eight
// nodes over one store, none of which holds the other's changes: every
// one succeeds (none is refused for a concurrent change) and none is lost.
func TestRulesConcurrentEntries(t *testing.T) {
	a, db := open(t, t.TempDir())
	nodes := []*engine.Engine{a}
	for range 7 {
		n, err := engine.Open(ctx, db, reputation.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	const sub = "13800138000"
	const adds = 60
	var wg sync.WaitGroup
	errs := make(chan error, 2*adds)
	for i := range adds {
		wg.Go(func() {
			_, err := nodes[i%len(nodes)].SetEntry(ctx, "n", sub, screen.Entry{Pattern: fmt.Sprintf("139%08d", i), Kind: screen.EntryBlock})
			if err != nil {
				errs <- fmt.Errorf("add %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	// Then half of them removed, again on both nodes, with adds between.
	for i := range adds {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = nodes[(i/2)%len(nodes)].RemoveEntry(ctx, "n", sub, fmt.Sprintf("139%08d", i))
			} else {
				_, err = nodes[(i/2)%len(nodes)].SetEntry(ctx, "n", sub, screen.Entry{Pattern: fmt.Sprintf("137%08d", i), Kind: screen.EntryAllow})
			}
			if err != nil {
				errs <- fmt.Errorf("change %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	stored, err := db.Rules(ctx, "+86"+sub)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, en := range stored.Entries {
		got = append(got, en.Pattern)
	}
	for i := range adds {
		if i%2 == 1 {
			want = append(want, fmt.Sprintf("+86139%08d", i), fmt.Sprintf("+86137%08d", i))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || stored.Version != 2*adds {
		t.Fatalf("stored %v version %d, want %v version %d", got, stored.Version, want, 2*adds)
	}
}

// TestReplaceRulesVersion: a version given for a subscriber without rules
// does not match (409); a negative one is invalid (400).
func TestReplaceRulesVersion(t *testing.T) {
	e, _ := open(t, t.TempDir())
	for _, tc := range []struct {
		version int64
		want    string
	}{
		{1, ringfence.ECONFLICT},
		{-1, ringfence.EINVALID},
		{0, ""},
		{2, ringfence.ECONFLICT},
		{1, ""},
	} {
		_, err := e.ReplaceRules(ctx, "op", "13700000001", &screen.Rules{Entries: []screen.Entry{}, Version: tc.version})
		if code := ringfence.ErrorCode(err); code != tc.want {
			t.Fatalf("version %d: %v, want %q", tc.version, err, tc.want)
		}
	}
}
