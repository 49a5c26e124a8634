package engine

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ringfence"
	"ringfence/number"
)

// NotFuture refuses a time given for field that lies more than ClockSkew
// after now.
func (e *deps) NotFuture(field string, t time.Time) error {
	return notFuture(e.Now(), field, t)
}

// notFuture is NotFuture with the time now given.
func notFuture(now time.Time, field string, t time.Time) error {
	if t.After(now.Add(ClockSkew)) {
		return ringfence.Errorf(ringfence.EINVALID, "%s: %s is in the future (now %s)", field, t.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// MinRegistryDigits is how many digits after the country code a
// verified-business prefix must fix at least: a prefix is a business's own
// block of numbers (95311*, 4008123123*), never a whole operator's range
// (170*), which would shield every caller in it from the crowd. Chinese
// prefixes are held to the exact rule of registryBlock.
const MinRegistryDigits = 5

// How many trailing digits a verified-business prefix may leave open in a
// Chinese mobile number (1,000 numbers) and fixed line (10,000).
const (
	MaxOpenMobile = 3
	MaxOpenFixed  = 4
)

// RegistryPattern normalises a verified-business pattern: a full number,
// or a prefix ending in "*" that leaves open at most a small block: at most
// MaxOpenMobile digits of a mobile number, MaxOpenFixed of a fixed line
// after its area code, and none of a service (95xxx/96xxx) or toll-free
// (400/800) code, whose extensions it may cover (95311*). Elsewhere it
// must fix at least MinRegistryDigits digits after the country code.
//
// The notation is checked first, once: a number as people write it
// (digits, spaces, dashes, a leading +86 or 0086, parentheses around an
// area code only), optionally followed by exactly one "*". Anything else
// ("1700000(3)*", "170**", "1700000?*", letters) is refused as it is, never
// normalised into some other pattern.
func RegistryPattern(s string) (string, error) {
	clean, why := registryNotation(s)
	if why != "" {
		return "", ringfence.Errorf(ringfence.EINVALID, "pattern: %q is not a number or a number followed by one *: %s", s, why)
	}
	p, err := Pattern(clean)
	if err != nil {
		return "", ringfence.Errorf(ringfence.EINVALID, "pattern: %s", ringfence.ErrorMessage(err))
	}
	body, prefix := strings.CutSuffix(p, "*")
	if !prefix {
		return p, nil
	}
	cc := number.CallingCode(body)
	if n := len(body) - 1 - len(cc); n < MinRegistryDigits {
		return "", ringfence.Errorf(ringfence.EINVALID, "pattern: %q is too broad for a verified business: a prefix must fix at least %d digits after the country code (%s has %d; e.g. 95311*), or give the full number", s, MinRegistryDigits, p, n)
	}
	if cc == "86" {
		if why := registryBlock(body[3:]); why != "" {
			return "", ringfence.Errorf(ringfence.EINVALID, "pattern: %q is too broad for a verified business: %s; give a longer prefix or the full number", s, why)
		}
	}
	return p, nil
}

// registryNotation returns s in ASCII (fullwidth digits, signs and spaces
// made ASCII), or says why s is not a number in a common notation
// optionally followed by exactly one "*".
func registryNotation(s string) (clean, why string) {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + r - '０'
		case r == '＋', r == '（', r == '）', r == '－', r == '＊':
			return r - '＋' + '+'
		case r == '\u3000', r == '\u00a0', r == '\t':
			return ' '
		case r >= '\u2010' && r <= '\u2015', r == '\u2212':
			return '-'
		}
		return r
	}, s))
	if s == "" {
		return "", "empty"
	}
	body, star := strings.CutSuffix(s, "*")
	body = strings.TrimRight(body, " ")
	switch n := strings.Count(s, "*"); {
	case n > 1 && strings.HasSuffix(body, "*"):
		return "", "more than one '*' at the end (a prefix ends in exactly one '*')"
	case n > 1 || n == 1 && !star:
		return "", "'*' may only end a prefix"
	}
	open, close := -1, -1
	digits := 0
	for i, r := range body {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ', r == '-':
		case r == '+':
			if i != 0 {
				return "", "'+' may only start a number"
			}
		case r == '(':
			if open >= 0 {
				return "", "more than one pair of parentheses (they may only enclose an area code)"
			}
			open = i
		case r == ')':
			if open < 0 || close >= 0 {
				return "", "unmatched parentheses"
			}
			close = i
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			return "", fmt.Sprintf("contains the letter '%c'", r)
		case r == '?', r == '…', r == '.':
			return "", fmt.Sprintf("contains '%c' (a prefix ends in one '*', with no other wildcard)", r)
		case unicode.IsPrint(r):
			return "", fmt.Sprintf("contains '%c'", r)
		default:
			return "", fmt.Sprintf("contains %q", r)
		}
	}
	if digits == 0 {
		return "", "no digits"
	}
	if open >= 0 && close < 0 {
		return "", "unmatched parentheses"
	}
	if open >= 0 {
		if why := areaParens(onlyDigits(body[:open]), strings.TrimSpace(body[open+1:close])); why != "" {
			return "", why
		}
	}
	if star {
		body += "*"
	}
	return body, ""
}

// areaParens says why the digits in parentheses, after the digits pre
// (none, or an international prefix with a country code), are not an area
// code, or "" when they are.
func areaParens(pre, in string) string {
	where := fmt.Sprintf("(%s)", in)
	if in == "" || onlyDigits(in) != in {
		return fmt.Sprintf("%s: parentheses may only enclose an area code", where)
	}
	cc := ""
	switch {
	case pre == "":
		if in[0] != '0' {
			return fmt.Sprintf("%s is not an area code (within China it starts with 0, e.g. (0755))", where)
		}
		cc, in = "86", in[1:]
	case strings.HasPrefix(pre, "00"):
		cc = pre[2:]
	default:
		cc = pre
	}
	if number.CallingCode("+"+cc) != cc {
		return fmt.Sprintf("%s follows %s: parentheses may only enclose an area code, at the start of the number or after the country code", where, pre)
	}
	if cc == "86" {
		if !number.AreaCode(strings.TrimPrefix(in, "0")) {
			return fmt.Sprintf("%s is not a Chinese area code", where)
		}
	} else if len(in) > 5 {
		return fmt.Sprintf("%s is too long for an area code", where)
	}
	return ""
}

// onlyDigits returns the ASCII digits of s.
func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// registryBlock says why the Chinese NSN prefix d covers more than a
// business's own block, or "" when it does not.
func registryBlock(d string) string {
	switch {
	case d[0] == '1' && d[1] >= '3': // mobile: 11 digits
		if open := 11 - len(d); open > MaxOpenMobile {
			return fmt.Sprintf("a mobile prefix may leave at most %d digits open (%s numbers), %s leaves %d", MaxOpenMobile, "1,000", d, open)
		}
		return ""
	case strings.HasPrefix(d, "400"), strings.HasPrefix(d, "800"):
		if len(d) < 10 {
			return fmt.Sprintf("a %s number must be complete (10 digits, %s has %d)", d[:3], d, len(d))
		}
		return ""
	case strings.HasPrefix(d, "950"):
		// 950 and 7 or 8 digits; a 5-digit 950xx code is given in full.
		if len(d) < 10 {
			return fmt.Sprintf("a 950 service code must be complete (950 and 7 digits, %s has %d)", d, len(d))
		}
		return ""
	case strings.HasPrefix(d, "95"), strings.HasPrefix(d, "96"):
		if len(d) < 5 {
			return fmt.Sprintf("a service code must be complete (%s and 3 digits or more, e.g. 95311*)", d[:2])
		}
		return ""
	case d[0] == '1' && d[1] != '0': // 11x, 12x short codes
		return ""
	case strings.HasPrefix(d, "100"), strings.HasPrefix(d, "101"):
		// A carrier's service code (10086, 10010, 10000): no Beijing
		// number starts with 0 or 1, so it is not 010-0xx.
		if len(d) < 5 {
			return fmt.Sprintf("a carrier service code must be complete (5 digits or more, e.g. 10086*, %s has %d)", d, len(d))
		}
		return ""
	}
	codeLen := 3
	if d[0] == '1' || d[0] == '2' {
		codeLen = 2
	}
	sub := d[codeLen:]
	if len(sub) >= 2 && sub[0] == '9' && (sub[1] == '5' || sub[1] == '6') {
		// A local service code behind an area code: complete, 5 digits.
		if len(sub) < 5 {
			return fmt.Sprintf("a local service code must be complete (0%s-%s has %d digits, want 5)", d[:codeLen], sub, len(sub))
		}
		return ""
	}
	// The longest subscriber number the area has (7 or 8 digits).
	long := 7
	if info, err := number.Parse("+86" + d + strings.Repeat("0", max(0, codeLen+8-len(d)))); err == nil && info.Type == number.FixedLine {
		long = 8
	}
	if open := long - len(sub); open > MaxOpenFixed {
		return fmt.Sprintf("a fixed-line prefix may leave at most %d digits open (10,000 numbers), 0%s-%s leaves %d", MaxOpenFixed, d[:codeLen], sub, open)
	}
	return ""
}

// NotFuture refuses a time given for field that lies more than ClockSkew
// after the engine's now.
func (e *Engine) NotFuture(field string, t time.Time) error {
	return e.ReportService.NotFuture(field, t)
}
