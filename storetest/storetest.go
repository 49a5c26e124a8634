// Package storetest is the conformance suite for ringfence.Store: every
// implementation (SQLite now, others later) runs Run against a fresh store
// and must pass all of it.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/reputation"
	"ringfence/screen"
)

// Run runs the suite; open must return a new, empty store each time.
func Run(t *testing.T, open func(t *testing.T) ringfence.Store) {
	tests := []struct {
		name string
		f    func(*testing.T, ringfence.Store)
	}{
		{"ReportsLatestWins", testReportsLatestWins},
		{"ReportsTallyAndEvents", testReportsTallyAndEvents},
		{"ClearReports", testClearReports},
		{"CorroboratedTallies", testCorroboratedTallies},
		{"Rules", testRules},
		{"Registry", testRegistry},
		{"Appeals", testAppeals},
		{"Keys", testKeys},
		{"Audit", testAudit},
		{"Flags", testFlags},
		{"Calls", testCalls},
		{"Aliases", testAliases},
		{"WritesAppendEvents", testWritesAppendEvents},
		{"ImportReports", testImportReports},
		{"RulesVersion", testRulesVersion},
		{"RulesManyAtOnce", testRulesManyAtOnce},
		{"RepeatedReports", testRepeatedReports},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			tt.f(t, s)
		})
	}
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func unitBoost(ringfence.Report) float64 { return 1 }

func fixedJudge(w float64) ringfence.Judge {
	return func(ringfence.Report, reputation.Track, []reputation.Tally) (float64, int) { return w, 0 }
}

func report(num, cat, reporter string, at time.Time) ringfence.Report {
	return ringfence.Report{Number: num, Category: ringfence.Category(cat), Reporter: reporter, Source: ringfence.SourceCrowd, ReportedAt: at, ReceivedAt: at}
}

func tallyMap(ts []reputation.Tally) map[ringfence.Category]reputation.Tally {
	m := map[ringfence.Category]reputation.Tally{}
	for _, t := range ts {
		m[t.Category] = t
	}
	return m
}

func testReportsLatestWins(t *testing.T, s ringfence.Store) {
	const n = "+8617012345678"
	var rs []ringfence.Report
	for i := 0; i < 1000; i++ {
		rs = append(rs, report(n, "loan", "mallory", t0.Add(time.Duration(i)*time.Second)))
	}
	rs = append(rs, report(n, "sales", "mallory", t0.Add(time.Hour)))
	out, err := s.AddReports(ctx, rs, unitBoost, fixedJudge(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Number != n {
		t.Fatalf("touched %+v", out)
	}
	m := tallyMap(out[0].Tallies)
	if len(m) != 1 || m["sales"].Reporters != 1 || m["sales"].Weight != 1 {
		t.Fatalf("one reporter ×1001 reports must count once, in its latest category: %+v", out[0].Tallies)
	}
	if c, _ := s.CountReports(ctx); c != 1 {
		t.Fatalf("stored reports %d, want 1", c)
	}
	// An official feed's group counts its complaints; the crowd does not.
	official := func(cat string) ringfence.Report {
		r := report(n, cat, "ftc:513", t0)
		r.Source = ringfence.SourceFTC
		return r
	}
	var seen []int
	judge := func(r ringfence.Report, _ reputation.Track, _ []reputation.Tally) (float64, int) {
		seen = append(seen, r.Complaints)
		return 1, 0
	}
	if _, err := s.AddReports(ctx, []ringfence.Report{official("robocall"), official("robocall"), official("sales"), report(n, "loan", "mallory", t0)}, unitBoost, judge); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen) != "[1 2 3 1]" {
		t.Fatalf("complaints seen by the judge: %v, want [1 2 3 1]", seen)
	}
}

func testReportsTallyAndEvents(t *testing.T, s ringfence.Store) {
	var tracks []reputation.Track
	judge := func(r ringfence.Report, tr reputation.Track, before []reputation.Tally) (float64, int) {
		tracks = append(tracks, tr)
		return 2, 1
	}
	boost := func(r ringfence.Report) float64 { return float64(r.ReportedAt.Sub(t0)/time.Hour) + 1 }
	rs := []ringfence.Report{
		report("+8613800000001", "loan", "a", t0),
		report("+8613800000001", "loan", "b", t0.Add(time.Hour)),
		report("+8613800000001", "fraud", "c", t0),
		report("+8613800000002", "sales", "a", t0.AddDate(0, 1, 0)),
	}
	if _, err := s.AddReports(ctx, rs, boost, judge); err != nil {
		t.Fatal(err)
	}
	if rs[0].Weight != 2 {
		t.Fatalf("judge's weight not set on report: %v", rs[0].Weight)
	}
	if tracks[3].Reports != 1 || tracks[3].Agreed != 1 {
		t.Fatalf("reporter a's track before its second report: %+v", tracks[3])
	}
	ts, err := s.TallyOf(ctx, "+8613800000001")
	if err != nil {
		t.Fatal(err)
	}
	m := tallyMap(ts)
	if m["loan"].Reporters != 2 || m["loan"].Weight != 2*1+2*2 || m["fraud"].Reporters != 1 {
		t.Fatalf("tallies %+v", ts)
	}
	seen := map[string]int{}
	if err := s.Tallies(ctx, func(n string, ts []reputation.Tally) error { seen[n] = len(ts); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen["+8613800000001"] != 2 {
		t.Fatalf("Tallies visited %v", seen)
	}
	var march int
	if err := s.ReportEvents(ctx, t0.AddDate(0, 0, -1), t0.AddDate(0, 0, 20), func(ringfence.ReportEvent) error { march++; return nil }); err != nil {
		t.Fatal(err)
	}
	if march != 3 {
		t.Fatalf("events in March %d, want 3", march)
	}
}

func testClearReports(t *testing.T, s ringfence.Store) {
	const n = "+8695500"
	rs := []ringfence.Report{report(n, "fraud", "a", t0), report(n, "fraud", "b", t0.Add(2*time.Hour))}
	if _, err := s.AddReports(ctx, rs, unitBoost, fixedJudge(1)); err != nil {
		t.Fatal(err)
	}
	ts, err := s.ClearReports(ctx, n, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if m := tallyMap(ts); m["fraud"].Reporters != 1 {
		t.Fatalf("after clearing, %+v", ts)
	}
	// The cleared reporter may report again and counts again.
	if _, err := s.AddReports(ctx, []ringfence.Report{report(n, "fraud", "a", t0.Add(3*time.Hour))}, unitBoost, fixedJudge(1)); err != nil {
		t.Fatal(err)
	}
	ts, _ = s.TallyOf(ctx, n)
	if m := tallyMap(ts); m["fraud"].Reporters != 2 {
		t.Fatalf("after re-report, %+v", ts)
	}
}

func testRules(t *testing.T, s ringfence.Store) {
	if _, err := s.Rules(ctx, "+8613900000000"); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("missing rules: %v", err)
	}
	r := &screen.Rules{Subscriber: "+8613900000000", Entries: []screen.Entry{{Pattern: "+86170*", Kind: "block"}},
		BlockedCategories: map[ringfence.Category]ringfence.Action{"loan": ringfence.Block}, MinReportWeight: 3,
		Quiet: &screen.QuietHours{From: "22:00", To: "07:00", Action: ringfence.Block}}
	if err := s.PutRules(ctx, r, ringfence.AuditEntry{At: t0, Actor: "op", Action: "rules.replace"}); err != nil {
		t.Fatal(err)
	}
	r.Entries = append(r.Entries, screen.Entry{Pattern: "+8613800000000", Kind: "pass", Until: t0})
	if err := s.PutRules(ctx, r, ringfence.AuditEntry{At: t0, Actor: "op", Action: "rules.set"}); err != nil {
		t.Fatal(err)
	}
	if log, err := s.AuditLog(ctx, 10); err != nil || len(log) != 2 || log[0].Action != "rules.set" {
		t.Fatalf("rules changes in the audit trail: %+v, %v", log, err)
	}
	got, err := s.Rules(ctx, r.Subscriber)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 2 || !got.Entries[1].Until.Equal(t0) || got.Quiet.From != "22:00" || got.BlockedCategories["loan"] != ringfence.Block {
		t.Fatalf("got %+v", got)
	}
	n := 0
	if err := s.AllRules(ctx, func(*screen.Rules) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("AllRules: %d, %v", n, err)
	}
}

// audited returns an audit entry for action and a check that the store's
// trail holds exactly the entries wanted, newest last.
func audited(t *testing.T, s ringfence.Store) (entry func(action string) ringfence.AuditEntry, want func(actions ...string)) {
	entry = func(action string) ringfence.AuditEntry {
		return ringfence.AuditEntry{At: t0, Actor: "op", Action: action, Target: "+8695588"}
	}
	want = func(actions ...string) {
		t.Helper()
		log, err := s.AuditLog(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := len(log) - 1; i >= 0; i-- {
			got = append(got, log[i].Action)
		}
		if fmt.Sprint(got) != fmt.Sprint(actions) {
			t.Fatalf("audit trail %v, want %v", got, actions)
		}
	}
	return entry, want
}

func testRegistry(t *testing.T, s ringfence.Store) {
	entry, want := audited(t, s)
	b := ringfence.Business{Pattern: "+8695588", Name: "工商银行", AddedBy: "op", CreatedAt: t0}
	if err := s.AddBusiness(ctx, &b, entry("registry.add")); err != nil || b.ID == 0 {
		t.Fatalf("add: %v, id %d", err, b.ID)
	}
	dup := ringfence.Business{Pattern: b.Pattern, Name: "x"}
	if err := s.AddBusiness(ctx, &dup, entry("registry.add")); ringfence.ErrorCode(err) != ringfence.ECONFLICT || dup.ID != 0 {
		t.Fatalf("duplicate: %v, id %d", err, dup.ID)
	}
	bs, err := s.Businesses(ctx)
	if err != nil || len(bs) != 1 || bs[0].Name != "工商银行" || !bs[0].CreatedAt.Equal(t0) {
		t.Fatalf("list: %+v, %v", bs, err)
	}
	if err := s.RemoveBusiness(ctx, b.ID, entry("registry.remove")); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveBusiness(ctx, b.ID, entry("registry.remove")); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("remove twice: %v", err)
	}
	// Failed writes record nothing.
	want("registry.add", "registry.remove")
}

func testAppeals(t *testing.T, s ringfence.Store) {
	entry, want := audited(t, s)
	const n = "+8695588"
	if _, err := s.AddReports(ctx, []ringfence.Report{report(n, "fraud", "a", t0), report(n, "fraud", "b", t0.Add(3*time.Hour))}, unitBoost, fixedJudge(1)); err != nil {
		t.Fatal(err)
	}
	var gotID int64
	a := ringfence.Appeal{Number: n, Business: "工商银行", Reason: "our service line", Status: ringfence.AppealPending, FiledBy: "k1", CreatedAt: t0}
	if err := s.FileAppeal(ctx, &a, func(a ringfence.Appeal) ringfence.AuditEntry { gotID = a.ID; return entry("appeal.file") }); err != nil || a.ID == 0 || gotID != a.ID {
		t.Fatalf("file: %v, id %d, audited id %d", err, a.ID, gotID)
	}
	b := a
	if err := s.FileAppeal(ctx, &b, func(ringfence.Appeal) ringfence.AuditEntry { return entry("appeal.file") }); err != nil {
		t.Fatal(err)
	}
	var decided ringfence.Appeal
	got, ts, err := s.DecideAppeal(ctx, a.ID, ringfence.AppealAccepted, "op", "verified", t0.Add(time.Hour), func(a ringfence.Appeal) ringfence.AuditEntry {
		decided = a
		return entry("appeal.accepted")
	})
	if err != nil || got.Status != ringfence.AppealAccepted || got.DecidedBy != "op" || !got.DecidedAt.Equal(t0.Add(time.Hour)) || decided != got {
		t.Fatalf("decide: %+v (audited %+v), %v", got, decided, err)
	}
	// Accepting set aside the report received before the decision only.
	if m := tallyMap(ts); len(m) != 1 || m["fraud"].Reporters != 1 {
		t.Fatalf("tallies after accepting: %+v", ts)
	}
	if stored, _ := s.TallyOf(ctx, n); fmt.Sprint(stored) != fmt.Sprint(ts) {
		t.Fatalf("stored tallies %+v, returned %+v", stored, ts)
	}
	noAudit := func(ringfence.Appeal) ringfence.AuditEntry {
		t.Fatal("audit entry made for a failed decision")
		return entry("x")
	}
	if _, _, err := s.DecideAppeal(ctx, a.ID, ringfence.AppealRejected, "op", "", t0, noAudit); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("decide twice: %v", err)
	}
	if _, _, err := s.DecideAppeal(ctx, 999, ringfence.AppealRejected, "op", "", t0, noAudit); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("decide missing: %v", err)
	}
	// Rejecting clears nothing.
	if _, ts, err := s.DecideAppeal(ctx, b.ID, ringfence.AppealRejected, "op", "", t0.Add(5*time.Hour), func(ringfence.Appeal) ringfence.AuditEntry { return entry("appeal.rejected") }); err != nil || ts != nil {
		t.Fatalf("reject: %+v, %v", ts, err)
	}
	if stored, _ := s.TallyOf(ctx, n); tallyMap(stored)["fraud"].Reporters != 1 {
		t.Fatalf("rejecting changed tallies: %+v", stored)
	}
	pending, _ := s.Appeals(ctx, ringfence.AppealPending)
	all, _ := s.Appeals(ctx, "")
	if len(pending) != 0 || len(all) != 2 {
		t.Fatalf("pending %d all %d", len(pending), len(all))
	}
	want("appeal.file", "appeal.file", "appeal.accepted", "appeal.rejected")
}

func testKeys(t *testing.T, s ringfence.Store) {
	k := ringfence.Key{ID: "key_1", Role: ringfence.RoleSubscriber, Subscriber: "+8613900000000", CreatedAt: t0}
	org := ringfence.Key{ID: "key_2", Role: ringfence.RoleOrg, Org: "某银行", CreatedAt: t0}
	entry, want := audited(t, s)
	if err := s.CreateKey(ctx, org, []byte("hash2"), entry("key.create")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.KeyByHash(ctx, []byte("hash2")); err != nil || got != org {
		t.Fatalf("org key: %+v, %v", got, err)
	}
	if err := s.CreateKey(ctx, k, []byte("hash1"), entry("key.create")); err != nil {
		t.Fatal(err)
	}
	got, err := s.KeyByHash(ctx, []byte("hash1"))
	if err != nil || got != k {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := s.KeyByHash(ctx, []byte("nope")); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("unknown hash: %v", err)
	}
	if ks, _ := s.Keys(ctx); len(ks) != 2 {
		t.Fatalf("keys %+v", ks)
	}
	if err := s.RevokeKey(ctx, "key_1", t0, entry("key.revoke")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.KeyByHash(ctx, []byte("hash1")); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("revoked key still authenticates: %v", err)
	}
	if err := s.RevokeKey(ctx, "key_1", t0, entry("key.revoke")); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("revoking twice: %v", err)
	}
	if err := s.CreateKey(ctx, org, []byte("hash3"), entry("key.create")); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("duplicate key id: %v", err)
	}
	want("key.create", "key.create", "key.revoke")
}

func testAudit(t *testing.T, s ringfence.Store) {
	for i, a := range []string{"registry.add", "appeal.accepted"} {
		if err := s.Audit(ctx, ringfence.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "op", Action: a, Target: "+8695588"}); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil || len(log) != 2 || log[0].Action != "appeal.accepted" {
		t.Fatalf("newest first: %+v, %v", log, err)
	}
}

func testFlags(t *testing.T, s ringfence.Store) {
	f := ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindTelemarketing, Score: 0.7, FlaggedAt: t0, Reasons: []string{"a"}}
	if err := s.SaveFlags(ctx, []ringfence.Flag{f}); err != nil {
		t.Fatal(err)
	}
	f.Score, f.Reasons = 0.9, []string{"b", "c"}
	if err := s.SaveFlags(ctx, []ringfence.Flag{f}); err != nil {
		t.Fatal(err)
	}
	var got []ringfence.Flag
	if err := s.Flags(ctx, func(f ringfence.Flag) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Score != 0.9 || len(got[0].Reasons) != 2 || !got[0].FlaggedAt.Equal(t0) {
		t.Fatalf("got %+v", got)
	}
	// Who carried the calls travels with the flag; FlagsBetween reads a
	// span in the order raised, from inclusive, to exclusive.
	later := ringfence.Flag{Number: "+8617000000002", Kind: ringfence.KindRobocall, Score: 0.99, FlaggedAt: t0.Add(time.Hour),
		Reasons: []string{"d"}, Account: "acme-42", Trunk: "SIP/acme"}
	if err := s.SaveFlags(ctx, []ringfence.Flag{later}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, to time.Time
		want     []string
	}{
		{t0, t0.Add(2 * time.Hour), []string{"+8617000000001", "+8617000000002"}},
		{t0.Add(time.Minute), t0.Add(2 * time.Hour), []string{"+8617000000002"}},
		{t0, t0.Add(time.Hour), []string{"+8617000000001"}},
		{t0.Add(2 * time.Hour), t0.Add(3 * time.Hour), nil},
	} {
		var nums []string
		if err := s.FlagsBetween(ctx, tc.from, tc.to, func(f ringfence.Flag) error {
			nums = append(nums, f.Number)
			if f.Number == later.Number && (f.Account != later.Account || f.Trunk != later.Trunk) {
				t.Errorf("flag source %q/%q, want %q/%q", f.Account, f.Trunk, later.Account, later.Trunk)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(nums, tc.want) {
			t.Errorf("FlagsBetween(%v, %v) = %v, want %v", tc.from, tc.to, nums, tc.want)
		}
	}
}

func testCalls(t *testing.T, s ringfence.Store) {
	var cs []ringfence.CallEvent
	for i := 0; i < 5; i++ {
		cs = append(cs, ringfence.CallEvent{At: t0.Add(time.Duration(i) * time.Hour), Caller: "+8617000000001", Callee: "+8613800138000",
			Action: ringfence.Block, Category: "loan", Score: 0.9, Reasons: []string{"r"}, Source: "sip"})
	}
	if err := s.AddCalls(ctx, cs); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneCalls(ctx, t0.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	var got []ringfence.CallEvent
	if err := s.Calls(ctx, t0, t0.Add(24*time.Hour), func(c ringfence.CallEvent) error { got = append(got, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got[0].At.Equal(t0.Add(2*time.Hour)) || got[0].Reasons[0] != "r" || got[0].Category != "loan" {
		t.Fatalf("calls %+v", got)
	}
}

func testAliases(t *testing.T, s ringfence.Store) {
	ps := []alias.PoolNumber{
		{Number: "+8617100000001", AddedAt: t0, AvailableAt: t0},
		{Number: "+8617100000002", AddedAt: t0, AvailableAt: t0.Add(30 * 24 * time.Hour)},
		{Number: "+8617100000003", AddedAt: t0, AvailableAt: t0, Null: true},
	}
	if n, nulls, err := s.AddPool(ctx, ps, ringfence.AuditEntry{At: t0, Actor: "op", Action: "alias.pool_add"}); err != nil || n != 3 || nulls != 1 {
		t.Fatalf("add pool: %d (%d null), %v", n, nulls, err)
	}
	if n, nulls, _ := s.AddPool(ctx, ps, ringfence.AuditEntry{At: t0, Actor: "op", Action: "alias.pool_add"}); n != 0 || nulls != 0 {
		t.Fatalf("known numbers were added again: %d (%d null)", n, nulls)
	}
	b := alias.Binding{Purpose: alias.PurposeAlias, Subscriber: "+8613800138000", Merchant: "4S", MerchantNumbers: []string{"+862088888888"}, CreatedAt: t0, LedgerIndex: -1}
	if err := s.BindAlias(ctx, &b, t0); err != nil || b.Alias != "+8617100000001" {
		t.Fatalf("bind: %q, %v (only 001 is issuable)", b.Alias, err)
	}
	b2 := b
	if err := s.BindAlias(ctx, &b2, t0); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("second bind with nothing issuable: %v", err)
	}
	if err := s.SetBindingLedger(ctx, b.Alias, 7); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBlockStrangers(ctx, b.Alias, true, ringfence.AuditEntry{At: t0, Actor: "op", Action: "alias.block_strangers"}); err != nil {
		t.Fatal(err)
	}
	var got []alias.Binding
	s.Bindings(ctx, func(b alias.Binding) error { got = append(got, b); return nil })
	if len(got) != 1 || got[0].LedgerIndex != 7 || !got[0].BlockStrangers || got[0].MerchantNumbers[0] != "+862088888888" || got[0].Purpose != alias.PurposeAlias {
		t.Fatalf("bindings %+v", got)
	}
	ev := ringfence.AliasEvent{At: t0, Alias: "+8617100000003", Caller: "+8617012345678", Outcome: alias.Null, LedgerIndex: -1}
	if err := s.AddAliasEvent(ctx, &ev); err != nil || ev.ID == 0 {
		t.Fatalf("event: %v", err)
	}
	if err := s.SetAliasEventLedger(ctx, ev.ID, 9); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.AliasEvents(ctx, "+8617100000003")
	if len(evs) != 1 || evs[0].LedgerIndex != 9 {
		t.Fatalf("events %+v", evs)
	}
	var pool []alias.PoolNumber
	s.Pool(ctx, func(p alias.PoolNumber) error { pool = append(pool, p); return nil })
	if len(pool) != 3 || pool[2].Calls != 1 || pool[0].State != alias.StateBound {
		t.Fatalf("pool %+v", pool)
	}
	// Two strangers' calls at one ledger index: one recorded in a ledger
	// closed when its key was rotated, one in the new ledger. The later
	// is the new ledger's.
	for i, caller := range []string{"+8617012340001", "+8617012340002"} {
		ev := ringfence.AliasEvent{At: t0.Add(time.Duration(i) * time.Hour), Alias: b.Alias, Caller: caller, Outcome: alias.Stranger, Merchant: b.Merchant, LedgerIndex: -1}
		if err := s.AddAliasEvent(ctx, &ev); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAliasEventLedger(ctx, ev.ID, 11); err != nil {
			t.Fatal(err)
		}
	}
	if ev, err := s.LeakByLedger(ctx, 11); err != nil || ev.Caller != "+8617012340002" {
		t.Fatalf("the leak at ledger entry 11: %+v %v; want the later call", ev, err)
	}
}
