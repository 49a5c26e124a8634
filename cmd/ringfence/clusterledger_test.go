package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
	"ringfence/evidence"
	"ringfence/ledger"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
)

// ledgerNode is "ringfence serve --store" run as a process, so that it can
// be killed with SIGKILL.
type ledgerNode struct {
	name, addr string
	cmd        *exec.Cmd
	log        *lockedBuffer
}

func startLedgerNode(t *testing.T, url, name, keyFile string, extra ...string) *ledgerNode {
	t.Helper()
	n := &ledgerNode{name: name, addr: freeAddr(t), log: &lockedBuffer{}}
	args := append([]string{"serve", "--store", url, "--node", name, "--http", n.addr, "--no-rate-limits",
		"--ledger-key", keyFile, "--spool", filepath.Join(t.TempDir(), "spool")}, extra...)
	n.cmd = exec.Command(os.Args[0], args...)
	n.cmd.Env = append(os.Environ(), "RINGFENCE_TEST_MAIN=1")
	n.cmd.Stderr = n.log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.cmd.Process.Kill(); n.cmd.Wait() })
	if _, ok := waitFor(30*time.Second, func() bool {
		resp, err := http.Get("http://" + n.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}); !ok {
		t.Fatalf("node %s did not listen within 30 s\n%s", name, n.log)
	}
	return n
}

// do sends a request and returns the status, headers and body.
func (n *ledgerNode) do(t *testing.T, method, path, secret string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+n.addr+path, bytes.NewReader(body))
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, n.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// gauge reads one gauge of the node's /metrics (-1 when absent).
func (n *ledgerNode) gauge(name string) float64 {
	resp, err := http.Get("http://" + n.addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		var v float64
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			if _, err := fmt.Sscan(rest, &v); err == nil {
				return v
			}
		}
	}
	return -1
}

func customerCSV(n, from int) []byte {
	var sb strings.Builder
	sb.WriteString("姓名,手机\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&sb, "客户%d,138%08d\n", i, 10000000+i*7919)
	}
	return []byte(sb.String())
}

// TestClusterLedger runs two ledger nodes over one PostgreSQL: an export
// on the writer, its evidence fetched from the other node and verified;
// writes on the node without the lease refused with 503 and nothing
// recorded; kill -9 of the writer, the other node takes the lease and
// appends to the same tree.
func TestClusterLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := pgtest.URL(t)
	ctx := context.Background()
	e, closeDB, err := openClusterEngine(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	orgKey, _, err := e.CreateKey(ctx, "test", ringfence.RoleOrg, "", "bank")
	if err != nil {
		t.Fatal(err)
	}
	regKey, _, err := e.CreateKey(ctx, "test", ringfence.RoleRegulator, "", "")
	if err != nil {
		t.Fatal(err)
	}
	opKey, _, err := e.CreateKey(ctx, "test", ringfence.RoleOperator, "", "")
	if err != nil {
		t.Fatal(err)
	}
	closeDB()
	keyFile := filepath.Join(t.TempDir(), "ledger.key")

	a := startLedgerNode(t, url, "a", keyFile)
	if took, ok := waitFor(15*time.Second, func() bool { return a.gauge("ringfence_ledger_writer") == 1 }); !ok {
		t.Fatalf("node a never led the ledger\n%s", a.log)
	} else {
		t.Logf("node a leads %v after listening", took)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file made by the first node: %v, %v", fi, err)
	}
	b := startLedgerNode(t, url, "b", keyFile)
	time.Sleep(2 * ledgerTick) // b tries the lease at least once
	if g := b.gauge("ringfence_ledger_writer"); g != 0 {
		t.Fatalf("node b: ringfence_ledger_writer %v while a leads\n%s\n%s", g, a.log, b.log)
	}
	// A node's memory snapshot: loaded at start, at a log position no
	// later than the one it follows to now.
	if age, pos, at := b.gauge("ringfence_snapshot_age_seconds"), b.gauge("ringfence_snapshot_position"), b.gauge("ringfence_log_position"); age <= 0 || age > 60 || pos < 0 || pos > at {
		t.Fatalf("node b: snapshot age %v s, position %v, log position %v", age, pos, at)
	}

	// The export on the writer.
	code, h, salted := a.do(t, "POST", "/v1/exports?recipient=r1&canaries=5", orgKey, customerCSV(200, 0))
	if code != 200 {
		t.Fatalf("export on a: %d %s\n%s", code, salted, a.log)
	}
	exportEntry := h.Get("X-Ringfence-Ledger-Entry")
	// The cluster twin of the failed export: on b (no lease) it answers
	// 503 with Retry-After, and writes no entry and no print list.
	st := openLedgerView(t, url, keyFile)
	before := st.Size()
	code, h, body := b.do(t, "POST", "/v1/exports?recipient=r2&canaries=5", orgKey, customerCSV(50, 500))
	if code != 503 || h.Get("Retry-After") == "" || !strings.Contains(string(body), "writer") {
		t.Fatalf("export on the node without the lease: %d %q %s; want 503 with Retry-After\n%s", code, h.Get("Retry-After"), body, b.log)
	}
	if st.Size() != before {
		t.Fatalf("a refused export wrote %d ledger entries", st.Size()-before)
	}
	// The attribution on the writer; the evidence from b.
	code, _, body = a.do(t, "POST", "/v1/attributions", regKey, salted)
	if code != 200 {
		t.Fatalf("attribution on a: %d %s\n%s", code, body, a.log)
	}
	var att struct{ Case string }
	json.Unmarshal(body, &att)
	if _, ok := waitFor(5*time.Second, func() bool {
		// One read: the view's checkpoints grow while it follows.
		cps := st.Checkpoints()
		return len(cps) > 0 && cps[len(cps)-1].Size == st.Size()
	}); !ok {
		t.Fatalf("the writer signed no checkpoint over its entries (%d): %+v\n%s", st.Size(), st.Checkpoints(), a.log)
	}
	bundle := fetchEvidence(t, b, regKey, att.Case)
	verifyBundle(t, bundle, st.VerifierKey(), exportEntry)
	path := filepath.Join(t.TempDir(), "case.zip")
	os.WriteFile(path, bundle, 0o600)
	// The command line builds the same case's bundle from PostgreSQL.
	cliBundle := filepath.Join(t.TempDir(), "cli.zip")
	if code, out, errs := runCLI(t, "", "evidence", "export", "--case", att.Case, "--out", cliBundle, "--store", url, "--ledger-key", keyFile); code != 0 {
		t.Fatalf("ringfence evidence export --store: %d %s%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "", "evidence", "verify", cliBundle, "--key", keyFile); code != 0 {
		t.Fatalf("ringfence evidence verify of the command line's bundle: %d %s%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", "evidence", "export", "--case", att.Case, "--out", cliBundle, "--store", url); code != exitUsage || !strings.Contains(errs, "--ledger-key") {
		t.Fatalf("evidence export --store without --ledger-key: exit %d %s", code, errs)
	}
	// ledger verify, checkpoint and pubkey on the cluster's ledger.
	if code, out, errs := runCLI(t, "", "ledger", "verify", "--store", url, "--ledger-key", keyFile); code != 0 || !strings.Contains(out, "verifies:") || !strings.Contains(out, "1 export") {
		t.Fatalf("ledger verify --store: %d %s%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "", "ledger", "checkpoint", "--store", url, "--ledger-key", keyFile); code != 0 || !strings.Contains(out, st.VerifierKey()[:strings.Index(st.VerifierKey(), "+")]) {
		t.Fatalf("ledger checkpoint --store: %d %s%s", code, out, errs)
	}
	if code, out, errs := runCLI(t, "", "ledger", "pubkey", "--ledger-key", keyFile); code != 0 || strings.TrimSpace(out) != st.VerifierKey() {
		t.Fatalf("ledger pubkey --ledger-key: %d %q%s, want %q", code, out, errs, st.VerifierKey())
	}
	if code, _, errs := runCLI(t, "", "ledger", "verify", "--ledger-key", keyFile); code != exitUsage || !strings.Contains(errs, "--store") {
		t.Fatalf("ledger verify --ledger-key without --store: exit %d %s", code, errs)
	}
	// The verifier key itself, or the cluster's key file (its verifier
	// line), with or without @.
	for _, k := range []string{st.VerifierKey(), "@" + keyFile, keyFile} {
		if code, out, errs := runCLI(t, "", "evidence", "verify", path, "--key", k); code != 0 {
			t.Fatalf("ringfence evidence verify of b's bundle --key %s: %d %s%s", k, code, out, errs)
		}
	}

	// A stranger's call to an alias seen on b (no lease) is screened at
	// once, and the writer records the leak within ledgerReconcile.
	var nums []string
	for i := range 20 {
		nums = append(nums, fmt.Sprintf("%q", fmt.Sprintf("+86171000000%02d", i)))
	}
	pool := `{"numbers":[` + strings.Join(nums, ",") + `],"quarantine":"0s","null_share":0}`
	if code, _, body := a.do(t, "POST", "/v1/alias-pool", opKey, []byte(pool)); code != 200 && code != 201 {
		t.Fatalf("alias pool on a: %d %s", code, body)
	}
	code, _, body = a.do(t, "POST", "/v1/aliases", opKey, []byte(`{"subscriber":"13800138000","merchant":"shop","merchant_numbers":["+8613900000001"]}`))
	if code != 201 {
		t.Fatalf("alias on a: %d %s", code, body)
	}
	var bound struct{ Alias string }
	json.Unmarshal(body, &bound)
	leaks := len(st.EntriesOfType(ledger.TypeLeakEvent))
	call := fmt.Sprintf(`{"calls":[{"caller":"+8613912345678","callee":%q}]}`, bound.Alias)
	if _, ok := waitFor(10*time.Second, func() bool {
		code, _, body = b.do(t, "POST", "/v1/calls", opKey, []byte(call))
		return code == 200 && strings.Contains(string(body), `"leak":true`)
	}); !ok {
		t.Fatalf("stranger's call on b: %d %s", code, body)
	}
	if _, ok := waitFor(ledgerReconcile+5*time.Second, func() bool { return len(st.EntriesOfType(ledger.TypeLeakEvent)) > leaks }); !ok {
		t.Fatalf("the writer did not record the leak seen on b\n%s", a.log)
	}
	if _, ok := waitFor(5*time.Second, func() bool { cps := st.Checkpoints(); return cps[len(cps)-1].Size == st.Size() }); !ok {
		t.Fatal("the writer signed no checkpoint over the leak")
	}
	cps := st.Checkpoints()
	signed := cps[len(cps)-1]

	// kill -9 of the writer: b takes over and appends to the same tree.
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.cmd.Wait()
	killed := time.Now()
	if _, ok := waitFor(15*time.Second, func() bool { return b.gauge("ringfence_ledger_writer") == 1 }); !ok {
		t.Fatalf("node b never took the lease after a was killed\n%s", b.log)
	}
	t.Logf("node b leads %v after node a was killed", time.Since(killed).Round(time.Millisecond))
	code, h, body = b.do(t, "POST", "/v1/exports?recipient=r3&canaries=5", orgKey, customerCSV(80, 900))
	if code != 200 {
		t.Fatalf("export on b after the takeover: %d %s", code, body)
	}
	// The export's canary bindings come first, from entry signed.Size on.
	canaries, _ := strconv.Atoi(h.Get("X-Ringfence-Canaries"))
	if got, want := h.Get("X-Ringfence-Ledger-Entry"), fmt.Sprint(signed.Size+int64(canaries)); got != want {
		t.Fatalf("b's export at entry %s; want %s, its %d canary bindings right after a's last entry", got, want, canaries)
	}
	if _, ok := waitFor(5*time.Second, func() bool { cps := st.Checkpoints(); return cps[len(cps)-1].Size == st.Size() }); !ok {
		t.Fatal("b signed no checkpoint over its entries")
	}
	rep, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PrintLists != 2 || rep.Cases != 1 || len(rep.Orphans) != 0 {
		t.Fatalf("ledger after the takeover: %+v; want 2 print lists, 1 case, no orphans", rep)
	}
	// The tree b signed extends the one a signed.
	cps = st.Checkpoints()
	last := cps[len(cps)-1]
	p, err := st.ProveConsistency(signed.Size, last.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkTree(p, last, signed); err != nil {
		t.Fatalf("b's tree is not consistent with a's: %v", err)
	}
	verifyBundle(t, fetchEvidence(t, b, regKey, att.Case), st.VerifierKey(), exportEntry)
}

// openLedgerView opens a read-only view of the cluster's ledger, as a node
// without the ledger role does.
func openLedgerView(t *testing.T, url, keyFile string) *ledger.Log {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	data, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ledger.ParseKeyFile(data)
	if err != nil {
		t.Fatal(err)
	}
	k.Signer = ""
	l, err := ledger.OpenStorage(db.Ledger(), k, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func fetchEvidence(t *testing.T, n *ledgerNode, key, caseID string) []byte {
	t.Helper()
	code, _, b := n.do(t, "GET", "/v1/evidence/"+caseID, key, nil)
	if code != 200 {
		t.Fatalf("evidence of %s from %s: %d %s\n%s", caseID, n.name, code, b, n.log)
	}
	return b
}

func verifyBundle(t *testing.T, b []byte, key, exportEntry string) {
	t.Helper()
	res, err := evidence.Verify(b, key)
	if err != nil {
		t.Fatalf("bundle: %v", err)
	}
	found := false
	for _, i := range res.Entries {
		found = found || fmt.Sprint(i) == exportEntry
	}
	if !found {
		t.Fatalf("bundle proves entries %v, not the export at %s", res.Entries, exportEntry)
	}
}

func checkTree(p tlog.TreeProof, last, old ledger.Checkpoint) error {
	return tlog.CheckTree(p, last.Size, last.Root, old.Size, old.Root)
}

// TestLedgerKeyFlags: --ledger-key and --spool need --store, and a key
// file others may read, or one that is not a key file, is refused.
func TestLedgerKeyFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--ledger-key", "k", "--data", "d"}, "need --store"},
		{[]string{"--spool", "s"}, "need --store"},
		{[]string{"--roles", "detect,ledger", "--store", "postgres://127.0.0.1:1/x"}, "the ledger role needs the api role"},
	} {
		var out, errb strings.Builder
		c := &cli{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		if code := c.runServe(tc.args); code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("serve %v: exit %d, %q; want a usage error with %q", tc.args, code, errb.String(), tc.want)
		}
	}
	dir := t.TempDir()
	kf, err := ledger.NewKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		data []byte
		mode os.FileMode
		want string
	}{
		{kf, 0o644, "chmod 600"},
		{[]byte("signer x\n"), 0o600, "want the signer, verifier and fingerprint keys"},
		{[]byte("key x\n"), 0o600, "line 1"},
		{bytes.Replace(kf, []byte("verifier "), []byte("verifier x"), 1), 0o600, "verifier key"},
	} {
		p := filepath.Join(dir, "k")
		os.Remove(p)
		if err := os.WriteFile(p, tc.data, tc.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, tc.mode)
		if _, err := loadLedgerKey(context.Background(), p, nil, true, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("key file mode %o wanting %q: %v", tc.mode, tc.want, err)
		}
	}
}

// TestLedgerKeyCreatedOnce: nodes started together on a cluster with no
// ledger, with the same --ledger-key path, end with one key file and the
// same keys; none fails on the file the other is writing.
func TestLedgerKeyCreatedOnce(t *testing.T) {
	url := pgtest.URL(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "ledger.key")
		keys := make([]ledger.Keys, 4)
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				keys[i], errs[i] = loadLedgerKey(context.Background(), path, db.Ledger(), true, slog.New(slog.DiscardHandler))
			})
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil {
				t.Fatalf("round %d, node %d: %v", round, i, errs[i])
			}
			if keys[i].Verifier != keys[0].Verifier || keys[i].Signer != keys[0].Signer {
				t.Fatalf("round %d: node %d has other keys than node 0", round, i)
			}
		}
		if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
			t.Errorf("round %d: %d files beside the key file, want none", round, len(ents)-1)
		}
	}
}
