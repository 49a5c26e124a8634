package deid

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// hanAt must agree with runeAt and isHan, which it inlines, on every
// three-byte sequence and at the end of the text.
func TestHanAtSequences(t *testing.T) {
	ref := func(b []byte, i int) (rune, bool) {
		r, ok := runeAt(b, i)
		return r, ok && isHan(r)
	}
	b := make([]byte, 3)
	for c0 := range 256 {
		for c1 := range 256 {
			for c2 := range 256 {
				b[0], b[1], b[2] = byte(c0), byte(c1), byte(c2)
				r, ok := hanAt(b, 0)
				wr, wok := ref(b, 0)
				if ok != wok || ok && r != wr {
					t.Fatalf("hanAt(% x) = %U, %v; want %U, %v", b, r, ok, wr, wok)
				}
			}
		}
	}
	for _, s := range []string{"", "张", "x张", "张x", "\xe5\xbc"} {
		for i := 0; i <= len(s); i++ {
			if _, ok := hanAt([]byte(s), i); ok != (i+3 <= len(s) && s[i:i+3] == "张") {
				t.Errorf("hanAt(%q, %d) = %v", s, i, ok)
			}
		}
	}
}

// eightDigits is true exactly when each of the eight bytes is '0'-'9'.
func TestEightDigits(t *testing.T) {
	base := []byte("01234567")
	if !eightDigits(binary.LittleEndian.Uint64(base)) {
		t.Fatal("eightDigits(01234567) = false")
	}
	for pos := range 8 {
		for c := range 256 {
			b := bytes.Clone(base)
			b[pos] = byte(c)
			want := c >= '0' && c <= '9'
			if got := eightDigits(binary.LittleEndian.Uint64(b)); got != want {
				t.Fatalf("eightDigits(%q) = %v, want %v", b, got, want)
			}
		}
	}
}

// maskRunesRef is maskRunes one byte at a time, as it was before it
// stepped over three-byte characters.
func maskRunesRef(dst, v []byte, tail int) []byte {
	head := len(v) - tail
	dst = append(dst, v[:head]...)
	for i := head; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ' ' || c == '-' || c == ',':
			dst = append(dst, c)
		case c&0xC0 != 0x80:
			dst = append(dst, '*')
		}
	}
	return dst
}

func TestMaskRunesSteps(t *testing.T) {
	pieces := []string{"张", "路", "1", " ", "-", ",", "a", "\xe5", "\xbc", "\xe5\xbc", "😀", "é", "１"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		v := []byte(b.String())
		tail := r.IntN(len(v) + 1)
		if got, want := maskRunes([]byte("x"), v, tail), maskRunesRef([]byte("x"), v, tail); !bytes.Equal(got, want) {
			t.Fatalf("maskRunes(%q, %d) = %q, want %q", v, tail, got, want)
		}
	}
}

// The scanner marks a phone, identity or card number plain only when it
// is: mask then skips its own check of the bytes.
func TestPlainMatches(t *testing.T) {
	var texts [][]byte
	for _, name := range []string{"testdata/customers.csv", "testdata/notes.txt", "testdata/events.jsonl"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, b)
	}
	texts = append(texts, []byte("电话(+86)15131179423，身份证 531827 19701102 675X，卡 6217 0062 3060 0044，１９５５１１５０１１７，+852 61909075，13910819844E-mail，13501379817，50012019760701112X，6230583379064946"))
	r := NewRecognizer(time.Now())
	plain := 0
	for _, text := range texts {
		for _, m := range r.Find(text) {
			if m.plain {
				plain++
				if !plainNumerals(text[m.Start:m.End]) {
					t.Fatalf("%s %q marked plain", m.Entity, text[m.Start:m.End])
				}
			}
		}
	}
	if plain == 0 {
		t.Fatal("no match marked plain")
	}
}

// A short digit run right after a letter is no number; a mainland mobile
// typed into letters still is.
func TestNumberAfterLetter(t *testing.T) {
	tests := []struct {
		in   string
		want []Entity
	}{
		{"C00000001", nil},
		{"C0000000001", nil},
		{"SF0066900232610", nil},
		{"cn13501379817", []Entity{Mobile}},
		{"missworld.cn13501379817", []Entity{Mobile}},
		{"C00000001 13501379817", []Entity{Mobile}},
		{"C00000001,00000002", nil},
	}
	for _, tt := range tests {
		var got []Entity
		for _, m := range Find([]byte(tt.in)) {
			got = append(got, m.Entity)
		}
		if !slicesEqual(got, tt.want) {
			t.Errorf("Find(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func slicesEqual(a, b []Entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// restAt, which does not compare again the first character it was given,
// must agree with hasPrefixAt for every word of the trigger and suffix
// lists, whatever precedes, follows or replaces the word's bytes; an
// overlong encoding of its first character is not the word.
func TestRestAt(t *testing.T) {
	var words []string
	for _, ts := range triggerLists {
		for _, tr := range ts {
			words = append(words, tr.word)
		}
	}
	for _, ss := range suffixLists {
		for _, sf := range ss {
			words = append(words, sf.word)
		}
	}
	// Words whose first character is shorter than three bytes: none in
	// the lists today.
	words = append(words, "V信", "é路", "QQ号")
	r := rand.New(rand.NewPCG(7, 8))
	for _, w := range words {
		first, size := utf8.DecodeRuneInString(w)
		texts := []string{w, w[:len(w)-1], w + "路", "x" + w}
		if size < 3 {
			// The first character written in three bytes, overlong,
			// then the rest of the word, or what follows its third byte.
			overlong := string([]byte{0xE0, 0x80 | byte(first>>6), 0x80 | byte(first&0x3F)})
			texts = append(texts, overlong+w[size:], overlong+w[3:])
		}
		for range 8 {
			b := []byte(w)
			b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
			texts = append(texts, string(b))
		}
		for _, text := range texts {
			b := []byte(text)
			for i := 0; i+3 <= len(b); i++ {
				rr, ok := runeAt(b, i)
				if !ok || rr != first {
					continue
				}
				if got, want := restAt(b, i, rr, w), hasPrefixAt(b, i, w); got != want {
					t.Fatalf("restAt(%q, %d, %q) = %v, want %v", b, i, w, got, want)
				}
			}
		}
	}
}

// atIndex must find the at sign atSignAt finds first.
func TestAtIndex(t *testing.T) {
	ref := func(v []byte) (int, int) {
		for i := range v {
			if w := atSignAt(v, i); w > 0 {
				return i, w
			}
		}
		return len(v), 0
	}
	pieces := []string{"a", "@", "＠", "\xef", "\xef\xbc", "ｘ", "1", ".", "张"}
	r := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		var sb strings.Builder
		for range r.IntN(10) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		v := []byte(sb.String())
		i, w := atIndex(v)
		wi, ww := ref(v)
		if i != wi || w != ww {
			t.Fatalf("atIndex(%q) = %d, %d; want %d, %d", v, i, w, wi, ww)
		}
	}
}
