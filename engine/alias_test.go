package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/engine"
	"ringfence/evidence"
	"ringfence/ledger"
	"ringfence/reputation"
	"ringfence/trace"
)

// withLedger opens a ledger in dir/ledger and connects it to e.
func withLedger(t *testing.T, e *engine.Engine, dir string) *ledger.Log {
	t.Helper()
	l, err := ledger.Open(filepath.Join(dir, "ledger"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	e.SetDisclosures(ledger.NewDisclosures(l))
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

// TestIssueOrderShuffled: a pool is a block of consecutive numbers; the
// numbers issued from it are not the block's first ones in order, so a
// sequential dialler cannot walk from one issued number to the next.
func TestIssueOrderShuffled(t *testing.T) {
	dir := t.TempDir()
	e, _ := open(t, dir)
	withLedger(t, e, dir)
	nums := addPool(t, e, 200)
	x := e.NewIssue("test", "bank")
	got, err := x.Canaries(ctx, 20, trace.Disclosure{Org: "bank", Recipient: "r", ExportID: "x1"})
	if err != nil {
		t.Fatal(err)
	}
	x.Abort()
	sorted := slices.Sorted(slices.Values(got))
	if slices.Equal(got, sorted) || slices.Equal(sorted, nums[:20]) {
		t.Fatalf("numbers issued in order: %v", got)
	}
	if n := e.IssuableAliases(); n != 200 {
		t.Fatalf("an aborted issue left %d of 200 numbers free", n)
	}
}

// TestAliasQuotas: one organisation's canaries are bounded by its quota,
// one subscriber's aliases by the cap; each refusal is a conflict and
// reserves nothing.
func TestAliasQuotas(t *testing.T) {
	dir := t.TempDir()
	e, _ := open(t, dir)
	withLedger(t, e, dir)
	addPool(t, e, 40)
	e.SetAliasLimits(engine.AliasLimits{OrgCanaryQuota: 5, SubscriberAliasCap: 2})
	d := trace.Disclosure{Org: "bank", Recipient: "r", ExportID: "x1"}
	x := e.NewIssue("test", "bank")
	if _, err := x.Canaries(ctx, 4, d); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Canaries(ctx, 2, d); ringfence.ErrorCode(err) != ringfence.ECONFLICT || !strings.Contains(err.Error(), "quota of 5") {
		t.Fatalf("canaries over the quota: %v", err)
	}
	x.Abort()
	for i := range 2 {
		if _, err := e.NewAlias(ctx, "test", "+8613800138000", fmt.Sprint("shop", i), nil, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.NewAlias(ctx, "test", "+8613800138000", "shop3", nil, false); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("a third alias over a cap of 2: %v", err)
	}
	if n := e.IssuableAliases(); n != 38 {
		t.Fatalf("%d numbers free, want 38", n)
	}
}

// TestSequentialDiallerIsNoLeak: a caller flagged for dialling in sequence
// calls an alias: the call is recorded, marked, and its evidence claims
// no leak (likelihood ratio 1).
func TestSequentialDiallerIsNoLeak(t *testing.T) {
	dir := t.TempDir()
	e, _ := open(t, dir)
	l := withLedger(t, e, dir)
	addPool(t, e, 3)
	b, err := e.NewAlias(ctx, "test", "+8613800138000", "某4S店", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	at := e.Now().Add(48 * time.Hour)
	if err := e.ApplyFlags(ctx, []ringfence.Flag{{Number: "+8617012345678", Kind: ringfence.KindTelemarketing, Score: 0.9, FlaggedAt: at.Add(-time.Hour),
		Reasons: []string{"900 calls in 24 h to 850 people", "84% of numbers dialled in sequence"}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		caller     string
		sequential bool
	}{{"+8617012345678", true}, {"+8613912345678", false}} {
		d, ev, _, err := e.RouteAlias(ctx, engine.AliasCall{Callee: b.Alias, Caller: tc.caller, At: at})
		if err != nil || ev.LedgerIndex < 0 || ev.Sequential != tc.sequential {
			t.Fatalf("%s: %+v %v", tc.caller, ev, err)
		}
		// The answer agrees with the ledger and the bundle: recorded, and
		// claimed as a leak only when the caller is no sequential dialler.
		unclaimed := strings.Contains(d.Reason, "recorded, but not claimed as a leak") && strings.Contains(d.Reason, "sequential blocks")
		if d.Leak == tc.sequential || unclaimed != tc.sequential || tc.sequential && strings.Contains(d.Reason, "leaked") {
			t.Fatalf("%s: decision %+v", tc.caller, d)
		}
		entry, err := l.Entry(ev.LedgerIndex)
		if err != nil || entry.LeakEvent.SequentialDialler != tc.sequential {
			t.Fatalf("%s: ledger entry %+v %v", tc.caller, entry, err)
		}
		if lr := evidence.LeakLog10(entry.LeakEvent, b.CreatedAt); (lr == 0) != tc.sequential {
			t.Fatalf("%s: likelihood ratio 10^%g", tc.caller, lr)
		}
		bundle, err := evidence.ExportWith(l, evidence.LeakCaseID(ev.LedgerIndex), func(i int64) (string, error) { return e.LeakCaller(ctx, i) })
		if err != nil {
			t.Fatal(err)
		}
		res, err := evidence.Verify(bundle, l.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		if claims := strings.Contains(res.Statement, "dialling numbers in sequence") && strings.Contains(res.Statement, "not claimed as a leak"); claims != tc.sequential {
			t.Fatalf("%s: statement:\n%s", tc.caller, res.Statement)
		}
	}
}

// TestReconcileAfterCrash: the store and the ledger are written one after
// the other; a crash between them leaves store rows without a ledger
// index. At start they are reconciled: a binding or call the ledger holds
// gets its index, one it lacks is appended, and a binding made for an
// export the ledger never recorded is undone.
func TestReconcileAfterCrash(t *testing.T) {
	dir := t.TempDir()
	e, db := open(t, dir)
	l := withLedger(t, e, dir)
	addPool(t, e, 10)
	now := e.Now()
	// The crash windows, written as a crash would leave them.
	bs := []*alias.Binding{
		{Alias: "+8617100000001", Purpose: alias.PurposeAlias, Subscriber: "+8613800138000", Merchant: "in-ledger", CreatedAt: now, LedgerIndex: -1, MerchantNumbers: []string{}},
		{Alias: "+8617100000002", Purpose: alias.PurposeAlias, Subscriber: "+8613800138001", Merchant: "not-in-ledger", CreatedAt: now, LedgerIndex: -1, MerchantNumbers: []string{}},
		{Alias: "+8617100000003", Purpose: alias.PurposeCanary, ExportID: "x-never", Org: "bank", Merchant: "r", CreatedAt: now, LedgerIndex: -1, MerchantNumbers: []string{}, BlockStrangers: true},
	}
	if err := db.BindAliases(ctx, bs, nil); err != nil {
		t.Fatal(err)
	}
	inLedger, err := l.BindAlias(ctx, ledger.AliasBinding{Alias: bs[0].Alias, Subscriber: l.Fingerprint("subscriber", bs[0].Subscriber), Merchant: "in-ledger", Purpose: "alias"}, now)
	if err != nil {
		t.Fatal(err)
	}
	// A stranger's call recorded in the ledger, its index never stored.
	at := now.Add(time.Hour).Truncate(time.Millisecond)
	ev := engine.AliasEvent{At: at, Alias: bs[0].Alias, Caller: "+8617012345678", Outcome: alias.Stranger, Merchant: "in-ledger", LedgerIndex: -1}
	if err := db.AddAliasEvent(ctx, &ev); err != nil {
		t.Fatal(err)
	}
	leakAt, err := ledger.NewDisclosures(l).Leaked(ctx, alias.Binding{Alias: bs[0].Alias, Merchant: "in-ledger", LedgerIndex: inLedger}, ev)
	if err != nil {
		t.Fatal(err)
	}
	size := l.Size()

	// Restart.
	e2, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	e2.SetDisclosures(ledger.NewDisclosures(l))
	r, err := e2.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r != (engine.Reconciled{Indexed: 2, Appended: 1, Released: 1}) {
		t.Fatalf("reconciled %+v", r)
	}
	if b, err := e2.Alias(bs[0].Alias); err != nil || b.LedgerIndex != inLedger {
		t.Fatalf("binding in the ledger: %+v %v", b, err)
	}
	if b, err := e2.Alias(bs[1].Alias); err != nil || b.LedgerIndex != size {
		t.Fatalf("binding missing from the ledger, appended at %d: %+v %v", size, b, err)
	}
	if _, err := e2.Alias(bs[2].Alias); err == nil {
		t.Fatal("the canary of an export that never completed is still bound")
	}
	if n := e2.IssuableAliases(); n != 8 {
		t.Fatalf("%d numbers free, want 8 (the canary back in the pool)", n)
	}
	evs, _ := e2.AliasEvents(ctx, bs[0].Alias)
	if len(evs) != 1 || evs[0].LedgerIndex != leakAt {
		t.Fatalf("call in the ledger at %d: %+v", leakAt, evs)
	}
	if l.Size() != size+1 {
		t.Fatalf("ledger grew from %d to %d entries; want one appended binding", size, l.Size())
	}
	// A second start has nothing to do.
	if r, err := e2.Reconcile(ctx); err != nil || r != (engine.Reconciled{}) {
		t.Fatalf("second reconcile: %+v %v", r, err)
	}
}

// TestReconcileAfterKeyRotation: the ledger's key is rotated by closing its
// epoch and starting an empty ledger (docs/deploy.md). Aliases bound in
// the closed one are recorded again in the new one when it is reconciled,
// so that a stranger's call to them is still a leak in the ledger, and
// one bound in the new ledger at an index an old alias had keeps its own.
func TestReconcileAfterKeyRotation(t *testing.T) {
	dir := t.TempDir()
	e, db := open(t, dir)
	old := withLedger(t, e, filepath.Join(dir, "epoch1"))
	addPool(t, e, 10)
	var bs []alias.Binding
	for i, m := range []string{"shopA", "shopB"} {
		b, err := e.NewAlias(ctx, "test", fmt.Sprintf("+861380013800%d", i), m, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	old.Close()

	// The new epoch: an empty ledger, where a new alias takes index 0.
	e.SetDisclosures(nil)
	l := withLedger(t, e, filepath.Join(dir, "epoch2"))
	r, err := e.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r != (engine.Reconciled{Rebound: 2}) {
		t.Fatalf("reconciled %+v, want the two aliases of the closed ledger recorded again", r)
	}
	fresh, err := e.NewAlias(ctx, "test", "+8613800138009", "shopC", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range append(bs, fresh) {
		_, ev, _, err := e.RouteAlias(ctx, engine.AliasCall{Callee: b.Alias, Caller: "+8617012345678", Answered: true})
		if err != nil || ev.LedgerIndex < 0 {
			t.Fatalf("a stranger's call to %s (%s): %v, ledger entry %d", b.Alias, b.Merchant, err, ev.LedgerIndex)
		}
	}
	// Reconciling again changes nothing; a restart neither.
	e2, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	e2.SetDisclosures(ledger.NewDisclosures(l))
	if r, err := e2.Reconcile(ctx); err != nil || r != (engine.Reconciled{}) {
		t.Fatalf("reconciled again: %+v %v", r, err)
	}
}
