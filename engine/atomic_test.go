package engine_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/engine"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/sqlite"
)

// failAudits makes every write to the audit trail of the database at path
// fail, through a second connection, as a full disk or a broken table would;
// the returned function lifts the failure.
func failAudits(t *testing.T, path string) (restore func()) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if _, err := raw.Exec(`CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit write failed (injected)'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if _, err := raw.Exec(`DROP TRIGGER test_fail_audit`); err != nil {
			t.Fatal(err)
		}
	}
}

// atomicEnv is a data directory with one of everything an audited action
// can change: a verified business, a labelled number with a pending appeal,
// a live key.
type atomicEnv struct {
	e      *engine.Engine
	db     *sqlite.DB
	bizID  int64
	appeal int64
	secret string
	keyID  string
	alias  string
}

const appealed = "4008123123"

// ruled is the subscriber whose personal rules the rules actions change.
const ruled = "+8613800138000"

func newAtomicEnv(t *testing.T) atomicEnv {
	t.Helper()
	e, db := open(t, t.TempDir())
	v := atomicEnv{e: e, db: db}
	seasoned(t, e, names("good", 6))
	if err := e.AddReports(ctx, reports(appealed, "sales", names("good", 6)...)); err != nil {
		t.Fatal(err)
	}
	b, err := e.AddBusiness(ctx, "op", "95311*", "顺丰")
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.FileAppeal(ctx, "biz", ringfence.Appeal{Number: appealed, Business: "某物流", Reason: "delivery notices"})
	if err != nil {
		t.Fatal(err)
	}
	secret, k, err := e.CreateKey(ctx, "op", ringfence.RoleReporter, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.AddAliasPool(ctx, "op", []string{"+8613900000011", "+8613900000012", "+8613900000013"}, 0, 0); err != nil {
		t.Fatal(err)
	}
	al, err := e.NewAlias(ctx, "op", "13800138000", "某店", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: "167*", Kind: screen.EntryBlock}); err != nil {
		t.Fatal(err)
	}
	v.bizID, v.appeal, v.secret, v.keyID, v.alias = b.ID, a.ID, secret, k.ID, al.Alias
	return v
}

// snapshot renders what the store holds and what engine e answers from
// memory, for comparing before and after an action.
func snapshot(t *testing.T, e *engine.Engine, v atomicEnv) string {
	t.Helper()
	var sb strings.Builder
	bs, err := v.db.Businesses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		fmt.Fprintf(&sb, "business %d %s\n", b.ID, b.Pattern)
	}
	as, err := v.db.Appeals(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		fmt.Fprintf(&sb, "appeal %d %s\n", a.ID, a.Status)
	}
	ks, err := v.db.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "keys %d\n", len(ks))
	ts, err := v.db.TallyOf(ctx, "+86"+appealed)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "store tallies %v\n", ts)
	log, err := v.db.AuditLog(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "audit entries %d\n", len(log))
	head, err := v.db.Events().Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "events to %d\n", head)
	pool := 0
	if err := v.db.Pool(ctx, func(alias.PoolNumber) error { pool++; return nil }); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&sb, "store pool %d\n", pool)
	if err := v.db.Bindings(ctx, func(b alias.Binding) error {
		fmt.Fprintf(&sb, "store binding %s block strangers %v\n", b.Alias, b.BlockStrangers)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r, err := v.db.Rules(ctx, ruled); err == nil {
		fmt.Fprintf(&sb, "store rules %v\n", r.Entries)
	} else if ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatal(err)
	}
	if r, err := e.Rules(ruled); err != nil {
		t.Fatal(err)
	} else {
		fmt.Fprintf(&sb, "rules %v\n", r.Entries)
	}
	fmt.Fprintf(&sb, "issuable aliases %d\n", e.IssuableAliases())
	if b, err := e.Alias(v.alias); err != nil {
		t.Fatal(err)
	} else {
		fmt.Fprintf(&sb, "binding %s block strangers %v\n", b.Alias, b.BlockStrangers)
	}
	// Memory.
	for _, n := range []string{"95599", "95311000", appealed} {
		vd := check(t, e, n, "")
		fmt.Fprintf(&sb, "verdict %s %s %q\n", n, vd.Action, vd.ReasonStrings())
	}
	_, err = e.Authenticate(ctx, v.secret)
	fmt.Fprintf(&sb, "key authenticates: %v\n", err == nil)
	return sb.String()
}

// TestActionAndAuditCommitTogether fails the audit write of every audited
// engine action and checks that nothing of the action remains, in the
// store or in memory, and that a retry then succeeds.
func TestActionAndAuditCommitTogether(t *testing.T) {
	tests := []struct {
		name   string
		action string // the audit action the retry records
		act    func(v atomicEnv) error
	}{
		{"registry add", "registry.add", func(v atomicEnv) error {
			_, err := v.e.AddBusiness(ctx, "op", "95599", "农业银行")
			return err
		}},
		{"registry remove", "registry.remove", func(v atomicEnv) error { return v.e.RemoveBusiness(ctx, "op", v.bizID) }},
		{"appeal file", "appeal.file", func(v atomicEnv) error {
			_, err := v.e.FileAppeal(ctx, "biz", ringfence.Appeal{Number: "95599", Business: "农业银行", Reason: "our line"})
			return err
		}},
		{"appeal accept", "appeal.accepted", func(v atomicEnv) error {
			_, err := v.e.DecideAppeal(ctx, "op", v.appeal, true, "checked")
			return err
		}},
		{"appeal reject", "appeal.rejected", func(v atomicEnv) error {
			_, err := v.e.DecideAppeal(ctx, "op", v.appeal, false, "no")
			return err
		}},
		{"key create", "key.create", func(v atomicEnv) error {
			_, _, err := v.e.CreateKey(ctx, "op", ringfence.RoleCarrier, "", "")
			return err
		}},
		{"key revoke", "key.revoke", func(v atomicEnv) error { return v.e.RevokeKey(ctx, "op", v.keyID) }},
		{"rules set entry", "rules.set", func(v atomicEnv) error {
			_, err := v.e.SetEntry(ctx, "op", ruled, screen.Entry{Pattern: "170*", Kind: screen.EntryBlock})
			return err
		}},
		{"rules remove entry", "rules.remove", func(v atomicEnv) error {
			_, err := v.e.RemoveEntry(ctx, "op", ruled, "167*")
			return err
		}},
		{"rules replace", "rules.replace", func(v atomicEnv) error {
			_, err := v.e.ReplaceRules(ctx, "op", ruled, &screen.Rules{Entries: []screen.Entry{{Pattern: "171*", Kind: screen.EntryLabel}}})
			return err
		}},
		{"rules pass", "rules.set", func(v atomicEnv) error {
			_, err := v.e.Pass(ctx, "op", ruled, "95311*", v.e.Now().Add(time.Hour), "courier")
			return err
		}},
		{"alias pool add", "alias.pool_add", func(v atomicEnv) error {
			_, _, err := v.e.AddAliasPool(ctx, "op", []string{"+8613900000001", "+8613900000002"}, 0, 0)
			return err
		}},
		{"alias block strangers", "alias.block_strangers", func(v atomicEnv) error {
			_, err := v.e.SetBlockStrangers(ctx, "op", "", v.alias, true)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newAtomicEnv(t)
			before := snapshot(t, v.e, v)
			restore := failAudits(t, v.db.Path)
			if err := tt.act(v); err == nil {
				t.Fatal("the action succeeded though its audit entry could not be written")
			}
			if got := snapshot(t, v.e, v); got != before {
				t.Fatalf("a failed action left changes behind:\nbefore:\n%s\nafter:\n%s", before, got)
			}
			restore()
			fresh, err := engine.Open(ctx, v.db, reputation.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if got := snapshot(t, fresh, v); got != before {
				t.Fatalf("memory and store disagree after a failed action:\nmemory:\n%s\nstore:\n%s", before, got)
			}
			if err := tt.act(v); err != nil {
				t.Fatalf("retry after the failure: %v", err)
			}
			after := snapshot(t, v.e, v)
			if after == before {
				t.Fatalf("the retried action changed nothing:\n%s", after)
			}
			fresh, err = engine.Open(ctx, v.db, reputation.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if got := snapshot(t, fresh, v); got != after {
				t.Fatalf("memory and store disagree after the action:\nmemory:\n%s\nstore:\n%s", after, got)
			}
			log, err := v.db.AuditLog(ctx, 1)
			if err != nil || len(log) != 1 || log[0].Action != tt.action {
				t.Fatalf("latest audit entry %+v (%v), want %s", log, err, tt.action)
			}
			if strings.HasPrefix(tt.action, "rules.") && (strings.ContainsAny(log[0].Target, "0123456789") || strings.ContainsAny(log[0].Detail, "0123456789")) {
				t.Fatalf("a rules change audited with a subscriber's or a contact's number: %+v", log[0])
			}
		})
	}
}

// TestAcceptedAppealSaysSo checks that a number whose label was lifted on
// appeal says so in its verdict, not merely "no crowd reports".
func TestAcceptedAppealSaysSo(t *testing.T) {
	v := newAtomicEnv(t)
	if _, err := v.e.DecideAppeal(ctx, "op", v.appeal, true, "checked"); err != nil {
		t.Fatal(err)
	}
	day := v.e.Now().Format(time.DateOnly)
	want := fmt.Sprintf("label lifted on appeal %d (%s): reports before it set aside", v.appeal, day)
	for _, e := range []*engine.Engine{v.e, reopen(t, v.db)} {
		vd := check(t, e, appealed, "")
		if vd.Action != ringfence.Allow || !strings.Contains(strings.Join(vd.ReasonStrings(), "\n"), want) {
			t.Fatalf("verdict after the appeal: %s %q, want a reason %q", vd.Action, vd.ReasonStrings(), want)
		}
	}
}

func reopen(t *testing.T, db *sqlite.DB) *engine.Engine {
	t.Helper()
	e, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return e
}
