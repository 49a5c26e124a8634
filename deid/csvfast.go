package deid

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// recordCheck reads a CSV record's fields once and reports whether they
// are valid UTF-8 (ok, as utf8.Valid) and whether they hold no ignorable
// character (clean, as !hasIgnorable), so that neither has to be read
// again for each field. clean is false whenever ok is.
func recordCheck(b []byte) (ok, clean bool) {
	const ctl = 0x20 * lo8
	i, n := 0, len(b)
	for i < n {
		c := b[i]
		if c < 0x80 {
			// Eight bytes at a time while all are printable ASCII: no
			// byte below 0x20 (the test for a byte less than n), none at
			// 0x7F or above.
			if i+8 <= n {
				w := binary.LittleEndian.Uint64(b[i:])
				m := ((w-ctl)&^w | (w + lo8) | w) & hi8
				if m == 0 {
					i += 8
					continue
				}
				// The lowest byte flagged is the first that is not
				// printable ASCII (a borrow or carry only flags bytes
				// above it): step over those before it.
				if k := bits.TrailingZeros64(m) >> 3; k > 0 {
					i += k
					continue
				}
			}
			if mayIgnore[c] {
				return utf8.Valid(b[i:]), false
			}
			i++
			continue
		}
		if i+8 <= n && leadPlain3[c] && leadPlain3[b[i+3]] &&
			binary.LittleEndian.Uint64(b[i:])&0x0000C0C000C0C000 == 0x0000808000808000 {
			// Two such characters at once: their second and third bytes
			// are continuation bytes. Then the next two, while they last.
			i += 6
			for i+8 <= n && leadPlain3[b[i]] && leadPlain3[b[i+3]] &&
				binary.LittleEndian.Uint64(b[i:])&0x0000C0C000C0C000 == 0x0000808000808000 {
				i += 6
			}
			continue
		}
		if leadPlain3[c] && i+2 < n && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80 {
			// An ideograph or a full-width form that cannot be ignorable:
			// no check on its second byte applies to these lead bytes.
			i += 3
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return false, false
		}
		if mayIgnore[c] && mayBeFormat(b, i) && ignorableAt(b, i) > 0 {
			return utf8.Valid(b[i+size:]), false
		}
		i += size
	}
	return true, true
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
