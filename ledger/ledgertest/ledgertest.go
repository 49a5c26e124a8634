// Package ledgertest is the conformance suite of ledger storages: the same
// tests run over a ledger directory (package ledger) and over PostgreSQL
// (package postgres). A storage passes when a Log over it appends, reopens,
// proves and verifies exactly as over the directory.
package ledgertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
	"ringfence/ledger"
	"ringfence/trace"
)

// Harness opens the ledger under test.
type Harness struct {
	// Open opens a new, empty ledger for t as its writer and returns it
	// with a function that closes and reopens it (as its writer again).
	Open func(t *testing.T) (l *ledger.Log, reopen func() *ledger.Log)
	// Follower, when set, opens a second, read-only view of a ledger
	// that Open's writer appends to (shared storages).
	Follower func(t *testing.T, writer *ledger.Log) *ledger.Log
}

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func binding(i int) ledger.Entry {
	return ledger.Entry{Type: ledger.TypeAliasBinding, Time: t0.Add(time.Duration(i) * time.Second), AliasBinding: &ledger.AliasBinding{
		Alias: fmt.Sprintf("+8617000%06d", i), Subscriber: fmt.Sprintf("sub%d", i), Merchant: "m" + fmt.Sprint(i%7), Purpose: "alias",
	}}
}

func appendN(t *testing.T, l *ledger.Log, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		got, err := l.Append(context.Background(), binding(i))
		if err != nil {
			t.Fatal(err)
		}
		if got != int64(i) {
			t.Fatalf("append %d got index %d", i, got)
		}
	}
}

func export(t *testing.T, l *ledger.Log, id string, rows int) (trace.ExportRecord, []trace.Print) {
	t.Helper()
	fp, _ := trace.NewFingerprinter(l.FingerprintKey())
	prints := make([]trace.Print, rows)
	for i := range prints {
		prints[i] = fp.Record(fmt.Sprintf("+86139%08d", i), "", "")
	}
	return trace.ExportRecord{Disclosure: trace.Disclosure{Org: "bank", Recipient: "r-" + id, ExportID: id},
		Time: t0, Rows: rows, Canaries: []trace.Print{prints[3]}}, prints
}

// checkProofs checks inclusion proofs of some entries and the consistency
// of old with cp, all against the signed roots.
func checkProofs(t *testing.T, l *ledger.Log, old, cp ledger.Checkpoint) {
	t.Helper()
	parsed, err := ledger.ParseCheckpoint(cp.Note, l.Verifier())
	if err != nil || parsed.Size != cp.Size || parsed.Root != cp.Root {
		t.Fatalf("ParseCheckpoint = %+v, %v", parsed, err)
	}
	for _, i := range []int64{0, 1, old.Size - 1, old.Size, cp.Size - 1} {
		p, err := l.ProveInclusion(i, cp.Size)
		if err != nil {
			t.Fatal(err)
		}
		data, err := l.EntryData(i)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, cp.Size, cp.Root, i, tlog.RecordHash(data)); err != nil {
			t.Fatalf("inclusion of %d in %d: %v", i, cp.Size, err)
		}
		other, _ := l.EntryData((i + 1) % cp.Size)
		if tlog.CheckRecord(p, cp.Size, cp.Root, i, tlog.RecordHash(other)) == nil {
			t.Fatalf("inclusion proof of %d accepts another entry", i)
		}
	}
	tp, err := l.ProveConsistency(old.Size, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(tp, cp.Size, cp.Root, old.Size, old.Root); err != nil {
		t.Fatalf("consistency of %d with %d: %v", old.Size, cp.Size, err)
	}
	if tlog.CheckTree(tp, cp.Size, cp.Root, old.Size, cp.Root) == nil {
		t.Fatal("consistency proof accepts a wrong old root")
	}
	if _, err := l.ProveInclusion(cp.Size+7, cp.Size); err == nil {
		t.Fatal("proof of an entry beyond the tree")
	}
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	ctx := context.Background()
	t.Run("AppendReopenProveVerify", func(t *testing.T) {
		l, reopen := h.Open(t)
		appendN(t, l, 0, 37)
		old, err := l.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		appendN(t, l, 37, 5)
		l = reopen()
		defer l.Close()
		if l.Size() != 42 {
			t.Fatalf("size after reopen = %d, want 42", l.Size())
		}
		e, err := l.Entry(40)
		if err != nil || e.AliasBinding.Alias != binding(40).AliasBinding.Alias || !e.Time.Equal(binding(40).Time) {
			t.Fatalf("entry 40 = %+v, %v", e, err)
		}
		cps := l.Checkpoints()
		if len(cps) != 2 || cps[1].Size != 42 {
			t.Fatalf("checkpoints after reopen: %d, last %+v; want 2, the last of 42 entries (signed at close)", len(cps), cps[len(cps)-1])
		}
		checkProofs(t, l, old, cps[1])
		appendN(t, l, 42, 3)
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Entries != 45 || rep.Checkpoints != 2 || rep.Types[ledger.TypeAliasBinding] != 45 {
			t.Fatalf("report = %+v", rep)
		}
		if _, err := l.Entry(45); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
			t.Fatalf("entry past the end: %v", err)
		}
	})
	t.Run("GroupCommit", func(t *testing.T) {
		l, _ := h.Open(t)
		defer l.Close()
		var wg sync.WaitGroup
		seen := make([]int64, 8*25)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for j := 0; j < 25; j++ {
					i, err := l.Append(ctx, binding(g*25+j))
					if err != nil {
						t.Error(err)
						return
					}
					seen[g*25+j] = i
				}
			}(g)
		}
		wg.Wait()
		got := map[int64]bool{}
		for _, i := range seen {
			got[i] = true
		}
		if len(got) != 200 || l.Size() != 200 {
			t.Fatalf("200 appends took %d distinct indexes; size %d", len(got), l.Size())
		}
		if _, err := l.Verify(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ExportsCasesAttachments", func(t *testing.T) {
		l, reopen := h.Open(t)
		rec, prints := export(t, l, "x1", 50)
		i, err := l.AppendExport(ctx, rec, prints)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.AppendExport(ctx, rec, prints); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
			t.Fatalf("duplicate export id: %v", err)
		}
		bad, badPrints := export(t, l, "x2", 5)
		if _, err := l.AppendExport(ctx, bad, badPrints[:4]); err == nil {
			t.Fatal("an export with fewer prints than rows was recorded")
		}
		c := &trace.Case{ID: "case-20250314-0001", Time: t0, Found: trace.FoundSummary{SHA256: "sha256:00", Rows: 3},
			Attribution: &trace.Attribution{}}
		ci, err := l.RecordCase(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		l = reopen()
		defer l.Close()
		refs, _ := l.Exports()
		if len(refs) != 1 || refs[0].Entry != i || refs[0].Rows != 50 || refs[0].Recipient != "r-x1" {
			t.Fatalf("Exports = %+v", refs)
		}
		b, err := l.Prints("x1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if pl, err := trace.DecodePrints(b); err != nil || pl.Len() != 50 || !pl.Contains(prints[7]) {
			t.Fatalf("print list: %v", err)
		}
		data, at, err := l.Case(c.ID)
		if err != nil || at != ci || len(data) == 0 {
			t.Fatalf("Case = %d bytes at %d, %v", len(data), at, err)
		}
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.PrintLists != 1 || rep.Cases != 1 || len(rep.Orphans) != 0 {
			t.Fatalf("report = %+v: want one print list, one case, no orphans (a refused export stores nothing)", rep)
		}
	})
	if h.Follower == nil {
		return
	}
	t.Run("Follower", func(t *testing.T) {
		w, _ := h.Open(t)
		defer w.Close()
		appendN(t, w, 0, 10)
		f := h.Follower(t, w)
		defer f.Close()
		if f.Size() != 10 {
			t.Fatalf("follower size %d, want 10", f.Size())
		}
		if _, err := f.Append(ctx, binding(10)); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
			t.Fatalf("append on a follower: %v; want unavailable", err)
		}
		rec, prints := export(t, w, "x9", 20)
		i, err := w.AppendExport(ctx, rec, prints)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := w.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := f.ExportEntry("x9"); !ok || got != i {
			t.Fatalf("follower: export x9 at %d, %v; want %d", got, ok, i)
		}
		fcp, err := f.Checkpoint()
		if err != nil || fcp.Size != cp.Size || fcp.Root != cp.Root {
			t.Fatalf("follower checkpoint %+v, %v; want the writer's of %d entries", fcp, err, cp.Size)
		}
		checkProofs(t, f, ledger.Checkpoint{Size: 1, Root: mustRoot(t, w, 1)}, cp)
		if _, err := f.Verify(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func mustRoot(t *testing.T, l *ledger.Log, size int64) tlog.Hash {
	t.Helper()
	h, err := l.TreeHash(size)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
