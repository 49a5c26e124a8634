package deid

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence"
)

// secrets are the personal data of the inputs below: none may come out.
var secrets = []string{"张三", "李四", "王五", "13812345678", "13912345678", "13712345678", "110101199003078881"}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUnparsedRecordsAreRedacted: a record that cannot be parsed comes out
// as a marker, whole; it is counted and named by line in the summary, and
// the records around it are de-identified as usual.
func TestUnparsedRecordsAreRedacted(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		opt    Options
		policy Policy
		want   string // the whole output
		lines  []string
	}{
		{"csv quote never closed", []byte("姓名,手机,备注\n张三,13812345678,ok\n李四,\"13912345678,北京\n王五,13712345678,x\n"), Options{Format: CSV}, Policy{},
			"姓名,手机,备注\n张*,138****5678,ok\n[unparsed],[unparsed],[unparsed]\n王*,137****5678,x\n", []string{"input:3: a quote is never closed"}},
		{"csv text after a closing quote", []byte("姓名,手机\n\"李四\" ,13912345678\n王五,13712345678\n"), Options{Format: CSV}, Policy{},
			"姓名,手机\n[unparsed],[unparsed]\n王*,137****5678\n", []string{"input:2: field 1: text after its closing quote"}},
		{"csv quote inside an unquoted field", []byte("姓名,手机\n李\"四,13912345678\n"), Options{Format: CSV}, Policy{},
			"姓名,手机\n[unparsed],[unparsed]\n", []string{"input:2: field 1: a quote inside an unquoted field"}},
		{"csv wrong number of fields", []byte("姓名,手机,备注\r\n李四,139,12345678,x\r\n\r\n王五,13712345678,x\r\n"), Options{Format: CSV}, Policy{},
			"姓名,手机,备注\r\n[unparsed],[unparsed],[unparsed]\r\n\r\n王*,137****5678,x\r\n", []string{"input:2: 4 fields, the header has 3"}},
		{"csv without a header: fields counted from the first row", []byte("张三,13812345678\n李四,139,12345678\n"), Options{Format: CSV}, Policy{NoHeader: true, Columns: map[string]ColumnRule{"#1": {Op: OpMask, Entity: "name"}}},
			"张*,138****5678\n[unparsed],[unparsed]\n", []string{"input:2: 3 fields, the first row has 2"}},
		{"csv header that cannot be parsed", []byte("姓名,\"手机\n李四,13912345678\n王五,13712345678\n"), Options{Format: CSV}, Policy{},
			"[unparsed]\n[unparsed]\n[unparsed]\n", []string{"input:1: a quote is never closed", "input:2: the header (line 1) cannot be parsed, so its columns are unknown", "input:3: the header (line 1) cannot be parsed, so its columns are unknown"}},
		{"csv bytes that are not UTF-8", append([]byte("姓名,手机\n张三,13812345678\n"), gbk(t, "李四,13912345678\n")...), Options{Format: CSV, Encoding: "utf-8"}, Policy{},
			"姓名,手机\n张*,138****5678\n[unparsed],[unparsed]\n", []string{"input:3: not valid utf-8"}},
		{"gbk csv with bytes that are not GBK", append(gbk(t, "姓名,手机\n张三,13812345678\n"), append(gbk(t, "李"), 0x81, 0x20, ',', '1', '\n')...), Options{Format: CSV, Encoding: "gbk"}, Policy{},
			string(gbk(t, "姓名,手机\n张*,138****5678\n[unparsed],[unparsed]\n")), []string{"input:3: not valid gbk"}},
		{"jsonl line that is not JSON", []byte("{\"姓名\":\"张三\"}\n{\"姓名\":\"李四\",\"手机\":\"13912345678\"\n\n{\"姓名\":\"王五\"}\n"), Options{Format: JSONL}, Policy{},
			"{\"姓名\":\"张*\"}\n\"[unparsed]\"\n\n{\"姓名\":\"王*\"}\n", []string{"input:2: not a JSON value"}},
		{"jsonl bad escape", []byte("{\"姓名\":\"李四\\x\"}\r\n"), Options{Format: JSONL}, Policy{},
			"\"[unparsed]\"\r\n", []string{"input:1: not a JSON value"}},
		{"text bytes that are not UTF-8", append([]byte("客户张三先生\n"), gbk(t, "客户李四先生 13912345678\n")...), Options{Encoding: "utf-8"}, Policy{},
			"客户张*先生\n[unparsed]\n", []string{"input:2: not valid utf-8"}},
		// Encoding auto: a UTF-8 file with a row in GBK is read as UTF-8
		// (its header and other rows readable) and that row refused; it
		// was read as GB18030 whole, its header turned into other
		// characters and the GBK row passed through in clear.
		{"utf-8 csv with a row in gbk, encoding auto", append([]byte("姓名,手机,备注\n张三,13812345678,无\n李四,13912345678,无\n王五,13712345678,"), append(gbk(t, "备注"), '\n')...), Options{Format: CSV}, Policy{},
			"姓名,手机,备注\n张*,138****5678,无\n李*,139****5678,无\n[unparsed],[unparsed],[unparsed]\n", []string{"input:4: not valid utf-8"}},
		{"utf-8 csv with a stray byte, encoding auto", []byte("姓名,手机\n张三,13812345678\n\xff,1\n李四,13912345678\n"), Options{Format: CSV}, Policy{},
			"姓名,手机\n张*,138****5678\n[unparsed],[unparsed]\n李*,139****5678\n", []string{"input:3: not valid utf-8"}},
		// A GBK file with a row in UTF-8: that row, read as GB18030, would
		// be other characters no recogniser reads.
		{"gbk csv with a row in utf-8, encoding auto", append(append(gbk(t, "姓名,手机,地址\n张三,13812345678,上海市浦东新区世纪大道\n"), "李四,13912345678,上海\n"...), gbk(t, "王五,13712345678,广州\n")...), Options{Format: CSV}, Policy{},
			string(gbk(t, "姓名,手机,地址\n张*,138****5678,上海市浦东新区****\n[unparsed],[unparsed],[unparsed]\n王*,137****5678,**\n")), []string{"input:3: written in UTF-8, not in gb18030 as the input is"}},
	}
	for _, tt := range tests {
		out, sum := process(t, tt.policy, nil, tt.in, tt.opt)
		if string(out) != tt.want {
			t.Errorf("%s:\n got  %q\n want %q", tt.name, out, tt.want)
		}
		plain := string(out)
		if tt.opt.Encoding == "gbk" || strings.HasPrefix(tt.name, "gbk") {
			b, _ := simplifiedchinese.GBK.NewDecoder().Bytes(out)
			plain = string(b)
		}
		for _, s := range secrets {
			if strings.Contains(plain, s) {
				t.Errorf("%s: %s in clear in the output", tt.name, s)
			}
		}
		if sum.FailedRecords != int64(len(tt.lines)) || strings.Join(sum.FailedLines, "|") != strings.Join(tt.lines, "|") {
			t.Errorf("%s: failed records %d %q, want %q", tt.name, sum.FailedRecords, sum.FailedLines, tt.lines)
		}
		js, _ := json.Marshal(sum)
		if !strings.Contains(string(js), `"failed_records":`) {
			t.Errorf("%s: summary JSON %s", tt.name, js)
		}
	}
}

// TestLongUnclosedQuote: a quote left open for more than the record limit
// fails only the line it opens on.
func TestLongUnclosedQuote(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB input")
	}
	var b bytes.Buffer
	b.WriteString("姓名,备注\n李四,\"13912345678\n")
	for b.Len() < maxRecord+(1<<20) {
		b.WriteString("王五,13712345678\n")
	}
	e, _ := NewEngine(Policy{Format: CSV}, nil)
	var out bytes.Buffer
	sum, err := e.Process(bytes.NewReader(b.Bytes()), &out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.FailedRecords != 1 || !strings.HasPrefix(out.String(), "姓名,备注\n[unparsed],[unparsed]\n王*,137****5678\n") || strings.Contains(out.String(), "13712345678") {
		t.Fatalf("failed %d %q, output starts %q", sum.FailedRecords, sum.FailedLines, out.Bytes()[:100])
	}
}

// TestOptionsCheckedBeforeOutput: options are checked before the first
// byte is written.
func TestOptionsCheckedBeforeOutput(t *testing.T) {
	e, _ := NewEngine(Policy{}, nil)
	for _, opt := range []Options{{Encoding: "latin9"}, {Format: "xml"}, {Decrypt: true}} {
		if err := e.Check(opt); ringfence.ErrorCode(err) != ringfence.EINVALID {
			t.Errorf("Check(%+v): %v", opt, err)
		}
		var out bytes.Buffer
		_, err := e.Process(strings.NewReader("\xEF\xBB\xBF张三 13812345678\n"), &out, opt)
		if ringfence.ErrorCode(err) != ringfence.EINVALID || out.Len() != 0 {
			t.Errorf("Process(%+v): %v, wrote %q", opt, err, out.Bytes())
		}
	}
	if err := e.Check(Options{Format: CSV, Encoding: "GBK"}); err != nil {
		t.Error(err)
	}
}

// TestCSVInjectionNeutralised: CSV cells that a spreadsheet would run as a
// formula get a leading quote (OWASP), including masked values; CSVRaw
// turns it off. JSON lines and text are left alone.
func TestCSVInjectionNeutralised(t *testing.T) {
	in := "=姓名,手机,金额,备注\n张三,+86 138 1234 5678,-12.5,@SUM(A1)\n李四,13912345678,+1,\"=HYPERLINK(\"\"http://x\"\")\"\n王五,13712345678,\"\t=1\",\"-2\"\n"
	tests := []struct {
		opt  Options
		want string
	}{
		{Options{Format: CSV}, "'=姓名,手机,金额,备注\n张*,'+86 138 **** 5678,'-12.5,'@SUM(A1)\n李*,139****5678,'+1,\"'=HYPERLINK(\"\"http://x\"\")\"\n王*,137****5678,\"'\t=1\",\"'-2\"\n"},
		{Options{Format: CSV, CSVRaw: true}, "=姓名,手机,金额,备注\n张*,+86 138 **** 5678,-12.5,@SUM(A1)\n李*,139****5678,+1,\"=HYPERLINK(\"\"http://x\"\")\"\n王*,137****5678,\"\t=1\",\"-2\"\n"},
	}
	for _, tt := range tests {
		out, sum := process(t, Policy{}, nil, []byte(in), tt.opt)
		if string(out) != tt.want {
			t.Errorf("raw %v:\n got  %q\n want %q", tt.opt.CSVRaw, out, tt.want)
		}
		if n := int64(8); !tt.opt.CSVRaw && sum.Neutralised != n {
			t.Errorf("neutralised %d cells, want %d", sum.Neutralised, n)
		}
	}
	// Already neutral cells are not quoted twice: de-identifying an output
	// again leaves it as it is (its personal columns kept: masked values
	// are no longer names and numbers, and would be masked whole).
	once, _ := process(t, Policy{}, nil, []byte(in), Options{Format: CSV})
	keep, err := ParsePolicy([]byte(`{"columns":{"'=姓名":"keep","手机":"keep"}}`))
	if err != nil {
		t.Fatal(err)
	}
	twice, _ := process(t, keep, nil, once, Options{Format: CSV})
	if !bytes.Equal(once, twice) {
		t.Errorf("second pass changed %q into %q", once, twice)
	}
	for _, f := range []Format{JSONL, Text} {
		if out, _ := process(t, Policy{}, nil, []byte("\"=1+2\"\n"), Options{Format: f}); string(out) != "\"=1+2\"\n" {
			t.Errorf("%s: %q", f, out)
		}
	}
}

// TestJSONKeysAreScanned: personal data used as a JSON key is found too.
func TestJSONKeysAreScanned(t *testing.T) {
	out, _ := process(t, Policy{}, nil, []byte(`{"13812345678":{"姓名":"张三"}}`+"\n"), Options{Format: JSONL})
	if string(out) != `{"138****5678":{"姓名":"张*"}}`+"\n" {
		t.Errorf("got %s", out)
	}
}

// TestPolicyExample runs the documented example policy.
func TestPolicyExample(t *testing.T) {
	data, err := os.ReadFile("testdata/policy-example.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		t.Fatal(err)
	}
	in := "客户编号,姓名,手机,身份证号,地址,备注\nC0001,张三,13812345678,110101199003078881,北京市朝阳区建国路88号,联系人李四 13912345678\n"
	out, sum := process(t, p, testKey, []byte(in), Options{})
	for _, s := range secrets {
		if strings.Contains(string(out), s) {
			t.Errorf("%s in clear:\n%s", s, out)
		}
	}
	if !strings.HasPrefix(string(out), "客户编号,姓名,手机,身份证号,地址,备注\nC0001,张*,MOB_") || sum.Found[IDCard] != 1 || sum.FailedRecords != 0 {
		t.Errorf("output %s\nsummary %+v", out, sum)
	}
	back, _ := process(t, p, testKey, out, Options{Decrypt: true})
	if !strings.Contains(string(back), "110101199003078881") {
		t.Errorf("the identity number does not decrypt: %s", back)
	}
}

// TestPolicyErrorsNameTheField: an unknown operator is named with its
// field and the known operators; a keyed operator without a key names the
// field that needs it.
func TestPolicyErrorsNameTheField(t *testing.T) {
	tests := []struct{ policy, want string }{
		{`{"default":"masq"}`, `unknown operator "masq" in policy p.json, field default; known: mask, redact, pseudonym, fpe, keep`},
		{`{"entities":{"mobile":"tokenize"}}`, `unknown operator "tokenize" in policy p.json, field entities.mobile; known: mask, redact, pseudonym, fpe, keep`},
		{`{"columns":{"手机":{"op":"xyz"}}}`, `unknown operator "xyz" in policy p.json, field columns.手机; known: mask, redact, pseudonym, fpe, keep, scan`},
		{`{"entities":{"fone":"mask"}}`, `policy p.json, field entities: unknown entity "fone"`},
		{`{"columns":{"姓名":"mask","姓\u200b名 ":"keep"}}`, `field columns.姓名: names the same column as "姓\u200b名 "`},
	}
	for _, tt := range tests {
		_, err := ParsePolicyFile("p.json", []byte(tt.policy))
		if ringfence.ErrorCode(err) != ringfence.EINVALID || !strings.Contains(ringfence.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v, want %q", tt.policy, err, tt.want)
		}
	}
	p, _ := ParsePolicyFile("p.json", []byte(`{"entities":{"mobile":"hash"}}`))
	if _, err := NewEngine(p, nil); err == nil || !strings.Contains(err.Error(), `field entities.mobile uses "hash" (pseudonym)`) {
		t.Errorf("keyed operator without a key: %v", err)
	}
}

// structural keeps the bytes of s that shape a record (quotes, commas,
// brackets, line breaks, spaces, punctuation) and drops digits, letters
// and other characters, so that fuzzed input can break the structure around
// a secret but not disguise the secret itself.
func structural(s []byte) []byte {
	var b []byte
	for _, c := range s {
		if c < 0x80 && !isDigit(c) && !(c|0x20 >= 'a' && c|0x20 <= 'z') {
			b = append(b, c)
		}
	}
	return b
}

// secretRows are records holding a mobile and an identity number, well
// formed or broken.
var secretRows = []string{
	"张三,13812345678,110101199003078881\n",
	"张三,\"13812345678\",\"110101199003078881\"\r\n",
	"\"张三,13812345678,110101199003078881\n",
	"张三,\"13812345678\"x,110101199003078881\n",
	"张\"三,13812345678,110101199003078881",
	"张三,138 1234 5678,\"身份证 110101199003078881\",extra\n",
	"\"张三\",\"\"\"13812345678\"\"\",110101199003078881\n",
}

// FuzzCSVNeverInClear: whatever surrounds a record holding a mobile and an
// identity number, and however broken it is, neither comes out in clear.
func FuzzCSVNeverInClear(f *testing.F) {
	f.Add([]byte(""), []byte(""), uint8(0))
	f.Add([]byte("\""), []byte("\""), uint8(1))
	f.Add([]byte(",,\n\"\"\","), []byte("\"\r\n,"), uint8(2))
	f.Add([]byte("\",\n"), []byte("\",,\n"), uint8(3))
	withHeader, _ := NewEngine(Policy{Format: CSV}, nil)
	noHeader, _ := NewEngine(Policy{Format: CSV, NoHeader: true}, nil)
	f.Fuzz(func(t *testing.T, pre, post []byte, k uint8) {
		in := "姓名,手机,身份证号\n" + string(structural(pre)) + "\n" + secretRows[int(k)%len(secretRows)] + string(structural(post))
		if utf16Like([]byte(in)) {
			return // refused whole (TestUTF16Refused)
		}
		for _, e := range []*Engine{withHeader, noHeader} {
			var out bytes.Buffer
			if _, err := e.Process(strings.NewReader(in), &out, Options{Encoding: "utf-8"}); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"13812345678", "12345678", "110101199003078881"} {
				if strings.Contains(out.String(), s) {
					t.Fatalf("%s in clear:\n in  %q\n out %q", s, in, out.String())
				}
			}
		}
	})
}

// FuzzJSONLNeverInClear is FuzzCSVNeverInClear for JSON lines.
func FuzzJSONLNeverInClear(f *testing.F) {
	f.Add([]byte(""), []byte(""), uint8(0))
	f.Add([]byte("{\""), []byte("\"}"), uint8(1))
	f.Add([]byte("["), []byte(",]"), uint8(2))
	rows := []string{
		`{"姓名":"张三","手机":"13812345678","证件":{"身份证":"110101199003078881"}}`,
		`{"13812345678":["110101199003078881"]}`,
		`{"手机":13812345678,"x":"110101199003078881"`,
		`["13812345678" "110101199003078881"]`,
		`{"a":"\u0031\u0033812345678","b":"110101199003078881\x"}`,
	}
	e, _ := NewEngine(Policy{Format: JSONL}, nil)
	f.Fuzz(func(t *testing.T, pre, post []byte, k uint8) {
		in := string(structural(pre)) + "\n" + rows[int(k)%len(rows)] + string(structural(post))
		if utf16Like([]byte(in)) {
			return // refused whole (TestUTF16Refused)
		}
		var out bytes.Buffer
		if _, err := e.Process(strings.NewReader(in), &out, Options{Encoding: "utf-8"}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"13812345678", "12345678", "110101199003078881"} {
			if strings.Contains(out.String(), s) {
				t.Fatalf("%s in clear:\n in  %q\n out %q", s, in, out.String())
			}
		}
	})
}

// TestUnrecognisedPersonalValuesFailClosed: in a column (or JSON key)
// whose name says what it holds, a value in which no entity of that kind
// is found gets the column's operator whole and is counted, never passed
// through; control and zero-width characters hide no entity.
func TestUnrecognisedPersonalValuesFailClosed(t *testing.T) {
	secrets := []string{"李四", "王五", "张三", "1234", "Zhang", "某路"}
	check := func(t *testing.T, out []byte) {
		t.Helper()
		for _, s := range secrets {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("%q passed through:\n%s", s, out)
			}
		}
	}
	csvIn := "姓名,手机,地址\n\"李四\n王五\",13912345678,朝阳区某路1号\n张三\x00,1381234\u200b5678,\n张\u200b三,13812345678,朝阳某路\nZhang San,\u2060138 1234 5678\ufeff,\n"
	out, sum := process(t, Policy{}, nil, []byte(csvIn), Options{Format: CSV})
	check(t, out)
	if want := "姓名,手机,地址\n\"** **\",139****5678,"; !strings.HasPrefix(string(out), want) {
		t.Errorf("got %q, want it to start with %q", out, want)
	}
	if sum.Whole["姓名"] != 2 || sum.Found[Name] != 2 || sum.Found[Mobile] != 4 {
		t.Errorf("whole values %v, found %v", sum.Whole, sum.Found)
	}
	if sum.FailedRecords != 0 || sum.Records != 4 {
		t.Errorf("records %d, failed %d", sum.Records, sum.FailedRecords)
	}

	jsonIn := `{"name":"李四\n王五","手机":"1391234\u200b5678"}` + "\n" +
		`{"姓名":"张三\u0000","phone":"朝阳某路"}` + "\n" +
		"{\"name\":\"张\u200b三\",\"地址\":\"朝阳某路\"}\n" +
		`{"customer":{"name":"Zhang San"},"tel":13812345678}` + "\n"
	out, sum = process(t, Policy{}, nil, []byte(jsonIn), Options{Format: JSONL})
	check(t, out)
	for i, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("line %d is not JSON: %s", i+1, line)
		}
	}
	if sum.Whole["name"] != 2 || sum.Whole["phone"] != 1 || sum.Whole["地址"] != 1 {
		t.Errorf("whole values %v", sum.Whole)
	}

	// The column's operator is the policy's for its entity: kept when
	// the policy keeps names; pseudonymised whole when it says so.
	keep, _ := ParsePolicy([]byte(`{"entities":{"name":"keep"}}`))
	if out, _ := process(t, keep, nil, []byte("姓名\nZhang San\n"), Options{Format: CSV}); string(out) != "姓名\nZhang San\n" {
		t.Errorf("names kept: %q", out)
	}
	pseudo, _ := ParsePolicy([]byte(`{"entities":{"name":"pseudonym"}}`))
	a, _ := process(t, pseudo, testKey, []byte("姓名\n张三\x00\nZhang San\n"), Options{Format: CSV})
	b, _ := process(t, pseudo, testKey, []byte("姓名\n张三\nZhang San\n"), Options{Format: CSV})
	if !bytes.Equal(a, b) || bytes.Contains(a, []byte("Zhang")) {
		t.Errorf("pseudonyms: %q and %q", a, b)
	}

	// Free text: a zero-width character inside a number hides nothing.
	out, _ = process(t, Policy{}, nil, []byte("请回电 138\u200b1234\u200c5678 谢谢\n"), Options{})
	check(t, out)

	// Headers and keys in either script, and names nested under a
	// name-like key: each value is personal, recognised or not.
	headers := []struct {
		name   string
		format Format
		in     string
		secret []string // none may come out
		kept   []string // all must come out unchanged
	}{
		{"客户", CSV, "客户,x\n李四,1\n", []string{"李四"}, nil},
		{"客戶", CSV, "x,客戶\n1,李四\n", []string{"李四"}, nil},
		{"乘客", CSV, "乘客,x\n李四,1\n", []string{"李四"}, nil},
		{"患者", CSV, "患者,x\n李四,1\n", []string{"李四"}, nil},
		{"病人", CSV, "病人,x\n李四,1\n", []string{"李四"}, nil},
		{"联系人", CSV, "联系人,x\n李四,1\n", []string{"李四"}, nil},
		{"聯絡人", CSV, "聯絡人,x\n李四,1\n", []string{"李四"}, nil},
		{"contact", CSV, "Contact,x\nLi Si,1\n", []string{"Li Si"}, nil},
		{"customer", CSV, "customer,x\nLi Si,1\n", []string{"Li Si"}, nil},
		{"contact_name", CSV, "contact_name,x\nLi Si,1\n", []string{"Li Si"}, nil},
		{"customer_name", CSV, "customer_name,x\nLi Si,1\n", []string{"Li Si"}, nil},
		{"full_name", CSV, "full_name,x\nLi Si,1\n", []string{"Li Si"}, nil},
		{"first_name, last_name", CSV, "first_name,last_name\nSi,Li\n", []string{"Si", "Li"}, nil},
		{"姓, 名", CSV, "姓,名\n欧阳,小明\n", []string{"欧阳", "小明"}, nil},
		{"姓氏, 名字", CSV, "姓氏,名字\n欧阳,小明\n", []string{"欧阳", "小明"}, nil},
		{"身分證", CSV, "身分證,x\nA123456789,1\n", []string{"123456789"}, nil},
		{"身份證", CSV, "身份證,x\nA123456789,1\n", []string{"123456789"}, nil},
		{"證件號", CSV, "證件號,x\nA123456789,1\n", []string{"123456789"}, nil},
		{"手機", CSV, "手機,x\n0912-345-678,1\n", []string{"345"}, nil},
		{"電話", CSV, "電話,x\n(02)2345-6789,1\n", []string{"2345"}, nil},
		{"手機號碼", CSV, "手機號碼,x\n0912345678,1\n", []string{"2345"}, nil},
		{"聯絡電話", CSV, "聯絡電話,x\n0912345678,1\n", []string{"2345"}, nil},
		{"地點", CSV, "地點,x\n信義路五段7號,1\n", []string{"信義"}, nil},
		{"住址", CSV, "住址,x\n信義路五段7號,1\n", []string{"信義"}, nil},
		{"not personal", CSV, "客户编号,产品名称,名次\nC001,苹果,3\n", nil, []string{"C001,苹果,3"}},
		{"jsonl 客戶", JSONL, `{"客戶":"李四"}` + "\n", []string{"李四"}, nil},
		{"jsonl name parts under name", JSONL, `{"name":{"first":"四","last":"李"}}` + "\n", []string{"四", "李"}, nil},
		{"jsonl name parts under customer_name", JSONL, `{"customer_name":{"given":"Si","family":"Li"}}` + "\n", []string{"Si", "Li"}, nil},
		{"jsonl bare strings under contacts", JSONL, `{"contacts":[{"姓名":"王五"},"赵六"]}` + "\n", []string{"王五", "赵六"}, nil},
		{"jsonl not under a name", JSONL, `{"order":{"first":"A1"},"contacts":[{"姓名":"王五","age":30}]}` + "\n", []string{"王五"}, []string{`"first":"A1"`, `"age":30`}},
	}
	for _, tt := range headers {
		t.Run(tt.name, func(t *testing.T) {
			out, sum := process(t, Policy{}, nil, []byte(tt.in), Options{Format: tt.format})
			for _, s := range tt.secret {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("%q passed through:\n%s", s, out)
				}
			}
			for _, s := range tt.kept {
				if !bytes.Contains(out, []byte(s)) {
					t.Errorf("%q changed:\n%s", s, out)
				}
			}
			if tt.secret != nil && len(sum.Whole) == 0 && len(sum.Found) == 0 {
				t.Errorf("nothing found or replaced whole: %+v", sum)
			}
		})
	}
}

// TestHeaderNamesNormalised: a zero-width, format or control character,
// full-width Latin or spaces in a CSV header or a JSON key change nothing:
// the column's kind is still inferred and the policy's column rule still
// applies.
func TestHeaderNamesNormalised(t *testing.T) {
	redact := Policy{Columns: map[string]ColumnRule{"备注": {Op: OpRedact}}}
	zwPolicy := Policy{Columns: map[string]ColumnRule{"备\u200b注 ": {Op: OpRedact}}}
	tests := []struct {
		name   string
		policy Policy
		opt    Options
		in     string
		secret string
	}{
		{"csv zero-width space in the header", Policy{}, Options{Format: CSV}, "姓\u200b名,x\n李四,1\n", "李四"},
		{"csv word joiner and soft hyphen", Policy{}, Options{Format: CSV}, "姓\u2060名\u00ad,x\n李四,1\n", "李四"},
		{"csv control character", Policy{}, Options{Format: CSV}, "x,姓\x01名\n1,李四\n", "李四"},
		{"csv full-width Latin", Policy{}, Options{Format: CSV}, "ｎａｍｅ,x\n李四,1\n", "李四"},
		{"csv ideographic space and BOM inside", Policy{}, Options{Format: CSV}, "x,\u3000\ufeff姓名\u3000\n1,李四\n", "李四"},
		{"jsonl escaped zero-width key", Policy{}, Options{Format: JSONL}, `{"姓\u200b名":"李四"}` + "\n", "李四"},
		{"jsonl raw zero-width key", Policy{}, Options{Format: JSONL}, "{\"姓\u200b名\":\"李四\"}\n", "李四"},
		{"jsonl full-width key", Policy{}, Options{Format: JSONL}, "{\"ｎａｍｅ\":\"李四\"}\n", "李四"},
		{"policy column, zero-width header", redact, Options{Format: CSV}, "备\u200b注,x\n随便写点什么,1\n", "随便"},
		{"policy column, full-width header", Policy{Columns: map[string]ColumnRule{"note": {Op: OpRedact}}}, Options{Format: CSV}, "ｎｏｔｅ,x\n随便写点什么,1\n", "随便"},
		{"policy column with a zero-width name", zwPolicy, Options{Format: CSV}, "备注,x\n随便写点什么,1\n", "随便"},
		{"policy column, jsonl key", redact, Options{Format: JSONL}, `{"备\u200b注":"随便写点什么"}` + "\n", "随便"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := process(t, tt.policy, nil, []byte(tt.in), tt.opt)
			if bytes.Contains(out, []byte(tt.secret)) {
				t.Errorf("%q passed through:\n%s", tt.secret, out)
			}
		})
	}
}

// TestNamePartsFollowTheirName: the parts of a name take the policy's rule
// for the name's key.
func TestNamePartsFollowTheirName(t *testing.T) {
	in := []byte(`{"name":{"first":"四","last":"李"},"客户":{"id":"C001"}}` + "\n")
	keep := Policy{Columns: map[string]ColumnRule{"name": {Op: OpKeep}}}
	if out, _ := process(t, keep, nil, in, Options{Format: JSONL}); !bytes.Equal(out, in) {
		t.Errorf("name kept: %s", out)
	}
	redact := Policy{Columns: map[string]ColumnRule{"name": {Op: OpRedact}}}
	out, _ := process(t, redact, nil, in, Options{Format: JSONL})
	if bytes.Contains(out, []byte("李")) || bytes.Contains(out, []byte("四")) || !bytes.Contains(out, []byte(`"id":"C001"`)) {
		t.Errorf("name redacted: %s", out)
	}
}
