package trace

import (
	"strings"
	"testing"
)

var testKey = []byte("ringfence test fingerprint key 0123456789")

func testFP(t testing.TB) *Fingerprinter {
	fp, err := NewFingerprinter(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func TestPhonePrintsMatchAcrossNotations(t *testing.T) {
	fp := testFP(t)
	want := fp.Phone("+8613812345678")
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "0086 13812345678", "86 138 1234 5678", "(+86)138.1234.5678", "１３８１２３４５６７８"} {
		e, err := NormalizePhone(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if fp.Phone(e) != want {
			t.Errorf("%q prints differently", s)
		}
	}
	if fp.Phone("+8613812345679") == want {
		t.Error("different numbers print alike")
	}
	other, _ := NewFingerprinter([]byte("another key, another ledger, 0123"))
	if other.Phone("+8613812345678") == want {
		t.Error("prints do not depend on the key")
	}
}

func TestMaskedPrints(t *testing.T) {
	fp := testFP(t)
	whole := fp.Phone("+8613812345678")
	cases := []struct {
		in   string
		form string
	}{
		{"138****5678", "138-5678"},
		{"+86 138-****-5678", "138-5678"},
		{"138xxxx5678", "138-5678"},
		{"138＊＊＊＊5678", "138-5678"},
		{"86138****5678", "138-5678"},
		{"138*****678", ""},  // last four not all shown
		{"1381234****", ""},  // suffix hidden
		{"13812345678", ""},  // not masked
		{"abc****5678", ""},  // not a number
		{"021-****5678", ""}, // not a mobile number
	}
	for _, tc := range cases {
		form, err := ParseMaskedPhone(tc.in)
		if tc.form == "" {
			if err == nil {
				t.Errorf("ParseMaskedPhone(%q) = %q, want an error", tc.in, form)
			}
			continue
		}
		if err != nil || form != tc.form {
			t.Errorf("ParseMaskedPhone(%q) = %q, %v; want %q", tc.in, form, err, tc.form)
			continue
		}
		if fp.MaskedPhone(form) != MaskBits(whole) {
			t.Errorf("%q: mask bits do not match the whole number's", tc.in)
		}
	}
	if fp.MaskedPhone("138-5679") == MaskBits(whole) {
		t.Error("a different masked form matches")
	}
	id := fp.ID("11010519491231002X")
	form, err := ParseMaskedID("110105********002X")
	if err != nil || fp.MaskedID(form) != MaskBits(id) {
		t.Errorf("masked ID: %q, %v", form, err)
	}
	if _, err := ParseMaskedID("1101**********002X"); err == nil {
		t.Error("an ID masked in its region code is accepted")
	}
}

func TestNormalizeID(t *testing.T) {
	cases := []struct{ in, want string }{
		{"11010519491231002X", "11010519491231002X"},
		{"11010519491231002x", "11010519491231002X"},
		{" 110105 19491231 002X ", "11010519491231002X"},
		{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"110105491231002", "110105491231002"},
		{"1101051949123100", ""},
		{"11010519491231002Y", ""},
		{"X1010519491231002X", ""},
	}
	for _, tc := range cases {
		got, err := NormalizeID(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("NormalizeID(%q) = %q, want an error", tc.in, got)
			}
		} else if got != tc.want || err != nil {
			t.Errorf("NormalizeID(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for id, ok := range map[string]bool{
		"11010519491231002X": true,
		"440305199203150027": true,
		"440305199203150028": false, // check digit
		"440305199302300023": false, // 30 February
	} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%s) = %v", id, !ok)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"张伟", "张伟"},
		{" 张 伟 ", "张伟"},
		{"Zhang Wei", "zhangwei"},
		{"ＺＨＡＮＧ　Ｗｅｉ", "zhangwei"},
		{"阿依古丽·买买提", "阿依古丽买买提"},
		{"张*", ""},
		{"张某某", ""},
		{"123", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := NormalizeName(tc.in); got != tc.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrintText(t *testing.T) {
	p := Print{Phone: 0x0123456789abcdef, ID: 1, Name: ^uint64(0)}
	s := p.String()
	if s != "0123456789abcdef.0000000000000001.ffffffffffffffff" {
		t.Fatalf("String = %s", s)
	}
	q, err := ParsePrint(s)
	if err != nil || q != p {
		t.Fatalf("ParsePrint = %v, %v", q, err)
	}
	for _, bad := range []string{"", "1.2.3", strings.Repeat("0", 16) + "." + strings.Repeat("0", 16), strings.Repeat("g", 16) + ".0000000000000000.0000000000000000"} {
		if _, err := ParsePrint(bad); err == nil {
			t.Errorf("ParsePrint(%q) succeeded", bad)
		}
	}
}

func TestPrintList(t *testing.T) {
	fp := testFP(t)
	var ps []Print
	for _, n := range []string{"+8613812345678", "+8613912345678", "+8618612345678"} {
		ps = append(ps, fp.Record(n, "", "x"))
	}
	ps = append(ps, fp.Record("", "11010519491231002X", ""))
	enc := EncodePrints(append([]Print(nil), ps...))
	pl, err := DecodePrints(enc)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Len() != 4 {
		t.Fatalf("Len = %d", pl.Len())
	}
	for _, p := range ps {
		if !pl.Contains(p) {
			t.Errorf("list lacks %v", p)
		}
	}
	if pl.Contains(fp.Record("+8613000000000", "", "")) {
		t.Error("list contains a print never added")
	}
	if !strings.HasPrefix(Digest(enc), "sha256:") || len(Digest(enc)) != 71 {
		t.Errorf("Digest = %s", Digest(enc))
	}
	bad := append([]byte(nil), enc...)
	copy(bad[16:40], enc[16+3*24:16+4*24]) // swap the first and last prints
	copy(bad[16+3*24:16+4*24], enc[16:40])
	if _, err := DecodePrints(bad); err == nil {
		t.Error("an unsorted list decodes")
	}
	if _, err := DecodePrints(enc[:len(enc)-1]); err == nil {
		t.Error("a short list decodes")
	}
}
