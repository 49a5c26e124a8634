package screen

import (
	"time"

	"ringfence"
)

// Personal rules are defined at the root, where the store contracts use
// them.
type (
	Entry      = ringfence.Entry
	QuietHours = ringfence.QuietHours
	Rules      = ringfence.Rules
)

// Entry kinds of personal rules.
const (
	EntryAllow = ringfence.EntryAllow
	EntryPass  = ringfence.EntryPass
	EntryBlock = ringfence.EntryBlock
	EntryLabel = ringfence.EntryLabel
)

// cst is China Standard Time, the clock of quiet hours.
var cst = time.FixedZone("CST", 8*3600)

// quietContains reports whether t falls within the quiet hours.
func quietContains(q *QuietHours, t time.Time) bool {
	from, err1 := ringfence.Clock(q.From)
	to, err2 := ringfence.Clock(q.To)
	if err1 != nil || err2 != nil || from == to {
		return false
	}
	lt := t.In(cst)
	m := lt.Hour()*60 + lt.Minute()
	if from < to {
		return m >= from && m < to
	}
	return m >= from || m < to
}

// find returns the first entry of one of kinds covering e164 and valid at t,
// preferring the longest pattern.
func find(r *Rules, e164 string, at time.Time, kinds ...string) (Entry, bool) {
	var best Entry
	found := false
	for _, e := range r.Entries {
		if !oneOf(e.Kind, kinds) || !e.Matches(e164) {
			continue
		}
		if e.Kind == EntryPass && !at.Before(e.Until) {
			continue
		}
		if !found || len(e.Pattern) > len(best.Pattern) {
			best, found = e, true
		}
	}
	return best, found
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}
