package deid

// Mobile numbers written in Chinese numerals, as people type them to get
// past filters: 一三八一二三四五六七八, 幺三八…, 壹叁捌…, or mixed with
// Arabic digits (138一二三四5678).

// cnNumerals maps the numerals, everyday and financial, to their digits.
var cnNumerals = map[rune]byte{
	'〇': '0', '零': '0', '洞': '0', '一': '1', '幺': '1', '壹': '1', '二': '2', '两': '2', '贰': '2', '三': '3', '叁': '3',
	'四': '4', '肆': '4', '五': '5', '伍': '5', '六': '6', '陆': '6', '七': '7', '拐': '7', '柒': '7',
	'八': '8', '捌': '8', '九': '9', '勾': '9', '玖': '9',
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
// least one Chinese numeral among its 11 digits (a space or a dash may
// separate them), or 0.
func cnMobileAt(b []byte, i int) int {
	var d [11]byte
	n, cn, end := 0, 0, 0
	sep := false
	for p := i; p < len(b); {
		c := b[p]
		switch {
		case isDigit(c):
			if n == len(d) {
				return 0 // longer than a mobile
			}
			d[n], n, sep = c, n+1, false
			p++
		case c == ' ' || c == '-':
			if sep || n == 0 {
				p = len(b)
				continue
			}
			sep = true
			p++
			continue
		default:
			r, ok := runeAt(b, p)
			if !ok || !isCnNumeral(r) {
				p = len(b)
				continue
			}
			if n == len(d) {
				return 0
			}
			d[n], n, cn, sep = cnNumerals[r], n+1, cn+1, false
			p += 3
		}
		end = p
	}
	if n != len(d) || cn == 0 || !validMobile(d[:]) {
		return 0
	}
	return end
}

// digitRunStart reports whether b[i] starts a run of digits: neither an
// Arabic digit nor a Chinese numeral is right before it (a number is read
// from its start only, never from inside a longer one).
func digitRunStart(b []byte, i int) bool {
	if i > 0 && isDigit(b[i-1]) {
		return false
	}
	if i >= 3 {
		if r, ok := runeAt(b, i-3); ok && isCnNumeral(r) {
			return false
		}
	}
	return true
}
