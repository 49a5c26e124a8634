package number

import "github.com/nyaruka/phonenumbers"

// nanpNumber is the fast path of internationalE164 for the commonest
// international form, a North American number: d is 1 and ten digits, the
// first of them 2 to 9 (an area code). It is the *PhoneNumber that
// phonenumbers.Parse("+"+d, "ZZ") returns — country code 1 and the ten
// digits as national number: no extension, no leading zero, and no
// national prefix to strip, as NANP numbers after +1 have none — built
// without Parse's regular expressions (TestNANPNumber, FuzzNANPNumber).
// nil when d is not of that form.
func nanpNumber(d []byte) *phonenumbers.PhoneNumber {
	if len(d) != 11 || d[0] != '1' || d[1] < '2' || d[1] > '9' {
		return nil
	}
	var n uint64
	for _, c := range d[1:] {
		if c < '0' || c > '9' {
			return nil
		}
		n = n*10 + uint64(c-'0')
	}
	cc := int32(1)
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}
}
