package deid

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// Byte kinds of parseRecord's byte-by-byte steps.
const (
	kPlain   = iota // printable ASCII and tab: nothing to check
	kStop           // ',', '\r', '\n': the end of an unquoted field
	kQuote          // '"'
	kControl        // the other C0 controls and DEL: ignorable
	kHigh           // 0x80 and above: part of a multi-byte character
)

var csvKind = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == ',' || c == '\r' || c == '\n':
			t[c] = kStop
		case c == '"':
			t[c] = kQuote
		case c >= 0x80:
			t[c] = kHigh
		case c == '\t' || c >= 0x20 && c < 0x7F:
			t[c] = kPlain
		default:
			t[c] = kControl
		}
	}
	return t
}()

// plainWord returns the high bit of each byte of w that is not printable
// ASCII (below 0x20, DEL, 0x80 and above) or is ',' or '"'. As in
// csvStops, only the lowest bit set is exact: it is the first such byte.
func plainWord(w uint64) uint64 {
	const ctl = 0x20 * lo8
	x, y := w^(','*lo8), w^('"'*lo8)
	return ((w-ctl)&^w | (w + lo8) | w | (x-lo8)&^x | (y-lo8)&^y) & hi8
}

// plainRun returns the offset of the first byte at or after b[i] that is
// not plain (csvKind), reading eight bytes at a time while it can.
func plainRun(b []byte, i int) int {
	n := len(b)
	for i+8 <= n {
		if m := plainWord(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < n && csvKind[b[i]] == kPlain {
		i++
	}
	return i
}

// highText steps over the multi-byte characters at b[i] (b[i] >= 0x80),
// two ideographs at a time while it can, and returns where it stopped with
// what it found added to txt. It never steps over an ASCII byte: a
// sequence cut short by one is invalid and stepped over one byte.
func highText(b []byte, i int, txt uint8) (int, uint8) {
	n := len(b)
	for {
		c := b[i]
		switch {
		case i+8 <= n && leadPlain3[c] && leadPlain3[b[i+3]] &&
			binary.LittleEndian.Uint64(b[i:])&0x0000C0C000C0C000 == 0x0000808000808000:
			// Two characters at once: their second and third bytes are
			// continuation bytes.
			i += 6
		case c >= 0xE1 && c != 0xED && c <= 0xEF && i+2 < n && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
			// A three-byte character whose lead byte is valid with any
			// two continuation bytes (only E0 and ED restrict the
			// second): an ideograph, a full-width form, punctuation.
			if mayIgnore[c] && mayBeFormat(b, i) && ignorableAt(b, i) > 0 {
				txt |= txtIgnorable
			}
			i += 3
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				txt |= txtInvalid
			} else if mayIgnore[c] && mayBeFormat(b, i) && ignorableAt(b, i) > 0 {
				txt |= txtIgnorable
			}
			i += size
		}
		if i >= n || b[i] < 0x80 {
			return i, txt
		}
	}
}

// quotedText returns the offset of the first '"' at or after b[i] (len(b)
// when there is none), with what the text before it holds added to txt and
// its line feeds counted.
func quotedText(b []byte, i int, txt uint8, lines int) (int, uint8, int) {
	n := len(b)
	for i < n {
		c := b[i]
		if c >= 0x80 {
			i, txt = highText(b, i, txt)
			continue
		}
		switch csvKind[c] {
		case kPlain:
			i = plainRun(b, i+1)
		case kQuote:
			return i, txt, lines
		case kStop:
			if c == '\n' {
				lines++
			}
			if c != ',' {
				txt |= txtIgnorable // a line break inside the field
			}
			i++
		default: // kControl
			txt |= txtIgnorable
			i++
		}
	}
	return i, txt, lines
}

// leadPlain3 marks the lead bytes of three-byte characters that are valid
// with any two continuation bytes and never ignorable: U+3000-U+CFFF (CJK
// ideographs, kana, Hangul …) and U+E000-U+EFFF.
var leadPlain3 = func() (t [256]bool) {
	for c := 0xE3; c <= 0xEC; c++ {
		t[c] = !mayIgnore[c]
	}
	t[0xEE] = !mayIgnore[0xEE]
	return t
}()

// mayBeFormat reports whether the valid multi-byte character at b[i] may
// be a C1 control or a format character: it rules out, without decoding,
// the full-width forms (U+FF00 …) and the punctuation after U+207F that
// share their lead bytes with format characters.
func mayBeFormat(b []byte, i int) bool {
	switch b[i] {
	case 0xEF: // U+F000-U+FFFF: U+FEFF and U+FFF9-U+FFFB
		return b[i+1] == 0xBB || b[i+1] == 0xBF
	case 0xE2: // U+2000-U+2FFF: all in U+2000-U+207F
		return b[i+1] <= 0x81
	}
	return true
}
