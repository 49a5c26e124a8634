package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"ringfence/postgres/pgtest"
	"ringfence/sqlite"
)

// TestMain lets the test binary stand in for the ringfence binary: with
// RINGFENCE_TEST_MAIN=1 it runs the command line given in its arguments,
// so tests can run ringfence as a real process (and kill it).
func TestMain(m *testing.M) {
	if os.Getenv("RINGFENCE_TEST_MAIN") == "1" {
		os.Exit(runMain())
	}
	os.Exit(pgtest.Main(m)) // m.Run, then stop the throwaway PostgreSQL if a test started one
}

// runCLI runs a command line in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = c.run(args)
	return code, out.String(), errb.String()
}

// makeData creates an empty data directory at dir, as serve or keys create
// would, for commands that need one.
func makeData(t testing.TB, dir string) string {
	t.Helper()
	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return dir
}

func TestNumberNotations(t *testing.T) {
	tests := []struct{ in, e164, typ string }{
		{"13812345678", "+8613812345678", "mobile"},
		{"+86 138-1234-5678", "+8613812345678", "mobile"},
		{"008613812345678", "+8613812345678", "mobile"},
		{"010-12345678", "+861012345678", "fixed_line"},
		{"(0731)88888888", "+8673188888888", "fixed_line"},
		{"95588", "+8695588", "service"},
		{"400-812-3123", "+864008123123", "toll_free"},
		{"12321", "+8612321", "short_code"},
		{"+1 415 555 2671", "+14155552671", "international"},
	}
	for _, tt := range tests {
		code, out, errs := runCLI(t, "", "number", tt.in, "--json")
		if code != 0 || !strings.Contains(out, `"e164": "`+tt.e164+`"`) || !strings.Contains(out, `"type": "`+tt.typ+`"`) {
			t.Errorf("number %q: code %d\n%s%s", tt.in, code, out, errs)
		}
	}
	if code, _, errs := runCLI(t, "", "number", "1381234567"); code != 1 || !strings.Contains(errs, "not a number") {
		t.Errorf("bad number: code %d, %s", code, errs)
	}
}

func TestUsageExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{}, {"nonsense"}, {"check"}, {"report", "13800138000"}, {"rules", "13800138000", "frobnicate", "x"}, {"import", "reports"}} {
		if len(args) > 0 {
			args = append(args, "--data", dir)
		}
		if code, _, _ := runCLI(t, "", args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	dir := makeData(t, t.TempDir())
	if code, out, errs := runCLI(t, "", "rules", "13800138000", "block", "170*", "--data", dir); code != 0 {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	code, out, _ := runCLI(t, "", "--data", dir, "check", "17012345678", "--callee", "13800138000", "--json")
	if code != exitUsage {
		// "--data" before the command is not a command.
		t.Fatalf("flag before command: %d %s", code, out)
	}
	code, out, errs := runCLI(t, "", "check", "--data", dir, "17012345678", "--callee", "13800138000", "--json")
	if code != 0 || !strings.Contains(out, `"action": "block"`) {
		t.Fatalf("check: %d %s %s", code, out, errs)
	}
}

// A usage mistake gets one message and the synopsis, not every flag; a
// flag or argument that does not belong to the verb is a usage error.
func TestUsageMistakesAreShort(t *testing.T) {
	dir := makeData(t, t.TempDir())
	for _, args := range [][]string{
		{"alias", "pool", "--quarantine", "0", "--data", dir},
		{"version", "--json"},
		{"deid", "--encoding", "latin9"},
		{"check", "--bogus", "1", "--data", dir},
		{"keys", "list", "--role", "x", "--data", dir},
		{"deid", "keygen", "extra"},
		{"deid", "--bogus"},
	} {
		code, _, stderr := runCLI(t, "", args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, exitUsage, stderr)
		}
		if !strings.HasPrefix(stderr, "ringfence ") {
			t.Errorf("%q: the mistake is not named as ringfence's:\n%s", args, stderr)
		}
		if n := strings.Count(stderr, "\n"); n > 10 || strings.Contains(stderr, "flags:") {
			t.Errorf("%q: %d lines of usage:\n%s", args, n, stderr)
		}
	}
	if code, stdout, _ := runCLI(t, "", "check", "--help"); code != exitOK || !strings.Contains(stdout, "flags:") {
		t.Errorf("check --help: exit %d\n%s", code, stdout)
	}
}
