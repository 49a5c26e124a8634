package engine

import (
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
// verified-business prefix must fix: a prefix is a business's own block of
// numbers (95311*, 400812*), never a whole operator's range (170*), which
// would shield every caller in it from the crowd.
const MinRegistryDigits = 5

// RegistryPattern normalises a verified-business pattern: a full number,
// or a prefix ending in "*" that fixes at least MinRegistryDigits digits
// after the country code.
func RegistryPattern(s string) (string, error) {
	p, err := Pattern(s)
	if err != nil {
		return "", ringfence.Errorf(ringfence.EINVALID, "pattern: %s", ringfence.ErrorMessage(err))
	}
	body, prefix := strings.CutSuffix(p, "*")
	if !prefix {
		return p, nil
	}
	if n := len(body) - 1 - len(number.CallingCode(body)); n < MinRegistryDigits {
		return "", ringfence.Errorf(ringfence.EINVALID, "pattern: %q is too broad for a verified business: a prefix must fix at least %d digits after the country code (%s has %d; e.g. 95311*), or give the full number", s, MinRegistryDigits, p, n)
	}
	return p, nil
}

// NotFuture refuses a time given for field that lies more than ClockSkew
// after the engine's now.
func (e *Engine) NotFuture(field string, t time.Time) error {
	return e.ReportService.NotFuture(field, t)
}
