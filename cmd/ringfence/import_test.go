package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const ftcFile = "../../../shared/data/ftc_dnc_2021-07-08.csv"

// TestImportFTC imports the real FTC complaint file: every row is imported
// or rejected with a reason, and the most-complained numbers come back
// labelled.
func TestImportFTC(t *testing.T) {
	if _, err := os.Stat(ftcFile); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("FTC data not present; CI runs with ../shared beside the checkout")
		}
		t.Skip("FTC data not present")
	}
	dir := t.TempDir()
	code, out, errs := runCLI(t, "", "import", "reports", ftcFile, "--format", "ftc", "--data", dir, "--errors", "1000")
	if code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	m := regexp.MustCompile(`imported (\d+), rejected (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary line: %s", out)
	}
	imported, _ := strconv.Atoi(m[1])
	rejected, _ := strconv.Atoi(m[2])
	if imported+rejected != 14034 {
		t.Fatalf("imported %d + rejected %d != 14034 rows", imported, rejected)
	}
	if n := strings.Count(out, "blank number"); n != 669 {
		t.Errorf("blank numbers rejected: %d, want 669", n)
	}
	if !strings.Contains(out, `"70611454600144" is not a North American number (14 digits)`) {
		t.Errorf("malformed 14-digit number not rejected with its reason")
	}
	if !strings.Contains(out, "ftc_dnc_2021-07-08.csv:5: Company_Phone_Number") {
		t.Errorf("rejections do not name file and line: %.300s", out)
	}
	// Every number with ten complaints or more: 42, 16 (all from one area
	// code), 14, 14, 13, 10, 10, 10.
	for _, num := range []string{"+13152328257", "+15136443516", "+18339154027", "+14076198312", "+18333041447", "+12023014192", "+18186915964", "+18555751971"} {
		code, out, _ := runCLI(t, "", "check", num, "--data", dir, "--json")
		if code != 0 || !strings.Contains(out, `"action": "label"`) {
			t.Errorf("most-complained %s not labelled:\n%s", num, out)
		}
	}
}

// A file none of whose rows could be imported fails (exit 1), naming the
// file; one with good rows around bad ones does not.
func TestImportNoRowImported(t *testing.T) {
	dir := t.TempDir()
	header := "number,category,reporter,reported_at\n"
	bad := dir + "/bad.csv"
	os.WriteFile(bad, []byte(header+"abc,loan,r1,2026-11-30T10:00:00+08:00\nxyz,loan,r2,2026-11-30T10:00:00+08:00\n"), 0o600)
	code, out, errs := runCLI(t, "", "import", "reports", bad, "--data", dir)
	if code != exitFail || !strings.Contains(out, "imported 0, rejected 2") || !strings.Contains(errs, "bad.csv: none of its 2 rows could be imported") {
		t.Errorf("all bad: code %d\n%s%s", code, out, errs)
	}
	mixed := dir + "/mixed.csv"
	os.WriteFile(mixed, []byte(header+"abc,loan,r1,2026-11-30T10:00:00+08:00\n+8613812345678,loan,r2,2026-11-30T10:00:00+08:00\n"), 0o600)
	code, out, errs = runCLI(t, "", "import", "reports", mixed, "--data", dir)
	if code != exitOK || !strings.Contains(out, "imported 1, rejected 1") {
		t.Errorf("mixed: code %d\n%s%s", code, out, errs)
	}
}
