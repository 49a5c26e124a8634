package deid

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// parseRecordRef is parseRecord read one byte at a time, as it was
// before it read eight at a time: the reference for TestParseRecordFast.
func parseRecordRef(b []byte, fs []field, final bool) ([]byte, []field, bool) {
	n := len(b)
	i := 0
	for {
		f := field{start: i}
		closed := -1
		if i < n && b[i] == '"' {
			f.quoted = true
			j := i + 1
			for {
				for j < n && b[j] != '"' {
					j++
				}
				if j >= n {
					if !final {
						return nil, fs, false
					}
					f.quoted, f.open, f.bad = false, true, badOpen
					break
				}
				if j+1 < n && b[j+1] == '"' {
					f.escaped = true
					j += 2
					continue
				}
				if j+1 == n && !final {
					return nil, fs, false
				}
				j++
				closed = j
				break
			}
			i = j
		}
		for i < n && b[i] != ',' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		switch {
		case f.quoted && i != closed:
			f.quoted, f.bad = false, badAfterQuote
		case !f.quoted && !f.open && strings.IndexByte(string(b[f.start:i]), '"') >= 0 && !excelText(b[f.start:i]):
			f.bad = badBareQuote
		}
		f.end = i
		fs = append(fs, f)
		if i >= n {
			if !final {
				return nil, fs, false
			}
			return b, fs, true
		}
		switch b[i] {
		case ',':
			i++
			continue
		case '\r':
			if i+1 < n && b[i+1] == '\n' {
				return b[:i+2], fs, true
			}
			if i+1 == n && !final {
				return nil, fs, false
			}
			return b[:i+1], fs, true
		default:
			return b[:i+1], fs, true
		}
	}
}

// textCases are texts of fields for the checks of parseRecord: ASCII
// controls, C1 and format characters, full-width forms, ideographs, bytes
// that are not UTF-8, and each near the ends of eight-byte words.
var textCases = []string{
	"", "abc", "张三,13812345678", "tab\there", "a\x00b", "a\x7fb", "a\rb", "a\nb",
	"\u00ad", "\u0085", "\u200b", "x\u2060y", "\ufeff", "\ufff9", "\U000e0001", "\u061c",
	"１３８，（＋）", "—“”…", "\u2070\u2080", "\u3000", "\xff", "\xe0\x80\x80", "\xed\xa0\x80",
	"\xe4\xb8", "\xe4\xb8\x41", "\xe4\x41\x80", "\xc2", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80",
	"abcdefgh\xe4\xb8\xad", "abcdefghijklmnop\x01", "abcdefg\x80", "\xef\xbf\xbd",
	"张三李四王五", "张三李四王五赵", "\xe5\xbc\xa0\xe5\xbc", "张\xe5,", "张\xe5\"",
}

// The single pass of parseRecord must split records and fields, and find
// broken quotes, exactly as a byte-by-byte reading does; and tell, as
// utf8.Valid and hasIgnorable would on a second pass, whether the text of
// the fields is valid and holds an ignorable character, and count the
// record's line feeds.
func TestParseRecordFast(t *testing.T) {
	pieces := append([]string{"a", "bcdefghij", "1381234567", ",", "\n", "\r", "\r\n", "\"", "\"\"", "张三", " ", "x\"y", "\"q,\"", "abcdefg,", "abcdefg\"",
		"\"张\n三\"", "\"a\x01\"", "\"\xe4\"", "\"\u200b\"\"", "ｘ", "\xe2\x80", "\xbf", "\t"}, textCases...)
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		var sb strings.Builder
		for range r.IntN(16) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		b := []byte(sb.String())
		for _, final := range []bool{false, true} {
			rec, fs, ok, info := parseRecord(b, nil, final)
			wrec, wfs, wok := parseRecordRef(b, nil, final)
			if ok != wok || string(rec) != string(wrec) || ok && !slices.Equal(fs, wfs) {
				t.Fatalf("parseRecord(%q, %v) = %q %v %v; want %q %v %v", b, final, rec, fs, ok, wrec, wfs, wok)
			}
			if !ok {
				continue
			}
			text := rec[:fs[len(fs)-1].end]
			valid := utf8.Valid(text)
			if info.text&txtInvalid == 0 != valid || valid && (info.text&txtIgnorable != 0) != hasIgnorable(text) {
				t.Fatalf("parseRecord(%q, %v): text %b; want valid %v, ignorable %v", b, final, info.text, valid, hasIgnorable(text))
			}
			bad := slices.ContainsFunc(fs, func(f field) bool { return f.bad != 0 })
			if info.lines != bytes.Count(rec, []byte("\n")) || info.bad != bad {
				t.Fatalf("parseRecord(%q, %v): %d lines, bad %v; want %d, %v", b, final, info.lines, info.bad, bytes.Count(rec, []byte("\n")), bad)
			}
		}
	}
}

// highText and quotedText must read each text the way utf8.Valid and
// hasIgnorable do, whatever surrounds it in its field.
func TestParseRecordText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := slices.Clone(textCases)
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(textCases[r.IntN(len(textCases))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		// As an unquoted field, with its quotes doubled in a quoted one,
		// and after a field, so that it starts anywhere in a word.
		for _, rec := range []string{
			c + "\n",
			`"` + strings.ReplaceAll(c, `"`, `""`) + "\"\n",
			"abc," + `"` + strings.ReplaceAll(c, `"`, `""`) + "\"\n",
		} {
			b := []byte(rec)
			got, fs, ok, info := parseRecord(b, nil, false)
			if !ok {
				continue // a record split by the text's line breaks
			}
			text := got[:fs[len(fs)-1].end]
			valid := utf8.Valid(text)
			if info.text&txtInvalid == 0 != valid || valid && (info.text&txtIgnorable != 0) != hasIgnorable(text) {
				t.Fatalf("parseRecord(%q): text %b; want valid %v, ignorable %v", rec, info.text, valid, hasIgnorable(text))
			}
		}
	}
}

// maskPlain, mask's path for values of ASCII digits and X only, must mask
// what maskNumerals masks.
func TestMaskPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		v := make([]byte, r.IntN(22))
		for i := range v {
			v[i] = "0123456789Xx"[r.IntN(12)]
		}
		from, to := r.IntN(25)-2, r.IntN(25)-2
		got := maskPlain([]byte("ab"), v, from, to)
		want := maskNumerals([]byte("ab"), v, from, to)
		if string(got) != string(want) {
			t.Fatalf("maskPlain(%q, %d, %d) = %q, want %q", v, from, to, got, want)
		}
	}
}

// phonePunct, number's inline test for ASCII phone punctuation, must agree
// with punctAt.
func TestPhonePunct(t *testing.T) {
	for c := range 128 {
		p, w := punctAt([]byte{byte(c)}, 0)
		if phonePunct[c] != (w == 1) || w == 1 && p != byte(c) {
			t.Errorf("byte %#x: phonePunct %v, punctAt %q %d", c, phonePunct[c], p, w)
		}
	}
}
