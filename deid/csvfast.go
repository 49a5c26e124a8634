package deid

import (
	"encoding/binary"
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
		// Eight bytes at a time while all are printable ASCII: no byte
		// below 0x20 (the test for a byte less than n), none at 0x7F or
		// above.
		for i+8 <= n {
			w := binary.LittleEndian.Uint64(b[i:])
			if ((w-ctl)&^w|(w+lo8)|w)&hi8 != 0 {
				break
			}
			i += 8
		}
		if i >= n {
			break
		}
		c := b[i]
		if c < 0x80 {
			if mayIgnore[c] {
				return utf8.Valid(b[i:]), false
			}
			i++
			continue
		}
		size := 0
		if c >= 0xE0 && c <= 0xEF && i+2 < n && b[i+2]&0xC0 == 0x80 {
			// Three bytes, the usual ideograph or full-width form.
			switch c1 := b[i+1]; c {
			case 0xE0:
				if c1 >= 0xA0 && c1 <= 0xBF {
					size = 3
				}
			case 0xED:
				if c1 >= 0x80 && c1 <= 0x9F {
					size = 3
				}
			default:
				if c1&0xC0 == 0x80 {
					size = 3
				}
			}
		}
		if size == 0 {
			r, w := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && w == 1 {
				return false, false
			}
			size = w
		}
		if mayIgnore[c] && mayBeFormat(b, i) && ignorableAt(b, i) > 0 {
			return utf8.Valid(b[i+size:]), false
		}
		i += size
	}
	return true, true
}

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
