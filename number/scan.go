package number

import "unicode/utf8"

// maxDigits is the most digits scan keeps: 15 for E.164 plus an "00"
// international prefix, a trunk 0 and some slack. Longer inputs are rejected.
const maxDigits = 20

// scanned is a number reduced to its digits.
type scanned struct {
	d     [maxDigits]byte
	n     int
	plus  bool // a leading "+" (international format)
	clean bool // the input is exactly "+" followed by the ASCII digits
}

func (sc *scanned) digits() []byte { return sc.d[:sc.n] }

// scan reduces s to its digits, accepting ASCII and fullwidth digits, one
// leading plus sign, separators (white space, dashes, dots, slashes,
// parentheses in ASCII, fullwidth and typographic forms) and a "tel:" prefix
// whose ";parameters" are ignored. Anything else is an error.
func (sc *scanned) scan(s string) error {
	return sc.scanAs(s, "number")
}

func (sc *scanned) scanAs(s, what string) error {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	tel := false
	if len(s)-i >= 4 && s[i]|0x20 == 't' && s[i+1]|0x20 == 'e' && s[i+2]|0x20 == 'l' && s[i+3] == ':' {
		i += 4
		tel = true
	}
	for i < len(s) {
		c := s[i]
		if c-'0' <= 9 {
			if sc.n == maxDigits {
				return &invalidError{input: s, what: what, reason: "too long (more than 20 digits)"}
			}
			sc.d[sc.n] = c
			sc.n++
			i++
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n', '-', '.', '(', ')', '/':
			i++
			continue
		case '+':
			if sc.plus || sc.n > 0 {
				return &invalidError{input: s, what: what, reason: "'+' may only start a number"}
			}
			sc.plus = true
			i++
			continue
		case ';':
			if tel {
				i = len(s)
				continue
			}
		}
		if c < utf8.RuneSelf {
			if c|0x20 >= 'a' && c|0x20 <= 'z' {
				return &invalidError{input: s, what: what, reason: "contains the letter " + quoteRune(rune(c))}
			}
			return &invalidError{input: s, what: what, reason: "contains " + quoteRune(rune(c))}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= '０' && r <= '９':
			if sc.n == maxDigits {
				return &invalidError{input: s, what: what, reason: "too long (more than 20 digits)"}
			}
			sc.d[sc.n] = byte('0' + r - '０')
			sc.n++
		case r == '＋':
			if sc.plus || sc.n > 0 {
				return &invalidError{input: s, what: what, reason: "'+' may only start a number"}
			}
			sc.plus = true
		case isSeparator(r):
		default:
			return &invalidError{input: s, what: what, reason: "contains " + quoteRune(r)}
		}
	}
	if sc.n == 0 {
		if len(s) == 0 {
			return &invalidError{input: s, what: what, reason: "empty"}
		}
		return &invalidError{input: s, what: what, reason: "no digits"}
	}
	sc.clean = sc.plus && len(s) == sc.n+1 && s[0] == '+'
	return nil
}

// isSeparator reports whether r is a non-ASCII character people put between
// digit groups.
func isSeparator(r rune) bool {
	switch r {
	case '\u00a0', // no-break space
		'\u2009', '\u200a', '\u202f', '\u3000', // thin, hair, narrow no-break and ideographic spaces
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', // hyphens, dashes, minus
		'\uff08', '\uff09', '\uff0d', '\uff0e', '\uff0f', '\u3001': // fullwidth ( ) - . / and 、
		return true
	}
	return false
}

func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "an invalid UTF-8 byte"
	}
	if r < ' ' || r == 0x7f {
		return "a control character"
	}
	return "'" + string(r) + "'"
}
