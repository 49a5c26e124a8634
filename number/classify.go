package number

// result is a classified number. For Chinese numbers the national
// significant number (NSN, the digits after +86) is sc.d[off:off+n].
type result struct {
	typ     Type
	off, n  int
	place   uint16 // index into the place table, 0 when unknown
	carrier uint8  // index into carrierNames
	virtual bool
	intl    *intlInfo // set for numbers outside China

	// e164Only: only the E.164 form is wanted (E164), so intl gets no
	// country or place.
	e164Only bool
}

// e164 returns "+86" and the NSN, reusing s when it already is exactly that.
func (r *result) e164(s string, sc *scanned) string {
	if sc.clean && r.off == 2 && r.n == sc.n-2 {
		return s
	}
	var buf [3 + maxDigits]byte
	buf[0], buf[1], buf[2] = '+', '8', '6'
	k := 3 + copy(buf[3:], sc.d[r.off:r.off+r.n])
	return string(buf[:k])
}

// classify classifies the scanned digits of s.
func (r *result) classify(s string, sc *scanned) error {
	d := sc.digits()
	switch {
	case sc.plus:
		return r.international(s, sc, 0)
	case len(d) >= 2 && d[0] == '0' && d[1] == '0': // 00: China's international prefix
		return r.international(s, sc, 2)
	case len(d) >= 11 && d[0] == '8' && d[1] == '6': // 86 without the plus sign, before a fixed line or mobile
		return r.national(s, sc, 2)
	}
	return r.domestic(s, sc)
}

// international classifies the digits from off on, which start with a
// country code.
func (r *result) international(s string, sc *scanned, off int) error {
	d := sc.d[off:sc.n]
	switch {
	case len(d) == 0:
		return invalid(s, "no digits after the international prefix")
	case d[0] == '0':
		return invalid(s, "country codes do not start with 0")
	case len(d) >= 2 && d[0] == '8' && d[1] == '6':
		if len(d) == 2 {
			return invalid(s, "no digits after the country code 86")
		}
		return r.national(s, sc, off+2)
	}
	if r.e164Only {
		_, e, err := internationalE164(s, d)
		if err != nil {
			return err
		}
		r.typ = International
		r.intl = &intlInfo{e164: e}
		return nil
	}
	info, err := parseInternational(s, d)
	if err != nil {
		return err
	}
	r.typ = International
	r.intl = info
	return nil
}

// national classifies a Chinese NSN written after the country code: sc.d[off:].
// A trunk 0 written after the country code, as in +86 (0)10 1234 5678, is
// dropped.
func (r *result) national(s string, sc *scanned, off int) error {
	if sc.d[off] == '0' {
		off++
		if off == sc.n {
			return invalid(s, "no digits after the trunk prefix 0")
		}
		return r.area(s, sc, off)
	}
	d := sc.d[off:sc.n]
	switch d[0] {
	case '1':
		if len(d) == 10 && d[1] == '0' { // 10 + 8 digits: Beijing
			return r.area(s, sc, off)
		}
		return r.mobileOrShort(s, sc, off)
	case '4', '8':
		if len(d) >= 3 && d[1] == '0' && d[2] == '0' {
			return r.tollFree(s, sc, off)
		}
	case '9':
		if ok, err := r.service(s, sc, off); ok {
			return err
		}
	}
	return r.area(s, sc, off)
}

// domestic classifies digits written as dialled inside China: a trunk 0 and
// area code before fixed lines, no prefix before mobile, service, toll-free
// numbers and short codes.
func (r *result) domestic(s string, sc *scanned) error {
	d := sc.digits()
	switch d[0] {
	case '0':
		if len(d) == 1 {
			return invalid(s, "a lone 0 is not a number")
		}
		if d[1] == '1' && len(d) == 12 && d[2] >= '3' { // 0 + mobile, as dialled from a fixed line
			return r.mobileOrShort(s, sc, 1)
		}
		return r.area(s, sc, 1)
	case '1':
		return r.mobileOrShort(s, sc, 0)
	case '4', '8':
		if len(d) >= 3 && d[1] == '0' && d[2] == '0' {
			return r.tollFree(s, sc, 0)
		}
	case '9':
		if ok, err := r.service(s, sc, 0); ok {
			return err
		}
	}
	if len(d) == 7 || len(d) == 8 {
		return invalid(s, "%d digits without an area code (write it as 0xx-%s)", len(d), string(d))
	}
	return invalid(s, "a Chinese number starting with %c must begin with 0 and an area code", d[0])
}

// mobileOrShort classifies an NSN starting with 1 that is not a Beijing fixed
// line: a mobile number or a short code.
func (r *result) mobileOrShort(s string, sc *scanned, off int) error {
	d := sc.d[off:sc.n]
	if len(d) < 3 {
		return invalid(s, "%d digits is too short for a number", len(d))
	}
	if d[1] <= '2' { // 10x, 11x, 12x: short codes
		switch {
		case len(d) <= 8:
			r.typ, r.off, r.n = ShortCode, off, len(d)
			return nil
		case len(d) == 11:
			return invalid(s, "%s is not a Chinese mobile segment", string(d[:3]))
		}
		return invalid(s, "%d digits is too long for a short code", len(d))
	}
	switch {
	case len(d) < 11:
		return invalid(s, "%d digits is too short for a Chinese mobile number", len(d))
	case len(d) > 11:
		return invalid(s, "%d digits is too long for a Chinese mobile number", len(d))
	}
	seg := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	t := tables()
	m := t.mobile[seg-firstSegment]
	if m == nil {
		return invalid(s, "%s is not a Chinese mobile segment", string(d[:3]))
	}
	e := m[int(d[3]-'0')*1000+int(d[4]-'0')*100+int(d[5]-'0')*10+int(d[6]-'0')]
	if e&mobileValid == 0 {
		return invalid(s, "%sxxxx is not an allocated Chinese mobile range", string(d[:7]))
	}
	r.typ, r.off, r.n = Mobile, off, 11
	r.place = e & placeMask
	r.carrier = uint8(e >> carrierShift & carrierMask)
	r.virtual = e&mobileVirtual != 0
	return nil
}

// tollFree classifies a 400 or 800 number.
func (r *result) tollFree(s string, sc *scanned, off int) error {
	d := sc.d[off:sc.n]
	if len(d) != 10 {
		return invalid(s, "%s numbers have 10 digits, not %d", string(d[:3]), len(d))
	}
	r.typ, r.off, r.n = TollFree, off, 10
	return nil
}

// service classifies a 95xxx/96xxx call-centre number: 95 or 96 and 3 to 6
// more digits, or 950 and 7 or 8 more. ok is false when the NSN is not one.
func (r *result) service(s string, sc *scanned, off int) (ok bool, err error) {
	d := sc.d[off:sc.n]
	if len(d) < 2 || d[1] != '5' && d[1] != '6' {
		return false, nil
	}
	switch {
	case len(d) >= 5 && len(d) <= 8, d[1] == '5' && len(d) >= 3 && d[2] == '0' && (len(d) == 10 || len(d) == 11):
		r.typ, r.off, r.n = Service, off, len(d)
		return true, nil
	case len(d) < 5:
		return true, invalid(s, "%d digits is too short for a %s service number", len(d), string(d[:2]))
	}
	return false, nil
}

// area classifies an NSN that starts with an area code: a fixed line, or a
// local 95/96 service number behind an area code.
func (r *result) area(s string, sc *scanned, off int) error {
	d := sc.d[off:sc.n]
	if len(d) < 3 {
		return invalid(s, "%d digits is too short for a fixed-line number", len(d))
	}
	code, codeLen := 0, 3
	switch d[0] {
	case '1':
		if d[1] != '0' {
			return invalid(s, "unknown area code 0%s", string(d[:2]))
		}
		code, codeLen = 10, 2
	case '2':
		code, codeLen = 20+int(d[1]-'0'), 2
	default:
		code = int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	}
	t := tables()
	a := t.area[code]
	if a&(area7|area8) == 0 {
		return invalid(s, "unknown area code 0%s", string(d[:codeLen]))
	}
	sub := d[codeLen:]
	r.off, r.n, r.place = off, len(d), a&placeMask
	// A local 95/96 number behind an area code. Not behind 010, whose NSN
	// would read as a short code, nor behind 095x, whose NSN would read as a
	// national 95 number.
	if code != 10 && code/10 != 95 && code/10 != 96 && len(sub) >= 5 && len(sub) <= 6 && sub[0] == '9' && (sub[1] == '5' || sub[1] == '6') {
		r.typ = Service
		return nil
	}
	switch {
	case len(sub) == 0:
		return invalid(s, "no subscriber number after the area code 0%s", string(d[:codeLen]))
	case len(sub) == 7 && a&area7 != 0, len(sub) == 8 && a&area8 != 0:
		r.typ = FixedLine
		return nil
	}
	want := "7 or 8"
	switch a & (area7 | area8) {
	case area7:
		want = "7"
	case area8:
		want = "8"
	}
	return invalid(s, "fixed-line numbers in area 0%s have %s digits after the area code, not %d", string(d[:codeLen]), want, len(sub))
}
