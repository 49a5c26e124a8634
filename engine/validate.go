package engine

import (
	"fmt"
	"strings"
	"time"

	"ringfence"
	"ringfence/number"
)

// NotFuture refuses a time given for field that lies more than ClockSkew
// after now.
func (e *deps) NotFuture(field string, t time.Time) error {
	if now := e.Now(); t.After(now.Add(ClockSkew)) {
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
func RegistryPattern(s string) (string, error) {
	p, err := Pattern(s)
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
