package deid

// listSeps separate the items of a list of numbers after one label:
// 电话：62345678、62345679, QQ：12345678 或 87654321.
var listSeps = []string{"、", "，", ",", "/", "／", "或者", "或", "和", "及", "；", ";"}

// listNext returns where the next item of a list begins after an item
// that ends at b[q]: past one separator and the spaces around it, at a
// digit; 0 when no digit follows a separator there.
func listNext(b []byte, q int) int {
	p := skipSpaces(b, q)
	moved := false
	for _, sep := range listSeps {
		if hasPrefixAt(b, p, sep) {
			p += len(sep)
			moved = true
			break
		}
	}
	if !moved {
		return 0
	}
	p = skipSpaces(b, p)
	if p >= len(b) || !isDigit(b[p]) {
		return 0
	}
	return p
}

// listItemEnd reports whether an item of a list may end at b[q]: at the
// end, or before a space, a punctuation mark or another separator, not
// before a letter, a digit or an ideograph (12345678元, 6234567号).
func listItemEnd(b []byte, q int) bool {
	if q >= len(b) {
		return true
	}
	c := b[q]
	if c < 0x80 {
		return !isWordByte(c) && c != '.' && c != '@'
	}
	r, ok := runeAt(b, q)
	if !ok {
		return false
	}
	switch {
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF0F, r >= 0xFF1A && r <= 0xFF20:
		return true // CJK and full-width punctuation
	}
	for _, sep := range listSeps {
		if hasPrefixAt(b, q, sep) {
			return true
		}
	}
	return false
}
