package deid

// E-mail addresses written to get past scrapers: the at sign spelled out
// or replaced (zhangsan[at]163.com, zhangsan(at)163(dot)com, zhangsan #
// 163.com, zhangsan AT 163 DOT com, zhangsan艾特163.com, zhangsan @
// 163.com) and the domain's dots spelled out (zhangsan@163(dot)com,
// zhangsan@163 dot com, 163点com). The domain must end in a top-level
// domain of spelledTLDs, so that "look at google.com" or "issue #163" stay
// as they are; a lower-case " at " before a real dot is read only after an
// e-mail label (email: john.doe at gmail.com, 邮箱：zhangsan at 163.com).

// Kinds of spelled at signs, from the surest.
const (
	atMarked    = iota + 1 // [at], (at), 【at】, 艾特, '@' among spaces
	atHash                 // '#', '＃'
	atWord                 // AT between spaces
	atWordLower            // at between spaces: only before a spelled dot
)

// spelledLead marks the bytes a spelled at sign may start with, spaces
// included.
var spelledLead = func() (t [256]bool) {
	t = byteSet(" [({<#@")
	t[0xEF], t[0xE3], t[0xE8] = true, true, true // （ ［ ＃ ＠, 【 〔, 艾
	return t
}()

// spelledAtLead marks the bytes a spelled at sign may start with after
// its spaces.
var spelledAtLead = func() (t [256]bool) {
	t = byteSet("[({<#@aA")
	t[0xEF], t[0xE3], t[0xE8] = true, true, true
	return t
}()

// spelledAtWide reports whether one of the three-byte characters a
// spelled at sign may start with is at b[p]: ＠ ＃ （ ［ 【 〔 or 艾 (of 艾特).
func spelledAtWide(b []byte, p int) bool {
	if p+2 >= len(b) {
		return false
	}
	c1, c2 := b[p+1], b[p+2]
	switch b[p] {
	case 0xEF:
		return c1 == 0xBC && (c2 == 0xA0 || c2 == 0x83 || c2 == 0x88 || c2 == 0xBB)
	case 0xE3:
		return c1 == 0x80 && (c2 == 0x90 || c2 == 0x94)
	case 0xE8:
		return c1 == 0x89 && c2 == 0xBE
	}
	return false
}

// spelledTLDs are the top-level domains a spelled-out address may end in.
var spelledTLDs = []string{"com", "cn", "net", "org", "edu", "gov", "hk", "tw", "mo", "info", "io", "me", "co", "biz", "top", "vip", "xyz", "cc", "tv", "uk", "us", "jp", "sg", "de", "ca", "au"}

// spelledTLD reports whether the label l (ASCII) is one of spelledTLDs, in
// any case.
func spelledTLD(l []byte) bool {
	for _, t := range spelledTLDs {
		if len(l) == len(t) && foldEqual(l, t) {
			return true
		}
	}
	return false
}

// foldEqual reports whether the ASCII letters l equal the lower-case w in
// any case.
func foldEqual(l []byte, w string) bool {
	for i := range len(w) {
		if l[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

// wordAt reports whether the lower-case ASCII word w is at b[p], in any
// case.
func wordAt(b []byte, p int, w string) bool {
	return p+len(w) <= len(b) && foldEqual(b[p:p+len(w)], w)
}

// skipSpaces steps over at most two ASCII spaces at b[p].
func skipSpaces(b []byte, p int) int {
	for k := 0; k < 2 && p < len(b) && b[p] == ' '; k++ {
		p++
	}
	return p
}

var (
	openBrackets  = []string{"[", "(", "{", "<", "（", "［", "【", "〔"}
	closeBrackets = []string{"]", ")", "}", ">", "）", "］", "】", "〕"}
)

// bracketedAt returns the end of the word w (lower case, in any case)
// between brackets at b[p] ([at], (dot), 【at】 …, a space allowed inside),
// or 0.
func bracketedAt(b []byte, p int, w string) int {
	for _, o := range openBrackets {
		if !hasPrefixAt(b, p, o) {
			continue
		}
		q := skipSpaces(b, p+len(o))
		if !wordAt(b, q, w) {
			return 0
		}
		q = skipSpaces(b, q+len(w))
		for _, c := range closeBrackets {
			if hasPrefixAt(b, q, c) {
				return q + len(c)
			}
		}
		return 0
	}
	return 0
}

// spelledAtAt returns the width of a spelled or spaced at sign at b[k],
// right after an address's local part, spaces around it included, and its
// kind; 0 when there is none. A plain '@' is the kind atMarked only with
// spaces around it.
func spelledAtAt(b []byte, k int) (int, int) {
	p := skipSpaces(b, k)
	if p >= len(b) || !spelledAtLead[b[p]] {
		return 0, 0
	}
	if b[p] >= 0x80 && !spelledAtWide(b, p) {
		return 0, 0 // other punctuation (，：) or an ideograph
	}
	spaced := p > k
	if w := atSignAt(b, p); w > 0 {
		q := skipSpaces(b, p+w)
		if !spaced && q == p+w {
			return 0, 0 // the plain form, read by emailEnd
		}
		return q - k, atMarked
	}
	switch c := b[p]; {
	case c == '#':
		return skipSpaces(b, p+1) - k, atHash
	case c == 'a' || c == 'A':
		if !spaced || !wordAt(b, p, "at") || p+2 >= len(b) || b[p+2] != ' ' {
			return 0, 0
		}
		kind := atWordLower
		if b[p+1] == 'T' && c == 'A' {
			kind = atWord
		}
		return skipSpaces(b, p+2) - k, kind
	case hasPrefixAt(b, p, "＃"):
		return skipSpaces(b, p+3) - k, atHash
	case hasPrefixAt(b, p, "艾特"):
		return skipSpaces(b, p+6) - k, atMarked
	}
	if q := bracketedAt(b, p, "at"); q > 0 {
		return skipSpaces(b, q) - k, atMarked
	}
	return 0, 0
}

// spelledDotAt returns the width of a domain's dot at b[q] and whether it
// is spelled out: '.', '。', '．', or (dot), [dot], [.] …, " dot ", 点.
func spelledDotAt(b []byte, q int) (int, bool) {
	if w := domainDotAt(b, q); w > 0 {
		return w, false
	}
	if hasPrefixAt(b, q, "点") {
		return 3, true
	}
	p := skipSpaces(b, q)
	if e := bracketedAt(b, p, "dot"); e > 0 {
		return skipSpaces(b, e) - q, true
	}
	if e := bracketedAt(b, p, "."); e > 0 {
		return skipSpaces(b, e) - q, true // outlook[.]com
	}
	if p > q && wordAt(b, p, "dot") && p+3 < len(b) && b[p+3] == ' ' {
		return skipSpaces(b, p+3) - q, true
	}
	return 0, false
}

// spelledDomainEnd returns the end of a domain at b[i] whose dots may be
// spelled out (see spelledDotAt) and whose last label is one of
// spelledTLDs, and whether a spelled dot is in it; 0 when there is none.
func spelledDomainEnd(b []byte, i int) (int, bool) {
	n := len(b)
	labels, end := 0, 0
	spelled, endSpelled := false, false
	for p := i; p < n; {
		q := domainLabelEnd(b, p)
		if q < 0 {
			break
		}
		labels++
		if labels >= 2 && spelledTLD(b[p:q]) {
			end, endSpelled = q, spelled
		}
		w, sp := spelledDotAt(b, q)
		if w == 0 || q+w >= n || !isWordByte(b[q+w]) {
			break
		}
		spelled = spelled || sp
		p = q + w
	}
	if end == 0 || end-i > 253 || end < n && (isWordByte(b[end]) || atSignAt(b, end) > 0) {
		return 0, false
	}
	return end, endSpelled
}

// spelledEmail returns the end of an e-mail address whose local part is
// b[i:k] and whose at sign or dots are spelled out, or 0.
func spelledEmail(b []byte, i, k int) int {
	if k == i || b[k-1] == '.' {
		return 0
	}
	w, kind := spelledAtAt(b, k)
	if w == 0 {
		if atSignAt(b, k) == 0 {
			return 0
		}
		// '@', then a domain with its dots spelled out.
		w, kind = atSignAt(b, k), atMarked
	}
	if kind != atMarked && k-i < 2 {
		return 0
	}
	end, spelled := spelledDomainEnd(b, k+w)
	if end == 0 || kind == atWordLower && !spelled && !emailLabelBefore(b, i) {
		// "look at google.com": a lower-case at with a real dot is an
		// address only after an e-mail label (email: john.doe at gmail.com).
		return 0
	}
	return end
}

// emailLabels introduce an e-mail address; Latin ones are matched in any
// case and not after a letter.
var emailLabels = []string{"邮箱", "郵箱", "邮件", "郵件", "電郵", "电邮", "email", "e-mail", "mail"}

// emailLabelBefore reports whether an e-mail label ends right before b[i],
// with spaces, a colon or 是/为 between.
func emailLabelBefore(b []byte, i int) bool {
	p := i
	for moved := true; moved && p > 0; {
		switch {
		case b[p-1] == ' ' || b[p-1] == ':' || b[p-1] == '\t':
			p--
		case p >= 3 && (string(b[p-3:p]) == "：" || string(b[p-3:p]) == "是" || string(b[p-3:p]) == "为" || string(b[p-3:p]) == "\u3000"):
			p -= 3
		default:
			moved = false
		}
	}
	if p == i {
		return false
	}
	for _, l := range emailLabels {
		k := p - len(l)
		if k < 0 {
			continue
		}
		if l[0] < 0x80 {
			if foldEqual(b[k:p], l) && (k == 0 || byteClass[b[k-1]] != cLetter) {
				return true
			}
		} else if string(b[k:p]) == l {
			return true
		}
	}
	return false
}

// emailAt returns the offset and width of the at sign of an e-mail
// address v as the scanner read it: the '@' or '＠', or the spelled or
// spaced one after its local part.
func emailAt(v []byte) (int, int) {
	k := 0
	for k < len(v) && localByte[v[k]] {
		k++
	}
	if w := atSignAt(v, k); w > 0 {
		return k, skipSpaces(v, k+w) - k // the usual case
	}
	if w, _ := spelledAtAt(v, k); w > 0 {
		return k, w
	}
	return atIndex(v)
}

// appendDomain appends the domain d of an e-mail address in lower case
// with its dots, spelled or not, as '.'.
func appendDomain(dst, d []byte) []byte {
	for p := 0; p < len(d); {
		c := d[p]
		if isWordByte(c) || c == '-' {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			p++
			continue
		}
		if w, _ := spelledDotAt(d, p); w > 0 {
			dst = append(dst, '.')
			p += w
			continue
		}
		dst = append(dst, c)
		p++
	}
	return dst
}

// foldWidthAt returns the ASCII form of the full-width character at b[i]
// (U+FF01 to U+FF5E: ｚ, １, ＠, ．, ［ …) and width 3, or the byte itself
// and width 1 when it is ASCII; width 0 otherwise.
func foldWidthAt(b []byte, i int) (byte, int) {
	if i >= len(b) {
		return 0, 0
	}
	c := b[i]
	if c < 0x80 {
		return c, 1
	}
	if c == 0xEF && i+2 < len(b) {
		switch {
		case b[i+1] == 0xBC && b[i+2] >= 0x81: // U+FF01 … U+FF3F
			return b[i+2] - 0x80 + 0x20, 3
		case b[i+1] == 0xBD && b[i+2] <= 0x9E: // U+FF40 … U+FF5E
			return b[i+2] - 0x80 + 0x60, 3
		}
	}
	return 0, 0
}

// fullWidthAlnumAt reports whether a full-width letter or digit is at b[i].
func fullWidthAlnumAt(b []byte, i int) bool {
	c, w := foldWidthAt(b, i)
	return w == 3 && (isDigit(c) || byteClass[c] == cLetter)
}

// fullWidthEmail returns the end of an e-mail address at b[i] typed in
// full-width forms, wholly or in part (ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ,
// zhangsan＠１６３．com), read as its ASCII form is; 0 when there is none.
// Chinese full stops are kept as they are (domainDotAt reads them).
func fullWidthEmail(b []byte, i int) int {
	var buf [256]byte
	var at [257]int
	n, p := 0, i
	local := true
	for p < len(b) && n+3 <= len(buf) {
		c, w := foldWidthAt(b, p)
		if local && w > 0 && !localByte[c] {
			// The local part ends: an at sign, spelled or not, must
			// follow.
			if n == 0 || !spelledLead[c] {
				return 0
			}
			local = false
		}
		if w == 0 {
			if !hasPrefixAt(b, p, "。") {
				break
			}
			// Its three bytes as they are.
			copy(buf[n:], "。")
			at[n], at[n+1], at[n+2] = p, p+1, p+2
			n += 3
			p += 3
			continue
		}
		if c == ' ' || c == '\t' || c == ',' || c == ';' {
			break // the address cannot go on past a space here
		}
		buf[n], at[n] = c, p
		n++
		p += w
	}
	at[n] = p
	f := buf[:n]
	k := 0
	for k < n && localByte[f[k]] {
		k++
	}
	if k == 0 || f[k-1] == '.' {
		return 0
	}
	if w := atSignAt(f, k); w > 0 {
		if e := emailEnd(f, k+w); e > 0 {
			return at[e]
		}
	}
	if e := spelledEmail(f, 0, k); e > 0 {
		return at[e]
	}
	return 0
}

// foldWidth appends v with its full-width forms as ASCII.
func foldWidth(dst, v []byte) []byte {
	for i := 0; i < len(v); {
		if c, w := foldWidthAt(v, i); w > 0 {
			dst = append(dst, c)
			i += w
			continue
		}
		dst = append(dst, v[i])
		i++
	}
	return dst
}

// isASCII reports whether every byte of v is below 0x80.
func isASCII(v []byte) bool {
	for _, c := range v {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// domainLabelEnd returns the end of the domain label (letters, digits and
// inner hyphens, at most 63) that starts at b[p], or -1 when none does.
func domainLabelEnd(b []byte, p int) int {
	n, q := len(b), p
	for q < n && (isWordByte(b[q]) && b[q] != '_' || b[q] == '-') {
		q++
	}
	if q == p || q-p > 63 || b[p] == '-' || b[q-1] == '-' {
		return -1
	}
	return q
}
