package deid

// Mobile numbers written in Chinese numerals, as people type them to get
// past filters: 一三八一二三四五六七八, 幺三八…, 壹叁捌…, ①③⑧…, or mixed
// with Arabic digits, ASCII or full-width (138一二三四5678, １３８ 一二三四
// 5678).

// cnNumerals maps the numerals, everyday and financial, to their digits.
var cnNumerals = map[rune]byte{
	'〇': '0', '零': '0', '洞': '0', '一': '1', '幺': '1', '壹': '1', '二': '2', '两': '2', '贰': '2', '三': '3', '叁': '3',
	'四': '4', '肆': '4', '五': '5', '伍': '5', '六': '6', '陆': '6', '七': '7', '拐': '7', '柒': '7',
	'八': '8', '捌': '8', '九': '9', '勾': '9', '玖': '9',
	// Circled digits, typed for the same purpose (①③⑧…).
	'⓪': '0', '①': '1', '②': '2', '③': '3', '④': '4', '⑤': '5', '⑥': '6', '⑦': '7', '⑧': '8', '⑨': '9',
}

// cnDigits are the everyday numerals of the digits 0 to 9, which format-
// preserving encryption writes in place of a number's Chinese numerals,
// and circledDigits those it writes in place of circled digits.
var (
	cnDigits      = [10]string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	circledDigits = [10]string{"⓪", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨"}
)

// numeralGlyph is the numeral of the digit d (0 to 9) written as the
// Chinese or circled numeral orig is.
func numeralGlyph(orig []byte, d byte) string {
	if orig[0] == 0xE2 {
		return circledDigits[d]
	}
	return cnDigits[d]
}

// cnNumeralSet marks the numerals' runes, a bit each: the scanner's step
// over ideographs stops at them for the price of one load.
var cnNumeralSet = func() (set [1 << 10]uint64) {
	for r := range cnNumerals {
		set[r>>6] |= 1 << (r & 63)
	}
	return set
}()

func isCnNumeral(r rune) bool { return r < 1<<16 && cnNumeralSet[r>>6]&(1<<(r&63)) != 0 }

// cnMobileAt returns the end of a mobile number at b[i] written with at
// least one Chinese numeral among its 11 digits (ASCII or full-width; a
// space or a dash may separate them, as in １３８ 一二三四 5678), or 0.
func cnMobileAt(b []byte, i int) int {
	var d [11]byte
	n, cn, end, group := 0, 0, 0, 0
	sep := false
	for p := i; p < len(b); {
		c := b[p]
		if group >= 3 && n < len(d) && (c >= 0x80 && !isDigitLead(b, p) || c == ',' || c == ' ') {
			// Read out in groups (a call's transcript): 幺三九，五八九零，
			// 八四六八; 幺八幺，呃，九五零幺; 一五七…零八二四.
			if q := spokenSepEnd(b, p); q > p {
				p, group, sep = q, 0, true
				continue
			}
		}
		if v, w := numeralAt(b, p); w > 0 {
			group++
			if n == len(d) && sep {
				break // another number after a space or a dash
			}
			if n == len(d) {
				return 0 // longer than a mobile
			}
			d[n], n, sep = v, n+1, false
			p += w
			end = p
			continue
		}
		switch {
		case c == ' ' || c == '-' || c >= 0x80 && cnSepAt(b, p):
			if sep || n == 0 {
				p = len(b)
				continue
			}
			sep, group = true, 0
			if c < 0x80 {
				p++
			} else {
				p += 3
			}
			continue
		default:
			r, ok := runeAt(b, p)
			if !ok || !isCnNumeral(r) {
				p = len(b)
				continue
			}
			if n == len(d) && sep {
				p = len(b)
				continue
			}
			if n == len(d) {
				return 0
			}
			d[n], n, cn, sep = cnNumerals[r], n+1, cn+1, false
			group++
			p += 3
		}
		end = p
	}
	if n != len(d) || cn == 0 || !validMobile(d[:]) {
		return 0
	}
	return end
}

// pauseThenNumeral reports whether a pause read out (spokenSeps) and then
// a Chinese numeral follow a group of digits ending at b[q]: 0516，七三七幺洞三五六.
func pauseThenNumeral(b []byte, q int) bool {
	if p := spokenSepEnd(b, q); p > q {
		r, ok := runeAt(b, p)
		return ok && isCnNumeral(r)
	}
	return false
}

// isDigitLead reports whether a full-width digit or a Chinese numeral is
// at b[p], which a pause is not.
func isDigitLead(b []byte, p int) bool {
	if _, w := numeralAt(b, p); w > 0 {
		return true
	}
	r, ok := runeAt(b, p)
	return ok && isCnNumeral(r)
}

// spokenSeps come between the groups of a number read out: commas, an
// ellipsis, spaces and the words a speaker fills a pause with.
var spokenSeps = []string{"，", "、", "…", ",", " ", "呃", "啊", "嗯", "那个", "然后是", "然后"}

// spokenSepEnd returns the end of up to four spokenSeps at b[p] when one at
// least is there and a numeral follows them, or p.
func spokenSepEnd(b []byte, p int) int {
	q := p
	for k := 0; k < 4; k++ {
		moved := false
		for _, w := range spokenSeps {
			if hasPrefixAt(b, q, w) {
				q += len(w)
				moved = true
				break
			}
		}
		if !moved {
			break
		}
	}
	if q == p {
		return p
	}
	if _, w := numeralAt(b, q); w > 0 {
		return q
	}
	if r, ok := runeAt(b, q); ok && isCnNumeral(r) {
		return q
	}
	return p
}

// numeralAhead reports whether a Chinese numeral or a full-width digit is
// at b[q], or after one separator there: what may make the ASCII digits
// before b[q] part of a mobile that cnMobileAt reads.
func numeralAhead(b []byte, q int) bool {
	if q < len(b) && (b[q] == ' ' || b[q] == '-') {
		q++
	} else if q < len(b) && b[q] >= 0x80 && cnSepAt(b, q) {
		q += 3
	}
	if _, w := numeralAt(b, q); w == 3 {
		return true
	}
	r, ok := runeAt(b, q)
	return ok && isCnNumeral(r)
}

// cnSepAt reports whether a three-byte separator of a number's groups is
// at b[p]: the ideographic space, the full-width hyphen or a dash.
func cnSepAt(b []byte, p int) bool {
	c, w := punctAt(b, p)
	return w == 3 && (c == ' ' || c == '-')
}

// digitRunStart reports whether b[i] starts a run of digits: neither an
// Arabic digit (ASCII or full-width) nor a Chinese numeral is right before
// it (a number is read from its start only, never from inside a longer
// one).
func digitRunStart(b []byte, i int) bool {
	if i > 0 && isDigit(b[i-1]) {
		return false
	}
	if i >= 3 {
		if r, ok := runeAt(b, i-3); ok && (isCnNumeral(r) || r >= '０' && r <= '９') {
			return false
		}
	}
	return true
}
