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

// cstOffset is China Standard Time's offset from UTC in seconds: quiet
// hours are on its clock.
const cstOffset = 8 * 3600

// quietContains reports whether t falls within the quiet hours.
func quietContains(q *QuietHours, t time.Time) bool {
	from, ok1 := clock(q.From)
	to, ok2 := clock(q.To)
	if !ok1 || !ok2 || from == to {
		return false
	}
	m := minuteOfDay(t)
	if from < to {
		return m >= from && m < to
	}
	return m >= from || m < to
}

// clock is ringfence.Clock without its cost for the usual "HH:MM" form.
func clock(s string) (int, bool) {
	if len(s) == 5 && s[2] == ':' && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[3]) && isDigit(s[4]) {
		h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
		return h*60 + m, h <= 23 && m <= 59
	}
	m, err := ringfence.Clock(s)
	return m, err == nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// minuteOfDay is the minute of t's day in China Standard Time (UTC+8, no
// daylight saving), counted from midnight.
func minuteOfDay(t time.Time) int {
	const day = 24 * 3600
	s := (t.Unix() + cstOffset) % day
	if s < 0 {
		s += day
	}
	return int(s / 60)
}

// match finds, in one pass over r's entries, the entries covering e164 and
// valid at at, preferring the longest pattern of each group: allow is the
// best allow-list entry or pass, block the best block- or label-list entry.
func match(r *Rules, e164 string, at time.Time) (allow, block *Entry) {
	for i := range r.Entries {
		e := &r.Entries[i]
		switch e.Kind {
		case EntryAllow, EntryPass:
			if !e.Matches(e164) || (e.Kind == EntryPass && !at.Before(e.Until)) {
				continue
			}
			if allow == nil || len(e.Pattern) > len(allow.Pattern) {
				allow = e
			}
		case EntryBlock, EntryLabel:
			if !e.Matches(e164) {
				continue
			}
			if block == nil || len(e.Pattern) > len(block.Pattern) {
				block = e
			}
		}
	}
	return allow, block
}
