package deid

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// inOut is an input and the whole output it must give.
type inOut struct{ in, want string }

// checkOutputs runs each input through the default policy with opt.
func checkOutputs(t *testing.T, opt Options, tests []inOut) {
	t.Helper()
	for _, tt := range tests {
		out, _ := process(t, Policy{}, nil, []byte(tt.in), opt)
		if string(out) != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, out, tt.want)
		}
	}
}

func process(t testing.TB, p Policy, key []byte, in []byte, opt Options) ([]byte, Summary) {
	t.Helper()
	e, err := NewEngine(p, key)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sum, err := e.Process(bytes.NewReader(in), &out, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), sum
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func summaryText(s Summary) []byte {
	var b bytes.Buffer
	s.WriteText(&b)
	return b.Bytes()
}

// TestGolden masks the sample files with the default policy (everything
// found masked, the rest untouched) and with a per-column policy.
func TestGolden(t *testing.T) {
	csvIn, _ := os.ReadFile("testdata/customers.csv")
	out, sum := process(t, Policy{}, nil, csvIn, Options{Format: CSV})
	golden(t, "customers.masked.csv", out)
	golden(t, "customers.summary.txt", summaryText(sum))

	p, err := ParsePolicy([]byte(`{"format":"csv","default":"redact","entities":{"mobile":"pseudonym","id_card":"fpe"},"columns":{"客户编号":"keep","姓名":"mask","身份证号":"fpe","地址":"mask","备注":"scan"}}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ = process(t, p, testKey, csvIn, Options{})
	golden(t, "customers.policy.csv", out)

	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(csvIn)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		os.WriteFile("testdata/customers.gbk.csv", gbk, 0o644)
	}
	gbkIn, err := os.ReadFile("testdata/customers.gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	out, sum = process(t, Policy{}, nil, gbkIn, Options{Format: CSV})
	golden(t, "customers.gbk.masked.csv", out)
	if sum.Encoding != "gb18030" {
		t.Errorf("GBK input read as %s", sum.Encoding)
	}
	utf, _ := os.ReadFile("testdata/customers.masked.csv")
	if back, _ := simplifiedchinese.GBK.NewDecoder().Bytes(out); !bytes.Equal(back, utf) {
		t.Errorf("GBK output decodes to something else than the UTF-8 output:\n%s", back)
	}

	text, _ := os.ReadFile("testdata/notes.txt")
	out, sum = process(t, Policy{}, nil, text, Options{})
	golden(t, "notes.masked.txt", out)
	golden(t, "notes.summary.txt", summaryText(sum))

	jl, _ := os.ReadFile("testdata/events.jsonl")
	out, sum = process(t, Policy{}, nil, jl, Options{Format: JSONL})
	golden(t, "events.masked.jsonl", out)
	if sum.FailedRecords != 1 || len(sum.FailedLines) != 1 || !strings.HasPrefix(sum.FailedLines[0], "input:3: ") {
		t.Errorf("failed lines %q, want one naming line 3", sum.FailedLines)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(line) > 0 && !json.Valid(line) {
			t.Errorf("output line %d is not JSON: %s", i+1, line)
		}
	}
}

// TestKeepIsIdentity: with every operator "keep", any input its format
// can parse comes out byte for byte, whatever its line ends, quoting or
// BOM; what it cannot parse is replaced, even under keep.
func TestKeepIsIdentity(t *testing.T) {
	inputs := []struct {
		in      string
		formats []Format // the formats that parse it
	}{
		{"a,b\r\n\"x, \"\"y\"\"\",13812345678\r\n\"multi\nline\",z", []Format{CSV, Text}},
		{"\xEF\xBB\xBF姓名,手机\n张三,13812345678\n", []Format{CSV, Text}},
		{"{\"a\":\"\\u5f20\\u4e09 13812345678\"}\n[1,2]\n\"not json\"\n", []Format{JSONL, Text}},
		{"no newline at the end 13812345678", []Format{CSV, Text}},
		{"", []Format{CSV, JSONL, Text}},
	}
	for _, tt := range inputs {
		for _, f := range []Format{CSV, JSONL, Text} {
			out, sum := process(t, Policy{Default: OpKeep}, nil, []byte(tt.in), Options{Format: f, CSVRaw: true})
			parses := slices.Contains(tt.formats, f)
			if parses && string(out) != tt.in || parses != (sum.FailedRecords == 0) {
				t.Errorf("%s: %q came out as %q (%d failed)", f, tt.in, out, sum.FailedRecords)
			}
		}
	}
}

func TestBOMAndEncodings(t *testing.T) {
	in := "\xEF\xBB\xBF手机\n13812345678\n"
	out, sum := process(t, Policy{}, nil, []byte(in), Options{Format: CSV})
	if string(out) != "\xEF\xBB\xBF手机\n138****5678\n" || !sum.BOM || sum.Encoding != "utf-8" {
		t.Errorf("BOM: %q %+v", out, sum)
	}
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("姓名：张三，电话13812345678\n"))
	out, sum = process(t, Policy{}, nil, gb, Options{})
	back, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(out)
	if string(back) != "姓名：张*，电话138****5678\n" || sum.Encoding != "gb18030" {
		t.Errorf("GB18030: %q %s", back, sum.Encoding)
	}
	// Forced encodings win over detection.
	_, sum = process(t, Policy{}, nil, gb, Options{Encoding: "gbk"})
	if sum.Encoding != "gbk" {
		t.Errorf("--encoding gbk gave %s", sum.Encoding)
	}
}

func TestJSONL(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"phone":13812345678}`, `{"phone":"138****5678"}`},
		{`{"a":"\u5f20\u4e09 13812345678","b":"\"quoted\" 13987654321"}`, `{"a":"张* 138****5678","b":"\"quoted\" 139****4321"}`},
		{`{"姓名":"张三","nested":{"联系人":["李四"]}}`, `{"姓名":"张*","nested":{"联系人":["李*"]}}`},
		{`[{"x":"110101199003078881"}, 3.5, true, null]`, `[{"x":"110101********8881"}, 3.5, true, null]`},
	}
	for _, tt := range tests {
		out, sum := process(t, Policy{}, nil, []byte(tt.in+"\n"), Options{Format: JSONL})
		if string(out) != tt.want+"\n" || len(sum.Warnings) != 0 {
			t.Errorf("%s\n got  %s want %s (%v)", tt.in, out, tt.want, sum.Warnings)
		}
	}
	// Per-key rules.
	p := Policy{Format: JSONL, Columns: map[string]ColumnRule{"memo": {Op: OpRedact}, "id": {Op: OpKeep}}}
	out, sum := process(t, p, nil, []byte(`{"id":"110101199003078881","memo":"nothing here","x":"13812345678"}`+"\n"), Options{})
	if string(out) != `{"id":"110101199003078881","memo":"[redacted]","x":"138****5678"}`+"\n" {
		t.Errorf("per-key rules: %s", out)
	}
	if sum.Columns["x"][Mobile] != 1 || sum.Whole["memo"] != 1 || sum.Found[IDCard] != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestCSVColumns(t *testing.T) {
	in := "a,b,c\n13812345678,张三,N/A\n"
	p := Policy{NoHeader: false, Columns: map[string]ColumnRule{"a": {Op: OpKeep}, "c": {Op: OpMask, Entity: "id_card"}, "b": {Op: OpMask, Entity: "name"}}}
	out, sum := process(t, p, nil, []byte(in), Options{Format: CSV})
	if string(out) != "a,b,c\n13812345678,张*,***\n" {
		t.Errorf("columns: %q", out)
	}
	// A kept column is copied without being scanned.
	if sum.Whole["c"] != 1 || sum.Found[Mobile] != 0 || sum.Found[Name] != 1 || sum.Records != 1 {
		t.Errorf("summary %+v", sum)
	}
	// Without a header, columns are named by position.
	p = Policy{NoHeader: true, Columns: map[string]ColumnRule{"#2": {Op: OpRedact}}}
	out, _ = process(t, p, nil, []byte("13812345678,anything\n"), Options{Format: CSV})
	if string(out) != "138****5678,[redacted]\n" {
		t.Errorf("positional: %q", out)
	}
	// A ragged row cannot be matched to the columns: it is replaced whole,
	// and named.
	out, sum = process(t, Policy{}, nil, []byte("a,b\n1,2,13812345678\n"), Options{Format: CSV})
	if string(out) != "a,b\n[unparsed],[unparsed]\n" || len(sum.FailedLines) != 1 || !strings.Contains(sum.FailedLines[0], ":2: 3 fields") {
		t.Errorf("ragged: %q %q", out, sum.FailedLines)
	}
	// An unclosed quote fails the line it opens on; the lines after it are
	// read again.
	out, sum = process(t, Policy{}, nil, []byte("a,b\n1,\"x\n13912345678,3\n"), Options{Format: CSV})
	if string(out) != "a,b\n[unparsed],[unparsed]\n139****5678,3\n" || len(sum.FailedLines) != 1 || !strings.Contains(sum.FailedLines[0], ":2: a quote is never closed") {
		t.Errorf("unclosed quote: %q %q", out, sum.FailedLines)
	}
}

// TestLongLine processes a text line far longer than the line buffer.
func TestLongLine(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 3*maxTextLine {
		b.WriteString("电话 13812345678 ")
	}
	n := strings.Count(b.String(), "13812345678")
	out, sum := process(t, Policy{}, nil, b.Bytes(), Options{})
	if sum.Found[Mobile] != int64(n) || len(out) != b.Len() || bytes.Contains(out, []byte("1234")) {
		t.Errorf("found %d of %d mobiles, %d of %d bytes", sum.Found[Mobile], n, len(out), b.Len())
	}
}

func TestDecryptLeavesTheRest(t *testing.T) {
	p := Policy{Entities: map[string]Op{"mobile": OpFPE}}
	in := "张三 13812345678 身份证110101199003078881\n"
	enc, _ := process(t, p, testKey, []byte(in), Options{})
	if !strings.Contains(string(enc), "张* 138") || !strings.Contains(string(enc), "110101********8881") || strings.Contains(string(enc), "13812345678") {
		t.Fatalf("encrypted: %s", enc)
	}
	dec, _ := process(t, p, testKey, enc, Options{Decrypt: true})
	if string(dec) != "张* 13812345678 身份证110101********8881\n" {
		t.Errorf("decrypted: %s", dec)
	}
}

func FuzzProcessCSV(f *testing.F) {
	f.Add([]byte("a,b\n\"x,\"\"y\",13812345678\r\n"))
	f.Add([]byte("\"unterminated,13812345678"))
	f.Add([]byte("姓名,地址\n张三,北京市朝阳区建国路88号\n"))
	f.Add([]byte("备注\nzhangsan[at]163(dot)com １３８ 一二三四 5678,1101 0519 4912 3100 2Ｘ\n"))
	f.Add([]byte("出生日期,护照号,dob\n1990-03-07,E12345678,不详\n１９９０年３月,护照 g1234567,07/03/1990 生日：19900307\n"))
	keep, _ := NewEngine(Policy{Default: OpKeep, Format: CSV}, nil)
	masker, _ := NewEngine(Policy{Format: CSV}, nil)
	f.Fuzz(func(t *testing.T, in []byte) {
		if utf16Like(in) {
			return // refused whole (TestUTF16Refused)
		}
		var out bytes.Buffer
		sum, err := keep.Process(bytes.NewReader(in), &out, Options{Encoding: "utf-8", CSVRaw: true})
		if err != nil && ringfence.ErrorCode(err) == ringfence.EINVALID && strings.Contains(err.Error(), "the header is one field of column names") {
			return // another delimiter's header is refused whole (TestRowsAboveHeader)
		}
		if err != nil {
			t.Fatal(err)
		}
		if sum.FailedRecords == 0 && !bytes.Equal(out.Bytes(), in) {
			t.Fatalf("keep changed %q into %q", in, out.Bytes())
		}
		out.Reset()
		if sum, err = masker.Process(bytes.NewReader(in), &out, Options{Encoding: "utf-8"}); err != nil {
			t.Fatal(err)
		}
		if sum.FailedRecords == 0 && bytes.Count(out.Bytes(), []byte("\n")) != bytes.Count(in, []byte("\n")) {
			t.Fatalf("line count changed: %q -> %q", in, out.Bytes())
		}
	})
}

func FuzzProcessJSONL(f *testing.F) {
	f.Add([]byte(`{"a":"\u5f20\u4e09 13812345678","n":13812345678,"b":[1,"x"]}`))
	f.Add([]byte(`{"姓名":"张三","k":{"地址":"北京市朝阳区建国路88号"}}`))
	f.Add([]byte(`["\ud83d\ude00 +86 138 1234 5678"]`))
	e, _ := NewEngine(Policy{Format: JSONL}, nil)
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") || utf16Like(line) {
			return
		}
		var out bytes.Buffer
		if _, err := e.Process(bytes.NewReader(line), &out, Options{Encoding: "utf-8"}); err != nil {
			t.Fatal(err)
		}
		if json.Valid(line) && !json.Valid(out.Bytes()) {
			t.Fatalf("valid JSON %s became invalid %s", line, out.Bytes())
		}
	})
}
