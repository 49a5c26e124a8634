package deid

// Phone numbers written to get past filters and scrapers: the groups of a
// mobile split by any one separator used twice (195/7172/2327,
// 151_3779_3722, 171·9389·3620, 162➕2083➕8112, 166哦9453哦2621, 176 加
// 1472 加 1971) or by two notes in brackets (183（中间）4372（尾号）0733),
// a fixed-line number with / or ~ after its area code
// (0757/69939134, 027~64600767), and digits written as keycap emoji
// (1️⃣3️⃣5️⃣…). The separator must be the same both times and the digits
// must make a valid number, so dates (2022/9/23) and codes stay.

// keycap is what follows a digit written as a keycap emoji: U+FE0F, then
// U+20E3 COMBINING ENCLOSING KEYCAP (sometimes without the first).
const keycapTail = "\u20e3"

// disguisedPhone reads such a number at b[i], an ASCII digit, emits it and
// returns its end, or 0.
func (s *scan) disguisedPhone(i int) int {
	b := s.b
	n := len(b)
	if i < s.last {
		return 0
	}
	j := i
	for j < n && j-i < 5 && isDigit(b[j]) {
		j++
	}
	if j >= n || isDigit(b[j]) {
		return 0
	}
	if j-i == 1 {
		if e := s.keycapPhone(i); e > 0 {
			return e
		}
		return s.spacedMobile(i)
	}
	switch {
	case j-i == 3 && b[i] == '1':
		return s.splitMobile(i, j)
	case (j-i == 3 || j-i == 4) && b[i] == '0' && (b[j] == '/' || b[j] == '~' || hasPrefixAt(b, j, "～")):
		w := 1
		if b[j] != '/' && b[j] != '~' {
			w = 3
		}
		q := j + w
		e := q
		for e < n && isDigit(b[e]) {
			e++
		}
		if e-q < 7 || e-q > 8 || b[q] == '0' || b[q] == '1' || e < n && isWordByte(b[e]) {
			return 0
		}
		var d [12]byte
		nat := append(append(d[:0], b[i+1:j]...), b[q:e]...)
		if a, ok := landlineArea(nat); !ok || a != j-i-1 {
			return 0
		}
		s.emit(Landline, i, e, 0, uint8(j-i))
		return e
	}
	return 0
}

// splitMobile reads 3 digits at b[i:j], a separator, 4 digits, the same
// separator and 4 digits, making a valid mobile number.
func (s *scan) splitMobile(i, j int) int {
	b := s.b
	n := len(b)
	k := j
	for k < n && k-j < 12 && !isDigit(b[k]) && b[k] != '\n' {
		k++
	}
	sep := b[j:k]
	if len(sep) == 0 || k+4 > n || len(sep) == 1 && (sep[0] == ' ' || sep[0] == '-' || sep[0] == '.') {
		return 0 // none, or one the scanner reads itself
	}
	var d [11]byte
	copy(d[:3], b[i:j])
	p := k
	// Two notes in brackets may differ: 183（中间）4372（尾号）0733.
	noted := skipNote(b, j) == k
	for g := 0; g < 2; g++ {
		if g == 1 {
			if q := skipNote(b, p); noted && q > p {
				p = q
			} else if hasPrefixAt(b, p, string(sep)) {
				p += len(sep)
			} else if p+1 < n && (b[p] == ' ' || b[p] == '-') && len(sep) >= 3 && isDigit(b[p+1]) {
				p++ // an emoji, then a space: 132✨8690 6011
			} else {
				return 0
			}
		}
		if p+4 > n || !allDigits(b[p:p+4]) {
			return 0
		}
		copy(d[3+4*g:], b[p:p+4])
		p += 4
	}
	if p < n && isDigit(b[p]) || !validMobile(d[:]) {
		return 0
	}
	s.emit(Mobile, i, p, 0, 0)
	return p
}

// spacedMobile reads a mobile number at b[i] whose first digits stand
// alone, each followed by the same emoji or symbol, and whose rest follows
// (1🍓5🍓5🍓88962298, 1❤3❤6❤41676231): 11 digits in all, a valid mobile.
func (s *scan) spacedMobile(i int) int {
	b := s.b
	n := len(b)
	k := i + 1
	for k < n && k-i-1 < 8 && b[k] >= 0x80 {
		k++
	}
	sep := b[i+1 : k]
	if len(sep) < 3 || k >= n || !isDigit(b[k]) {
		return 0
	}
	var d [11]byte
	m, p := 0, i
	for m < 11 && p < n {
		if !isDigit(b[p]) {
			if m == 0 || !hasPrefixAt(b, p, string(sep)) {
				break
			}
			p += len(sep)
			continue
		}
		d[m] = b[p]
		m++
		p++
	}
	if m < 11 || p < n && isDigit(b[p]) || !validMobile(d[:]) {
		return 0
	}
	s.emit(Mobile, i, p, 0, 0)
	return p
}

// keycapPhone reads a mobile number of 11 keycap digits at b[i].
func (s *scan) keycapPhone(i int) int {
	b := s.b
	var d [11]byte
	p := i
	for k := 0; k < 11; k++ {
		if p >= len(b) || !isDigit(b[p]) {
			return 0
		}
		d[k] = b[p]
		p++
		if hasPrefixAt(b, p, "\ufe0f") {
			p += 3
		}
		if !hasPrefixAt(b, p, keycapTail) {
			return 0
		}
		p += len(keycapTail)
	}
	if p < len(b) && isDigit(b[p]) || !validMobile(d[:]) {
		return 0
	}
	s.emit(Mobile, i, p, 0, 0)
	return p
}
