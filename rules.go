package ringfence

import (
	"fmt"
	"strings"
	"time"
)

// Entry kinds of personal rules.
const (
	EntryAllow = "allow" // always ring
	EntryPass  = "pass"  // an expected call: ring until Until (a courier, an appointment)
	EntryBlock = "block"
	EntryLabel = "label"
)

// Entry is one personal rule about a number or a prefix.
type Entry struct {
	Pattern string    `json:"pattern"` // E.164 number, or E.164 prefix followed by "*"
	Kind    string    `json:"action"`
	Until   time.Time `json:"until,omitzero"` // passes only
	Note    string    `json:"note,omitempty"`
}

// Matches reports whether the entry's pattern covers e164.
func (e Entry) Matches(e164 string) bool {
	if p, ok := strings.CutSuffix(e.Pattern, "*"); ok {
		return strings.HasPrefix(e164, p)
	}
	return e.Pattern == e164
}

// QuietHours are local (China Standard Time) hours when only contacts and
// expected calls ring. From and To are "HH:MM"; the span may wrap midnight.
type QuietHours struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Action Action `json:"action"` // label or block
}

// Rules are one subscriber's personal rules.
type Rules struct {
	Subscriber string  `json:"subscriber"` // E.164
	Entries    []Entry `json:"entries"`
	// BlockedCategories maps a category to the action taken on callers the
	// crowd or the detector puts in it (label or block).
	BlockedCategories map[Category]Action `json:"blocked_categories"`
	// MinReportWeight replaces the default label weight for this subscriber
	// (lower labels sooner, higher waits for more evidence); 0 keeps it.
	MinReportWeight float64 `json:"min_report_weight"`
	// ContactsOnly, when label or block, applies to callers that are not
	// in the allow list (the subscriber's contacts) nor hold a pass.
	ContactsOnly Action      `json:"contacts_only,omitempty"`
	Quiet        *QuietHours `json:"quiet_hours,omitempty"`
	// Version counts the document's stored changes: 0 before the first.
	// A write names the version it was based on and is refused
	// (ECONFLICT) when another write came first (see RuleStore.PutRules).
	Version int64 `json:"version,omitempty"`
}

// Validate checks the rules' fields and reports the first bad one.
func (r *Rules) Validate() error {
	for i, e := range r.Entries {
		switch e.Kind {
		case EntryAllow, EntryBlock, EntryLabel:
		case EntryPass:
			if e.Until.IsZero() {
				return Errorf(EINVALID, "entries[%d]: a pass needs \"until\"", i)
			}
		default:
			return Errorf(EINVALID, "entries[%d].action: %q is not allow, pass, block or label", i, e.Kind)
		}
		if !strings.HasPrefix(e.Pattern, "+") {
			return Errorf(EINVALID, "entries[%d].pattern: %q is not normalised", i, e.Pattern)
		}
	}
	for c, a := range r.BlockedCategories {
		if _, err := ParseCategory(string(c)); err != nil {
			return Errorf(EINVALID, "blocked_categories: %v", err)
		}
		if a != Label && a != Block {
			return Errorf(EINVALID, "blocked_categories.%s: action %q is not label or block", c, a)
		}
	}
	if r.MinReportWeight < 0 || r.MinReportWeight > 1000 {
		return Errorf(EINVALID, "min_report_weight: %v is out of range 0..1000", r.MinReportWeight)
	}
	switch r.ContactsOnly {
	case "", Label, Block:
	default:
		return Errorf(EINVALID, "contacts_only: %q is not label or block", r.ContactsOnly)
	}
	if q := r.Quiet; q != nil {
		if _, err := Clock(q.From); err != nil {
			return Errorf(EINVALID, "quiet_hours.from: %v", err)
		}
		if _, err := Clock(q.To); err != nil {
			return Errorf(EINVALID, "quiet_hours.to: %v", err)
		}
		if q.Action != Label && q.Action != Block {
			return Errorf(EINVALID, "quiet_hours.action: %q is not label or block", q.Action)
		}
	}
	return nil
}

// Clock parses "HH:MM" into minutes after midnight.
func Clock(s string) (int, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || h > 23 || m < 0 || m > 59 || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return h*60 + m, nil
}
