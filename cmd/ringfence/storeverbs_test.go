package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ringfence/postgres/pgtest"
)

// TestAliasTraceStore: alias and trace work on a cluster's PostgreSQL as
// on a data directory, taking the disclosure ledger's writer lease for the
// length of a command; while a ledger node holds it they refuse, naming
// the API, and append nothing.
func TestAliasTraceStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and a node")
	}
	url := pgtest.URL(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "ledger.key")
	spool := filepath.Join(dir, "spool")
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		code, out, errs := runCLI(t, "", args...)
		if code != want {
			t.Fatalf("ringfence %s: exit %d (want %d)\n%s%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out, errs
	}
	cluster := []string{"--store", url, "--log", "nats://127.0.0.1:4222"}
	writer := append(append([]string{}, cluster...), "--ledger-key", keyFile)

	// Flags that do not go together.
	for _, args := range [][]string{
		{"alias", "new", "--subscriber", "13800138000", "--merchant", "m", "--ledger-key", keyFile},
		{"trace", "export", "--org", "o", "--recipient", "r", "--in", "x.csv", "--out", "y.csv", "--spool", spool},
		{"trace", "export", "--org", "o", "--recipient", "r", "--in", "x.csv", "--out", "y.csv", "--store", url, "--ledger-key", keyFile},
		{"alias", "list", "--store", url, "--ledger-key", keyFile},
	} {
		if code, _, errs := runCLI(t, "", args...); code != exitUsage || !strings.Contains(errs, "--") {
			t.Errorf("ringfence %s: exit %d %s; want a usage error", strings.Join(args, " "), code, errs)
		}
	}
	// Without a key file a ledger write says what it needs.
	if code, _, errs := runCLI(t, "", append([]string{"alias", "new", "--subscriber", "13800138000", "--merchant", "m"}, cluster...)...); code == 0 || !strings.Contains(errs, "--ledger-key") {
		t.Fatalf("alias new without a key file: exit %d %s", code, errs)
	}

	run(0, append([]string{"alias", "pool", "add", aliasPoolFile(t, dir, 40), "--quarantine", "0", "--null-share", "0.1"}, cluster...)...)
	out, errs := run(0, append([]string{"alias", "new", "--subscriber", "13800138000", "--merchant", "car dealer", "--json"}, writer...)...)
	if !strings.Contains(errs, "created the disclosure ledger's key file") {
		t.Errorf("alias new on a cluster without a ledger: %s", errs)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	var b struct {
		Alias       string
		LedgerIndex int64 `json:"ledger_index"`
	}
	if err := json.Unmarshal([]byte(out), &b); err != nil || b.Alias == "" {
		t.Fatalf("alias new: %v %q", err, out)
	}
	if out, _ := run(0, append([]string{"alias", "list"}, cluster...)...); !strings.Contains(out, b.Alias+"\t+8613800138000\tcar dealer") {
		t.Errorf("alias list on the cluster: %q", out)
	}
	if out, _ := run(0, append([]string{"alias", "call", b.Alias, "--caller", "13900139000", "--answered"}, writer...)...); !strings.Contains(out, "leak event") {
		t.Errorf("a stranger's call to the alias: %q", out)
	}

	in := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(in, customerCSV(300, 0), 0o600); err != nil {
		t.Fatal(err)
	}
	salted := filepath.Join(dir, "for-r1.csv")
	if out, _ := run(0, append([]string{"trace", "export", "--org", "bank", "--recipient", "r1", "--in", in, "--out", salted, "--spool", spool, "--canaries", "6"}, writer...)...); !strings.Contains(out, "for r1, ledger entry") {
		t.Errorf("trace export: %q", out)
	}
	if left, _ := filepath.Glob(filepath.Join(spool, "*")); len(left) > 0 {
		t.Errorf("the export left %v in its spool", left)
	}
	out, _ = run(0, append([]string{"trace", "attribute", salted, "--json"}, writer...)...)
	var att struct {
		Candidates []struct{ Recipient string }
	}
	if err := json.Unmarshal([]byte(out), &att); err != nil || len(att.Candidates) == 0 || att.Candidates[0].Recipient != "r1" {
		t.Fatalf("trace attribute: %v %s", err, out)
	}
	verify := append([]string{"ledger", "verify", "--json"}, writer...)
	out, _ = run(0, verify...)
	var rep struct {
		Entries int64
		Types   map[string]int64
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// The alias, its leak, the export (with a binding per canary drawn
	// from the pool) and the attribution, all signed as each verb ended.
	want := map[string]int64{"alias_binding": 7, "leak_event": 1, "export": 1, "attribution": 1}
	if rep.Entries != 10 || !maps.Equal(rep.Types, want) {
		t.Fatalf("ledger after the verbs: %+v, want 10 entries, %v", rep, want)
	}
	cp, _ := run(0, append([]string{"ledger", "checkpoint"}, writer...)...)
	if lines := strings.Split(cp, "\n"); len(lines) < 2 || lines[1] != "10" {
		t.Fatalf("latest signed checkpoint: %q, want one over 10 entries", cp)
	}

	// A ledger node holds the lease: the verbs refuse, writing nothing.
	n := startLedgerNode(t, url, "a", keyFile)
	if _, ok := waitFor(15*time.Second, func() bool { return n.gauge("ringfence_ledger_writer") == 1 }); !ok {
		t.Fatalf("the node never led the ledger\n%s", n.log)
	}
	for _, args := range [][]string{
		append([]string{"alias", "new", "--subscriber", "13800138001", "--merchant", "m"}, writer...),
		append([]string{"trace", "export", "--org", "bank", "--recipient", "r2", "--in", in, "--out", filepath.Join(dir, "for-r2.csv"), "--spool", spool}, writer...),
		append([]string{"trace", "attribute", salted}, writer...),
	} {
		code, _, errs := runCLI(t, "", args...)
		if code == 0 || !strings.Contains(errs, "POST /v1/") || !strings.Contains(errs, "docs/deploy.md") {
			t.Errorf("ringfence %s while a node leads: exit %d %s", args[0]+" "+args[1], code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "for-r2.csv")); err == nil {
		t.Error("a refused export wrote its copy")
	}
	if out, _ := run(0, verify...); !strings.Contains(out, `"entries": 10,`) {
		t.Errorf("refused verbs appended to the ledger: %s", out)
	}
	// Reading needs no lease.
	run(0, append([]string{"alias", "show", b.Alias}, cluster...)...)
}

// TestStoreVerbsTakeLog: every verb that takes --store takes the nodes'
// --log with it (here the store is unreachable: the verb gets as far as
// connecting).
func TestStoreVerbsTakeLog(t *testing.T) {
	cluster := []string{"--store", "postgres://rf@127.0.0.1:1/rf?connect_timeout=2", "--log", "nats://127.0.0.1:4222"}
	for _, args := range [][]string{
		{"rules", "13800138000", "block", "13977770001"},
		{"rules", "13800138000", "show"},
		{"registry", "list"},
		{"appeals", "list"},
		{"keys", "list"},
		{"keys", "create", "--role", "operator"},
		{"check", "13977770001"},
		{"stats", "monthly"},
		{"alias", "list"},
		{"alias", "pool"},
		{"simulate", "policy"},
	} {
		code, _, errs := runCLI(t, "", append(args, cluster...)...)
		if code == exitUsage || !strings.Contains(errs, "cannot reach PostgreSQL") {
			t.Errorf("ringfence %s --store … --log …: exit %d %s", strings.Join(args, " "), code, errs)
		}
	}
}
