package deid

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func testCiphers(t testing.TB) (*ciphers, Keys) {
	t.Helper()
	k, err := DeriveKeys(testKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := newCiphers(k)
	if err != nil {
		t.Fatal(err)
	}
	return c, k
}

// one returns the single match in s.
func one(t *testing.T, s string) Match {
	t.Helper()
	ms := Find([]byte(s))
	if len(ms) != 1 || ms[0].Start != 0 || ms[0].End != len(s) {
		t.Fatalf("%q: want one match covering it, got %+v", s, ms)
	}
	return ms[0]
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138-1234-5678", "+86 138-****-5678"},
		{"１３８１２３４５６７８", "１３８****５６７８"},
		{"010-88886666", "010-****6666"},
		{"0571-8888666", "0571-***8666"},
		{"+86 10 88886666", "+86 10 ****6666"},
		{"11010519491231002X", "110105********002X"},
		{"110101900307888", "110101******888"},
		{"6222021234567890128", "622202*********0128"},
		{"6222 0212 3456 7890 128", "6222 02** **** ***0 128"},
		{"91350100M000100Y43", "913501********0Y43"},
		{"京A12345", "京A****5"},
		{"粤B·D12345", "粤B·*****5"},
		{"zhang.san@example.com", "z********@example.com"},
	}
	for _, tt := range tests {
		m := one(t, tt.in)
		if got := string(mask(nil, []byte(tt.in), m)); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		e       Entity
		in, out string
	}{
		{Name, "张三", "张*"}, {Name, "欧阳娜娜", "欧阳**"},
		{Address, "北京市朝阳区建国路88号", "北京市朝阳区******"},
		{Address, "浙江省杭州市西湖区文三路100号3栋", "浙江省杭州市西湖区*********"},
	} {
		m := Match{Entity: tt.e, Start: 0, End: len(tt.in)}
		if got := string(mask(nil, []byte(tt.in), m)); got != tt.out {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.out)
		}
	}
}

func TestPseudonym(t *testing.T) {
	_, k := testCiphers(t)
	tok := func(s string) string {
		m := one(t, s)
		v := []byte(s)
		slots := numeralSlots(nil, v, m)
		return string(pseudonym(nil, &k.pseudo, m.Entity, normal(nil, v, m, slots)))
	}
	a, b, c := tok("13812345678"), tok("+86 138-1234-5678"), tok("13812345679")
	if a != b {
		t.Errorf("one number, two notations, two tokens: %s %s", a, b)
	}
	if a == c {
		t.Errorf("two numbers, one token %s", a)
	}
	if !strings.HasPrefix(a, "MOB_") || len(a) != 4+16 {
		t.Errorf("token %q", a)
	}
	if tok("Zhang@Example.com") != tok("zhang@example.com") {
		t.Error("e-mail tokens depend on case")
	}
	k2, _ := DeriveKeys([]byte("another key, another token space"))
	m := one(t, "13812345678")
	if string(pseudonym(nil, &k2.pseudo, Mobile, []byte("13812345678"))) == a {
		t.Error("token does not depend on the key")
	}
	_ = m
}

// TestFPE encrypts values of every structured entity: the result differs,
// is found again as the same entity (valid check digits, real dates, real
// segments), keeps the notation and decrypts to the input.
func TestFPE(t *testing.T) {
	c, _ := testCiphers(t)
	rec := NewRecognizer(time.Now())
	inputs := []string{
		"13812345678", "+86 138-1234-5678", "１３８１２３４５６７８", "010-88886666", "(0571)8888666",
		"11010519491231002X", "110101199003078881", "110101900307888",
		"6222021234567890128", "6222 0212 3456 7890 128", "6217001234567893",
		"91350100M000100Y43", "京A12345", "粤BD12345", "粤B12345F", "沪A·B1234", "苏E1234学",
		"zhang.san@example.com", "123456789@qq.com", "abc@qq.com",
	}
	for _, in := range inputs {
		m := one(t, in)
		v := []byte(in)
		enc, err := c.fpe(nil, v, m, numeralSlots(nil, v, m), false)
		if err != nil {
			t.Errorf("fpe(%q): %v", in, err)
			continue
		}
		if string(enc) == in {
			t.Errorf("fpe(%q) left it unchanged", in)
		}
		ms := rec.Find(enc)
		if len(ms) != 1 || ms[0].Entity != m.Entity || ms[0].End-ms[0].Start != len(enc) {
			t.Errorf("fpe(%q) = %q is no longer one %v: %+v", in, enc, m.Entity, ms)
			continue
		}
		if len(enc) != len(v) || m.Entity != USCC && m.Entity != Email && countNumerals(enc) != countNumerals(v) {
			t.Errorf("fpe(%q) = %q changed the shape", in, enc)
		}
		dec, err := c.fpe(nil, enc, ms[0], numeralSlots(nil, enc, ms[0]), true)
		if err != nil || string(dec) != in {
			t.Errorf("decrypt(fpe(%q) = %q) = %q, %v", in, enc, dec, err)
		}
	}
	// Too short to encrypt: refused, so the engine masks it instead.
	m := one(t, "ab@qq.com")
	if _, err := c.fpe(nil, []byte("ab@qq.com"), m, nil, false); err == nil {
		t.Error("ab@qq.com encrypted in a domain below the FF1 minimum")
	}
	// Segments, area codes, issuer numbers and provinces stay.
	keep := []struct{ in, prefix string }{{"13812345678", "138"}, {"010-88886666", "010-"}, {"6222021234567890128", "622202"}, {"京A12345", "京"}, {"110101199003078881", "11011990"}}
	for _, k := range keep {
		m := one(t, k.in)
		enc, _ := c.fpe(nil, []byte(k.in), m, numeralSlots(nil, []byte(k.in), m), false)
		got := string(enc)
		if k.prefix == "11011990" {
			got = got[:4] + got[6:10]
		}
		if !strings.HasPrefix(got, k.prefix) {
			t.Errorf("fpe(%q) = %q lost %q", k.in, enc, k.prefix)
		}
	}
}

func TestFPENames(t *testing.T) {
	c, _ := testCiphers(t)
	for _, name := range []string{"张伟", "王小明", "欧阳娜娜", "李明华"} {
		m := Match{Entity: Name, End: len(name)}
		enc, err := c.fpe(nil, []byte(name), m, nil, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(enc) == name || len([]rune(string(enc))) != len([]rune(name)) {
			t.Errorf("fpe(%s) = %s", name, enc)
		}
		if surnameAt(enc, 0) == 0 {
			t.Errorf("fpe(%s) = %s does not start with a surname", name, enc)
		}
		// Found again after a label and before a title.
		text := append(append([]byte("姓名："), enc...), "先生"...)
		if ms := Find(text); len(ms) != 1 || string(text[ms[0].Start:ms[0].End]) != string(enc) {
			t.Errorf("encrypted name %s not found again in %s: %+v", enc, text, ms)
		}
		dec, err := c.fpe(nil, enc, Match{Entity: Name, End: len(enc)}, nil, true)
		if err != nil || string(dec) != name {
			t.Errorf("decrypt(%s) = %s, %v", enc, dec, err)
		}
	}
	// A compound surname with one given character has too few values.
	if _, err := c.fpe(nil, []byte("欧阳修"), Match{Entity: Name, End: len("欧阳修")}, nil, false); err == nil {
		t.Error("欧阳修 encrypted in a domain below the FF1 minimum")
	}
}

// TestFPEIDDates walks identity numbers over every day of a leap year: the
// encryption must give real dates and decrypt back.
func TestFPEIDDates(t *testing.T) {
	c, _ := testCiphers(t)
	d := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for d.Year() == 2000 {
		body := []byte("440306" + d.Format("20060102") + "123")
		id := append(body, idCheck(body))
		m := Match{Entity: IDCard, End: 18}
		enc, err := c.fpe(nil, id, m, numeralSlots(nil, id, m), false)
		if err != nil || !validID18(enc, 2100) || string(enc[6:10]) != "2000" {
			t.Fatalf("fpe(%s) = %s, %v", id, enc, err)
		}
		dec, _ := c.fpe(nil, enc, m, numeralSlots(nil, enc, m), true)
		if !bytes.Equal(dec, id) {
			t.Fatalf("round trip %s -> %s -> %s", id, enc, dec)
		}
		d = d.AddDate(0, 0, 1)
	}
}

func TestParsePolicy(t *testing.T) {
	bad := map[string]string{
		`{"entites": {}}`:                                   "unknown field",
		`{"default": "shred"}`:                              "unknown operator",
		`{"default": "scan"}`:                               "columns only",
		`{"entities": {"phone_no": "mask"}}`:                "unknown entity",
		`{"entities": {"address": "fpe"}}`:                  "not available for addresses",
		`{"columns": {"备注": "fpe"}}`:                        "needs to know the column's entity",
		`{"columns": {"x": {"op": "mask", "entity": "y"}}}`: "unknown entity",
		`{"encoding": "big5"}`:                              "unknown encoding",
		`{"format": "xml"}`:                                 "unknown format",
	}
	for in, msg := range bad {
		if _, err := ParsePolicy([]byte(in)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParsePolicy(%s): %v, want %q", in, err, msg)
		}
	}
	p, err := ParsePolicy([]byte(`{"default":"redact","entities":{"手机号":"pseudonym"},"columns":{"手机":"fpe","备注":{"op":"scan"},"编号":{"op":"keep","entity":"bank_card"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !p.NeedsKey() {
		t.Error("pseudonym and fpe need the key")
	}
	if _, err := NewEngine(p, nil); err == nil {
		t.Error("engine built without the key it needs")
	}
	if _, err := ParseKey([]byte("abcd")); err == nil {
		t.Error("2-byte key accepted")
	}
	if k, err := ParseKey([]byte(" 000102030405060708090a0b0c0d0e0f\n")); err != nil || len(k) != 16 {
		t.Errorf("ParseKey: %v %d", err, len(k))
	}
}

// TestAddressKeep checks that the divisions kept by masking, recorded when
// an address is read, agree with reading them again from the address.
func TestAddressKeep(t *testing.T) {
	for _, s := range []string{"地址：北京市朝阳区建国路88号", "家住广西壮族自治区南宁市青秀区民族大道100号", "寄到成都市武侯区人民南路四段1号", "住址：朝阳区建国路88号3栋"} {
		for _, m := range Find([]byte(s)) {
			if m.Entity != Address {
				continue
			}
			v := []byte(s[m.Start:m.End])
			if got, want := int(m.keep)-1, addressKeep(v); got != want {
				t.Errorf("%s: keep %d, want %d", v, got, want)
			}
		}
	}
}
