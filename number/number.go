// Package number is ringfence's number intelligence: it parses phone numbers
// written in any common Chinese or international notation, normalises them to
// E.164 and classifies them (mobile carrier and virtual-operator range, fixed
// line with its area, 95/96 service numbers, 400/800 numbers, short codes,
// international numbers).
//
// It sits on the hot path of every screening decision, so Chinese numbers are
// handled by compact in-memory tables without regular expressions: Parse of a
// Chinese number allocates at most the E.164 string, and nothing at all when
// the input already is E.164. The tables are derived from the carrier and
// geocoding data of libphonenumber (github.com/nyaruka/phonenumbers, see
// cnplan.go); phonenumbers itself is used only for international numbers.
package number

import (
	"errors"
	"fmt"
	"strconv"

	"ringfence"
)

// Type is the kind of a phone number.
type Type string

// The kinds of numbers Parse tells apart.
const (
	Mobile        Type = "mobile"
	FixedLine     Type = "fixed_line"
	Service       Type = "service"    // 95xxx/96xxx call-centre numbers
	TollFree      Type = "toll_free"  // 400/800 numbers
	ShortCode     Type = "short_code" // 110, 10086, 12321, ...
	International Type = "international"
)

// Info is what Parse knows about a number.
type Info struct {
	Input           string `json:"input"`
	E164            string `json:"e164"`
	Type            Type   `json:"type"`
	Carrier         string `json:"carrier"`          // 中国移动, 中国联通, 中国电信, 中国广电, or "" when unknown
	VirtualOperator bool   `json:"virtual_operator"` // true for virtual-operator segments 162, 165, 167, 170, 171
	Province        string `json:"province"`
	City            string `json:"city"`
}

// ErrInvalid is wrapped by every error that says a string is not a phone
// number (or not a number prefix).
var ErrInvalid = errors.New("not a phone number")

// invalidError says why a string is not a number. It wraps ErrInvalid and a
// ringfence.Error with code EINVALID, so adapters report it as the caller's
// mistake.
type invalidError struct {
	input  string
	what   string // "number" or "number prefix"
	reason string
}

func (e *invalidError) Error() string {
	return strconv.Quote(e.input) + " is not a " + e.what + ": " + e.reason
}

func (e *invalidError) Unwrap() []error {
	return []error{ErrInvalid, &ringfence.Error{Code: ringfence.EINVALID, Message: e.Error()}}
}

func invalid(input, format string, args ...any) error {
	return &invalidError{input: input, what: "number", reason: fmt.Sprintf(format, args...)}
}

// Parse parses s in any common notation (default region China) and
// classifies it. Accepted notations include 13812345678, +86 138-1234-5678,
// 008613812345678, 86 13812345678, 013812345678, 010-12345678,
// (0731)88888888, +86 10 1234 5678, 95588, 400-812-3123, 12321,
// +1 415 555 2671 and 001 415 555 2671, with ASCII or fullwidth digits,
// spaces, dots, dashes, slashes and parentheses, and an optional tel: prefix
// (whose ;parameters are ignored).
//
// The error (wrapping ErrInvalid) says why s is not a number, e.g.
// `"1381234" is not a number: 7 digits is too short for a Chinese mobile number`.
func Parse(s string) (Info, error) {
	var sc scanned
	if err := sc.scan(s); err != nil {
		return Info{}, err
	}
	var r result
	if err := r.classify(s, &sc); err != nil {
		return Info{}, err
	}
	info := Info{Input: s, Type: r.typ}
	if r.intl != nil {
		info.E164 = r.intl.e164
		info.Province = r.intl.country
		info.City = r.intl.place
		return info, nil
	}
	info.E164 = r.e164(s, &sc)
	t := tables()
	p := t.places[r.place]
	info.Province, info.City = p.province, p.city
	info.Carrier = carrierNames[r.carrier]
	info.VirtualOperator = r.virtual
	return info, nil
}

// E164 only normalises s to E.164, with the same rules and errors as Parse.
// It is the fast path for CDR ingestion: for Chinese numbers it allocates at
// most the returned string, and nothing when s already is E.164.
func E164(s string) (string, error) {
	var sc scanned
	if err := sc.scan(s); err != nil {
		return "", err
	}
	r := result{e164Only: true}
	if err := r.classify(s, &sc); err != nil {
		return "", err
	}
	if r.intl != nil {
		return r.intl.e164, nil
	}
	return r.e164(s, &sc), nil
}

// maxKeyDigits is the most digits an E.164 number has.
const maxKeyDigits = 15

// Key maps an E.164 string ("+8613812345678") to its digits as an integer
// (8613812345678), for compact maps and sorted storage. ok is false when
// e164 is not "+" followed by 1 to 15 digits, the first not 0. It does not
// allocate.
func Key(e164 string) (k uint64, ok bool) {
	if len(e164) < 2 || len(e164) > maxKeyDigits+1 || e164[0] != '+' || e164[1] == '0' {
		return 0, false
	}
	for i := 1; i < len(e164); i++ {
		c := e164[i] - '0'
		if c > 9 {
			return 0, false
		}
		k = k*10 + uint64(c)
	}
	return k, true
}

// FromKey is the inverse of Key: it returns "+" and the decimal digits of k,
// or "" for 0 (which Key never returns).
func FromKey(k uint64) string {
	if k == 0 {
		return ""
	}
	var buf [24]byte
	buf[0] = '+'
	return string(strconv.AppendUint(buf[:1], k, 10))
}

// Subscriber normalises a subscriber's identity (their own phone number)
// to E.164, failing with EINVALID that names the field.
func Subscriber(id string) (string, error) {
	s, err := E164(id)
	if err != nil {
		return "", ringfence.Errorf(ringfence.EINVALID, "subscriber: %v", err)
	}
	return s, nil
}
