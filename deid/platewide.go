package deid

import "unicode/utf8"

// Plates typed with a full-width letter and digits (京Ａ１２３４５), as an
// input method in full-width mode writes them: read as their ASCII form.

// plateEndWide is plateEnd for the characters at b[i], after a plate's
// province, when one of them is full-width; it returns the end or 0.
func plateEndWide(b []byte, i int) int {
	var buf [16]byte
	var offs [17]int
	k, p := 0, i
	for k < 10 && p < len(b) {
		c, w := foldWidthAt(b, p)
		if w == 0 || !(isDigit(c) || byteClass[c] == cLetter || c == ' ' || c == '-') {
			break
		}
		buf[k], offs[k] = c, p
		k++
		p += w
	}
	offs[k] = p
	// What follows, as it is: a special plate's suffix (学, 警).
	tail := min(len(b)-p, 3)
	copy(buf[k:], b[p:p+tail])
	for t := 1; t <= tail; t++ {
		offs[k+t] = p + t
	}
	e := plateEnd(buf[:k+tail], 0)
	if e == 0 {
		return 0
	}
	return offs[e]
}

// maskPlateWide masks a plate written with full-width characters as
// maskPlate does an ASCII one: the province, the issuing letter and the
// last character stay.
func maskPlateWide(dst, v []byte) []byte {
	_, w := utf8.DecodeRune(v)
	return maskFolded(append(dst, v[:w]...), v[w:], plateChar, 1, 1)
}
