package deid

// listSeps separate the items of a list of numbers after one label:
// 电话：62345678、62345679, QQ：12345678 或 87654321.
var listSeps = []string{"、", "，", ",", "/", "／", "或者", "或", "和", "及", "；", ";"}

// listNext returns where the next item of a list begins after an item
// that ends at b[q]: past a short note in brackets (（常用）, (备用)), one
// separator and the spaces around them, at a digit; 0 when no digit
// follows a separator there.
func listNext(b []byte, q int) int {
	p := listSep(b, q)
	if p == 0 || p >= len(b) || !isDigit(b[p]) {
		return 0
	}
	if e, _ := dateAt(b, p, 2099); e > 0 {
		return 0 // a date after the list: 电话 62345678，20231226
	}
	return p
}

// listDigits returns the next item of a list after an item ending at
// b[q] when it is lo to hi digits, not from 0, ending where a list item
// may end; 0, 0 otherwise.
func listDigits(b []byte, q, lo, hi int) (int, int) {
	p := listNext(b, q)
	if p == 0 || b[p] == '0' {
		return 0, 0
	}
	e := p
	for e < len(b) && isDigit(b[e]) {
		e++
	}
	if e-p < lo || e-p > hi || !listItemEnd(b, e) {
		return 0, 0
	}
	return p, e
}

// listSep returns where what follows a separator after an item ending at
// b[q] begins (see listNext), or 0 when no separator is there.
func listSep(b []byte, q int) int {
	p := skipNote(b, skipSpaces(b, q))
	p = skipSpaces(b, p)
	for _, sep := range listSeps {
		if hasPrefixAt(b, p, sep) {
			p = skipSpaces(b, p+len(sep))
			if p >= len(b) || b[p] != 0xE6 && b[p] != 0xE5 {
				return p
			}
			// A second word for the next item: ，或者 duanyi888, ，备用 cathy_yao.
			for _, w := range []string{"或者", "或", "备用", "備用"} {
				if hasPrefixAt(b, p, w) {
					return skipSpaces(b, p+len(w))
				}
			}
			return p
		}
	}
	return 0
}

// skipNote steps over a note of one to four ideographs in brackets at
// b[p]: （常用）, (备用), （微信同号）is too long and stays.
func skipNote(b []byte, p int) int {
	orig := p
	var closing string
	switch {
	case hasPrefixAt(b, p, "（"):
		p, closing = p+len("（"), "）"
	case hasPrefixAt(b, p, "("):
		p, closing = p+1, ")"
	default:
		return p
	}
	start := p
	for k := 0; k < 4; k++ {
		r, ok := runeAt(b, p)
		if !ok || !isHan(r) {
			break
		}
		p += 3
	}
	if p == start || !hasPrefixAt(b, p, closing) {
		return orig
	}
	return p + len(closing)
}

// listItemEnd reports whether an item of a list may end at b[q]: at the
// end, or before a space, a punctuation mark or another separator; not
// before a letter, a digit or an ideograph (12345678元, 6234567号), an at
// sign, or the colon or equals sign of a field name.
func listItemEnd(b []byte, q int) bool {
	if q >= len(b) {
		return true
	}
	c := b[q]
	if atSignAt(b, q) > 0 {
		return false // an e-mail address's local part
	}
	if c < 0x80 {
		// Not a field name either: order_no:…, item_id=….
		return !isWordByte(c) && c != '.' && c != ':' && c != '='
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
