package postgres_test

import (
	"context"
	"testing"
	"time"

	"ringfence"
	"ringfence/ledger"
	"ringfence/ledger/ledgertest"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
)

func testKeys(t *testing.T) ledger.Keys {
	t.Helper()
	kf, err := ledger.NewKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ledger.ParseKeyFile(kf)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// openLedger opens the ledger of the store at url as its writer.
func openLedger(t *testing.T, url string, k ledger.Keys) *ledger.Log {
	t.Helper()
	st := open(t, url).Ledger()
	if err := st.CheckKeys(ctx, k); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.TakeLease(ctx); !ok || err != nil {
		t.Fatalf("take the ledger lease: %v, %v", ok, err)
	}
	l, err := ledger.OpenStorage(st, k, ledger.Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Lead(); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLedgerConformance runs the ledger storage suite over PostgreSQL.
func TestLedgerConformance(t *testing.T) {
	urls := map[*ledger.Log]string{}
	keys := map[*ledger.Log]ledger.Keys{}
	ledgertest.Run(t, ledgertest.Harness{
		Open: func(t *testing.T) (*ledger.Log, func() *ledger.Log) {
			url, k := pgtest.URL(t), testKeys(t)
			l := openLedger(t, url, k)
			urls[l], keys[l] = url, k
			return l, func() *ledger.Log {
				if err := l.Close(); err != nil {
					t.Fatal(err)
				}
				l = openLedger(t, url, k)
				return l
			}
		},
		Follower: func(t *testing.T, w *ledger.Log) *ledger.Log {
			k := keys[w]
			k.Signer = "" // a reader needs no signer key
			f, err := ledger.OpenStorage(open(t, urls[w]).Ledger(), k, ledger.Options{CheckpointEvery: -1})
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
	})
}

// TestLedgerLease checks the writer's lease: one holder at a time, a
// second node takes it once the first's session ends, and continues the
// same tree; a node with other keys is refused.
func TestLedgerLease(t *testing.T) {
	url, k := pgtest.URL(t), testKeys(t)
	a := open(t, url).Ledger()
	b := open(t, url).Ledger()
	if err := b.CheckKeys(ctx, testKeys(t)); err != nil {
		t.Fatal(err) // the first keys registered
	}
	if err := a.CheckKeys(ctx, k); ringfence.ErrorCode(err) != ringfence.EINVALID {
		t.Fatalf("other keys than the ledger's: %v; want invalid", err)
	}
	url2 := pgtest.URL(t)
	a, b = open(t, url2).Ledger(), open(t, url2).Ledger()
	for _, s := range []*postgres.LedgerStorage{a, b} {
		if err := s.CheckKeys(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := a.TakeLease(ctx); !ok || err != nil {
		t.Fatalf("a takes the lease: %v %v", ok, err)
	}
	if ok, err := b.TakeLease(ctx); ok || err != nil {
		t.Fatalf("b takes a held lease: %v %v", ok, err)
	}
	la, err := ledger.OpenStorage(a, k, ledger.Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := la.Lead(); err != nil {
		t.Fatal(err)
	}
	lb, err := ledger.OpenStorage(b, k, ledger.Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer lb.Close()
	for i := 0; i < 5; i++ {
		if _, err := la.Append(ctx, ledger.Entry{Type: ledger.TypeAliasRelease, Time: time.Now(), AliasRelease: &ledger.AliasRelease{Alias: "+8617000000001"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := lb.Append(ctx, ledger.Entry{Type: ledger.TypeAliasRelease, Time: time.Now(), AliasRelease: &ledger.AliasRelease{Alias: "+8617000000001"}}); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		t.Fatalf("append without the lease: %v", err)
	}
	// a's session ends (its node died): b takes over and continues.
	a.DropLease()
	if _, err := la.Append(ctx, ledger.Entry{Type: ledger.TypeAliasRelease, Time: time.Now(), AliasRelease: &ledger.AliasRelease{Alias: "+8617000000001"}}); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		t.Fatalf("append after the lease went: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := b.TakeLease(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b never took the lease")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := lb.Lead(); err != nil {
		t.Fatal(err)
	}
	i, err := lb.Append(context.Background(), ledger.Entry{Type: ledger.TypeAliasRelease, Time: time.Now(), AliasRelease: &ledger.AliasRelease{Alias: "+8617000000002"}})
	if err != nil || i != 5 {
		t.Fatalf("b appends at %d, %v; want 5", i, err)
	}
	if _, err := lb.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	la.Close()
}

// BenchmarkLedgerAppendGroup measures group-committed ledger appends into
// PostgreSQL from 64 appenders (pgtest's throwaway server runs without
// fsync: compare with ledger's BenchmarkAppendGroup as a ratio only on a
// server configured as in production).
func BenchmarkLedgerAppendGroup(b *testing.B) {
	url, k := pgtest.URL(b), ledger.Keys{}
	kf, _ := ledger.NewKeyFile()
	k, _ = ledger.ParseKeyFile(kf)
	st, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ls := st.Ledger()
	if err := ls.CheckKeys(ctx, k); err != nil {
		b.Fatal(err)
	}
	if ok, err := ls.TakeLease(ctx); !ok || err != nil {
		b.Fatal(ok, err)
	}
	l, err := ledger.OpenStorage(ls, k, ledger.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	if err := l.Lead(); err != nil {
		b.Fatal(err)
	}
	e := ledger.Entry{Type: ledger.TypeAliasBinding, Time: time.Now(), AliasBinding: &ledger.AliasBinding{
		Alias: "+8617000000001", Subscriber: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Merchant: "shop", Purpose: "alias"}}
	b.ResetTimer()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Append(context.Background(), e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestLedgerReaderOutage: a node that reads the ledger others write, asked
// for an entry or a case it has not read yet while PostgreSQL is down,
// answers unavailable (a client retries), not "no such entry".
func TestLedgerReaderOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL")
	}
	srv := pgtest.Own(t)
	k := testKeys(t)
	w := openLedger(t, srv.URL(), k)
	r, err := ledger.OpenStorage(open(t, srv.URL()).Ledger(), k, ledger.Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	r.Follow(ringfence.Errorf(ringfence.EUNAVAILABLE, "reader"))
	i, err := w.BindAlias(ctx, ledger.AliasBinding{Alias: "+8617100000001", Subscriber: w.Fingerprint("subscriber", "+8613800138000"), Merchant: "m", Purpose: "alias"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	defer srv.Start(t)
	if _, err := r.Entry(i); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		t.Errorf("entry %d, written, unread, PostgreSQL down: %v; want unavailable", i, err)
	}
	if _, _, err := r.Case("case-1"); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		t.Errorf("a case not read, PostgreSQL down: %v; want unavailable", err)
	}
	if _, err := r.Exports(); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		t.Errorf("the exports, PostgreSQL down: %v; want unavailable", err)
	}
}
