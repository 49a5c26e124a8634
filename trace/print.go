// Package trace finds out who leaked a customer list. It salts every copy of
// a list given to a recipient with canary records unique to that recipient,
// reduces the records of every disclosure to keyed fingerprints (never the
// records in clear), and attributes a found list to the disclosures it most
// likely came from, with a likelihood ratio a person can check.
//
// The package is pure: it reads and writes CSV through io.Reader and
// io.Writer and takes the disclosures it compares against through the Source
// interface. The ledger package stores disclosures durably and implements
// Source; the evidence package turns an attribution into a verifiable bundle.
package trace

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"ringfence/number"
)

// Print is the keyed fingerprint of one disclosed or found record: 64-bit
// keyed hashes of its phone number, resident ID number and name, 0 where the
// record has none.
//
// Phone and ID prints are structured so that masked copies still match in
// part: their high 40 bits hash the masked form (the first three and last
// four digits of a mobile number, the first six and last four characters of
// an ID number) and their low 24 bits hash the whole value. Two prints agree
// on the whole value when all 64 bits are equal, and on the masked form when
// the high 40 bits are (see MaskBits).
type Print struct {
	Phone uint64
	ID    uint64
	Name  uint64
}

// maskShift is how far a structured print is shifted to leave its mask bits.
const maskShift = 24

// MaskBits returns the masked-form part of a structured phone or ID print.
func MaskBits(p uint64) uint64 { return p >> maskShift }

// Key is the record's identity: its phone print, else its ID print, else its
// name print.
func (p Print) Key() uint64 {
	switch {
	case p.Phone != 0:
		return p.Phone
	case p.ID != 0:
		return p.ID
	}
	return p.Name
}

// IsZero reports whether p fingerprints nothing.
func (p Print) IsZero() bool { return p == Print{} }

// String is the text form of p: three 16-digit hexadecimal numbers joined by
// dots (phone.id.name).
func (p Print) String() string {
	var b [50]byte
	hex.Encode(b[0:16], be64(p.Phone))
	b[16] = '.'
	hex.Encode(b[17:33], be64(p.ID))
	b[33] = '.'
	hex.Encode(b[34:50], be64(p.Name))
	return string(b[:])
}

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// MarshalText implements encoding.TextMarshaler.
func (p Print) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Print) UnmarshalText(b []byte) error {
	q, err := ParsePrint(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ParsePrint parses the text form of a Print.
func ParsePrint(s string) (Print, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Print{}, fmt.Errorf("print %q: want three dot-separated hex numbers", s)
	}
	var v [3]uint64
	for i, part := range parts {
		if len(part) != 16 {
			return Print{}, fmt.Errorf("print %q: part %d is not 16 hex digits", s, i+1)
		}
		b, err := hex.DecodeString(part)
		if err != nil {
			return Print{}, fmt.Errorf("print %q: %w", s, err)
		}
		v[i] = binary.BigEndian.Uint64(b)
	}
	return Print{v[0], v[1], v[2]}, nil
}

// compare orders prints by phone, then ID, then name; phone prints are
// compared by their whole-value bits first (rotated), so that a sorted list
// walks the found list's index in order.
func compare(a, b Print) int {
	switch {
	case a.Phone != b.Phone:
		return cmpU64(bits.RotateLeft64(a.Phone, rotWhole), bits.RotateLeft64(b.Phone, rotWhole))
	case a.ID != b.ID:
		return cmpU64(a.ID, b.ID)
	}
	return cmpU64(a.Name, b.Name)
}

func cmpU64(a, b uint64) int {
	if a < b {
		return -1
	} else if a > b {
		return 1
	}
	return 0
}

// Fingerprinter computes keyed prints. It is not safe for concurrent use;
// give each goroutine its own (Clone).
type Fingerprinter struct {
	key []byte
	mac hash.Hash
	buf []byte
	sum []byte
}

// MinKeySize is the shortest fingerprint key accepted.
const MinKeySize = 16

// NewFingerprinter returns a Fingerprinter keyed with key (at least
// MinKeySize bytes). Whoever holds the key can test a guess against a print,
// so the key stays with the data holder.
func NewFingerprinter(key []byte) (*Fingerprinter, error) {
	if len(key) < MinKeySize {
		return nil, fmt.Errorf("fingerprint key is %d bytes, want at least %d", len(key), MinKeySize)
	}
	k := slices.Clone(key)
	return &Fingerprinter{key: k, mac: hmac.New(sha256.New, k)}, nil
}

// Clone returns a Fingerprinter with the same key for another goroutine.
func (f *Fingerprinter) Clone() *Fingerprinter {
	g, _ := NewFingerprinter(f.key)
	return g
}

// sum64 is the first 8 bytes of HMAC-SHA256(key, domain 0x00 value).
func (f *Fingerprinter) sum64(domain, value string) uint64 {
	f.buf = append(append(append(f.buf[:0], domain...), 0), value...)
	f.mac.Reset()
	f.mac.Write(f.buf)
	f.sum = f.mac.Sum(f.sum[:0])
	return binary.BigEndian.Uint64(f.sum)
}

// structured joins the mask part of one hash with the low bits of another.
func structured(mask, full uint64) uint64 {
	v := mask&^(1<<maskShift-1) | full&(1<<maskShift-1)
	if v == 0 {
		v = 1
	}
	return v
}

func nonZero(v uint64) uint64 {
	if v == 0 {
		return 1
	}
	return v
}

// Value returns a keyed 256-bit fingerprint of value in domain, hex-encoded:
// for fields that are recorded but never matched in part, such as a
// subscriber identifier.
func (f *Fingerprinter) Value(domain, value string) string {
	f.buf = append(append(append(f.buf[:0], domain...), 0), value...)
	f.mac.Reset()
	f.mac.Write(f.buf)
	return hex.EncodeToString(f.mac.Sum(nil))
}

// PRF returns 32 pseudo-random bytes derived from the key for label: the
// seed of everything an export varies (canary count, positions, identities).
func (f *Fingerprinter) PRF(label string) [32]byte {
	f.buf = append(append(f.buf[:0], "prf\x00"...), label...)
	f.mac.Reset()
	f.mac.Write(f.buf)
	var out [32]byte
	f.mac.Sum(out[:0])
	return out
}

// Phone fingerprints a phone number already in E.164.
func (f *Fingerprinter) Phone(e164 string) uint64 {
	full := f.sum64("phone", e164)
	if form, ok := phoneMaskForm(e164); ok {
		return structured(f.sum64("phone-mask", form), full)
	}
	return structured(full, full)
}

// MaskedPhone returns the mask part a structured phone print has for a
// masked phone number, such as 138****5678 (see ParseMaskedPhone).
func (f *Fingerprinter) MaskedPhone(form string) uint64 {
	return MaskBits(structured(f.sum64("phone-mask", form), 0))
}

// ID fingerprints a normalised resident ID number (see NormalizeID).
func (f *Fingerprinter) ID(id string) uint64 {
	full := f.sum64("id", id)
	if len(id) == 18 {
		return structured(f.sum64("id-mask", id[:6]+id[14:]), full)
	}
	return structured(full, full)
}

// MaskedID returns the mask part a structured ID print has for a masked ID
// number (see ParseMaskedID).
func (f *Fingerprinter) MaskedID(form string) uint64 {
	return MaskBits(structured(f.sum64("id-mask", form), 0))
}

// Name fingerprints a normalised name (see NormalizeName).
func (f *Fingerprinter) Name(name string) uint64 {
	return nonZero(f.sum64("name", name))
}

// Record fingerprints a record whose fields are already normalised; empty
// fields print as 0.
func (f *Fingerprinter) Record(phoneE164, id, name string) Print {
	var p Print
	if phoneE164 != "" {
		p.Phone = f.Phone(phoneE164)
	}
	if id != "" {
		p.ID = f.ID(id)
	}
	if name != "" {
		p.Name = f.Name(name)
	}
	return p
}

// phoneMaskForm is the masked form of a Chinese mobile number: the first
// three and last four digits of its 11-digit national number.
func phoneMaskForm(e164 string) (string, bool) {
	if len(e164) != 14 || !strings.HasPrefix(e164, "+861") {
		return "", false
	}
	nsn := e164[3:]
	return nsn[:3] + "-" + nsn[7:], true
}

// NormalizePhone returns the E.164 form of a phone number in any common
// notation.
func NormalizePhone(s string) (string, error) {
	return number.E164(s)
}

// isMaskRune reports whether r is a character people use to mask digits.
func isMaskRune(r rune) bool {
	switch r {
	case '*', '＊', '×', '•', '●', '○', '#', 'x', 'X', '✱', '⁎':
		return true
	}
	return false
}

// ErrNotMasked is returned by ParseMaskedPhone and ParseMaskedID for values
// that do not have a usable masked form.
var ErrNotMasked = errors.New("not a usable masked value")

// ParseMaskedPhone parses a masked Chinese mobile number such as
// 138****5678, +86 138-****-5678 or 138xxxx5678, returning its masked form
// (first three and last four digits). Masks that hide any of those digits
// cannot be matched and give ErrNotMasked.
func ParseMaskedPhone(s string) (string, error) {
	var d []byte // digits, and '*' for each masked position
	masked := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r >= '０' && r <= '９':
			d = append(d, byte('0'+r-'０'))
		case isMaskRune(r):
			d = append(d, '*')
			masked = true
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '\u3000' || r == '－':
		default:
			return "", ErrNotMasked
		}
		if len(d) > 20 {
			return "", ErrNotMasked
		}
	}
	if !masked {
		return "", ErrNotMasked
	}
	switch {
	case len(d) == 13 && d[0] == '8' && d[1] == '6':
		d = d[2:]
	case len(d) == 15 && string(d[:4]) == "0086":
		d = d[4:]
	}
	if len(d) != 11 || d[0] != '1' {
		return "", ErrNotMasked
	}
	for _, i := range []int{0, 1, 2, 7, 8, 9, 10} {
		if d[i] == '*' {
			return "", ErrNotMasked
		}
	}
	return string(d[:3]) + "-" + string(d[7:]), nil
}

// NormalizeID returns a resident ID number with ASCII digits and an upper
// case X, or an error when s is not 18 characters (17 digits and a digit or
// X) or 15 digits. The check digit is not required to be valid: found lists
// carry typos and the fingerprint must still match the disclosed copy.
func NormalizeID(s string) (string, error) {
	id, ok := normalizeID(s)
	if !ok {
		return "", fmt.Errorf("%q is not a resident ID number", s)
	}
	return id, nil
}

// normalizeID is NormalizeID without the cost of an error.
func normalizeID(s string) (string, bool) {
	if len(s) < 15 || len(s) > 80 {
		return "", false
	}
	var b [18]byte
	n := 0
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u3000' || r == '-':
			continue
		case r >= '０' && r <= '９':
			r = '0' + r - '０'
		case r == 'x' || r == 'ｘ' || r == 'Ｘ':
			r = 'X'
		}
		if n == 18 || !(r >= '0' && r <= '9' || r == 'X') {
			return "", false
		}
		b[n] = byte(r)
		n++
	}
	switch {
	case n == 18 && allDigits(b[:17]), n == 15 && allDigits(b[:15]):
		return string(b[:n]), true
	}
	return "", false
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseMaskedID parses a masked 18-character resident ID number such as
// 110101********123X, returning its masked form (first six and last four
// characters), or ErrNotMasked.
func ParseMaskedID(s string) (string, error) {
	var d []byte
	masked := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r >= '０' && r <= '９':
			d = append(d, byte('0'+r-'０'))
		case r == '*' || r == '＊' || r == '#' || r == '•' || r == '●':
			d = append(d, '*')
			masked = true
		case (r == 'x' || r == 'X') && len(d) == 17:
			d = append(d, 'X')
		default:
			return "", ErrNotMasked
		}
		if len(d) > 18 {
			return "", ErrNotMasked
		}
	}
	if !masked || len(d) != 18 {
		return "", ErrNotMasked
	}
	for _, i := range []int{0, 1, 2, 3, 4, 5, 14, 15, 16, 17} {
		if d[i] == '*' {
			return "", ErrNotMasked
		}
	}
	return string(d[:6]) + string(d[14:]), nil
}

// NormalizeName folds a name for fingerprinting: fullwidth to halfwidth,
// Latin letters to lower case, spaces and the middle dot of transliterated
// names removed. Names that are masked (张*, 张某某) or hold no letter give "".
func NormalizeName(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsFunc(s, isWide) {
		s = width.Fold.String(s)
	}
	var b strings.Builder
	letters := 0
	for _, r := range s {
		switch {
		case r == '*' || r == '某' || r == '?' || r == '？' || r == '#':
			return ""
		case unicode.IsSpace(r) || r == '·' || r == '•' || r == '.' || r == '-' || r == '_':
			continue
		case unicode.IsLetter(r):
			letters++
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsDigit(r):
			return ""
		default:
			b.WriteRune(r)
		}
		if b.Len() > 64 {
			return ""
		}
	}
	if letters == 0 || !utf8.ValidString(b.String()) {
		return ""
	}
	return b.String()
}

// isWide reports whether r has a narrower form (fullwidth forms and the
// ideographic space).
func isWide(r rune) bool { return r == '\u3000' || r >= '\uFF00' && r <= '\uFFEF' }
