package number

import "testing"

// TestE164International: E164, which skips the country name and the
// geocoder, accepts and rejects international numbers as Parse does and
// gives the same E.164 form and error.
func TestE164International(t *testing.T) {
	for _, s := range []string{
		"+14703352559", "+12178398804", "+19508409827", "+18051587621", "+18005551234", "+1 (416) 555-0123",
		"+16495551234", "+18765551234", "+1234", "+1234567890123", "+447911123456", "+33612345678",
		"0014703352559", "+8613812345678", "+99912345678", "+0123", "+", "+80012345678", "+882123456789",
	} {
		info, err := Parse(s)
		e, err2 := E164(s)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() || e != info.E164 {
			t.Errorf("%q: Parse %q, %v; E164 %q, %v", s, info.E164, err, e, err2)
		}
	}
}
