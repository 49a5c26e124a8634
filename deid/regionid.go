package deid

import "bytes"

// Identity numbers of Hong Kong (A123456(3), AB987654(1)), Taiwan
// (A123456789) and Macao (1234567(8)). After a label that names an
// identity number (香港身份证, 身份证号：, 证件号码) their shape is enough;
// elsewhere a Hong Kong number with its check digit in brackets, or a
// Taiwan number with a valid check digit and its sex digit (1 or 2), is
// read as well. They are reported as id_card; masking hides all their
// digits and keeps the letters and brackets.

func upperAt(b []byte, i int) bool { return i < len(b) && b[i] >= 'A' && b[i] <= 'Z' }

// hkCheck is the check character of a Hong Kong identity number: letters
// (one or two) and six digits.
func hkCheck(letters, digits []byte) byte {
	sum := 0
	w := 9
	if len(letters) == 1 {
		sum += 36 * w // a space stands for the missing first letter
		w--
	}
	for _, c := range letters {
		sum += int(c-'A'+10) * w
		w--
	}
	for _, c := range digits {
		sum += int(c-'0') * w
		w--
	}
	switch r := (11 - sum%11) % 11; r {
	case 10:
		return 'A'
	default:
		return byte('0' + r)
	}
}

// bracketedCheck reads a check character in brackets at b[p], "(7)" or
// "（7）", a digit or (Hong Kong) A; it returns the character and the end,
// or 0, 0.
func bracketedCheck(b []byte, p int, letterA bool) (byte, int) {
	open, close := 1, 1
	switch {
	case p < len(b) && b[p] == '(':
	case hasPrefixAt(b, p, "（"):
		open, close = 3, 3
	default:
		return 0, 0
	}
	q := p + open
	if q >= len(b) || !(isDigit(b[q]) || letterA && b[q] == 'A') {
		return 0, 0
	}
	c := b[q]
	q++
	if close == 1 && (q >= len(b) || b[q] != ')') || close == 3 && !hasPrefixAt(b, q, "）") {
		return 0, 0
	}
	return c, q + close
}

// regionID reads a Hong Kong or Taiwan identity number in the word
// b[i:j] (letters then digits), emits it and returns its end, or 0.
func (s *scan) regionID(i, j int) int {
	b := s.b
	if i < s.last || i > 0 && isWordByte(b[i-1]) {
		return 0
	}
	l := 0
	for i+l < j && upperAt(b, i+l) {
		l++
	}
	if l == 0 || l > 2 || !allDigits(b[i+l:j]) {
		return 0
	}
	digits := j - i - l
	ends := func(e int) bool { return e >= len(b) || !isWordByte(b[e]) }
	labelled := func() bool { return cnLabelBefore(b, i) == IDCard }
	switch {
	case l == 1 && digits == 9 && ends(j):
		// After a label only: a letter and nine digits are a SKU or order
		// code as often, and one in ten passes the check.
		if d1 := b[i+1]; (d1 == '1' || d1 == '2' || d1 == '8' || d1 == '9') && labelled() {
			s.emit(IDCard, i, j, 0, 0)
			return j
		}
	case digits == 6:
		if c, e := bracketedCheck(b, j, true); e > 0 && ends(e) && (c == hkCheck(b[i:i+l], b[i+l:j]) || labelled()) {
			s.emit(IDCard, i, e, 0, 0)
			return e
		}
	case digits == 7 && ends(j) && labelled():
		// The check digit without brackets: A1234563.
		s.emit(IDCard, i, j, 0, 0)
		return j
	}
	return 0
}

// macaoID reads a Macao identity number after a label at b[i], where
// seven digits end at j: 1234567(8). It returns its end, or 0.
func (s *scan) macaoID(i, j int) int {
	b := s.b
	if j-i != 7 || i < s.last || i > 0 && isWordByte(b[i-1]) || cnLabelBefore(b, i) != IDCard {
		return 0
	}
	if _, e := bracketedCheck(b, j, false); e > 0 && (e >= len(b) || !isWordByte(b[e])) {
		s.emit(IDCard, i, e, 0, 0)
		return e
	}
	return 0
}

// regionShaped reports whether the identity number v is of Hong Kong,
// Taiwan or Macao: it starts with a letter or holds a bracket.
func regionShaped(v []byte) bool {
	if len(v) > 0 && upperAt(v, 0) {
		return true
	}
	// A mainland number is longer than a Macao one with its brackets.
	return len(v) <= len("1234567（8）") && (bytes.IndexByte(v, '(') >= 0 || bytes.Contains(v, []byte("（")))
}

// maskRegionID masks every digit of v.
func maskRegionID(dst, v []byte) []byte {
	for _, c := range v {
		if isDigit(c) {
			c = '*'
		}
		dst = append(dst, c)
	}
	return dst
}

// hkShapedAt reports whether a Hong Kong identity number's shape, its
// check digit in brackets, is at b[p] (whatever the check): after 证件号码
// it is read as an identity number, not as a passport.
func hkShapedAt(b []byte, p int) bool {
	l := 0
	for upperAt(b, p+l) {
		l++
	}
	if l == 0 || l > 2 || p+l+6 > len(b) || !allDigits(b[p+l:p+l+6]) {
		return false
	}
	_, e := bracketedCheck(b, p+l+6, true)
	return e > 0
}
