package corpus

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"ringfence/deid"
)

// TestTargets asserts the precision and recall targets on two seeds: at
// least 0.99 and 0.98 for every structured entity. Names and addresses,
// found by context, are held to lower bars.
func TestTargets(t *testing.T) {
	for _, seed := range []uint64{1, 99} {
		docs := Generate(8000, seed)
		for _, s := range Evaluate(docs, deid.Find) {
			if s.TP+s.FN == 0 {
				t.Errorf("seed %d: no %v in the corpus", seed, s.Entity)
				continue
			}
			minP, minR := 0.99, 0.98
			if !s.Entity.Structured() {
				minP, minR = 0.95, 0.90
			}
			if s.Precision() < minP || s.Recall() < minR {
				t.Errorf("seed %d %v: precision %.4f recall %.4f (TP %d FP %d FN %d)", seed, s.Entity, s.Precision(), s.Recall(), s.TP, s.FP, s.FN)
			}
		}
	}
}

// TestLabels checks the generator's own values against the standards,
// independently of the recogniser: spans cut whole characters and the
// numbers carry valid check digits.
func TestLabels(t *testing.T) {
	for _, d := range Generate(2000, 5) {
		for _, s := range d.Spans {
			v := d.Text[s.Start:s.End]
			if !utf8.Valid(v) || s.Start > 0 && !utf8.RuneStart(d.Text[s.Start]) {
				t.Fatalf("span %q cuts a character", v)
			}
			digits := bytes.Map(func(r rune) rune {
				switch {
				case r >= '0' && r <= '9':
					return r
				case r >= '０' && r <= '９':
					return r - '０' + '0'
				case r == 'X' || r == 'x':
					return 'X'
				}
				return -1
			}, v)
			// A number right after its label may carry a wrong check
			// (a mistyped number, still personal data): its shape only.
			before := string(d.Text[:s.Start])
			if s.Entity == deid.IDCard && strings.HasSuffix(before, "身份证号") {
				if len(digits) != 18 && len(digits) != 15 {
					t.Errorf("labelled identity number %s: %d characters", v, len(digits))
				}
				continue
			}
			if s.Entity == deid.BankCard && strings.HasSuffix(before, "卡号") {
				if len(digits) < 16 || len(digits) > 19 {
					t.Errorf("labelled card %s: %d digits", v, len(digits))
				}
				continue
			}
			switch s.Entity {
			case deid.IDCard:
				if len(digits) == 18 && gb11643(string(digits[:17])) != digits[17] {
					t.Errorf("identity number %s: bad check character", v)
				}
			case deid.BankCard:
				if luhn(string(digits[:len(digits)-1])) != digits[len(digits)-1] {
					t.Errorf("card %s: bad Luhn digit", v)
				}
			case deid.USCC:
				if gb32100(string(v[:17])) != v[17] || gb11714(string(v[8:16])) != v[16] {
					t.Errorf("credit code %s: bad check characters", v)
				}
			}
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(50, 7), Generate(50, 7)
	for i := range a {
		if !bytes.Equal(a[i].Text, b[i].Text) {
			t.Fatal("same seed, different corpus")
		}
	}
	if bytes.Equal(Generate(1, 8)[0].Text, a[0].Text) {
		t.Error("different seeds, same corpus")
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	docs := Generate(200, 3)
	var b bytes.Buffer
	if err := WriteJSONL(&b, docs); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSONL(&b, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(docs) {
		t.Fatalf("%d docs back, want %d", len(back), len(docs))
	}
	for i := range docs {
		if !bytes.Equal(back[i].Text, docs[i].Text) || len(back[i].Spans) != len(docs[i].Spans) {
			t.Fatalf("doc %d differs", i)
		}
		for k, s := range docs[i].Spans {
			if back[i].Spans[k] != s {
				t.Fatalf("doc %d span %d: %+v, want %+v", i, k, back[i].Spans[k], s)
			}
		}
	}
	if _, err := ReadJSONL(bytes.NewReader([]byte(`{"text":"ab","entities":[{"entity":"mobile","start":0,"end":5}]}`)), false); err == nil {
		t.Error("span past the end accepted")
	}
	if _, err := ReadJSONL(bytes.NewReader([]byte(`{"text":"ab","entities":[{"type":"phone_no","start":0,"end":1}]}`)), false); err == nil {
		t.Error("unknown entity accepted")
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, 100, 1); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b.Bytes(), []byte("\n")); n != 101 || !bytes.HasPrefix(b.Bytes(), []byte(CSVHeader)) {
		t.Errorf("%d lines", n)
	}
}
