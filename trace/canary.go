package trace

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Disclosure names one copy of a list given to a recipient.
type Disclosure struct {
	Org       string // the organisation disclosing
	Recipient string // who receives the copy
	ExportID  string // unique id of this copy
}

// NumberSource hands out phone numbers for canary records: numbers that
// ring nowhere else, so that a call to one, or its presence in a list,
// betrays the copy it was planted in. The alias pool implements it; so does
// ReservedRange for organisations without one.
type NumberSource interface {
	// Canaries returns n distinct numbers in E.164, reserved for d.
	Canaries(ctx context.Context, n int, d Disclosure) ([]string, error)
}

// AliasBinder replaces a real phone number by an alias number that reaches
// the same subscriber, bound to the recipient of a disclosure: the same
// real number given to the same recipient gets the same alias.
type AliasBinder interface {
	Alias(ctx context.Context, realE164 string, d Disclosure) (string, error)
}

// Issue is the numbers of one export in progress: canaries and aliases
// reserved while the copy is written, bound when Commit records the export
// (returning its ledger entry), released by Abort when it is not. Abort
// after Commit does nothing.
type Issue interface {
	NumberSource
	AliasBinder
	Commit(ctx context.Context, rec *ExportRecord, prints []Print) (int64, error)
	Abort()
}

// DefaultCanaryPrefixes are the number blocks ReservedRange draws from when
// given none: the 1714, 1658, 1628 and 1629 blocks of the virtual-operator
// ranges, which no carrier held in the August 2021 segment table. They look
// like real virtual-operator numbers to a list buyer. An organisation that
// holds a block of its own should configure that instead, or use the alias
// pool, whose numbers ring into ringfence and turn every call into a leak
// event.
var DefaultCanaryPrefixes = []string{"+861714", "+861658", "+861628", "+861629"}

// ReservedRange is a NumberSource drawing random numbers from reserved
// blocks of Chinese mobile numbers, skipping numbers already used.
type ReservedRange struct {
	Prefixes []string               // "+86" and the first digits of an 11-digit mobile number; DefaultCanaryPrefixes when empty
	Taken    func(e164 string) bool // reports numbers used by earlier canaries; may be nil
}

// Canaries implements NumberSource.
func (rr ReservedRange) Canaries(ctx context.Context, n int, d Disclosure) ([]string, error) {
	prefixes := rr.Prefixes
	if len(prefixes) == 0 {
		prefixes = DefaultCanaryPrefixes
	}
	for _, p := range prefixes {
		if !strings.HasPrefix(p, "+861") || len(p) >= 14 || !allDigits([]byte(p[1:])) {
			return nil, fmt.Errorf("canary prefix %q: want +86 and the first 3 to 10 digits of a mobile number", p)
		}
	}
	var seed [32]byte
	crand.Read(seed[:])
	r := rand.New(rand.NewChaCha8(seed))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for tries := 0; len(out) < n; tries++ {
		if tries > 100*n+1000 {
			return nil, fmt.Errorf("canary range %v exhausted", prefixes)
		}
		p := prefixes[r.IntN(len(prefixes))]
		b := []byte(p)
		for len(b) < 14 {
			b = append(b, byte('0'+r.IntN(10)))
		}
		e := string(b)
		if seen[e] || rr.Taken != nil && rr.Taken(e) {
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	return out, ctx.Err()
}

// idWeights are the GB 11643 weights of the first 17 characters.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDCheckDigit returns the GB 11643 check character for the first 17 digits
// of a resident ID number.
func IDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// ValidID reports whether id is an 18-character resident ID number with a
// real birth date and a valid check character.
func ValidID(id string) bool {
	if len(id) != 18 || !allDigits([]byte(id[:17])) {
		return false
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return false
	}
	return IDCheckDigit(id[:17]) == id[17]
}

// canaryCount is how many canaries a list of n rows gets: 3 to 6 (1 to 3
// below 100 rows), plus 0.1% to 0.3% of the rows, at most 200.
func canaryCount(r *rand.Rand, n int) int {
	k := 3 + r.IntN(4)
	if n < 100 {
		k = 1 + r.IntN(3)
	}
	return min(k+n*(10+r.IntN(21))/10000, 200)
}

// identity is one invented person.
type identity struct {
	name    string
	id      string
	reg     region
	address string
	birth   time.Time
	male    bool
}

// newIdentity invents a person aged 20 to 70 at now, living in a region
// (usually where the ID was issued).
func newIdentity(r *rand.Rand, now time.Time, latin bool) identity {
	var p identity
	p.male = r.IntN(2) == 0
	home := regions[r.IntN(len(regions))]
	p.reg = home
	if r.IntN(10) < 4 {
		p.reg = regions[r.IntN(len(regions))]
	}
	days := 365*20 + r.IntN(365*50)
	p.birth = now.AddDate(0, 0, -days).Truncate(24 * time.Hour)
	seq := 1 + r.IntN(499)*2 // odd
	if !p.male {
		seq++
	}
	if seq > 999 {
		seq = 998
	}
	first17 := home.code + p.birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	p.id = first17 + string(IDCheckDigit(first17))
	p.name = inventName(r, latin, p.male)
	p.address = inventAddress(r, p.reg)
	return p
}

// pickSkewed picks an index in [0, n) favouring small indexes.
func pickSkewed(r *rand.Rand, n int) int {
	a, b := r.IntN(n), r.IntN(n)
	return min(a, b)
}

func inventName(r *rand.Rand, latin, male bool) string {
	if latin {
		given := givenPinyin[r.IntN(len(givenPinyin))]
		if r.IntN(2) == 0 {
			given += strings.ToLower(givenPinyin[r.IntN(len(givenPinyin))])
		}
		return given + " " + surnamePinyin[pickSkewed(r, len(surnamePinyin))]
	}
	chars := givenFemale
	if male {
		chars = givenMale
	}
	pick := func() string {
		if r.IntN(6) == 0 {
			return string(givenShared[r.IntN(len(givenShared))])
		}
		return string(chars[r.IntN(len(chars))])
	}
	g := pick()
	if r.IntN(10) < 6 {
		g += pick()
	}
	return surnames[pickSkewed(r, len(surnames))] + g
}

func inventAddress(r *rand.Rand, reg region) string {
	var b strings.Builder
	b.WriteString(reg.province)
	b.WriteString(reg.city)
	b.WriteString(reg.district)
	b.WriteString(roads[r.IntN(len(roads))])
	fmt.Fprintf(&b, "%d号", 1+r.IntN(999))
	if r.IntN(10) < 7 {
		fmt.Fprintf(&b, "%s%d栋%d%02d室", estates[r.IntN(len(estates))], 1+r.IntN(30), 1+r.IntN(32), 1+r.IntN(6))
	}
	return b.String()
}

// mimicPhone writes e164 the way template writes its number: the last 11
// digits of the template are replaced when both are Chinese mobile numbers.
// A template with digits masked keeps its mask.
func mimicPhone(template, e164 string) string {
	if !strings.HasPrefix(e164, "+861") || len(e164) != 14 {
		if strings.HasPrefix(strings.TrimSpace(template), "+") {
			return e164
		}
		if strings.HasPrefix(e164, "+86") {
			return "0" + e164[3:]
		}
		return e164
	}
	nsn := e164[3:]
	rs := []rune(template)
	var pos []int
	for i, c := range rs {
		if c >= '0' && c <= '9' || c >= '０' && c <= '９' || isMaskRune(c) && c != 'x' && c != 'X' {
			pos = append(pos, i)
		}
	}
	if len(pos) < 11 {
		return nsn
	}
	pos = pos[len(pos)-11:]
	for j, i := range pos {
		c := rune(nsn[j])
		switch {
		case isMaskRune(rs[i]):
			continue
		case rs[i] >= '０' && rs[i] <= '９':
			c = '０' + c - '0'
		}
		rs[i] = c
	}
	return string(rs)
}

// mimicID writes id like template: lower-case x and masked positions kept.
func mimicID(template, id string) string {
	t := []rune(strings.TrimSpace(template))
	if len(t) != 18 {
		return id
	}
	out := []rune(id)
	for i, c := range t {
		switch {
		case c == '*' || c == '＊' || c == '#':
			out[i] = c
		case i == 17 && c == 'x' && out[i] == 'X':
			out[i] = 'x'
		}
	}
	return string(out)
}

// mimicDate formats t like the date in template.
func mimicDate(template string, t time.Time) string {
	s := strings.TrimSpace(template)
	switch {
	case strings.Contains(s, "年"):
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	case len(s) == 8 && allDigits([]byte(s)):
		return t.Format("20060102")
	case strings.Contains(s, "/"):
		if len(s) == 10 {
			return t.Format("2006/01/02")
		}
		return t.Format("2006/1/2")
	case strings.Contains(s, ".") && len(s) == 10:
		return t.Format("2006.01.02")
	}
	return t.Format("2006-01-02")
}

func mimicGender(template string, male bool) string {
	s := strings.TrimSpace(template)
	ascii := s != "" && s[0] < 0x80
	switch {
	case !ascii:
		if male {
			return "男"
		}
		return "女"
	case len(s) == 1:
		if male {
			return caseLike(s, "M")
		}
		return caseLike(s, "F")
	case male:
		return caseLike(s, "male")
	default:
		return caseLike(s, "female")
	}
}

// caseLike gives word the capitalisation of template's first letter.
func caseLike(template, word string) string {
	r := rune(template[0])
	if unicode.IsUpper(r) {
		return strings.ToUpper(word[:1]) + word[1:]
	}
	return strings.ToLower(word)
}

func inventEmail(r *rand.Rand, p identity) string {
	domain := emailDomains[r.IntN(len(emailDomains))]
	if domain == "qq.com" && r.IntN(3) > 0 {
		return strconv.Itoa(100000000+r.IntN(1900000000)) + "@" + domain
	}
	local := strings.ToLower(surnamePinyin[r.IntN(len(surnamePinyin))] + givenPinyin[r.IntN(len(givenPinyin))])
	return fmt.Sprintf("%s%d@%s", local, p.birth.Year()%100+r.IntN(50), domain)
}

func inventPlate(r *rand.Rand, template string, reg region) string {
	var b strings.Builder
	b.WriteString(reg.plate)
	if len([]rune(reg.plate)) == 1 {
		b.WriteByte(plateLetters[r.IntN(len(plateLetters))])
	}
	if strings.Contains(template, "·") {
		b.WriteString("·")
	}
	for i := 0; i < 5; i++ {
		if r.IntN(5) == 0 {
			b.WriteByte(plateLetters[r.IntN(len(plateLetters))])
		} else {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
	}
	return b.String()
}

// scrambleDigits keeps the first keep digits of template and replaces the
// others with random digits.
func scrambleDigits(r *rand.Rand, template string, keep int) string {
	rs := []rune(template)
	seen := 0
	for i, c := range rs {
		if c >= '0' && c <= '9' {
			if seen >= keep {
				rs[i] = rune('0' + r.IntN(10))
			}
			seen++
		}
	}
	return string(rs)
}

// prfRand returns a generator seeded from 32 PRF bytes.
func prfRand(seed [32]byte) *rand.Rand {
	return rand.New(rand.NewChaCha8(seed))
}

// randomID returns a fresh export id: "x" and 24 hexadecimal digits.
func randomID() string {
	var b [12]byte
	crand.Read(b[:])
	return fmt.Sprintf("x%x", b[:])
}
