package postgres_test

import (
	"context"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/ledger"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/trace"
)

// outageCall is one call of a store method while PostgreSQL is down.
type outageCall struct {
	name string // "Store.Rules", "EventLog.Head", "LedgerStorage.Entry"
	call func(context.Context) error
}

// noStoreCall are the exported methods that do not talk to PostgreSQL
// (they hand out parts of the store, or only let go of resources).
var noStoreCall = []string{"Store.Close", "Store.Events", "Store.Ledger", "LedgerStorage.Close", "LedgerStorage.DropLease", "LedgerStorage.Shared"}

// outageCalls calls every exported method of s, of its event log and of
// its ledger storage that talks to PostgreSQL (k: the ledger's keys). lease is a ledger storage
// that took the writer's lease before the outage (its appends run on the
// lease's own connection); fresh is one that holds no lease.
func outageCalls(s *postgres.Store, lease, fresh *postgres.LedgerStorage, k ledger.Keys) []outageCall {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	audit := ringfence.AuditEntry{At: at, Actor: "operator", Action: "test.outage", Target: "t"}
	auditOf := func(ringfence.Appeal) ringfence.AuditEntry { return audit }
	judge := func(ringfence.Report, reputation.Track, []reputation.Tally) (float64, int) { return 1, 0 }
	boost := func(ringfence.Report) float64 { return 1 }
	report := ringfence.Report{Number: "17100005678", Reporter: "r1", Category: "fraud", Source: ringfence.SourceCrowd, ReportedAt: at, ReceivedAt: at}
	ev := s.Events()
	var rec ledger.Record
	rec.Data = []byte("entry")
	return []outageCall{
		// Reads.
		{"Store.Rules", func(ctx context.Context) error { _, err := s.Rules(ctx, "13800138000"); return err }},
		{"Store.AllRules", func(ctx context.Context) error { return s.AllRules(ctx, func(*screen.Rules) error { return nil }) }},
		{"Store.Businesses", func(ctx context.Context) error { _, err := s.Businesses(ctx); return err }},
		{"Store.Appeal", func(ctx context.Context) error { _, err := s.Appeal(ctx, 1); return err }},
		{"Store.Appeals", func(ctx context.Context) error { _, err := s.Appeals(ctx, ""); return err }},
		{"Store.KeyByHash", func(ctx context.Context) error { _, err := s.KeyByHash(ctx, []byte("h")); return err }},
		{"Store.Keys", func(ctx context.Context) error { _, err := s.Keys(ctx); return err }},
		{"Store.AuditLog", func(ctx context.Context) error { _, err := s.AuditLog(ctx, 10); return err }},
		{"Store.Flags", func(ctx context.Context) error { return s.Flags(ctx, func(ringfence.Flag) error { return nil }) }},
		{"Store.FlagsBetween", func(ctx context.Context) error {
			return s.FlagsBetween(ctx, at, at.Add(time.Hour), func(ringfence.Flag) error { return nil })
		}},
		{"Store.Calls", func(ctx context.Context) error {
			return s.Calls(ctx, at, at.Add(time.Hour), func(ringfence.CallEvent) error { return nil })
		}},
		{"Store.TallyOf", func(ctx context.Context) error { _, err := s.TallyOf(ctx, report.Number); return err }},
		{"Store.Tallies", func(ctx context.Context) error {
			return s.Tallies(ctx, func(string, []reputation.Tally) error { return nil })
		}},
		{"Store.ReportEvents", func(ctx context.Context) error {
			return s.ReportEvents(ctx, at, at.Add(time.Hour), func(ringfence.ReportEvent) error { return nil })
		}},
		{"Store.CountReports", func(ctx context.Context) error { _, err := s.CountReports(ctx); return err }},
		{"Store.Pool", func(ctx context.Context) error { return s.Pool(ctx, func(alias.PoolNumber) error { return nil }) }},
		{"Store.Bindings", func(ctx context.Context) error { return s.Bindings(ctx, func(alias.Binding) error { return nil }) }},
		{"Store.AliasEvents", func(ctx context.Context) error { _, err := s.AliasEvents(ctx, "17000000001"); return err }},
		{"Store.UnrecordedLeaks", func(ctx context.Context) error { _, err := s.UnrecordedLeaks(ctx); return err }},
		{"Store.LeakByLedger", func(ctx context.Context) error { _, err := s.LeakByLedger(ctx, 1); return err }},
		// Writes.
		{"Store.PutRules", func(ctx context.Context) error {
			return s.PutRules(ctx, &screen.Rules{Subscriber: "13800138000"}, audit)
		}},
		{"Store.AddBusiness", func(ctx context.Context) error {
			return s.AddBusiness(ctx, &ringfence.Business{Pattern: "95555", Name: "bank", CreatedAt: at}, audit)
		}},
		{"Store.RemoveBusiness", func(ctx context.Context) error { return s.RemoveBusiness(ctx, 1, audit) }},
		{"Store.FileAppeal", func(ctx context.Context) error {
			return s.FileAppeal(ctx, &ringfence.Appeal{Number: report.Number, Status: ringfence.AppealPending, CreatedAt: at}, auditOf)
		}},
		{"Store.DecideAppeal", func(ctx context.Context) error {
			_, _, err := s.DecideAppeal(ctx, 1, ringfence.AppealAccepted, "operator", "ok", at, auditOf)
			return err
		}},
		{"Store.CreateKey", func(ctx context.Context) error {
			return s.CreateKey(ctx, ringfence.Key{ID: "k1", Role: ringfence.RoleOperator, CreatedAt: at}, []byte("h"), audit)
		}},
		{"Store.RevokeKey", func(ctx context.Context) error { return s.RevokeKey(ctx, "k1", at, audit) }},
		{"Store.Audit", func(ctx context.Context) error { return s.Audit(ctx, audit) }},
		{"Store.SaveFlags", func(ctx context.Context) error {
			return s.SaveFlags(ctx, []ringfence.Flag{{Number: report.Number, Kind: "sequential", FlaggedAt: at}})
		}},
		{"Store.AddCalls", func(ctx context.Context) error {
			return s.AddCalls(ctx, []ringfence.CallEvent{{At: at, Caller: report.Number, Callee: "13800138000"}})
		}},
		{"Store.PruneCalls", func(ctx context.Context) error { _, err := s.PruneCalls(ctx, at); return err }},
		{"Store.AddReports", func(ctx context.Context) error {
			_, err := s.AddReports(ctx, []ringfence.Report{report}, boost, judge)
			return err
		}},
		{"Store.ImportReports", func(ctx context.Context) error {
			sent := false
			next := func() (ringfence.Report, error) {
				if sent {
					return ringfence.Report{}, io.EOF
				}
				sent = true
				return report, nil
			}
			_, err := s.ImportReports(ctx, next, boost, judge, func(int) ringfence.AuditEntry { return audit })
			return err
		}},
		{"Store.ClearReports", func(ctx context.Context) error { _, err := s.ClearReports(ctx, report.Number, at); return err }},
		{"Store.AddPool", func(ctx context.Context) error {
			_, _, err := s.AddPool(ctx, []alias.PoolNumber{{Number: "17000000001", AddedAt: at}}, audit)
			return err
		}},
		{"Store.BindAlias", func(ctx context.Context) error {
			return s.BindAlias(ctx, &alias.Binding{Subscriber: "13800138000", Merchant: "shop", CreatedAt: at, LedgerIndex: -1}, at)
		}},
		{"Store.BindAliases", func(ctx context.Context) error {
			return s.BindAliases(ctx, []*alias.Binding{{Alias: "17000000001", Subscriber: "13800138000", CreatedAt: at, LedgerIndex: -1}}, []ringfence.AuditEntry{audit})
		}},
		{"Store.UnbindAliases", func(ctx context.Context) error {
			return s.UnbindAliases(ctx, []string{"17000000001"}, []ringfence.AuditEntry{audit})
		}},
		{"Store.SetBindingsLedger", func(ctx context.Context) error {
			return s.SetBindingsLedger(ctx, map[string]int64{"17000000001": 1})
		}},
		{"Store.SetBindingLedger", func(ctx context.Context) error { return s.SetBindingLedger(ctx, "17000000001", 1) }},
		{"Store.AddAliasEvent", func(ctx context.Context) error {
			return s.AddAliasEvent(ctx, &ringfence.AliasEvent{At: at, Alias: "17000000001", Caller: report.Number, Outcome: alias.Stranger, LedgerIndex: -1})
		}},
		{"Store.SetAliasEventLedger", func(ctx context.Context) error { return s.SetAliasEventLedger(ctx, 1, 1) }},
		{"Store.SetBlockStrangers", func(ctx context.Context) error { return s.SetBlockStrangers(ctx, "17000000001", true, audit) }},
		// The event log.
		{"EventLog.Append", func(ctx context.Context) error {
			_, err := ev.Append(ctx, ringfence.Event{Type: ringfence.EventKeyRevoked, At: at, KeyID: "k1"})
			return err
		}},
		{"EventLog.Read", func(ctx context.Context) error { return ev.Read(ctx, 0, func(ringfence.Event) error { return nil }) }},
		{"EventLog.Subscribe", func(ctx context.Context) error {
			return ev.Subscribe(ctx, 0, func(ringfence.Event) error { return nil })
		}},
		{"EventLog.Head", func(ctx context.Context) error { _, err := ev.Head(ctx); return err }},
		{"EventLog.Trim", func(ctx context.Context) error { _, err := ev.Trim(ctx, at); return err }},
		// The ledger storage. Append runs first, on the lease's
		// connection; the lease is then given up (the outcome of the
		// append is unknown), so AppendCheckpoint and CheckLease after it
		// answer for a storage that no longer holds it.
		{"LedgerStorage.Append", func(context.Context) error { return lease.Append(0, []ledger.Record{rec}) }},
		{"LedgerStorage.AppendCheckpoint", func(context.Context) error { return lease.AppendCheckpoint(0, []byte("note")) }},
		{"LedgerStorage.CheckLease", func(ctx context.Context) error { return lease.CheckLease(ctx) }},
		{"LedgerStorage.TakeLease", func(ctx context.Context) error { _, err := fresh.TakeLease(ctx); return err }},
		{"LedgerStorage.CheckKeys", func(ctx context.Context) error { return fresh.CheckKeys(ctx, k) }},
		{"LedgerStorage.HasKeys", func(ctx context.Context) error { _, err := fresh.HasKeys(ctx); return err }},
		{"LedgerStorage.Entries", func(context.Context) error {
			return fresh.Entries(0, -1, func(int64, []byte) error { return nil })
		}},
		{"LedgerStorage.Entry", func(context.Context) error { _, err := fresh.Entry(0); return err }},
		{"LedgerStorage.Hashes", func(context.Context) error { _, err := fresh.Hashes([]int64{0}); return err }},
		{"LedgerStorage.Checkpoints", func(context.Context) error { _, err := fresh.Checkpoints(0); return err }},
		{"LedgerStorage.PutPrints", func(context.Context) error {
			_, err := fresh.PutPrints("e1", []trace.Print{{Phone: 1}})
			return err
		}},
		{"LedgerStorage.Prints", func(context.Context) error { _, err := fresh.Prints("e1", nil); return err }},
		{"LedgerStorage.PutCase", func(context.Context) error { return fresh.PutCase("c1", []byte("{}")) }},
		{"LedgerStorage.Case", func(context.Context) error { _, err := fresh.Case("c1"); return err }},
		{"LedgerStorage.Remove", func(context.Context) error { return fresh.Remove("cases/c1.json") }},
		{"LedgerStorage.Attachments", func(context.Context) error { _, err := fresh.Attachments(); return err }},
	}
}

// exportedMethods lists the exported methods of the store, of its event
// log and of its ledger storage, as "Type.Method".
func exportedMethods(s *postgres.Store) []string {
	var out []string
	for prefix, v := range map[string]any{"Store": s, "EventLog": s.Events(), "LedgerStorage": s.Ledger()} {
		t := reflect.TypeOf(v)
		for i := range t.NumMethod() {
			out = append(out, prefix+"."+t.Method(i).Name)
		}
	}
	sort.Strings(out)
	return out
}

// TestOutageCallsComplete: the outage test calls every exported method of
// the store and of the parts it hands out, except those that do not talk
// to PostgreSQL; a method added later without a line in outageCalls fails
// here.
func TestOutageCallsComplete(t *testing.T) {
	s := &postgres.Store{}
	listed := map[string]bool{}
	for _, c := range outageCalls(s, s.Ledger(), s.Ledger(), ledger.Keys{}) {
		if listed[c.name] {
			t.Errorf("%s is listed twice", c.name)
		}
		listed[c.name] = true
	}
	for _, n := range noStoreCall {
		listed[n] = true
	}
	methods := exportedMethods(s)
	for _, m := range methods {
		if !listed[m] {
			t.Errorf("%s is not called by the outage test (add it to outageCalls, or to noStoreCall if it does not talk to PostgreSQL)", m)
		}
	}
	for n := range listed {
		if !slices.Contains(methods, n) {
			t.Errorf("%s is listed but is no exported method", n)
		}
	}
}

// TestStoreMethodsUnavailable stops PostgreSQL under an open store and
// calls every method that talks to it: each must answer EUNAVAILABLE (HTTP
// 503 with Retry-After), none an internal error. Then PostgreSQL starts
// again and the store answers again, and nothing of the refused writes
// was stored.
func TestStoreMethodsUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL server of its own")
	}
	srv := pgtest.Own(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The pool holds an idle connection when the server stops, as a
	// node's does: the first statements meet a dead connection, the
	// later ones a refused connect.
	if _, err := s.Keys(ctx); err != nil {
		t.Fatal(err)
	}
	lease, fresh := s.Ledger(), s.Ledger()
	defer lease.Close()
	if ok, err := lease.TakeLease(ctx); !ok || err != nil {
		t.Fatalf("take the ledger lease: %v, %v", ok, err)
	}

	srv.Stop()
	for _, c := range outageCalls(s, lease, fresh, testKeys(t)) {
		t.Run(c.name, func(t *testing.T) {
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			err := c.call(cctx)
			if code := ringfence.ErrorCode(err); code != ringfence.EUNAVAILABLE {
				t.Fatalf("%s with PostgreSQL down: %v (code %q), want %q", c.name, err, code, ringfence.EUNAVAILABLE)
			}
			if msg := err.Error(); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "postgres@") {
				t.Errorf("%s: the error shows where PostgreSQL is: %q", c.name, msg)
			}
		})
	}

	srv.Start(t)
	var n int64
	for range 100 {
		if n, err = s.CountReports(ctx); ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || n != 0 {
		t.Fatalf("reports after the restart: %d, %v; want 0 (the refused writes stored nothing)", n, err)
	}
	if log, err := s.AuditLog(ctx, 10); err != nil || len(log) != 0 {
		t.Fatalf("audit after the restart: %v, %v; want none (the refused writes stored nothing)", log, err)
	}
}
