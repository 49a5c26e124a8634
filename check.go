package ringfence

import (
	"strconv"
	"strings"
	"time"
)

// ClockSkew is how far in the future a time given by a client may be (a
// call's, a report's) before it is refused: clocks disagree a little, but
// an event that has not happened yet is a mistake.
const ClockSkew = 5 * time.Minute

// EarliestTime is the earliest time a client may give (a call's, a
// report's, a pass's end): anything before is a mistake, such as a zero
// time ("0001-01-01T00:00:00Z").
var EarliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseTime parses an RFC 3339 time given for field, naming the field and
// the expected form when it is not one, and refuses one before
// EarliestTime.
func ParseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "%s: %q is not an RFC 3339 time (e.g. 2026-11-20T10:00:00+08:00)", field, s)
	}
	return t, NotBefore(field, t)
}

// NotBefore refuses a time given for field before EarliestTime.
func NotBefore(field string, t time.Time) error {
	if t.Before(EarliestTime) {
		return Errorf(EINVALID, "%s: %s is before %s", field, t.Format(time.RFC3339), EarliestTime.Format("2006-01-02"))
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
	return Errorf(EINVALID, "attestation: %q is not %q or %q (leave it empty when the caller was not verified)", s, AttestationPass, AttestationFail)
}

// ParseDays parses a duration given in days ("30d") or in Go's units
// ("720h", "0").
func ParseDays(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 {
			return 0, Errorf(EINVALID, "%q is not a number of days", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, Errorf(EINVALID, "%q is not a duration (e.g. 30d, 12h)", s)
	}
	return d, nil
}

// PoolStats counts the alias pool's numbers by state.
type PoolStats struct {
	Numbers  int  `json:"numbers"`  // all numbers in the pool
	Null     int  `json:"null"`     // reserved as never disclosed
	Waiting  int  `json:"waiting"`  // in quarantine
	Free     int  `json:"free"`     // issuable now
	Reserved int  `json:"reserved"` // held by disclosures in progress
	Bound    int  `json:"bound"`
	Retired  int  `json:"retired"` // called too often to be issued
	Low      bool `json:"low"`     // free and waiting numbers are under 10% of those that can be issued
}

// AliasCall is a call to route through the alias table.
type AliasCall struct {
	Callee, Caller string // E.164
	At             time.Time
	Duration       float64
	Answered       bool
}

// Monthly is the 12321-style monthly report of crowd reports, counted by
// their time of receipt.
type Monthly struct {
	Month                string           `json:"month"`
	TotalReports         int              `json:"total_reports"`
	ByCategory           map[Category]int `json:"by_category"`
	ByType               map[string]int   `json:"by_type"` // by number.Type
	ByProvince           map[string]int   `json:"by_province"`
	VirtualOperatorShare float64          `json:"virtual_operator_share"`
	ServiceShare         float64          `json:"service_share"`
	// Change is the relative change of total_reports against the month
	// before (0.25 = 25% more); null when the month before had none.
	Change *float64 `json:"change"`
}

// ParseMonth parses "YYYY-MM".
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return t, Errorf(EINVALID, "month: %q is not YYYY-MM", s)
	}
	return t, nil
}

// IndexStats describes the hot index.
type IndexStats struct {
	Numbers int `json:"numbers"`
	Bytes   int `json:"bytes"`
}

// CheckRequest is a call to screen: who calls whom, when, and what the
// network verified of the caller.
type CheckRequest struct {
	Caller      string // any notation
	Callee      string // the subscriber called, any notation; "" for a plain number check
	At          time.Time
	Attestation string // STIR/SHAKEN: "", "pass", "fail" (see CheckAttestation)
}
