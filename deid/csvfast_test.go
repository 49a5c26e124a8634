package deid

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// recordCheck must agree with utf8.Valid and hasIgnorable, which it
// replaces on the CSV path.
func TestRecordCheck(t *testing.T) {
	cases := []string{
		"", "abc", "张三,13812345678", "tab\there", "a\x00b", "a\x7fb", "a\rb", "a\nb",
		"\u00ad", "\u0085", "\u200b", "x\u2060y", "\ufeff", "\ufff9", "\U000e0001", "\u061c",
		"１３８，（＋）", "—“”…", "\u2070\u2080", "\u3000", "\xff", "\xe0\x80\x80", "\xed\xa0\x80",
		"\xe4\xb8", "\xe4\xb8\x41", "\xe4\x41\x80", "\xc2", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80",
		"abcdefgh\xe4\xb8\xad", "abcdefghijklmnop\x01", "abcdefg\x80", "\xef\xbf\xbd",
	}
	pieces := append([]string{"a", "1", ",", " ", "\t", "\"", "张", "ｘ", "\xe2\x80", "\xbf"}, cases...)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		b := []byte(c)
		ok, clean := recordCheck(b)
		wantOK := utf8.Valid(b)
		if ok != wantOK || ok && clean == hasIgnorable(b) {
			t.Fatalf("recordCheck(%q) = %v, %v; want %v, %v", c, ok, clean, wantOK, !hasIgnorable(b))
		}
	}
}
