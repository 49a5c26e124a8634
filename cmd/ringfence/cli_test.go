package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMissingDataDirectory runs every command that reads or changes a data
// directory on one that does not exist: each must exit 1 naming the path
// and leave nothing behind. Only serve, demo, keys create and import create
// one.
func TestMissingDataDirectory(t *testing.T) {
	base := t.TempDir()
	found := filepath.Join(base, "found.csv")
	os.WriteFile(found, []byte("name,phone\n张三,13800138000\n"), 0o600)
	tests := [][]string{
		{"check", "17100001234"},
		{"report", "17100001234", "--category", "loan", "--reporter", "r"},
		{"rules", "13800138000", "show"},
		{"rules", "13800138000", "block", "170*"},
		{"registry", "list"},
		{"registry", "add", "95588", "--name", "x"},
		{"appeals", "list"},
		{"appeals", "file", "95588", "--business", "b", "--reason", "r"},
		{"keys", "list"},
		{"keys", "revoke", "key_x"},
		{"stats", "monthly", "--month", "2026-01"},
		{"alias", "list"},
		{"alias", "pool", "add", found},
		{"ledger", "verify"},
		{"ledger", "pubkey"},
		{"evidence", "export", "--case", "leak-1", "--out", filepath.Join(base, "b.zip")},
		{"trace", "attribute", found},
		{"trace", "export", "--org", "o", "--recipient", "r", "--in", found, "--out", filepath.Join(base, "out.csv")},
		{"simulate", "policy"},
	}
	for i, args := range tests {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			dir := filepath.Join(base, fmt.Sprintf("missing-%d", i), "ringfence-data")
			code, out, errs := runCLI(t, "", append(args, "--data", dir)...)
			want := "ringfence: no data directory at " + dir + " (run 'ringfence demo' or 'ringfence serve' to create one, or pass --data)"
			if code != exitFail || !strings.Contains(errs, want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errs, want)
			}
			if _, err := os.Stat(filepath.Dir(dir)); !os.IsNotExist(err) {
				t.Fatalf("%s was created (%v)", dir, err)
			}
		})
	}
	// An existing directory without ringfence's database is no data
	// directory either, and gets none.
	empty := t.TempDir()
	if code, _, errs := runCLI(t, "", "check", "17100001234", "--data", empty); code != exitFail || !strings.Contains(errs, "no data directory at "+empty) {
		t.Fatalf("empty directory: %d %s", code, errs)
	}
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Fatalf("check left %v in an empty directory", ents)
	}
	// The default, ./ringfence-data, from another directory.
	t.Chdir(t.TempDir())
	wd, _ := os.Getwd()
	if code, _, errs := runCLI(t, "", "check", "17100001234"); code != exitFail || !strings.Contains(errs, "no data directory at "+filepath.Join(wd, "ringfence-data")) {
		t.Fatalf("default directory: %d %s", code, errs)
	}
	// The creating commands create it.
	dir := filepath.Join(base, "new", "ringfence-data")
	if code, _, errs := runCLI(t, "", "keys", "create", "--role", "operator", "--data", dir); code != 0 {
		t.Fatalf("keys create: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "", "check", "17100001234", "--data", dir); code != 0 {
		t.Fatalf("check after keys create: %d %s", code, errs)
	}
	dir = filepath.Join(base, "imported")
	if code, _, errs := runCLI(t, "number,category,reporter,reported_at\n", "import", "reports", "-", "--data", dir); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
}

// TestFlagsBelongToVerb checks that a flag the verb does not take is a
// usage error (exit 2), not silently ignored.
func TestFlagsBelongToVerb(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "", "keys", "create", "--role", "operator", "--data", dir); code != 0 {
		t.Fatalf("keys create: %d %s", code, errs)
	}
	tests := []struct {
		args []string
		flag string
	}{
		{[]string{"keys", "list", "--role", "x"}, "--role"},
		{[]string{"keys", "revoke", "key_x", "--org", "o"}, "--org"},
		{[]string{"registry", "list", "--name", "x"}, "--name"},
		{[]string{"registry", "remove", "1", "--name", "x"}, "--name"},
		{[]string{"appeals", "list", "--business", "b"}, "--business"},
		{[]string{"appeals", "accept", "1", "--status", "pending"}, "--status"},
		{[]string{"appeals", "file", "95588", "--business", "b", "--reason", "r", "--note", "n"}, "--note"},
		{[]string{"rules", "13800138000", "show", "--until", "2030-01-01T00:00:00Z"}, "--until"},
		{[]string{"rules", "13800138000", "block", "170*", "--quiet", "off"}, "--quiet"},
		{[]string{"rules", "13800138000", "set", "--note", "n"}, "--note"},
		{[]string{"rules", "13800138000", "remove", "170*", "--until", "2030-01-01T00:00:00Z"}, "--until"},
		{[]string{"alias", "list", "--caller", "13800138000"}, "--caller"},
		{[]string{"alias", "show", "13900000001", "--merchant", "m"}, "--merchant"},
		{[]string{"alias", "pool", "add", "f.txt", "--subscriber", "13800138000"}, "--subscriber"},
		{[]string{"ledger", "pubkey", "--json"}, "--json"},
		{[]string{"evidence", "verify", "b.zip", "--case", "c"}, "--case"},
		{[]string{"evidence", "export", "--case", "c", "--out", "o.zip", "--key", "k"}, "--key"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCLI(t, "", append(tt.args, "--data", dir)...)
			if code != exitUsage || !strings.Contains(errs, tt.flag) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 naming %s", code, out, errs, tt.flag)
			}
		})
	}
	// The flags that belong still work.
	if code, out, errs := runCLI(t, "", "rules", "13800138000", "pass", "95311*", "--until", time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "--note", "courier", "--json", "--data", dir); code != 0 || !strings.Contains(out, "courier") {
		t.Fatalf("rules pass: %d %s %s", code, out, errs)
	}
}

// interrupted runs ringfence as a real process with stdin from a pipe,
// feeds it head, waits until ready says the process has taken it in, sends
// SIGINT while it waits for more input, and returns its exit code and
// stderr.
func interrupted(t *testing.T, head string, ready func() bool, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RINGFENCE_TEST_MAIN=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if _, err := io.WriteString(stdin, head); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); !ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the command never took its input in: %s", stderr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the command did not stop on SIGINT: %s", stderr.String())
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// TestInterruptImport sends SIGINT to an import mid-stream (its input
// still open, more than a transaction chunk of reports read): a file goes
// in whole or not at all, so nothing is stored, and the command exits 130
// saying so.
func TestInterruptImport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "", "keys", "create", "--role", "operator", "--data", dir); code != 0 {
		t.Fatalf("keys create: %d %s", code, errs)
	}
	var rows strings.Builder
	rows.WriteString("number,category,reporter,reported_at\n")
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for i := 0; i < 50000; i++ { // 2.5 MB: far more than a pipe holds, so most was read
		fmt.Fprintf(&rows, "1701%07d,loan,r%d,%s\n", i, i, at)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ringfence.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(table string) int {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	events := count("events")
	code, errs := interrupted(t, rows.String(), func() bool { return true }, "import", "reports", "-", "--data", dir)
	if code != exitInterrupted || !strings.Contains(errs, "interrupted; nothing was imported") {
		t.Fatalf("exit %d, stderr %q; want %d and that nothing was imported", code, errs, exitInterrupted)
	}
	for _, table := range []string{"reports", "report_events", "tallies", "reporters"} {
		if n := count(table); n != 0 {
			t.Fatalf("%d rows in %s after the interrupted import, want none", n, table)
		}
	}
	if n := count("events"); n != events {
		t.Fatalf("%d events after the interrupted import, want the %d before it", n, events)
	}
}

// TestInterruptDeid sends SIGINT to a de-identification writing a file:
// no output file, and no partial one beside it, is left.
func TestInterruptDeid(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "masked.csv")
	var rows strings.Builder
	rows.WriteString("姓名,手机\n")
	for i := 0; i < 100000; i++ { // more than deid reads ahead
		fmt.Fprintf(&rows, "张三,1380013%04d\n", i%10000)
	}
	partial := func() bool {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if info, err := e.Info(); err == nil && info.Size() > 0 {
				return true
			}
		}
		return false
	}
	code, errs := interrupted(t, rows.String(), partial, "deid", "--format", "csv", "--out", out)
	if code != exitInterrupted || !strings.Contains(errs, "interrupted") {
		t.Fatalf("exit %d, stderr %q; want %d", code, errs, exitInterrupted)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left behind after the interrupt: %v", ents)
	}
}

// TestHelpAndVersion checks that every verb with subcommands prints its
// help for -h, --help and help, and that version names the build.
func TestHelpAndVersion(t *testing.T) {
	for _, verb := range []string{"trace", "cdr", "simulate", "deid", "keys", "rules", "registry", "appeals", "alias", "ledger", "evidence", "import", "stats"} {
		for _, h := range []string{"-h", "--help", "help"} {
			code, out, errs := runCLI(t, "", verb, h)
			if code != 0 || !strings.Contains(out, "usage: ringfence "+verb) {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", verb, h, code, out, errs)
			}
		}
	}
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "ringfence ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: %d %q", code, out)
	}
}

// TestReportSaysReporterOnce checks the plural in the report summary.
func TestReportSaysReporterOnce(t *testing.T) {
	dir := t.TempDir()
	runCLI(t, "", "keys", "create", "--role", "operator", "--data", dir)
	code, out, errs := runCLI(t, "", "report", "17012345678", "--category", "loan", "--reporter", "r1", "--data", dir)
	if code != 0 || !strings.Contains(out, "1 reporter,") {
		t.Fatalf("report: %d %q %s", code, out, errs)
	}
	code, out, _ = runCLI(t, "", "report", "17012345678", "--category", "loan", "--reporter", "r2", "--data", dir)
	if code != 0 || !strings.Contains(out, "2 reporters,") {
		t.Fatalf("second report: %d %q", code, out)
	}
}

// TestDemoRerunSaysSo checks that running demo on a loaded data directory
// says what it did and where the keys are, instead of printing nothing.
func TestDemoRerunSaysSo(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo dataset")
	}
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "", "demo", "--data", dir); code != 0 || !strings.Contains(errs, "demo: loaded") {
		t.Fatalf("first demo: %d %s", code, errs)
	}
	code, out, errs := runCLI(t, "", "demo", "--data", dir)
	keys := filepath.Join(dir, demoKeysFile)
	if code != 0 || !strings.Contains(errs, "demo data already loaded in "+dir) || !strings.Contains(errs, keys) || !strings.Contains(errs, "curl -s -H 'Authorization: Bearer rf_") {
		t.Fatalf("second demo: %d %q %q", code, out, errs)
	}
}

// TestRegistryAddSharesPatternCheck: registry add refuses junk and
// overlapping patterns as POST /v1/registry does.
func TestRegistryAddSharesPatternCheck(t *testing.T) {
	data := makeData(t, t.TempDir())
	for _, tc := range []struct {
		pattern string
		code    int
		want    string
	}{
		{"1700000(3)*", exitFail, "parenthes"},
		{"17000005**", exitFail, "'*'"},
		{"17000001*", exitOK, "+8617000001*"},
		{"170000012*", exitFail, "+8617000001*"},
	} {
		code, out, errs := runCLI(t, "", "registry", "add", tc.pattern, "--name", "某公司", "--data", data)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("registry add %s: exit %d: %s%s; want %d with %q", tc.pattern, code, out, errs, tc.code, tc.want)
		}
	}
}
