package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCountsReadAsEnglish: counts of one take the singular, and flags are
// named as typed: "1 canary", "1 case file", "over 1 day", "--null-share".
func TestCountsReadAsEnglish(t *testing.T) {
	dir := t.TempDir()
	data := makeData(t, filepath.Join(dir, "data"))
	in := customerFile(t, dir, "in.csv", 20, 0)
	code, out, errs := runCLI(t, "", "trace", "export", "--org", "o", "--recipient", "R", "--canaries", "1", "--in", in, "--out", filepath.Join(dir, "for-R.csv"), "--data", data)
	if code != 0 || !strings.Contains(out, "(1 canary) for R") {
		t.Errorf("trace export: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "", "ledger", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "1 print list and 0 case files match") || !strings.Contains(out, "1 export") {
		t.Errorf("ledger verify: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "", "simulate", "cdr", "--days", "1", "--subscribers", "50", "--out", filepath.Join(dir, "cdr.csv"), "--truth", filepath.Join(dir, "truth.csv"))
	if code != 0 || !strings.Contains(errs, " over 1 day;") {
		t.Errorf("simulate cdr: exit %d\n%s%s", code, out, errs)
	}
	pool := filepath.Join(dir, "pool.txt")
	if err := os.WriteFile(pool, []byte("17100000001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, "", "alias", "pool", "add", pool, "--null-share", "1", "--data", data)
	if code == 0 || !strings.Contains(errs, "--null-share 1 is not in [0, 1)") {
		t.Errorf("alias pool add --null-share 1: exit %d\n%s%s", code, out, errs)
	}
}
