package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const testDeidKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// deidCLI runs "ringfence deid ARGS" in-process with RINGFENCE_DEID_KEY set
// to key (when not empty).
func deidCLI(t *testing.T, stdin []byte, key string, args ...string) (code int, stdout []byte, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "RINGFENCE_DEID_KEY" {
			return key
		}
		return ""
	}}
	code = c.runDeid(args)
	return code, out.Bytes(), errb.String()
}

func TestDeidMasksText(t *testing.T) {
	in := "客户张三先生，手机 138-1234-5678，身份证110101199003078881，备注无。\n"
	code, out, errs := deidCLI(t, []byte(in), "")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "客户张*先生，手机 138-****-5678，身份证110101********8881，备注无。\n"
	if string(out) != want {
		t.Errorf("got  %q\nwant %q", out, want)
	}
	for _, s := range []string{"mobile", "id_card", "name", "3 entities"} {
		if !strings.Contains(errs, s) {
			t.Errorf("summary lacks %q:\n%s", s, errs)
		}
	}
	if strings.Contains(errs, "13812345678") || strings.Contains(errs, "1234") {
		t.Errorf("summary leaks personal data:\n%s", errs)
	}
}

// TestDeidGBKSpreadsheet runs a GBK CSV, as a spreadsheet exports it,
// through a per-column policy: the output is GBK again and the columns get
// their operators.
func TestDeidGBKSpreadsheet(t *testing.T) {
	dir := t.TempDir()
	utf := "姓名,手机号,身份证号,客户编号,备注\r\n王小明,13812345678,110101199003078881,C0001,\"联系人李四, 电话 0755-88886666\"\r\n欧阳娜娜,+86 139 8765 4321,N/A,C0002,无\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(utf))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "客户.csv")
	os.WriteFile(in, gbk, 0o600)
	policy := filepath.Join(dir, "policy.json")
	os.WriteFile(policy, []byte(`{"columns": {"手机号": "fpe", "身份证号": "mask", "客户编号": "keep", "姓名": "mask"}}`), 0o600)
	out := filepath.Join(dir, "out.csv")
	code, _, errs := deidCLI(t, nil, testDeidKey, "--in", in, "--out", out, "--policy", policy)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	raw, _ := os.ReadFile(out)
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatalf("output is not GBK: %v", err)
	}
	got := string(dec)
	lines := strings.Split(got, "\r\n")
	if len(lines) != 4 || lines[0] != "姓名,手机号,身份证号,客户编号,备注" {
		t.Fatalf("output:\n%s", got)
	}
	row1 := strings.Split(lines[1], ",")
	if row1[0] != "王**" || row1[2] != "110101********8881" || row1[3] != "C0001" {
		t.Errorf("row 1: %q", lines[1])
	}
	if row1[1] == "13812345678" || len(row1[1]) != 11 || !strings.HasPrefix(row1[1], "138") {
		t.Errorf("fpe of mobile: %q", row1[1])
	}
	if !strings.Contains(lines[1], `"联系人李*, 电话 0755-****6666"`) {
		t.Errorf("free text of row 1: %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], "欧阳**,'+86 139 ") || !strings.Contains(lines[2], ",***,C0002,无") {
		t.Errorf("row 2: %q", lines[2])
	}
	if !strings.Contains(errs, "gbk") && !strings.Contains(errs, "gb18030") {
		t.Errorf("summary does not name the encoding:\n%s", errs)
	}
	if !strings.Contains(errs, "column 手机号: mobile=2") {
		t.Errorf("summary lacks the column counts:\n%s", errs)
	}

	// Decrypting with the key restores the encrypted column.
	back := filepath.Join(dir, "back.csv")
	code, _, errs = deidCLI(t, nil, testDeidKey, "--in", out, "--out", back, "--policy", policy, "--decrypt")
	if code != exitOK {
		t.Fatalf("decrypt exit %d: %s", code, errs)
	}
	raw, _ = os.ReadFile(back)
	dec, _ = simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if !strings.Contains(string(dec), ",13812345678,") || !strings.Contains(string(dec), ",'+86 139 8765 4321,") {
		t.Errorf("decrypted:\n%s", dec)
	}
}

// TestDeidRoundTrip encrypts every structured entity of a JSON-lines file
// and decrypts it back to the exact input.
func TestDeidRoundTrip(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "p.json")
	os.WriteFile(filepath.Join(dir, "k.hex"), []byte(testDeidKey+"\n"), 0o600)
	os.WriteFile(policy, []byte(`{"key_file": "k.hex", "default": "fpe", "entities": {"address": "keep"}, "format": "jsonl"}`), 0o600)
	in := `{"name":"张伟","mobile":"+86 138 1234 5678","id":"11010519491231002X","card":"6222 0212 3456 7890 128","uscc":"91350100M000100Y43","plate":"粤BD12345","mail":"zhang.san@example.com","tel":"010-88886666"}` + "\n" +
		`{"note":"联系人王小明先生，电话15912345678，车牌京A·8K3B2","n":13812345678}` + "\n"
	code, enc, errs := deidCLI(t, []byte(in), "", "--policy", policy)
	if code != exitOK {
		t.Fatalf("encrypt exit %d: %s", code, errs)
	}
	if bytes.Equal(enc, []byte(in)) {
		t.Fatal("nothing was encrypted")
	}
	for _, clear := range []string{"138 1234 5678", "11010519491231002X", "3456 7890", "M000100Y4", "BD12345", "zhang.san", "88886666", "15912345678", "8K3B2", "13812345678"} {
		if bytes.Contains(enc, []byte(clear)) {
			t.Errorf("%q left in clear:\n%s", clear, enc)
		}
	}
	code, back, errs := deidCLI(t, enc, "", "--policy", policy, "--decrypt")
	if code != exitOK {
		t.Fatalf("decrypt exit %d: %s", code, errs)
	}
	if string(back) != in {
		t.Errorf("round trip:\n in  %s\n enc %s\n out %s", in, enc, back)
	}
}

func TestDeidEval(t *testing.T) {
	code, out, errs := deidCLI(t, nil, "", "eval", "--n", "2000", "--seed", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, out, errs)
	}
	for _, s := range []string{"precision", "recall", "mobile", "id_card", "bank_card", "uscc", "plate", ": met"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("eval output lacks %q:\n%s", s, out)
		}
	}
	// A corpus written by eval reads back and scores the same.
	f := filepath.Join(t.TempDir(), "c.jsonl")
	_, out1, _ := deidCLI(t, nil, "", "eval", "--n", "300", "--seed", "5", "--write-corpus", f)
	code, out2, errs := deidCLI(t, nil, "", "eval", "--corpus", f)
	if code != exitOK {
		t.Fatalf("eval --corpus exit %d: %s", code, errs)
	}
	table := func(b []byte) string {
		return string(b[bytes.IndexByte(b, '\n'):bytes.LastIndex(b, []byte("targets"))])
	}
	if table(out1) != table(out2) {
		t.Errorf("scores differ:\n%s\n%s", out1, out2)
	}
}

func TestDeidErrors(t *testing.T) {
	dir := t.TempDir()
	fpe := filepath.Join(dir, "fpe.json")
	os.WriteFile(fpe, []byte(`{"entities": {"mobile": "fpe"}}`), 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"entites": {"mobile": "fpe"}}`), 0o600)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--format", "xml"}, exitUsage, "unknown format"},
		{[]string{"--policy", fpe}, exitFail, `field entities.mobile uses "fpe", which needs a key`},
		{[]string{"--policy", bad}, exitFail, "unknown field"},
		{[]string{"--decrypt"}, exitFail, "key is needed"},
		{[]string{"--in", filepath.Join(dir, "missing.csv")}, exitFail, "missing.csv"},
		{[]string{"stray"}, exitUsage, "unexpected argument"},
	}
	for _, tt := range tests {
		code, _, errs := deidCLI(t, []byte("x"), "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("%q: exit %d, want %d with %q:\n%s", tt.args, code, tt.code, tt.msg, errs)
		}
	}
	// keygen prints a usable key.
	code, out, _ := deidCLI(t, nil, "", "keygen")
	if code != exitOK || len(bytes.TrimSpace(out)) != 64 {
		t.Errorf("keygen: %d %q", code, out)
	}
}

// TestDeidFailedRowsExit1: rows that cannot be parsed, in UTF-8 or GBK,
// come out replaced whole; each is named file:line on stderr and the
// command exits 1, with the (safe) output written.
func TestDeidFailedRowsExit1(t *testing.T) {
	dir := t.TempDir()
	utf := "姓名,手机,备注\r\n张三,13812345678,ok\r\n李四,\"13912345678,北京\r\n王五,13712345678,x\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(utf))
	if err != nil {
		t.Fatal(err)
	}
	badGBK := append(bytes.Clone(gbk), 0x81, 0x20, ',', '1', ',', '2', '\r', '\n')
	want := "姓名,手机,备注\r\n张*,138****5678,ok\r\n[unparsed],[unparsed],[unparsed]\r\n王*,137****5678,x\r\n"
	tests := []struct {
		name, in string
		data     []byte
		args     []string
		want     string
		lines    []string
	}{
		{"utf-8", "a.csv", []byte(utf), nil, want, []string{"a.csv:3: a quote is never closed"}},
		{"gbk", "b.csv", gbk, []string{"--encoding", "gbk"}, want, []string{"b.csv:3: a quote is never closed"}},
		{"gbk, detected", "c.csv", badGBK, nil, want + "[unparsed],[unparsed],[unparsed]\r\n", []string{"c.csv:3: a quote is never closed", "c.csv:5: not valid gb18030"}},
		{"jsonl", "d.jsonl", []byte("{\"姓名\":\"张三\"}\n{\"姓名\":\"李四\"\n"), nil, "{\"姓名\":\"张*\"}\n\"[unparsed]\"\n", []string{"d.jsonl:2: not a JSON value"}},
	}
	for _, tt := range tests {
		in := filepath.Join(dir, tt.in)
		os.WriteFile(in, tt.data, 0o600)
		out := filepath.Join(dir, "out-"+tt.in)
		code, stdout, errs := deidCLI(t, nil, "", append([]string{"--in", in, "--out", out}, tt.args...)...)
		got, _ := os.ReadFile(out)
		if tt.name != "utf-8" && tt.name != "jsonl" {
			got, _ = simplifiedchinese.GB18030.NewDecoder().Bytes(got)
		}
		if code != exitFail || string(got) != tt.want || len(stdout) != 0 {
			t.Errorf("%s: exit %d, output %q\n%s", tt.name, code, got, errs)
		}
		for _, l := range tt.lines {
			if !strings.Contains(errs, filepath.Join(dir, l)+"\n") {
				t.Errorf("%s: stderr does not name %s:\n%s", tt.name, l, errs)
			}
		}
		if strings.Contains(errs, "李四") || strings.Contains(errs, "13912345678") {
			t.Errorf("%s: stderr leaks personal data:\n%s", tt.name, errs)
		}
	}
}

// TestDeidCheckedBeforeWriting: a bad option writes nothing and names the
// flag; an unknown operator names the policy file and field.
func TestDeidCheckedBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.csv")
	os.WriteFile(in, []byte("姓名,手机\n张三,13812345678\n"), 0o600)
	out := filepath.Join(dir, "out.csv")
	masq := filepath.Join(dir, "masq.json")
	os.WriteFile(masq, []byte(`{"columns": {"手机": "masq"}}`), 0o600)
	hash := filepath.Join(dir, "hash.json")
	os.WriteFile(hash, []byte(`{"entities": {"mobile": "hash"}}`), 0o600)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--encoding", "latin9"}, exitUsage, "--encoding: unknown encoding \"latin9\""},
		{[]string{"--text-names", "bogus"}, exitUsage, "ringfence deid: --text-names: unknown value \"bogus\""},
		{[]string{"--policy", masq}, exitFail, `unknown operator "masq" in policy ` + masq + `, field columns.手机; known: mask, redact, pseudonym, fpe, keep, scan`},
		{[]string{"--policy", hash}, exitFail, `policy ` + hash + `: field entities.mobile uses "hash" (pseudonym), which needs a key`},
	}
	for _, tt := range tests {
		code, _, errs := deidCLI(t, nil, "", append([]string{"--in", in, "--out", out}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.msg) {
			t.Errorf("%q: exit %d, want %d with %q:\n%s", tt.args, code, tt.code, tt.msg, errs)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%q: output written", tt.args)
		}
	}
}

// TestDeidCSVRaw: formula-like cells are neutralised unless --csv-raw.
func TestDeidCSVRaw(t *testing.T) {
	in := []byte("手机,金额\n+86 138 1234 5678,=1+2\n")
	if code, out, errs := deidCLI(t, in, "", "--format", "csv"); code != exitOK || string(out) != "手机,金额\n'+86 138 **** 5678,'=1+2\n" || !strings.Contains(errs, "neutralised: 2 CSV cells") {
		t.Errorf("default: %d %q\n%s", code, out, errs)
	}
	if code, out, errs := deidCLI(t, in, "", "--format", "csv", "--csv-raw"); code != exitOK || string(out) != "手机,金额\n+86 138 **** 5678,=1+2\n" {
		t.Errorf("--csv-raw: %d %q\n%s", code, out, errs)
	}
}

// TestDeidPolicyExample runs the documented example policy.
func TestDeidPolicyExample(t *testing.T) {
	in := "客户编号,姓名,手机,身份证号,地址,备注\nC0001,张三,13812345678,110101199003078881,北京市朝阳区建国路88号,联系人李四 13912345678\n"
	code, out, errs := deidCLI(t, []byte(in), testDeidKey, "--policy", "../../deid/testdata/policy-example.json")
	if code != exitOK || !strings.HasPrefix(string(out), "客户编号,姓名,手机,身份证号,地址,备注\nC0001,张*,MOB_") {
		t.Fatalf("exit %d %s\n%s", code, out, errs)
	}
	for _, s := range []string{"张三", "李四", "13812345678", "13912345678", "110101199003078881", "建国路88号"} {
		if strings.Contains(string(out), s) {
			t.Errorf("%s in clear: %s", s, out)
		}
	}
}

// TestDeidUsageErrorsShort: a usage error of deid names the flag (and the
// values it takes) and shows the synopsis, exit 2; only --help lists the
// flags.
func TestDeidUsageErrorsShort(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"deid", "--encoding", "latin9"}, []string{"--encoding", "latin9", "auto, utf-8, gbk, gb18030"}},
		{[]string{"deid", "--format", "xml"}, []string{"--format", "csv, jsonl, text"}},
		{[]string{"deid", "--summary", "loud"}, []string{"--summary", "text, json or none"}},
		{[]string{"deid", "--bogus"}, []string{"-bogus"}},
		{[]string{"deid", "--decrypt=maybe"}, []string{"-decrypt"}},
		{[]string{"deid", "stray"}, []string{"stray"}},
		{[]string{"deid", "eval", "--n", "0"}, []string{"--n"}},
		{[]string{"deid", "eval", "--n", "x"}, []string{"-n"}},
		{[]string{"deid", "keygen", "--x"}, []string{"-x"}},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if code != exitUsage || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args, code, stdout)
		}
		if n := strings.Count(stderr, "\n"); n > 6 || strings.Contains(stderr, "flags:") {
			t.Errorf("%v: %d lines on stderr, want the message and the synopsis:\n%s", tc.args, n, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: %q does not name %q", tc.args, stderr, w)
			}
		}
	}
	code, stdout, _ := runCLI(t, "", "deid", "--help")
	if code != exitOK || !strings.Contains(stdout, "usage: ringfence deid") || !strings.Contains(stdout, "-encoding") {
		t.Errorf("deid --help: exit %d\n%s", code, stdout)
	}
}

// TestDeidUnrecognisedNamesNotInClear: the values of a name column that
// no recogniser reads (a line break, a NUL, a zero-width space in them)
// come out masked and counted, never in clear.
func TestDeidUnrecognisedNamesNotInClear(t *testing.T) {
	in := "姓名,手机\n\"李四\n王五\",13912345678\n张三\x00,13812345678\n张\u200b三,13812345678\n"
	code, out, errs := runCLI(t, in, "deid", "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"李四", "王五", "张三", "\x00", "\u200b"} {
		if strings.Contains(out, s) {
			t.Errorf("%q in clear:\n%s", s, out)
		}
	}
	if !strings.Contains(errs, "column 姓名: name=2 whole_values=1") {
		t.Errorf("summary: %s", errs)
	}
}
