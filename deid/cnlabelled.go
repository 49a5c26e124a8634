package deid

// Identity numbers, bank cards and fixed-line numbers written in Chinese or
// circled numerals (一一零一零五…, ①①⓪…, 六二一七…, 零一零 六二三四五六七八),
// alone or mixed with Arabic digits, after a label that names them
// (身份证号码：, 卡号：, 座机：). Without a label such a run is left to the
// mobile reader (cnnumerals.go): ideographs for numbers are everyday
// words, and only the label says what they write.

// cnLabels are the labels after which numbers in numerals are read, with
// what they name; 号, 号码 or 码 may follow each.
var cnLabels = []hintWord{
	{"身份证", IDCard}, {"身份證", IDCard}, {"证件", IDCard}, {"證件", IDCard}, {"身份号码", IDCard},
	{"银行卡", BankCard}, {"銀行卡", BankCard}, {"卡", BankCard}, {"信用卡", BankCard},
	{"借记卡", BankCard}, {"储蓄卡", BankCard}, {"银行账号", BankCard}, {"银行帐号", BankCard},
	{"座机", Landline}, {"固话", Landline}, {"电话", Landline}, {"固定电话", Landline}, {"办公电话", Landline}, {"家庭电话", Landline},
	{"办公室", Landline}, {"辦公室", Landline},
}

// cnLabelBefore returns what the label right before b[start] names
// (colons, spaces, commas and 是, 为 or 吧 between: 座机吧，零五…), or 0.
func cnLabelBefore(b []byte, start int) Entity {
	p := start
	for {
		switch {
		case p > 0 && (b[p-1] == ' ' || b[p-1] == ':' || b[p-1] == '\t'):
			p--
			continue
		case p >= 3 && (string(b[p-3:p]) == "：" || string(b[p-3:p]) == "是" || string(b[p-3:p]) == "为" || string(b[p-3:p]) == "\u3000" || string(b[p-3:p]) == "吧" || string(b[p-3:p]) == "，"):
			p -= 3
			continue
		}
		break
	}
	// Most numerals follow no label: one look at the character before.
	r, ok := hanBefore(b, p)
	if !ok {
		return 0
	}
	switch r {
	case '号', '號', '码', '碼', '证', '證', '件', '卡', '机', '话', '账', '帐', '室':
	default:
		return 0
	}
	for _, tail := range []string{"号码", "號碼", "号", "號", "码", "碼", ""} {
		if p < len(tail) || string(b[p-len(tail):p]) != tail {
			continue
		}
		q := p - len(tail)
		for _, h := range cnLabels {
			if q >= len(h.word) && string(b[q-len(h.word):q]) == h.word {
				return h.entity
			}
		}
	}
	return 0
}

// cnNumberAt reads a run of numerals at b[i]: Arabic digits (ASCII or
// full-width), Chinese and circled numerals, and a final X; a single
// space or dash (ASCII or full-width) may stand between two numerals, and
// the pauses of a number read out (spokenSeps) after three or more. It
// returns the digits (X for the check letter), how many were Chinese or
// circled numerals, and the end of the run.
func cnNumberAt(b []byte, i int, d []byte) ([]byte, int, int) {
	cn, end := 0, i
	for p := i; p < len(b) && len(d) < 20; {
		if v, w := numeralAt(b, p); w > 0 {
			d = append(d, v)
			p += w
			end = p
			continue
		}
		if r, ok := runeAt(b, p); ok && isCnNumeral(r) {
			d = append(d, cnNumerals[r])
			cn++
			p += 3
			end = p
			continue
		}
		if w := checkXAt(b, p); w > 0 && len(d) == 17 {
			d = append(d, 'X')
			end = p + w
			break
		}
		if p == end && len(d) >= 3 {
			// Read out in groups: 零二五，八八五零五二四六.
			if q := spokenSepEnd(b, p); q > p {
				p = q
				continue
			}
		}
		if p == end && len(d) > 0 {
			if b[p] == ' ' || b[p] == '-' {
				p++
				continue
			}
			if b[p] >= 0x80 && cnSepAt(b, p) {
				p += 3
				continue
			}
		}
		break
	}
	return d, cn, end
}

// cnLabelled reads, at b[i] where a number in numerals starts, an
// identity number, a bank card or a fixed-line number after a label that
// names it, emits it and returns its end; 0 when there is none.
func (s *scan) cnLabelled(i int) int {
	b := s.b
	if i < s.last {
		return 0
	}
	want := cnLabelBefore(b, i)
	if want == 0 {
		return 0
	}
	var buf [20]byte
	d, cn, end := cnNumberAt(b, i, buf[:0])
	if cn == 0 || end < len(b) && (isWordByte(b[end]) || b[end] == 0xEF && fullWidthAlnumAt(b, end)) {
		return 0
	}
	if r, ok := runeAt(b, end); ok && isCnNumeral(r) {
		return 0 // more numerals after a gap: not one number
	}
	n := len(d)
	switch want {
	case IDCard:
		if n == 18 && allDigits(d[:17]) && (validID18(d, s.r.maxYear) || validIDDivision(d) || idShaped(d[:17], s.r.maxYear)) {
			s.emit(IDCard, i, end, 0, 0)
			return end
		}
	case BankCard:
		if n >= 16 && n <= 19 && allDigits(d) {
			s.emit(BankCard, i, end, 0, 0)
			return end
		}
	case Landline:
		if !allDigits(d) {
			return 0
		}
		if d[0] == '0' {
			if a, ok := landlineArea(d[1:]); ok {
				s.emit(Landline, i, end, 0, uint8(a+1))
				return end
			}
			return 0
		}
		if (n == 7 || n == 8) && d[0] != '1' {
			s.emit(Landline, i, end, 0, 0)
			return end
		}
	}
	return 0
}
