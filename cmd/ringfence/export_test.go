package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ringfence/alias"
)

// aliasPoolFile writes n contiguous pool numbers and returns the file.
func aliasPoolFile(t *testing.T, dir string, n int) string {
	t.Helper()
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, "+86171000%05d\n", i)
	}
	p := filepath.Join(dir, "pool.txt")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// customerFile writes a list of n customers, numbered from from.
func customerFile(t *testing.T, dir, name string, n, from int) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("姓名,手机\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&sb, "客户%d,138%08d\n", i, 10000000+i*7919)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ledgerState is what the ledger and the store hold about aliases: the
// number of ledger entries and the bound aliases.
func ledgerState(t *testing.T, data string) (entries int, bound []alias.Binding) {
	t.Helper()
	code, out, errs := runCLI(t, "", "ledger", "verify", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("ledger verify: %d %s%s", code, out, errs)
	}
	var rep struct{ Entries int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("ledger verify --json: %v\n%s", err, out)
	}
	code, out, errs = runCLI(t, "", "alias", "list", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("alias list: %d %s%s", code, out, errs)
	}
	if err := json.Unmarshal([]byte(out), &bound); err != nil {
		t.Fatalf("alias list --json: %v\n%s", err, out)
	}
	return rep.Entries, bound
}

// TestFailedExportBindsNothing: a pool of 20 numbers without quarantine;
// exports to A, B, C, D where B needs more numbers than are free. B fails
// and leaves neither bindings nor ledger entries behind, so C still gets
// the numbers B would have drained; D asks more canaries than are free and
// is refused before anything is reserved.
func TestFailedExportBindsNothing(t *testing.T) {
	dir := t.TempDir()
	data := makeData(t, filepath.Join(dir, "data"))
	if code, out, errs := runCLI(t, "", "alias", "pool", "add", aliasPoolFile(t, dir, 20), "--quarantine", "0", "--null-share", "0", "--data", data); code != 0 {
		t.Fatalf("pool add: %d %s%s", code, out, errs)
	}
	export := func(recipient string, rows, from, canaries int, alias bool) (int, string) {
		in := customerFile(t, dir, recipient+".csv", rows, from)
		args := []string{"trace", "export", "--org", "o", "--recipient", recipient, "--in", in,
			"--out", filepath.Join(dir, "for-"+recipient+".csv"), "--canaries", fmt.Sprint(canaries), "--data", data}
		if alias {
			args = append(args, "--alias")
		}
		code, out, errs := runCLI(t, "", args...)
		return code, out + errs
	}
	if code, out := export("A", 8, 0, 2, true); code != 0 {
		t.Fatalf("export A: %d %s", code, out)
	}
	entriesA, boundA := ledgerState(t, data)
	if len(boundA) != 10 || entriesA != 11 {
		t.Fatalf("after A: %d bindings, %d ledger entries; want 10 and 11", len(boundA), entriesA)
	}
	// B needs 12 aliases and 2 canaries; 10 numbers are free.
	code, out := export("B", 12, 100, 2, true)
	if code != exitFail || !strings.Contains(out, "free") {
		t.Fatalf("export B: exit %d, want %d naming the free numbers: %s", code, exitFail, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "for-B.csv")); !os.IsNotExist(err) {
		t.Fatalf("the failed export left its copy: %v", err)
	}
	entriesB, boundB := ledgerState(t, data)
	if len(boundB) != len(boundA) || entriesB != entriesA {
		t.Fatalf("failed export B left %d bindings and %d ledger entries behind", len(boundB)-len(boundA), entriesB-entriesA)
	}
	for _, b := range boundB {
		if b.Merchant == "B" {
			t.Fatalf("binding for B's failed export: %+v", b)
		}
	}
	if code, out := export("C", 7, 200, 2, true); code != 0 {
		t.Fatalf("export C (the numbers B did not take): %d %s", code, out)
	}
	// D asks more canaries than are left (1): refused, nothing written.
	code, out = export("D", 3, 300, 5, false)
	if code != exitFail || !strings.Contains(out, "only 1 alias pool number free") {
		t.Fatalf("export D: exit %d: %s", code, out)
	}
	entriesD, boundD := ledgerState(t, data)
	if len(boundD) != 19 || entriesD != entriesA+10 {
		t.Fatalf("after C and D: %d bindings, %d ledger entries; want 19 and %d", len(boundD), entriesD, entriesA+10)
	}
	code, out, _ = runCLI(t, "", "alias", "pool", "--data", data)
	if code != 0 || !strings.Contains(out, "1 free") || !strings.Contains(out, "warning") {
		t.Fatalf("alias pool with 1 of 20 free: %d %s", code, out)
	}
}

// TestExportCleansStaleSpool: a copy left in the data directory's spool by
// an export killed mid-way is removed by the next export, which spools
// there itself (never beside --out or in the system's temporary
// directory) and leaves nothing behind.
func TestExportCleansStaleSpool(t *testing.T) {
	dir := t.TempDir()
	data := makeData(t, filepath.Join(dir, "data"))
	spool := filepath.Join(data, "tmp")
	os.MkdirAll(spool, 0o700)
	stale := filepath.Join(spool, "export-out-123")
	if err := os.WriteFile(stale, []byte("客户1,13800138000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sysTmp := t.TempDir()
	t.Setenv("TMPDIR", sysTmp)
	out := filepath.Join(dir, "out", "for-R.csv")
	os.MkdirAll(filepath.Dir(out), 0o700)
	in := customerFile(t, dir, "in.csv", 20, 0)
	if code, o, errs := runCLI(t, "", "trace", "export", "--org", "o", "--recipient", "R", "--in", in, "--out", out, "--data", data); code != 0 {
		t.Fatalf("export: %d %s%s", code, o, errs)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale spool file still there: %v", err)
	}
	for _, d := range []string{spool, sysTmp, filepath.Dir(out)} {
		files, _ := filepath.Glob(filepath.Join(d, "*"))
		if d == filepath.Dir(out) && len(files) == 1 && files[0] == out {
			continue
		}
		if len(files) != 0 {
			t.Errorf("%s holds %v", d, files)
		}
	}
	if st, err := os.Stat(spool); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("spool directory: %v %v", st.Mode(), err)
	}
}

// TestTraceReadsStdin: trace export --in - and trace attribute - read the
// list from stdin, as deid does; the export spools it inside the data
// directory only, and leaves nothing there.
func TestTraceReadsStdin(t *testing.T) {
	dir := t.TempDir()
	data := makeData(t, filepath.Join(dir, "data"))
	sysTmp := t.TempDir()
	t.Setenv("TMPDIR", sysTmp)
	list, err := os.ReadFile(customerFile(t, dir, "in.csv", 30, 0))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "for-R.csv")
	code, o, errs := runCLI(t, string(list), "trace", "export", "--org", "o", "--recipient", "R", "--in", "-", "--out", out, "--canaries", "2", "--data", data)
	if code != 0 || !strings.Contains(o, "for R") {
		t.Fatalf("export --in -: %d %s%s", code, o, errs)
	}
	for _, d := range []string{filepath.Join(data, "tmp"), sysTmp} {
		if files, _ := filepath.Glob(filepath.Join(d, "*")); len(files) != 0 {
			t.Errorf("%s holds %v", d, files)
		}
	}
	salted, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	code, o, errs = runCLI(t, string(salted), "trace", "attribute", "-", "--data", data)
	if code != 0 || !strings.Contains(o, "of stdin") || !strings.Contains(o, " 1. R (export ") {
		t.Fatalf("attribute -: %d %s%s", code, o, errs)
	}
	if code, o, errs := runCLI(t, "", "trace", "export", "--org", "o", "--recipient", "S", "--in", "-", "--out", filepath.Join(dir, "for-S.csv"), "--data", data); code != exitFail || !strings.Contains(errs, "stdin") {
		t.Fatalf("export of an empty stdin: %d %s%s", code, o, errs)
	}
}
