package deid

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"ringfence/deid/ff1"
)

// Op is what is done to an entity that is found.
type Op string

// The operators. OpScan applies to columns only: their free text is scanned
// and each entity found gets the operator of its entity.
const (
	OpMask      Op = "mask"      // hide the middle, Chinese style: 138****5678
	OpRedact    Op = "redact"    // replace with the entity's key: [mobile]
	OpPseudonym Op = "pseudonym" // keyed HMAC-SHA256 token, stable per value
	OpFPE       Op = "fpe"       // FF1 format-preserving encryption, reversible
	OpKeep      Op = "keep"      // leave as it is (still counted)
	OpScan      Op = "scan"      // columns: scan as free text
)

// ParseOp returns the operator named s.
func ParseOp(s string) (Op, error) {
	switch op := Op(strings.ToLower(strings.TrimSpace(s))); op {
	case OpMask, OpRedact, OpPseudonym, OpFPE, OpKeep, OpScan:
		return op, nil
	case "encrypt":
		return OpFPE, nil
	case "hash", "pseudonymize", "pseudonymise":
		return OpPseudonym, nil
	}
	return "", fmt.Errorf("unknown operator %q (valid: mask, redact, pseudonym, fpe, keep, scan)", s)
}

// keyed reports whether op needs the key.
func (op Op) keyed() bool { return op == OpPseudonym || op == OpFPE }

// ErrNoFPE is returned when a value cannot be encrypted in its own format
// (an address, or a value whose format leaves too few possibilities).
var ErrNoFPE = errors.New("value cannot be encrypted in its own format")

// Keys are the secrets of the keyed operators, derived from one master key.
type Keys struct {
	fpe    [32]byte // AES-256 key of FF1
	pseudo [32]byte // HMAC-SHA256 key of pseudonyms
}

// DeriveKeys derives the operator keys from a master key of at least 16
// bytes. Different purposes get independent keys.
func DeriveKeys(master []byte) (Keys, error) {
	var k Keys
	if len(master) < 16 {
		return k, fmt.Errorf("deid key is %d bytes; need at least 16 (32 recommended)", len(master))
	}
	derive := func(dst []byte, purpose string) {
		m := hmac.New(sha256.New, master)
		m.Write([]byte("ringfence deid " + purpose))
		copy(dst, m.Sum(nil))
	}
	derive(k.fpe[:], "ff1")
	derive(k.pseudo[:], "pseudonym")
	return k, nil
}

// ciphers holds the FF1 ciphers of the radixes deid uses.
type ciphers struct {
	dec   *ff1.Cipher // radix 10
	uscc  *ff1.Cipher // radix 31
	names *ff1.Cipher // radix len(nameAlphabet)
}

func newCiphers(k Keys) (*ciphers, error) {
	var c ciphers
	var err error
	if c.dec, err = ff1.New(k.fpe[:], 10); err != nil {
		return nil, err
	}
	if c.uscc, err = ff1.New(k.fpe[:], len(usccAlphabet)); err != nil {
		return nil, err
	}
	if c.names, err = ff1.New(k.fpe[:], len(nameAlphabet)); err != nil {
		return nil, err
	}
	return &c, nil
}

// nameAlphabet holds the ideographs of given names under encryption: the
// CJK unified ideographs of GBK, so that encrypted names still encode in
// GBK.
var nameAlphabet, nameIndex = func() ([]rune, map[rune]int) {
	var a []rune
	idx := map[rune]int{}
	for r := rune(0x4E00); r <= 0x9FA5; r++ {
		idx[r] = len(a)
		a = append(a, r)
	}
	return a, idx
}()

// plainGiven reports whether a given name has none of the characters that
// the name recogniser treats specially (stops, frequent surnames, the first
// characters of titles, stop words and address suffixes). Encryption maps
// such names to such names, so an encrypted name is found again.
func plainGiven(rs []rune) bool {
	for _, r := range rs {
		f := runeFlags[r]
		if f&fTrigger != 0 && kindTriggerOnly(r) {
			// Labels of dates of birth and passports (生日, 护照) came
			// after names were first encrypted: they leave the classes,
			// and so every ciphertext, as they were.
			f &^= fTrigger
		}
		if f&(fStop|fTop|fTrigger|fAdmin) != 0 || len(suffixesOf(r)) > 0 || isStopPairStart(r) {
			return false
		}
	}
	return true
}

// surnameAlphabet lists the single-character surnames in a fixed order.
var surnameAlphabet, surnameIndex = func() ([]rune, map[rune]int) {
	var a []rune
	idx := map[rune]int{}
	for _, r := range singleSurnames {
		if _, dup := idx[r]; !dup {
			idx[r] = len(a)
			a = append(a, r)
		}
	}
	return a, idx
}()

var stopPairStarts = func() map[rune]bool {
	m := map[rune]bool{}
	for _, w := range append(append([]string{}, nameStopPairs...), titles...) {
		m[firstRune(w)] = true
	}
	return m
}()

func isStopPairStart(r rune) bool { return stopPairStarts[r] }

// slot is the position of one numeral of a number in the text.
type slot struct {
	at, w int  // byte offset and width (1, or 3 for a full-width digit, Ｘ or a Chinese numeral)
	c     byte // the numeral: '0'-'9' or 'X'
}

// numeralSlots lists the numerals of text[m.Start:m.End].
func numeralSlots(dst []slot, text []byte, m Match) []slot {
	for i := m.Start; i < m.End; {
		if d, w := numeralAt(text, i); w > 0 {
			dst = append(dst, slot{i, w, d})
			i += w
			continue
		}
		if w := checkLetterAt(text, i); w > 0 {
			dst = append(dst, slot{i, w, 'X'})
			i += w
			continue
		}
		if text[i] >= 0xE2 && (m.Entity == Mobile || m.Entity == QQ || m.Entity == IDCard || m.Entity == BankCard || m.Entity == Landline) {
			// A Chinese or circled numeral of a mobile number
			// (138一二三四5678, ①③⑧…).
			if r, ok := runeAt(text, i); ok && isCnNumeral(r) {
				dst = append(dst, slot{i, 3, cnNumerals[r]})
				i += 3
				continue
			}
		}
		_, w := utf8.DecodeRune(text[i:])
		i += w
	}
	return dst
}

// writeSlots appends text[m.Start:m.End] to dst with the numerals in slots
// replaced by the bytes of vals (one byte each).
func writeSlots(dst, text []byte, m Match, slots []slot, vals []byte) []byte {
	p := m.Start
	for k, s := range slots {
		dst = append(dst, text[p:s.at]...)
		if s.w == 3 && isDigit(vals[k]) && text[s.at] != 0xEF {
			dst = append(dst, numeralGlyph(text[s.at:], vals[k]-'0')...) // a Chinese numeral stays one
		} else if s.w == 3 && isDigit(vals[k]) {
			dst = append(dst, 0xEF, 0xBC, 0x90+vals[k]-'0') // full-width stays full-width
		} else if s.w == 3 && vals[k] == 'X' {
			dst = append(dst, "Ｘ"...)
		} else {
			dst = append(dst, vals[k])
		}
		p = s.at + s.w
	}
	return append(dst, text[p:m.End]...)
}

// mask appends the masked form of the match to dst.
func mask(dst, text []byte, m Match) []byte {
	v := text[m.Start:m.End]
	if m.ocr {
		return maskOCR(dst, v, m)
	}
	if m.country == 0 && (m.Entity == Mobile || m.Entity == IDCard || m.Entity == BankCard) && (m.plain || plainNumerals(v)) {
		// ASCII digits (and an identity number's X) only, the usual
		// case: every byte is a numeral.
		from, to := 6, len(v)-4
		switch {
		case m.Entity == Mobile:
			from, to = int(m.cc)+3, int(m.cc)+7
		case m.Entity == IDCard && len(v) == 15:
			to = 12
		case m.Entity == IDCard:
			to = 14
		}
		return maskPlain(dst, v, from, to)
	}
	switch m.Entity {
	case Mobile:
		cc := int(m.cc)
		if m.country != 0 {
			return maskNumerals(dst, v, cc, countNumerals(v)-2)
		}
		return maskNumerals(dst, v, cc+3, cc+7)
	case Landline:
		if m.country != 0 {
			return maskNumerals(dst, v, int(m.cc), countNumerals(v)-2)
		}
		local := int(m.cc) + int(m.area)
		keep := countNumerals(v) - 4
		if keep < local {
			keep = local
		}
		return maskNumerals(dst, v, local, keep)
	case USCC:
		return maskASCII(dst, v, 6, len(v)-4)
	case IDCard:
		if regionShaped(v) {
			// Hong Kong, Taiwan, Macao: A******(*).
			return maskRegionID(dst, v)
		}
		if countNumerals(v) == 15 {
			return maskNumerals(dst, v, 6, 12)
		}
		return maskNumerals(dst, v, 6, 14)
	case BankCard:
		return maskNumerals(dst, v, 6, countNumerals(v)-4)
	case Plate:
		// Keep the province, the issuing letter and the last character.
		_, w := utf8.DecodeRune(v)
		if w < len(v) && v[w] >= 0x80 {
			return maskPlateWide(dst, v) // 京Ａ１２３４５
		}
		serial := 0
		for _, c := range v[w+1:] {
			if plateChar(c) {
				serial++
			}
		}
		dst = append(dst, v[:w+1]...)
		k := 0
		for _, c := range v[w+1:] {
			if plateChar(c) {
				k++
				if k < serial {
					c = '*'
				}
			}
			dst = append(dst, c)
		}
		return dst
	case QQ:
		return maskNumerals(dst, v, 1, countNumerals(v)-1)
	case WeChat:
		if !isASCII(v) {
			// Full-width forms: ｌ********, the first character kept.
			_, w := utf8.DecodeRune(v)
			return maskRunes(append(dst, v[:w]...), v[w:], len(v)-w)
		}
		return maskASCII(dst, v, 1, len(v))
	case BirthDate:
		return maskDate(dst, v)
	case Passport:
		if !plainASCIIWord(v) {
			// Full-width or grouped: ＥＡ*****６７, E-******78.
			return maskAlnum(dst, v)
		}
		return maskASCII(dst, v, 1, len(v)-2)
	case Email:
		// The first character of the local part and the domain stay.
		at, _ := emailAt(v)
		_, w := utf8.DecodeRune(v)
		if w >= at {
			// A local part of one character is hidden whole: *@b.com.
			w = 0
		}
		dst = append(dst, v[:w]...)
		for range utf8.RuneCount(v[min(w, at):at]) {
			dst = append(dst, '*')
		}
		return append(dst, v[at:]...)
	case Name:
		if surnameAt(v, 0) == len(v) {
			// A surname alone (王女士, 老王): it is all there is of the name.
			return maskRunes(dst, v, len(v))
		}
		return maskRunes(dst, v, len(v)-(nameGivenStart(v)))
	case Address:
		keep := int(m.keep) - 1
		if keep < 0 || keep > len(v) {
			keep = addressKeep(v)
		}
		return maskRunes(dst, v, len(v)-keep)
	}
	return maskRunes(dst, v, len(v))
}

// plainNumerals reports whether every byte of v is an ASCII digit or X.
func plainNumerals(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) && c != 'X' && c != 'x' {
			return false
		}
	}
	return true
}

// maskPlain is maskNumerals for a v of plainNumerals.
func maskPlain(dst, v []byte, from, to int) []byte {
	from, to = max(from, 0), min(to, len(v))
	if from >= to {
		return append(dst, v...)
	}
	// One copy, then the masked digits overwritten in place.
	k := len(dst)
	dst = append(dst, v...)
	stars := dst[k+from : k+to]
	for i := range stars {
		stars[i] = '*'
	}
	return dst
}

// countNumerals counts the digits (ASCII or full-width) and Xs of v.
func countNumerals(v []byte) int {
	n := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case isDigit(c) || c == 'X' || c == 'x':
			n++
		case c == 0xEF:
			if _, w := numeralAt(v, i); w == 3 || checkLetterAt(v, i) == 3 {
				n++
				i += 2
			}
		case c >= 0xE0:
			if r, ok := runeAt(v, i); ok && isCnNumeral(r) {
				n++
				i += 2
			}
		}
	}
	return n
}

// maskNumerals appends v with its numerals number from to to-1 (counting
// from 0) replaced by '*' and everything else kept.
func maskNumerals(dst, v []byte, from, to int) []byte {
	// Fast path: copy, then overwrite the masked ASCII numerals in place.
	base := len(dst)
	dst = append(dst, v...)
	out := dst[base:]
	k := 0
	for i, c := range out {
		if c >= 0x80 {
			return maskNumeralsSlow(dst[:base], v, from, to)
		}
		if isDigit(c) || c == 'X' || c == 'x' {
			if k >= from && k < to {
				out[i] = '*'
			}
			k++
		}
	}
	return dst
}

// maskNumeralsSlow is maskNumerals for spans with full-width digits or
// Chinese numerals.
func maskNumeralsSlow(dst, v []byte, from, to int) []byte {
	k := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		w := 0
		switch {
		case isDigit(c) || c == 'X' || c == 'x':
			w = 1
		case c == 0xEF:
			if _, w = numeralAt(v, i); w == 0 {
				w = checkLetterAt(v, i)
			}
		}
		if w == 0 && c >= 0xE0 {
			if r, ok := runeAt(v, i); ok && isCnNumeral(r) {
				w = 3 // a Chinese numeral (一三八…)
			}
		}
		if w == 0 {
			dst = append(dst, c)
			continue
		}
		if k >= from && k < to {
			dst = append(dst, '*')
		} else {
			dst = append(dst, v[i:i+w]...)
		}
		k++
		i += w - 1
	}
	return dst
}

// maskASCII masks the bytes [from, to) of an ASCII value.
func maskASCII(dst, v []byte, from, to int) []byte {
	for i, c := range v {
		if i >= from && i < to {
			c = '*'
		}
		dst = append(dst, c)
	}
	return dst
}

// maskRunes appends v with the characters of its last tail bytes replaced
// by one '*' each; spaces, hyphens and commas are kept.
func maskRunes(dst, v []byte, tail int) []byte {
	head := len(v) - tail
	dst = append(dst, v[:head]...)
	// The output is never longer than the tail: it is written in place,
	// without a check of capacity for each byte.
	base := len(dst)
	dst = slices.Grow(dst, tail)[:base+tail]
	out, k := dst[base:], 0
	for i := head; i < len(v); i++ {
		c := v[i]
		if c >= 0xE0 && c < 0xF0 && i+2 < len(v) && v[i+1]&0xC0 == 0x80 && v[i+2]&0xC0 == 0x80 {
			// A three-byte character (an ideograph): one '*', its
			// continuation bytes skipped.
			out[k] = '*'
			k++
			i += 2
			continue
		}
		switch {
		case c == ' ' || c == '-' || c == ',':
			out[k] = c
			k++
		case c&0xC0 != 0x80:
			out[k] = '*'
			k++
		}
	}
	return dst[:base+k]
}

// nameGivenStart is the byte length of the surname that starts name v.
func nameGivenStart(v []byte) int {
	if e := surnameAt(v, 0); e > 0 && e < len(v) {
		return e
	}
	_, w := utf8.DecodeRune(v)
	return w
}

// addressKeep is the byte length of the leading province, city and district
// components of address v, which masking keeps.
func addressKeep(v []byte) int {
	q := 0
	if e := provinceAt(v, 0); e > 0 {
		q = e
		if sf, ok := suffixAt(v, q); ok && sf.level <= levelCity {
			q += len(sf.word)
		}
	}
	for {
		t := q
		runes := 0
		end := 0
		for runes < 12 && t < len(v) {
			if _, ok := hanAt(v, t); !ok {
				break
			}
			if runes > 0 {
				if sf, ok := suffixAt(v, t); ok {
					if sf.level <= levelDistrict {
						end = t + len(sf.word)
					}
					break
				}
			}
			t += 3
			runes++
		}
		if end == 0 {
			return q
		}
		q = end
	}
}

// redact is the placeholder of an entity.
func redact(dst []byte, e Entity) []byte {
	dst = append(dst, '[')
	if e == 0 {
		dst = append(dst, "redacted"...)
	} else {
		dst = append(dst, e.String()...)
	}
	return append(dst, ']')
}

var pseudoPrefix = [numEntities]string{"TOK", "MOB", "TEL", "ID", "CARD", "USCC", "PLATE", "EMAIL", "NAME", "ADDR", "QQ", "WX", "BIR", "PAS"}

// normal is the canonical form of a match for pseudonyms, so that one value
// written in two notations gets one token.
func normal(dst, text []byte, m Match, slots []slot) []byte {
	v := text[m.Start:m.End]
	switch m.Entity {
	case Mobile, Landline, IDCard, BankCard:
		skip := int(m.cc)
		if m.country != 0 {
			// Outside mainland China: the calling code and the national
			// number without its trunk 0, whatever the notation.
			dst = fmt.Appendf(dst, "+%d:", m.country)
			for len(slots) > skip && slots[skip].c == '0' {
				skip++
			}
		}
		if m.Entity == Landline && len(slots) > skip && slots[skip].c == '0' {
			skip++
		}
		for _, s := range slots[skip:] {
			dst = append(dst, s.c)
		}
		return dst
	case Email:
		if !isASCII(v) {
			v = foldWidth(nil, v) // ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ
		}
		at, w := emailAt(v)
		dst = append(dst, strings.ToLower(string(v[:at]))...)
		dst = append(dst, '@')
		return appendDomain(dst, v[at+w:])
	case QQ:
		for _, s := range slots {
			dst = append(dst, s.c)
		}
		return dst
	case WeChat:
		return append(dst, strings.ToLower(string(v))...)
	case BirthDate:
		return normalDate(dst, v)
	case Passport:
		return normalPassport(dst, v)
	case Plate:
		for _, r := range string(v) {
			if r >= 0x80 && r != '·' && r != '•' && r != '・' || plateChar(byte(r)) {
				dst = utf8.AppendRune(dst, r)
			}
		}
		return dst
	}
	return append(dst, v...)
}

// pseudonym appends the token of a value: the entity's prefix and 16 hex
// digits of HMAC-SHA256 over the entity key and the normalised value.
func pseudonym(dst []byte, key *[32]byte, e Entity, norm []byte) []byte {
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(e.String()))
	m.Write([]byte{0})
	m.Write(norm)
	var sum [32]byte
	dst = append(dst, pseudoPrefix[e]...)
	dst = append(dst, '_')
	return hex.AppendEncode(dst, m.Sum(sum[:0])[:8])
}

// fpe appends the encryption (or, with decrypt, the decryption) of the
// match to dst. The result is a valid value of the same entity in the same
// notation: phones keep their segment or area code, identity numbers their
// province, city and birth year, cards their issuer number, plates their
// province; check characters are recomputed.
func (c *ciphers) fpe(dst, text []byte, m Match, slots []slot, decrypt bool) ([]byte, error) {
	var buf [48]byte
	vals := buf[:0]
	for _, s := range slots {
		vals = append(vals, s.c)
	}
	v := text[m.Start:m.End]
	switch m.Entity {
	case Mobile:
		cc := int(m.cc)
		if m.country != 0 {
			// Keep the calling code and the national number's first digit.
			if len(vals) < cc+7 {
				return nil, fmt.Errorf("%s: %w", m.Entity, ErrNoFPE)
			}
			if err := c.decimal(vals[cc+1:], fmt.Sprintf("mobile:+%d:%c", m.country, vals[cc]), decrypt); err != nil {
				return nil, err
			}
			break
		}
		if len(vals) < cc+7 {
			return nil, fmt.Errorf("%s: %w", m.Entity, ErrNoFPE)
		}
		if err := c.decimal(vals[cc+3:], "mobile:"+string(vals[cc:cc+3]), decrypt); err != nil {
			return nil, err
		}
	case Landline:
		// Keep the area code and the local number's first digit.
		from := int(m.cc) + int(m.area) + 1
		tweak := "landline:" + string(vals[m.cc:from])
		if m.country != 0 {
			tweak = fmt.Sprintf("landline:+%d:%s", m.country, vals[m.cc:from])
		}
		if len(vals) < from+6 {
			return nil, fmt.Errorf("%s: %w", m.Entity, ErrNoFPE)
		}
		if err := c.decimal(vals[from:], tweak, decrypt); err != nil {
			return nil, err
		}
	case QQ:
		// Keep the first digit, which is never 0.
		if err := c.decimal(vals[1:], fmt.Sprintf("qq:%c:%d", vals[0], len(vals)), decrypt); err != nil {
			return nil, err
		}
	case WeChat:
		out := append([]byte(nil), v...)
		if err := c.wechat(out, decrypt); err != nil {
			return nil, err
		}
		return append(dst, out...), nil
	case IDCard:
		if err := c.idCard(vals, decrypt); err != nil {
			return nil, err
		}
	case BankCard:
		body := vals[6 : len(vals)-1]
		// A mistyped check digit (a labelled card that fails Luhn) stays
		// as far off in the output, so that decryption gives it back.
		last := len(vals) - 1
		off := (int(vals[last]-'0') - int(luhnCheck(vals[:last])-'0') + 10) % 10
		if err := c.decimal(body, fmt.Sprintf("bank_card:%s:%d", vals[:6], len(vals)), decrypt); err != nil {
			return nil, err
		}
		vals[last] = byte('0' + (int(luhnCheck(vals[:last])-'0')+off)%10)
	case USCC:
		out := append([]byte(nil), v...)
		if err := c.usccCode(out, decrypt); err != nil {
			return nil, err
		}
		return append(dst, out...), nil
	case Plate:
		out := append([]byte(nil), v...)
		if err := c.plate(out, decrypt); err != nil {
			return nil, err
		}
		return append(dst, out...), nil
	case Email:
		out := append([]byte(nil), v...)
		if err := c.email(out, decrypt); err != nil {
			return nil, err
		}
		return append(dst, out...), nil
	case Name:
		out, err := c.name(v, decrypt)
		if err != nil {
			return nil, err
		}
		return append(dst, out...), nil
	default:
		return nil, fmt.Errorf("%s: %w", m.Entity, ErrNoFPE)
	}
	return writeSlots(dst, text, m, slots, vals), nil
}

// decimal encrypts the decimal digits d in place with FF1.
func (c *ciphers) decimal(d []byte, tweak string, decrypt bool) error {
	x := make([]uint16, len(d))
	for i, v := range d {
		x[i] = uint16(v - '0')
	}
	y, err := c.crypt(c.dec, x, tweak, decrypt)
	if err != nil {
		return err
	}
	for i, v := range y {
		d[i] = byte('0' + v)
	}
	return nil
}

func (c *ciphers) crypt(ci *ff1.Cipher, x []uint16, tweak string, decrypt bool) ([]uint16, error) {
	if decrypt {
		return ci.Decrypt(x, []byte(tweak))
	}
	return ci.Encrypt(x, []byte(tweak))
}

// mixed encrypts a number given in mixed radix (digits vals, most
// significant first, each below its radix) in place: FF1 over the shortest
// decimal string that holds the domain (at least 6 digits), walking the
// cycle until the result falls inside the domain again.
func (c *ciphers) mixed(vals, radixes []int, tweak string, decrypt bool) error {
	domain := big.NewInt(1)
	x := new(big.Int)
	for i, r := range radixes {
		domain.Mul(domain, big.NewInt(int64(r)))
		x.Mul(x, big.NewInt(int64(r)))
		x.Add(x, big.NewInt(int64(vals[i])))
	}
	if domain.Cmp(big.NewInt(ff1.MinDomain)) < 0 {
		return ErrNoFPE
	}
	nd := len(new(big.Int).Sub(domain, big.NewInt(1)).String())
	if nd < 6 {
		nd = 6
	}
	digits := make([]uint16, nd)
	for {
		s := x.String()
		for i := range digits {
			digits[i] = 0
		}
		for i := range len(s) {
			digits[nd-len(s)+i] = uint16(s[i] - '0')
		}
		y, err := c.crypt(c.dec, digits, tweak, decrypt)
		if err != nil {
			return err
		}
		x.SetInt64(0)
		for _, d := range y {
			x.Mul(x, big.NewInt(10))
			x.Add(x, big.NewInt(int64(d)))
		}
		if x.Cmp(domain) < 0 {
			break
		}
	}
	var r big.Int
	for i := len(radixes) - 1; i >= 0; i-- {
		x.QuoRem(x, big.NewInt(int64(radixes[i])), &r)
		vals[i] = int(r.Int64())
	}
	return nil
}

// idCard encrypts an identity number's district, birth day within its year
// and sequence number, keeping province, city and birth year, and
// recomputes the check character.
func (c *ciphers) idCard(d []byte, decrypt bool) error {
	var year, doy, seqAt int
	if len(d) == 18 {
		year = num2(d[6:])*100 + num2(d[8:])
		doy = dayOfYear(year, num2(d[10:]), num2(d[12:]))
		seqAt = 14
	} else {
		year = 1900 + num2(d[6:])
		doy = dayOfYear(year, num2(d[8:]), num2(d[10:]))
		seqAt = 12
	}
	days := 365
	if leap(year) {
		days = 366
	}
	if !validDate(year, num2(md0(d)), num2(md0(d)[2:]), 1, 9999) {
		return ErrNoFPE // a labelled number whose birth date is mistyped
	}
	off := 0
	if len(d) == 18 {
		// A mistyped check character stays as far off in the output.
		off = (checkIndex(d[17]) - checkIndex(idCheck(d)) + 11) % 11
	}
	seq := int(d[seqAt]-'0')*100 + num2(d[seqAt+1:])
	vals := []int{num2(d[4:]), doy, seq}
	if err := c.mixed(vals, []int{100, days, 1000}, fmt.Sprintf("id_card:%s:%d", d[:4], year), decrypt); err != nil {
		return err
	}
	m, day := dateOfDay(year, vals[1])
	put2(d[4:], vals[0])
	md := d[10:]
	if len(d) == 15 {
		md = d[8:]
	}
	put2(md, m)
	put2(md[2:], day)
	d[seqAt] = byte('0' + vals[2]/100)
	put2(d[seqAt+1:], vals[2]%100)
	if len(d) == 18 {
		d[17] = idCheckChars[(checkIndex(idCheck(d))+off)%11]
	}
	return nil
}

// md0 returns the month and day digits of an identity number.
func md0(d []byte) []byte {
	if len(d) == 15 {
		return d[8:]
	}
	return d[10:]
}

// checkIndex is the position of an identity number's check character in
// idCheckChars ('x' as 'X').
func checkIndex(c byte) int {
	if c == 'x' {
		c = 'X'
	}
	for i := range len(idCheckChars) {
		if idCheckChars[i] == c {
			return i
		}
	}
	return 0
}

func put2(d []byte, v int) { d[0], d[1] = byte('0'+v/10), byte('0'+v%10) }

func dayOfYear(y, m, d int) int {
	n := d - 1
	for k := 1; k < m; k++ {
		n += daysIn(y, k)
	}
	return n
}

func dateOfDay(y, n int) (int, int) {
	m := 1
	for n >= daysIn(y, m) {
		n -= daysIn(y, m)
		m++
	}
	return m, n + 1
}

const orgCheckChars = "0123456789X"

// usccCode encrypts the first eight characters of the organisation code of
// a unified social credit code, keeping authority, type and division; the
// organisation code's own check character (GB 11714) is shifted by the
// change of its body so that a valid one stays valid, and the code's check
// character is recomputed.
func (c *ciphers) usccCode(s []byte, decrypt bool) error {
	body := s[8:16]
	before := orgCheck(body)
	x := make([]uint16, 8)
	for i, ch := range body {
		x[i] = uint16(usccValue[ch])
	}
	y, err := c.crypt(c.uscc, x, "uscc:"+string(s[:8]), decrypt)
	if err != nil {
		return err
	}
	for i, v := range y {
		body[i] = usccAlphabet[v]
	}
	after := orgCheck(body)
	if k := strings.IndexByte(orgCheckChars, s[16]); k >= 0 {
		shift := strings.IndexByte(orgCheckChars, after) - strings.IndexByte(orgCheckChars, before)
		s[16] = orgCheckChars[((k+shift)%11+11)%11]
	}
	s[17] = usccCheck(s)
	return nil
}

// plateLetters are the letters of plates: capitals without I and O.
const plateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"

// plate encrypts a plate's issuing letter and serial, keeping which
// positions are letters and which digits (and a new-energy D or F), so the
// result reads as a plate of the same kind; the province is kept unless the
// plate has too few possibilities without it.
func (c *ciphers) plate(p []byte, decrypt bool) error {
	_, w := utf8.DecodeRune(p)
	var pos []int
	for i := w; i < len(p); i++ {
		if plateChar(p[i]) {
			pos = append(pos, i)
		}
	}
	// A new-energy plate has six serial characters; its D or F stays.
	if len(pos) == 7 {
		if p[pos[1]] == 'D' || p[pos[1]] == 'F' {
			pos = append(pos[:1], pos[2:]...)
		} else {
			pos = pos[:6]
		}
	}
	var vals, radixes []int
	domain := 1
	for _, i := range pos {
		if isDigit(p[i]) {
			vals, radixes = append(vals, int(p[i]-'0')), append(radixes, 10)
		} else {
			vals, radixes = append(vals, strings.IndexByte(plateLetters, p[i])), append(radixes, len(plateLetters))
		}
		domain *= radixes[len(radixes)-1]
	}
	provs := []rune(plateProvinces)
	prov := -1
	tweak := "plate:" + string(p[:w])
	if domain < ff1.MinDomain {
		r, _ := utf8.DecodeRune(p)
		for k, x := range provs {
			if x == r {
				prov = k
			}
		}
		if prov < 0 {
			return ErrNoFPE
		}
		vals = append([]int{prov}, vals...)
		radixes = append([]int{len(provs)}, radixes...)
		tweak = "plate"
	}
	if err := c.mixed(vals, radixes, tweak, decrypt); err != nil {
		return err
	}
	if prov >= 0 {
		copy(p, string(provs[vals[0]]))
		vals, radixes = vals[1:], radixes[1:]
	}
	for k, i := range pos {
		if radixes[k] == 10 {
			p[i] = byte('0' + vals[k])
		} else {
			p[i] = plateLetters[vals[k]]
		}
	}
	return nil
}

// email encrypts the letters and digits of an e-mail address's local part
// (and, when it is too short, of the domain's first label), each class into
// itself so the address stays well formed.
func (c *ciphers) email(v []byte, decrypt bool) error {
	at, w := emailAt(v)
	var pos []int
	var vals, radixes []int
	add := func(from, to int) {
		for i := from; i < to; i++ {
			ch := v[i]
			switch {
			case isDigit(ch):
				pos, vals, radixes = append(pos, i), append(vals, int(ch-'0')), append(radixes, 10)
			case ch >= 'a' && ch <= 'z':
				pos, vals, radixes = append(pos, i), append(vals, int(ch-'a')), append(radixes, 26)
			case ch >= 'A' && ch <= 'Z':
				pos, vals, radixes = append(pos, i), append(vals, int(ch-'A')), append(radixes, 26)
			}
		}
	}
	add(0, at)
	domain := 1.0
	for _, r := range radixes {
		domain *= float64(r)
	}
	tweak := "email"
	if domain < ff1.MinDomain {
		// The domain's first label too.
		dot := at + w
		for dot < len(v) && (isWordByte(v[dot]) && v[dot] != '_' || v[dot] == '-') {
			dot++
		}
		add(at+w, dot)
	} else {
		tweak += ":" + strings.ToLower(string(v[at:]))
	}
	if err := c.mixed(vals, radixes, tweak, decrypt); err != nil {
		return err
	}
	putAlnum(v, pos, vals)
	return nil
}

// name encrypts a name: a single-character surname into another surname and
// the given name into characters that cannot be mistaken for the words
// around names; a compound surname is kept.
func (c *ciphers) name(v []byte, decrypt bool) ([]byte, error) {
	rs := []rune(string(v))
	start := 0
	var vals, radixes []int
	if e := surnameAt(v, 0); e == 3 {
		k, ok := surnameIndex[rs[0]]
		if !ok {
			return nil, ErrNoFPE
		}
		vals, radixes = append(vals, k), append(radixes, len(surnameAlphabet))
		start = 1
	} else if e > 3 {
		start = 2
	}
	for _, r := range rs[max(start, 1):] {
		k, ok := nameIndex[r]
		if !ok {
			return nil, ErrNoFPE
		}
		vals, radixes = append(vals, k), append(radixes, len(nameAlphabet))
	}
	if start == 0 {
		return nil, ErrNoFPE
	}
	tweak := "name"
	if start == 2 {
		tweak += ":" + string(rs[:2])
	}
	// Walk the cycle until the given name falls in the same class as the
	// input's (plainGiven or not), which keeps the map a permutation of
	// each class.
	plain := plainGiven(rs[max(start, 1):])
	given := make([]rune, len(rs)-max(start, 1))
	for {
		if err := c.mixed(vals, radixes, tweak, decrypt); err != nil {
			return nil, err
		}
		for i := range given {
			given[i] = nameAlphabet[vals[len(vals)-len(given)+i]]
		}
		if plainGiven(given) == plain {
			break
		}
	}
	out := append([]rune(nil), rs...)
	k := 0
	if start == 1 {
		out[0] = surnameAlphabet[vals[0]]
		k = 1
	}
	for i := max(start, 1); i < len(out); i++ {
		out[i] = nameAlphabet[vals[k]]
		k++
	}
	return []byte(string(out)), nil
}

// OrgKey derives the key of one organisation from a master key, so that
// organisations served with one master key cannot decrypt or link each
// other's output: the same value gets different pseudonyms and ciphertexts
// under different organisations.
func OrgKey(master []byte, org string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("ringfence deid org\x00" + org))
	return m.Sum(nil)
}

// putAlnum writes the enciphered values back at their positions, each in
// the class (digit, lower or upper case letter) of the character it
// replaces.
func putAlnum(v []byte, pos, vals []int) {
	for k, i := range pos {
		switch ch := v[i]; {
		case isDigit(ch):
			v[i] = byte('0' + vals[k])
		case ch >= 'a' && ch <= 'z':
			v[i] = byte('a' + vals[k])
		default:
			v[i] = byte('A' + vals[k])
		}
	}
}

// plainASCIIWord reports whether v is ASCII letters and digits only.
func plainASCIIWord(v []byte) bool {
	for _, c := range v {
		if !isDigit(c) && byteClass[c] != cLetter {
			return false
		}
	}
	return true
}

// maskAlnum masks a passport number written in full-width forms or in
// groups as its plain form is masked: the first letter or digit and the
// last two stay, the others become '*', separators stay.
func maskAlnum(dst, v []byte) []byte {
	return maskFolded(dst, v, func(c byte) bool { return isDigit(c) || byteClass[c] == cLetter }, 1, 2)
}

// maskFolded appends v to dst with its characters that fold (full width
// or not) to one for which counts holds made '*', but for the first
// `first` and the last `last` of them; other characters stay as they are.
func maskFolded(dst, v []byte, counts func(byte) bool, first, last int) []byte {
	n := 0
	for i := 0; i < len(v); {
		c, w := foldWidthAt(v, i)
		if w == 0 {
			_, w = utf8.DecodeRune(v[i:])
		} else if counts(c) {
			n++
		}
		i += w
	}
	k := 0
	for i := 0; i < len(v); {
		c, w := foldWidthAt(v, i)
		if w == 0 {
			_, w = utf8.DecodeRune(v[i:])
		} else if counts(c) {
			if k >= first && k < n-last {
				dst = append(dst, '*')
				k++
				i += w
				continue
			}
			k++
		}
		dst = append(dst, v[i:i+w]...)
		i += w
	}
	return dst
}

// maskOCR is mask for a number whose letters stand for digits: they are
// masked as the digits they stand for, so that none shows a digit the
// mask hides (189lS01 4588 gives 189** ** 4588, not 189lS** **88).
func maskOCR(dst, v []byte, m Match) []byte {
	norm := make([]byte, len(v))
	for i, c := range v {
		norm[i] = c
		if d := ocrDigits[c]; d != 0 {
			norm[i] = d
		}
	}
	m.ocr, m.plain, m.Start, m.End = false, false, 0, len(norm)
	k := len(dst)
	dst = mask(dst, norm, m)
	if out := dst[k:]; len(out) == len(v) {
		for i := range out {
			if out[i] != '*' {
				out[i] = v[i]
			}
		}
	}
	return dst
}
