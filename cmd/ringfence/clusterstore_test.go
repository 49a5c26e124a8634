package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ringfence/postgres/pgtest"
)

// TestCLIStore runs the state-changing verbs with --store against a
// cluster's PostgreSQL while a node serves from it: a rules change, a
// registry entry and an imported report file made on the command line
// change the running node's verdicts within a second; --store with --data,
// or with a URL that is not PostgreSQL's, is a usage error.
func TestCLIStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and a node")
	}
	url := pgtest.URL(t)
	run := func(args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, "", append(args, "--store", url)...)
		if code != 0 {
			t.Fatalf("ringfence %s --store: exit %d: %s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	carrier := strings.TrimSpace(run("keys", "create", "--role", "carrier"))
	a := startNode(t, url, "a")
	const subscriber, caller, business, reported = "13800138000", "13912345678", "4008123123", "17100005678"
	changes := func(what string, cond func() bool) {
		t.Helper()
		if _, ok := waitFor(time.Second, cond); !ok {
			t.Fatalf("%s on the command line did not reach the running node within 1 s", what)
		}
	}

	if v := a.verdict(t, carrier, caller, subscriber); v["action"] == "block" {
		t.Fatalf("verdict before the rule: %v", v)
	}
	run("rules", subscriber, "block", caller)
	changes("rules block", func() bool { return a.verdict(t, carrier, caller, subscriber)["action"] == "block" })
	if out := run("rules", subscriber, "show"); !strings.Contains(out, caller) {
		t.Fatalf("rules show --store: %q", out)
	}

	run("registry", "add", business, "--name", "Bank of Test")
	changes("registry add", func() bool {
		return strings.Contains(strings.Join(toStrings(a.verdict(t, carrier, business, "")["reasons"]), " "), "Bank of Test")
	})

	before := a.verdict(t, carrier, reported, "")
	file := filepath.Join(t.TempDir(), "reports.csv")
	var rows strings.Builder
	rows.WriteString("number,category,reporter,reported_at\n")
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for _, r := range []string{"r1", "r2", "r3", "r4", "r5", "r6"} {
		rows.WriteString(reported + ",fraud," + r + "," + at + "\n")
	}
	rows.WriteString("not-a-number,fraud,r7," + at + "\n")
	if err := os.WriteFile(file, []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// --log as the nodes are given it: the import commits to PostgreSQL,
	// and the verb does not reach NATS (none runs here).
	code, out, errs := runCLI(t, "", "import", "reports", file, "--store", url, "--log", "nats://127.0.0.1:1")
	if code != 0 || !strings.Contains(out, "imported 6, rejected 1") || !strings.Contains(out, "reports.csv:8: number:") {
		t.Fatalf("import reports --store: exit %d %q %s; want 6 imported and line 8 rejected", code, out, errs)
	}
	changes("import reports", func() bool {
		return strings.Join(toStrings(a.verdict(t, carrier, reported, "")["reasons"]), " ") != strings.Join(toStrings(before["reasons"]), " ")
	})

	for _, args := range [][]string{
		{"rules", subscriber, "show", "--store", url, "--data", t.TempDir()},
		{"registry", "list", "--store", "mysql://x"},
		{"import", "reports", file, "--store", url, "--data", t.TempDir()},
	} {
		if code, _, errs := runCLI(t, "", args...); code != exitUsage || !strings.Contains(errs, "--store") {
			t.Fatalf("ringfence %s: exit %d %q, want a usage error about --store", strings.Join(args, " "), code, errs)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rules", subscriber, "show", "--log", "nats://127.0.0.1:1"}, "--log needs --store"},
		{[]string{"keys", "list", "--store", url, "--log", "http://127.0.0.1:1"}, "wants NATS server URLs"},
	} {
		if code, _, errs := runCLI(t, "", tc.args...); code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Fatalf("ringfence %s: exit %d %q, want a usage error with %q", strings.Join(tc.args, " "), code, errs, tc.want)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
