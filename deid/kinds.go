package deid

// Dates of birth and passport numbers. Both are read only where something
// says what they are: after the labels that introduce them (出生日期, 生日,
// DOB, Date of birth …; 护照号, 港澳通行证, Passport No. …) or anywhere in a
// column whose header names them (see columnWords). A bare date in running
// text is an order date or a timestamp as often as not, and a bare run of
// letters and digits (E12345678) a product or order code: neither is read
// without its label.

// kindWords are the CJK labels of dates of birth and passport numbers; they
// are triggers of kind trigKind. Longer words win (出生日期 over 出生).
var kindWords = []struct {
	word   string
	entity Entity
}{
	{"出生日期", BirthDate}, {"出生年月日", BirthDate}, {"出生年月", BirthDate}, {"出生于", BirthDate}, {"出生", BirthDate},
	{"生日是", BirthDate}, {"生日", BirthDate}, {"生辰", BirthDate},
	{"护照号码", Passport}, {"护照编号", Passport}, {"护照号", Passport}, {"护照", Passport},
	{"港澳通行证", Passport},
}

// docWords are labels of any identity document (证件号码): what follows is
// read as a passport number when it starts with a letter (E12345678); a
// resident identity number after them is read by the number scanner.
var docWords = []string{"证件号码", "证件号", "證件號碼", "證件號"}

// kindTriggerOnly reports whether every trigger word starting with r is a
// label of kindWords.
func kindTriggerOnly(r rune) bool {
	for _, t := range triggerWords(r) {
		if t.kind != trigKind {
			return false
		}
	}
	return true
}

// latinKindWords are the Latin labels, matched without regard to case at
// the start of a word and not followed by a letter. "pp" needs a colon
// after it.
var latinKindWords = []struct {
	word   string
	entity Entity
}{
	{"date of birth", BirthDate}, {"birth date", BirthDate}, {"birth_date", BirthDate}, {"birthdate", BirthDate},
	{"birthday", BirthDate}, {"born on", BirthDate}, {"d.o.b.", BirthDate}, {"dob", BirthDate},
	{"passport", Passport}, {"pp", Passport},
}

// kindLead marks the first bytes of latinKindWords, in both cases.
var kindLead = func() (t [256]bool) {
	for _, w := range latinKindWords {
		c := w.word[0]
		t[c], t[c-32] = true, true
	}
	return t
}()

// latinKind returns the entity that the Latin label at b[i] introduces and
// the label's end, or 0.
func latinKind(b []byte, i int) (Entity, int) {
	for _, w := range latinKindWords {
		end := i + len(w.word)
		if end > len(b) || !lowerEqual(b[i:end], w.word) {
			continue
		}
		if last := w.word[len(w.word)-1]; last != '.' && end < len(b) && (byteClass[b[end]] == cLetter || b[end] == '_') {
			continue
		}
		if w.word == "pp" && !(hasPrefixAt(b, end, ":") || hasPrefixAt(b, end, "：")) {
			continue
		}
		return w.entity, end
	}
	return 0, 0
}

// lowerEqual reports whether the ASCII bytes v equal the lower-case word w
// without regard to case.
func lowerEqual(v []byte, w string) bool {
	for k := range len(w) {
		c := v[k]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// kindSeps separate a label from its value.
var kindSeps = []string{" ", "\t", "\u3000", ":", "：", "#", "是", "为", "為", "号码", "号", "编号",
	"No.", "no.", "NO.", "No", "no", "NO", "number", "Number", "is"}

func skipKindSep(b []byte, p int) int {
	for moved := true; moved && p < len(b); {
		moved = false
		for _, sep := range kindSeps {
			if hasPrefixAt(b, p, sep) {
				// A Latin separator is a word of its own (not "No" of
				// "Nov").
				if c := sep[len(sep)-1]; c >= 'A' && c <= 'z' && p+len(sep) < len(b) && byteClass[b[p+len(sep)]] == cLetter {
					continue
				}
				p += len(sep)
				moved = true
				break
			}
		}
	}
	return p
}

// kindValue reads the date of birth or the passport number after a label
// that ends at b[p] and emits it as e. It returns the value's end, or 0.
func (s *scan) kindValue(p int, e Entity) int {
	b := s.b
	p = skipKindSep(b, p)
	if p >= len(b) || p < s.last {
		return 0
	}
	end := 0
	if e == BirthDate {
		end, _ = dateAt(b, p, s.r.maxYear)
	} else {
		end = passportAt(b, p)
	}
	if end == 0 {
		return 0
	}
	s.emit(e, p, end, 0, 0)
	return end
}

// date is a date of birth as read: month or day 0 when not written
// (1990年3月).
type date struct {
	y, m, d   int
	yearFirst bool
}

// readNumerals reads up to 9 ASCII or full-width digits at b[p]: their
// value, their count and their end.
func readNumerals(b []byte, p int) (v, k, end int) {
	for k < 9 {
		d, w := numeralAt(b, p)
		if w == 0 {
			break
		}
		v = v*10 + int(d-'0')
		k++
		p += w
	}
	return v, k, p
}

// dateSepAt returns the separator of a numeric date at b[p] ('-', '/',
// '.', their full-width forms folded to ASCII) and its width, or width 0.
func dateSepAt(b []byte, p int) (byte, int) {
	if p >= len(b) {
		return 0, 0
	}
	switch c := b[p]; c {
	case '-', '/', '.':
		return c, 1
	}
	switch {
	case hasPrefixAt(b, p, "－"):
		return '-', 3
	case hasPrefixAt(b, p, "／"):
		return '/', 3
	case hasPrefixAt(b, p, "．"):
		return '.', 3
	}
	return 0, 0
}

// dateAt reads a date at b[p]: 1990-03-07, 1990/3/7, 1990.03.07, 19900307,
// 1990年3月7日 (or 7号), 1990年03月, 1990-03, in ASCII or full-width
// digits, with a year from 1900 to maxYear; or, day (or month) first,
// 07/03/1990; or a month and day without the year, 3月7日. The month and day must exist, and no digit may follow. It
// returns the date's end, or 0.
func dateAt(b []byte, p, maxYear int) (int, date) {
	v, k, q := readNumerals(b, p)
	okYear := func(y int) bool { return y >= 1900 && y <= maxYear }
	noDigit := func(e int) bool { _, w := numeralAt(b, e); return w == 0 }
	switch {
	case k == 8:
		y, m, d := v/10000, v/100%100, v%100
		if okYear(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) {
			return q, date{y, m, d, true}
		}
	case k == 4 && okYear(v):
		y := v
		if hasPrefixAt(b, q, "年") {
			m, mk, r := readNumerals(b, skipSpaces(b, q+len("年")))
			if mk < 1 || mk > 2 || m < 1 || m > 12 || !hasPrefixAt(b, r, "月") {
				return 0, date{}
			}
			r += len("月")
			d, dk, t := readNumerals(b, skipSpaces(b, r))
			if dk >= 1 && dk <= 2 && d >= 1 && d <= daysIn(y, m) {
				if hasPrefixAt(b, t, "日") || hasPrefixAt(b, t, "号") {
					t += 3
				} else if !noDigit(t) {
					return r, date{y, m, 0, true}
				}
				return t, date{y, m, d, true}
			}
			return r, date{y, m, 0, true}
		}
		sep, w := dateSepAt(b, q)
		if w == 0 {
			return 0, date{}
		}
		m, mk, r := readNumerals(b, q+w)
		if mk < 1 || mk > 2 || m < 1 || m > 12 {
			return 0, date{}
		}
		if sep2, w2 := dateSepAt(b, r); w2 > 0 && sep2 == sep {
			d, dk, t := readNumerals(b, r+w2)
			if dk >= 1 && dk <= 2 && d >= 1 && d <= daysIn(y, m) && noDigit(t) {
				return t, date{y, m, d, true}
			}
			return 0, date{}
		}
		if !noDigit(r) {
			return 0, date{}
		}
		return r, date{y, m, 0, true} // 1990-03
	case k >= 1 && k <= 2 && hasPrefixAt(b, q, "月"):
		// A month and day without the year: 3月7日.
		m := v
		d, dk, t := readNumerals(b, skipSpaces(b, q+len("月")))
		if m < 1 || m > 12 || dk < 1 || dk > 2 || d < 1 || d > daysIn(2000, m) {
			return 0, date{}
		}
		if hasPrefixAt(b, t, "日") || hasPrefixAt(b, t, "号") {
			t += 3
		} else if !noDigit(t) {
			return 0, date{}
		}
		return t, date{0, m, d, false}
	case k >= 1 && k <= 2:
		// Day and month first, the year last: 07/03/1990. The day comes
		// first unless it cannot (03/27/1990).
		a := v
		sep, w := dateSepAt(b, q)
		if w == 0 {
			return 0, date{}
		}
		c, ck, r := readNumerals(b, q+w)
		if ck < 1 || ck > 2 {
			return 0, date{}
		}
		sep2, w2 := dateSepAt(b, r)
		if w2 == 0 || sep2 != sep {
			return 0, date{}
		}
		y, yk, t := readNumerals(b, r+w2)
		if yk != 4 || !okYear(y) {
			return 0, date{}
		}
		d, m := a, c
		if m > 12 {
			d, m = c, a
		}
		if m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m) {
			return t, date{y, m, d, false}
		}
	}
	return 0, date{}
}

// passportAt reads a passport or travel permit number at b[p], after its
// label: 6 to 9 letters and digits with at least 5 digits (E12345678,
// EA1234567, G12345678, C12345678 of a Hong Kong and Macao permit, and
// other countries' passports), not part of a longer word or of an e-mail
// address. Full-width forms are read as ASCII (ＥＡ１２３４５６７), and a
// space or dash may stand after the leading letters (E-12345678) or
// between groups of three or more (E 1234 5678). It returns its end, or 0.
func passportAt(b []byte, p int) int {
	if p > 0 && isWordByte(b[p-1]) {
		return 0
	}
	q, units, digits, group := p, 0, 0, 0
	letters := true // the group read so far is letters only
	for q < len(b) && units <= 9 {
		c, w := foldWidthAt(b, q)
		if w > 0 && (isDigit(c) || byteClass[c] == cLetter) {
			if isDigit(c) {
				digits++
				letters = false
			}
			units++
			group++
			q += w
			continue
		}
		if w == 0 || group == 0 || !(c == ' ' || c == '-') || units >= 9 {
			break
		}
		// A separator: taken when what follows is a group of three or
		// more, or when the letters before it lead the number.
		r, n := q+w, 0
		for r < len(b) {
			c2, w2 := foldWidthAt(b, r)
			if w2 == 0 || !(isDigit(c2) || byteClass[c2] == cLetter) {
				break
			}
			n++
			r += w2
		}
		if n == 0 || units+n > 9 || n < 3 && !(letters && units == group) {
			break
		}
		q += w
		group = 0
	}
	if units < 6 || units > 9 || digits < 5 {
		return 0
	}
	if q < len(b) && (b[q] == '_' || atSignAt(b, q) > 0 || b[q] == '.' && q+1 < len(b) && isWordByte(b[q+1])) {
		return 0
	}
	for q > p && (b[q-1] == ' ' || b[q-1] == '-') {
		q-- // never ends on a separator
	}
	return q
}

// letterFirstAt reports whether a Latin letter, ASCII or full-width,
// stands at b[p].
func letterFirstAt(b []byte, p int) bool {
	if p >= len(b) {
		return false
	}
	c, w := foldWidthAt(b, p)
	return w > 0 && byteClass[c] == cLetter
}

// columnKind appends to ms the dates of birth (e BirthDate) or passport
// numbers (e Passport) anywhere in v, a value of a column whose name says
// it holds them, in place of the matches they overlap; other entities are
// left to the scanner.
func (r *Recognizer) columnKind(ms []Match, v []byte, e Entity) []Match {
	var found []Match
	for i := 0; i < len(v); {
		switch {
		case e == BirthDate:
			if _, w := numeralAt(v, i); w > 0 {
				if i == 0 || !isDigit(v[i-1]) && !(i >= 3 && fullWidthDigitBefore(v, i)) {
					if end, _ := dateAt(v, i, r.maxYear); end > 0 {
						found = append(found, Match{Entity: e, Start: i, End: end})
						i = end
						continue
					}
				}
				i += w
				continue
			}
		case isWordByte(v[i]) && v[i] != '_' && (i == 0 || !isWordByte(v[i-1])):
			if end := passportAt(v, i); end > 0 {
				found = append(found, Match{Entity: e, Start: i, End: end})
				i = end
				continue
			}
		}
		i++
	}
	return mergeFound(ms, found)
}

// mergeFound puts the matches found (in order) in place of the matches of
// ms they overlap.
func mergeFound(ms, found []Match) []Match {
	if len(found) == 0 {
		return ms
	}
	// Keep the scanner's matches that overlap none found, in order.
	out := make([]Match, 0, len(ms)+len(found))
	k := 0
	for _, m := range ms {
		for k < len(found) && found[k].End <= m.Start {
			out = append(out, found[k])
			k++
		}
		overlap := false
		for _, f := range found {
			if f.Start < m.End && m.Start < f.End {
				overlap = true
				break
			}
		}
		if !overlap {
			out = append(out, m)
		}
	}
	out = append(out, found[k:]...)
	return append(ms[:0], out...)
}

func fullWidthDigitBefore(v []byte, i int) bool {
	_, w := numeralAt(v, i-3)
	return w == 3
}

// maskDate masks a date of birth, keeping its year: 1990-**-**,
// 1990年*月*日, **/**/1990.
func maskDate(dst, v []byte) []byte {
	n := countNumerals(v)
	_, d := dateAt(v, 0, 9999)
	switch {
	case d.y == 0:
		return maskNumerals(dst, v, 0, n) // 3月7日: no year to keep
	case d.yearFirst:
		return maskNumerals(dst, v, 4, n)
	}
	return maskNumerals(dst, v, 0, n-4)
}

// normalDate is the canonical form of a date of birth for pseudonyms,
// YYYY-MM-DD (YYYY-MM without a day, --MM-DD without a year), so that one date gets one token
// whatever its notation.
func normalDate(dst, v []byte) []byte {
	end, d := dateAt(v, 0, 9999)
	if end == 0 {
		return append(dst, v...)
	}
	if d.y > 0 {
		dst = append(dst, byte('0'+d.y/1000), byte('0'+d.y/100%10), byte('0'+d.y/10%10), byte('0'+d.y%10))
	} else {
		dst = append(dst, '-') // --03-07, as ISO 8601 writes a date without its year
	}
	dst = append(dst, '-', byte('0'+d.m/10), byte('0'+d.m%10))
	if d.d > 0 {
		dst = append(dst, '-', byte('0'+d.d/10), byte('0'+d.d%10))
	}
	return dst
}

// normalPassport is the canonical form of a passport number: upper case.
func normalPassport(dst, v []byte) []byte {
	for _, c := range v {
		if c >= 'a' && c <= 'z' {
			c -= 32
		}
		dst = append(dst, c)
	}
	return dst
}
