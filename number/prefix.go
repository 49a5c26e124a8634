package number

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Prefix converts a number prefix as people write it, such as "170*",
// "+86170*", "0086170", "95*", "010*", "400*" or "+1415*", to an E.164
// prefix ("+86170", "+8695", "+8610", "+86400", "+1415"). Trailing
// wildcards (*, x, X, ?, …) are dropped. The error (wrapping ErrInvalid) says
// why s is not a plausible prefix: no digits, letters, an unknown mobile
// segment, area code or country calling code, or more digits than a number
// has.
func Prefix(s string) (string, error) {
	body := strings.TrimRight(s, " \t*xX?…＊")
	var sc scanned
	if err := sc.scanAs(body, "number prefix"); err != nil {
		if e, ok := err.(*invalidError); ok {
			e.input = s
		}
		return "", err
	}
	d := sc.digits()
	bad := func(format string, args ...any) error {
		return &invalidError{input: s, what: "number prefix", reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case sc.plus:
	case len(d) >= 2 && d[0] == '0' && d[1] == '0':
		d = d[2:]
	case len(d) >= 2 && d[0] == '8' && d[1] == '6':
	default:
		reason := domesticPrefix(d)
		if reason != "" {
			return "", bad("%s", reason)
		}
		if d[0] == '0' {
			d = d[1:]
		}
		return "+86" + string(d), nil
	}
	// International format: d starts with the country code.
	switch {
	case len(d) == 0:
		return "", bad("no digits after the international prefix")
	case d[0] == '0':
		return "", bad("country codes do not start with 0")
	case len(d) >= 2 && d[0] == '8' && d[1] == '6':
		nsn := d[2:]
		if len(nsn) > 0 && nsn[0] == '0' { // trunk 0 after the country code
			nsn = nsn[1:]
		}
		if reason := nationalPrefix(nsn); reason != "" {
			return "", bad("%s", reason)
		}
		return "+86" + string(nsn), nil
	}
	if reason := countryPrefix(d); reason != "" {
		return "", bad("%s", reason)
	}
	return "+" + string(d), nil
}

// domesticPrefix says what is wrong with a prefix written as dialled inside
// China, or "" when it is plausible.
func domesticPrefix(d []byte) string {
	switch d[0] {
	case '0':
		if len(d) == 1 {
			return "a lone 0 matches every fixed line; add an area code"
		}
		return nationalPrefix(d[1:])
	case '1':
		return nationalPrefix(d)
	case '4', '8':
		if len(d) >= 2 && d[1] != '0' || len(d) >= 3 && d[2] != '0' {
			return fmt.Sprintf("%s is neither a 400/800 prefix nor after an area code", string(d[:min(3, len(d))]))
		}
		return nationalPrefix(d)
	case '9':
		if len(d) >= 2 && d[1] != '5' && d[1] != '6' {
			return fmt.Sprintf("%s is neither a 95/96 prefix nor after an area code", string(d[:2]))
		}
		return nationalPrefix(d)
	}
	return fmt.Sprintf("a Chinese prefix starting with %c must begin with 0 and an area code", d[0])
}

// nationalPrefix says what is wrong with a prefix of a Chinese NSN, or ""
// when some number can start with it.
func nationalPrefix(d []byte) string {
	if len(d) > 11 {
		return fmt.Sprintf("%d digits after +86 is longer than any Chinese number", len(d))
	}
	if len(d) == 0 {
		return ""
	}
	if d[0] == '0' {
		return "a second trunk prefix 0"
	}
	t := tables()
	switch {
	case d[0] == '1' && len(d) >= 2 && d[1] <= '2': // 10 (Beijing, short codes), 11x, 12x short codes
		if d[1] != '0' && len(d) > 8 {
			return fmt.Sprintf("%s is not a Chinese mobile segment and short codes have at most 8 digits", string(d[:3]))
		}
		if len(d) > 10 {
			return fmt.Sprintf("%d digits is longer than any Beijing fixed-line number or short code", len(d))
		}
		return ""
	case d[0] == '1':
		if len(d) < 3 {
			return ""
		}
		seg := t.mobile[100+int(d[1]-'0')*10+int(d[2]-'0')-firstSegment]
		if seg == nil {
			return fmt.Sprintf("%s is not a Chinese mobile segment", string(d[:3]))
		}
		if len(d) < 7 {
			for i := range seg { // any range under the prefix
				if seg[i]&mobileValid != 0 && hasDigits(i, d[3:]) {
					return ""
				}
			}
			return fmt.Sprintf("no Chinese mobile range starts %s", string(d))
		}
		if seg[int(d[3]-'0')*1000+int(d[4]-'0')*100+int(d[5]-'0')*10+int(d[6]-'0')]&mobileValid == 0 {
			return fmt.Sprintf("%sxxxx is not an allocated Chinese mobile range", string(d[:7]))
		}
		return ""
	case len(d) >= 3 && (d[0] == '4' || d[0] == '8') && d[1] == '0' && d[2] == '0':
		if len(d) > 10 {
			return fmt.Sprintf("%s numbers have 10 digits", string(d[:3]))
		}
		return ""
	case d[0] == '9' && len(d) >= 2 && (d[1] == '5' || d[1] == '6'):
		return ""
	}
	// An area code, complete or not.
	codeLen := 3
	if d[0] == '1' || d[0] == '2' {
		codeLen = 2
	}
	if len(d) >= codeLen {
		code := 0
		for _, c := range d[:codeLen] {
			code = code*10 + int(c-'0')
		}
		if t.area[code]&(area7|area8) == 0 {
			return fmt.Sprintf("unknown area code 0%s", string(d[:codeLen]))
		}
		return ""
	}
	lo, hi := 0, 0 // the codes under a partial one
	switch len(d) {
	case 1:
		lo, hi = int(d[0]-'0')*100, int(d[0]-'0')*100+99
	case 2:
		lo = int(d[0]-'0')*100 + int(d[1]-'0')*10
		hi = lo + 9
	}
	for code := lo; code <= hi; code++ {
		if t.area[code]&(area7|area8) != 0 {
			return ""
		}
	}
	return fmt.Sprintf("no area code starts 0%s", string(d))
}

// hasDigits reports whether the 4-digit number i starts with the digits p.
func hasDigits(i int, p []byte) bool {
	var buf [4]byte
	for k := 3; k >= 0; k-- {
		buf[k] = byte('0' + i%10)
		i /= 10
	}
	return string(buf[:len(p)]) == string(p)
}

// countryPrefix says what is wrong with an international prefix d (the
// digits after +, not +86), or "" when it is plausible: it starts with a
// country calling code, or is the start of one, and is no longer than 15
// digits.
func countryPrefix(d []byte) string {
	if len(d) > maxKeyDigits {
		return fmt.Sprintf("%d digits is longer than any international number", len(d))
	}
	codes := phonenumbers.GetSupportedCallingCodes()
	v := 0
	for i := 0; i < len(d) && i < 3; i++ {
		v = v*10 + int(d[i]-'0')
		if codes[v] {
			return ""
		}
	}
	if len(d) < 3 { // the start of a longer code?
		for c := range codes {
			s := fmt.Sprint(c)
			if len(s) > len(d) && s[:len(d)] == string(d) {
				return ""
			}
		}
	}
	return fmt.Sprintf("no country calling code starts +%s", string(d[:min(3, len(d))]))
}

// CallingCode returns the country calling code that the E.164 number or
// prefix p ("+8695311", "+1415") starts with, without the "+"; "" when it
// starts with none.
func CallingCode(p string) string {
	d := strings.TrimPrefix(p, "+")
	codes := phonenumbers.GetSupportedCallingCodes()
	v := 0
	for i := 0; i < len(d) && i < 3; i++ {
		if d[i] < '0' || d[i] > '9' {
			return ""
		}
		v = v*10 + int(d[i]-'0')
		if codes[v] {
			return d[:i+1]
		}
	}
	return ""
}

// AreaCode reports whether code, digits without the trunk 0 ("10", "755"),
// is a Chinese fixed-line area code.
func AreaCode(code string) bool {
	if len(code) != 2 && len(code) != 3 || (code[0] == '1' || code[0] == '2') != (len(code) == 2) {
		return false
	}
	v := 0
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
		v = v*10 + int(code[i]-'0')
	}
	return tables().area[v]&(area7|area8) != 0
}
