package engine

import (
	"strings"
	"time"

	"ringfence"
	"ringfence/number"
)

// ClockSkew is how far in the future a time given by a client may be (a
// call's, a report's) before it is refused: clocks disagree a little, but
// an event that has not happened yet is a mistake.
const ClockSkew = 5 * time.Minute

// ParseTime parses an RFC 3339 time given for field, naming the field and
// the expected form when it is not one.
func ParseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, ringfence.Errorf(ringfence.EINVALID, "%s: %q is not an RFC 3339 time (e.g. 2026-11-20T10:00:00+08:00)", field, s)
	}
	return t, nil
}

// NotFuture refuses a time given for field that lies more than ClockSkew
// after now.
func (e *Engine) NotFuture(field string, t time.Time) error {
	if now := e.Now(); t.After(now.Add(ClockSkew)) {
		return ringfence.Errorf(ringfence.EINVALID, "%s: %s is in the future (now %s)", field, t.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// Attestation values a call may carry: the STIR/SHAKEN verification
// result, or "" when the network did not verify the caller.
const (
	AttestationPass = "pass"
	AttestationFail = "fail"
)

// CheckAttestation refuses an attestation other than "", "pass" or "fail".
func CheckAttestation(s string) error {
	switch s {
	case "", AttestationPass, AttestationFail:
		return nil
	}
	return ringfence.Errorf(ringfence.EINVALID, "attestation: %q is not %q or %q (leave it empty when the caller was not verified)", s, AttestationPass, AttestationFail)
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
