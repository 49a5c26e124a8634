package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ringfence/engine"
	"ringfence/ledger"
)

// withLedger opens a ledger in dir/ledger and connects it to e.
func withLedger(t *testing.T, e *engine.Engine, dir string) *ledger.Log {
	t.Helper()
	l, err := ledger.Open(filepath.Join(dir, "ledger"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	e.SetDisclosures(engine.LedgerDisclosures(l))
	return l
}

func addPool(t *testing.T, e *engine.Engine, n int) []string {
	t.Helper()
	nums := make([]string, n)
	for i := range nums {
		nums[i] = fmt.Sprintf("+86171000%05d", i)
	}
	if _, _, err := e.AddAliasPool(ctx, "test", nums, 0, 0); err != nil {
		t.Fatal(err)
	}
	return nums
}

// TestLedgerHoldsNoCallerInClear: a stranger's call on an alias is a leak
// event in the ledger, but the caller's number is there only as a keyed
// fingerprint; the database keeps it in clear.
func TestLedgerHoldsNoCallerInClear(t *testing.T) {
	dir := t.TempDir()
	e, _ := open(t, dir)
	l := withLedger(t, e, dir)
	addPool(t, e, 5)
	b, err := e.NewAlias(ctx, "test", "+8613800138000", "某4S店", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	callers := []string{"+8617012345678", "+862087654321"}
	for _, c := range callers {
		_, ev, _, err := e.RouteAlias(ctx, engine.AliasCall{Callee: b.Alias, Caller: c, At: e.Now().Add(time.Hour)})
		if err != nil || ev.LedgerIndex < 0 {
			t.Fatalf("leak from %s: entry %d, %v", c, ev.LedgerIndex, err)
		}
	}
	if _, err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "ledger", "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // a directory
		}
		for _, c := range append(callers, "+8613800138000") {
			for _, form := range []string{c, c[3:]} {
				if bytes.Contains(data, []byte(form)) {
					t.Errorf("%s holds %s in clear", filepath.Base(f), form)
				}
			}
		}
	}
	evs, err := e.AliasEvents(ctx, b.Alias)
	if err != nil || len(evs) != 2 || evs[0].Caller != callers[0] {
		t.Fatalf("the database lost the caller: %+v %v", evs, err)
	}
}
