package screen

import (
	"testing"
	"time"

	"ringfence"
	"ringfence/reputation"
)

// The verdict's hot path replaces general helpers with cheaper ones; each
// must answer exactly as the helper it replaces.

func TestBenignMatchesTaxonomy(t *testing.T) {
	cats := []ringfence.Category{"", "unknown", "delivery_", "ride-hailing", "a_category_key_longer_than_thirty_two_bytes"}
	for _, c := range ringfence.Categories() {
		cats = append(cats, c.Key)
	}
	benigns := 0
	for _, c := range cats {
		if got, want := benign(c), c.Benign(); got != want {
			t.Errorf("benign(%q) = %v, Category.Benign = %v", c, got, want)
		}
		if benign(c) {
			benigns++
		}
	}
	if benigns == 0 {
		t.Fatal("no benign category found")
	}
}

func TestClockMatchesRoot(t *testing.T) {
	for _, s := range []string{"00:00", "07:30", "23:59", "24:00", "12:60", "7:30", "07:3", "+7:30", "07-30", "ab:cd", "", "07:300"} {
		m, ok := clock(s)
		want, err := ringfence.Clock(s)
		if ok != (err == nil) || (ok && m != want) {
			t.Errorf("clock(%q) = %d, %v; ringfence.Clock = %d, %v", s, m, ok, want, err)
		}
	}
}

func TestMinuteOfDayInChina(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, at := range []time.Time{
		noon,
		time.Date(2026, 5, 1, 15, 59, 59, 999, time.UTC), // 23:59 in China
		time.Date(2026, 5, 1, 16, 0, 0, 0, time.UTC),     // midnight in China
		time.Date(1969, 12, 31, 23, 30, 0, 0, time.UTC),  // before the Unix epoch
		time.Date(2026, 5, 1, 7, 0, 0, 0, time.FixedZone("X", -5*3600)),
	} {
		lt := at.In(cst)
		if got, want := minuteOfDay(at), lt.Hour()*60+lt.Minute(); got != want {
			t.Errorf("minuteOfDay(%v) = %d, want %d", at, got, want)
		}
	}
}

func TestMatchPrefersLongestOfEachGroup(t *testing.T) {
	r := &Rules{Entries: []Entry{
		{Pattern: "+86170*", Kind: EntryBlock},
		{Pattern: "+861700*", Kind: EntryLabel},
		{Pattern: "+86*", Kind: EntryAllow},
		{Pattern: "+8617000000001", Kind: EntryPass, Until: noon},                // expired at noon
		{Pattern: "+8617000000002", Kind: EntryPass, Until: noon.Add(time.Hour)}, // valid
		{Pattern: "+8617000000002", Kind: EntryAllow},                            // same length: the first wins
	}}
	tests := []struct {
		caller       string
		allow, block string // "kind pattern", "" for none
	}{
		{"+8617000000001", "allow +86*", "label +861700*"},
		{"+8617000000002", "pass +8617000000002", "label +861700*"},
		{"+8617100000000", "allow +86*", ""},
		{"+8617010000000", "allow +86*", "block +86170*"},
		{"+12025550100", "", ""},
	}
	name := func(e *Entry) string {
		if e == nil {
			return ""
		}
		return e.Kind + " " + e.Pattern
	}
	for _, tt := range tests {
		allow, block := match(r, tt.caller, noon)
		if name(allow) != tt.allow || name(block) != tt.block {
			t.Errorf("%s: allow %q block %q, want %q and %q", tt.caller, name(allow), name(block), tt.allow, tt.block)
		}
	}
}

func TestReasonsRenderedLazily(t *testing.T) {
	p := NewPolicy(reputation.DefaultConfig())
	quiet := &Rules{Quiet: &QuietHours{From: "11:00", To: "13:00", Action: ringfence.Label}}
	tests := []struct {
		name string
		sig  Signals
		want string
	}{
		{"quiet hours", Signals{Rules: quiet}, "quiet hours 11:00–13:00: caller is not in your allow list"},
		{"behaviour without reasons", Signals{Behaviour: &Behaviour{Kind: ringfence.KindRobocall, Score: 0.7, At: noon}}, "detected " + string(ringfence.KindRobocall)},
	}
	for _, tt := range tests {
		var v Verdict
		p.Decide(&v, &Call{Caller: mustParse(t, "13512345678"), Input: "13512345678", At: noon}, &tt.sig)
		found := false
		for _, s := range v.ReasonStrings() {
			found = found || s == tt.want
		}
		if !found {
			t.Errorf("%s: reasons %q lack %q", tt.name, v.ReasonStrings(), tt.want)
		}
	}
}
