// Package corroborate checks crowd reports against call records. A Sketch
// remembers, in bounded memory, which caller called which callee on each of
// the last 30 days and which numbers appeared in the call records at all,
// so that a report from a subscriber the records cover can be told
// "confirmed" (the reported number called them in the 14 days before the
// report) or "unconfirmed" (it did not).
//
// The sketch is one filter per day (UTC), in a ring of Window days. A day's
// filter is a cuckoo filter of 16-bit fingerprints in buckets of four
// holding two kinds of item: a caller→callee pair, and a number seen as
// caller or callee. It is sized from the previous day's item count, and
// chains a further table when a day outgrows it; the first day after a
// start, with no count to go by, starts from a table of 256 items and
// chains tables half as big as the day so far, so a sketch of a few
// callers stays small. A question about one day has no false negatives
// and a false-positive rate of at most 8/65,536 ≈ 1.2·10⁻⁴ per table consulted; "did X call Y in the
// last 14 days" consults about 15 tables, so about 0.2% of pairs that
// never happened read as seen, and 0.5% of numbers never seen read as
// seen in 30 days (TestFalsePositiveRate measures both). Items cost 2
// bytes each at up to 94% load: about 2.1 bytes an item on a day no
// quieter than the day before it, at most 3.2 on the first day, whose
// tables grow by half (TestBytesPerCaller): 42 bytes per active caller
// (one with a call in the records held) on a week of `simulate cdr` with
// 20,000 subscribers.
// Bytes per active caller follow how many distinct people each caller
// calls a day: 13 bytes a day for one that calls six.
//
// Nothing in a sketch names a number: it holds hashes' fingerprints only,
// and it cannot list what it holds.
package corroborate

import (
	"math/bits"
	"ringfence/number"
	"sync"
	"time"

	"ringfence"
)

// Window is how many days (UTC) of call records a sketch keeps.
const Window = 30

// ring is the number of day slots; at least Window.
const ring = 32

// Config says how call records corroborate a report.
type Config struct {
	// Lookback is how many days before the report's day (and that day) a
	// call from the reported number confirms a report: 14.
	Lookback int
	// Settle is how far past the reported call the records must reach
	// before their silence counts against a report: a call whose record
	// has not arrived yet is no evidence. The reported call is at the
	// report's called_at when it has one, else at the report itself.
	Settle time.Duration
}

// DefaultConfig is 14 days of lookback and records that reach 5 minutes
// past the reported call.
func DefaultConfig() Config { return Config{Lookback: 14, Settle: 5 * time.Minute} }

// Sketch is the bounded memory of who called whom. Safe for concurrent use.
type Sketch struct {
	cfg Config

	mu     sync.RWMutex
	days   [ring]*dayFilter // by day % ring
	newest int64            // newest day held (Unix days); 0 when empty
	latest int64            // latest record start held, Unix seconds
	prev   int              // items of the most recent finished day, to size the next
}

// New returns an empty sketch.
func New(cfg Config) *Sketch {
	if cfg.Lookback <= 0 || cfg.Lookback >= Window {
		cfg.Lookback = DefaultConfig().Lookback
	}
	return &Sketch{cfg: cfg}
}

// Config returns the sketch's configuration.
func (s *Sketch) Config() Config { return s.cfg }

// Add records calls: each caller→callee pair and both numbers, on the
// call's day. Records older than Window days before the newest record held
// are ignored, as are records without both numbers.
func (s *Sketch) Add(cs ...ringfence.CallRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		s.add(c)
	}
}

func (s *Sketch) add(c ringfence.CallRecord) {
	if c.Caller == 0 || c.Callee == 0 || c.Start < 0 {
		return
	}
	d := c.Start / 86400
	if d > s.newest {
		s.advance(d)
	} else if d <= s.newest-Window {
		return
	}
	f := s.days[d%ring]
	if f == nil {
		size := s.prev
		if size == 0 {
			size = initialItems
		}
		f = &dayFilter{day: d, sized: s.prev > 0}
		f.grow(size)
		s.days[d%ring] = f
	}
	f.insert(pairHash(c.Caller, c.Callee))
	f.insert(numberHash(c.Caller))
	f.insert(numberHash(c.Callee))
	s.latest = max(s.latest, c.Start)
}

// advance makes d the newest day, dropping the days that leave the window.
func (s *Sketch) advance(d int64) {
	if f := s.days[s.newest%ring]; f != nil && f.day == s.newest {
		s.prev = f.n
	}
	for i, f := range s.days {
		if f != nil && f.day <= d-Window {
			s.days[i] = nil
		}
	}
	s.newest = d
}

// Called reports whether caller called callee on any day from the day of
// from to the day of to.
func (s *Sketch) Called(caller, callee uint64, from, to time.Time) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.any(pairHash(caller, callee), unixDay(from), unixDay(to))
}

// Seen reports whether number appeared in the records, as caller or
// callee, on any day from the day of from to the day of to.
func (s *Sketch) Seen(number uint64, from, to time.Time) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.any(numberHash(number), unixDay(from), unixDay(to))
}

func (s *Sketch) any(h uint64, from, to int64) bool {
	for d := max(from, s.newest-Window+1, 0); d <= min(to, s.newest); d++ {
		if f := s.days[d%ring]; f != nil && f.day == d && f.contains(h) {
			return true
		}
	}
	return false
}

// Check says what the records make of a report by subscriber about
// caller, made at reportedAt about a call at calledAt (zero when the
// report does not say):
//   - confirmed when caller called subscriber on the report's day or in
//     the Lookback days before it;
//   - unconfirmed when the records cover the subscriber (it appears in
//     them, as caller or callee, in the last Window days), hold every day
//     of the lookback, reach Settle past the reported call, and show no
//     such call;
//   - "" otherwise (not covered): the report keeps its usual weight.
//
// A report filed just after its call, before the call's record arrives,
// is therefore never unconfirmed: its records do not reach the call yet.
func (s *Sketch) Check(caller, subscriber uint64, reportedAt, calledAt time.Time) ringfence.Corroboration {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := unixDay(reportedAt)
	if caller == 0 || subscriber == 0 || s.newest == 0 || !s.any(numberHash(subscriber), d-Window+1, d) {
		return ringfence.NotCorroborated
	}
	if s.any(pairHash(caller, subscriber), d-int64(s.cfg.Lookback), d) {
		return ringfence.Confirmed
	}
	call := reportedAt
	if !calledAt.IsZero() && calledAt.Before(reportedAt) {
		call = calledAt
	}
	if s.latest < call.Add(s.cfg.Settle).Unix() {
		return ringfence.NotCorroborated
	}
	// Every day of the lookback must have records: a day without any is a
	// gap in the feed, not silence.
	for day := d - int64(s.cfg.Lookback); day <= min(d, s.latest/86400); day++ {
		if day < 0 || day < s.newest-Window+1 || day > s.newest {
			return ringfence.NotCorroborated
		}
		if f := s.days[day%ring]; f == nil || f.day != day {
			return ringfence.NotCorroborated
		}
	}
	return ringfence.Unconfirmed
}

// Stats is a sketch's size.
type Stats struct {
	Days  int // days held
	Items int // pairs and numbers held, summed over days
	Bytes int // memory of the filters
}

// Stats reports the sketch's size.
func (s *Sketch) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var st Stats
	for _, f := range s.days {
		if f == nil {
			continue
		}
		st.Days++
		st.Items += f.n
		st.Bytes += f.bytes()
	}
	return st
}

// ActiveCallers counts the callers active in the window of a sketch fed
// calls: the distinct callers with a call on the newest record's day or
// the Window − 1 days before it. It is the denominator of the sketch's
// bytes per active caller, for tests and benchmarks (it keeps a set of the
// callers).
func ActiveCallers(calls []ringfence.CallRecord) int {
	var newest int64
	for _, c := range calls {
		newest = max(newest, c.Start/86400)
	}
	seen := make(map[uint64]struct{})
	for _, c := range calls {
		if c.Caller != 0 && c.Callee != 0 && c.Start >= 0 && c.Start/86400 > newest-Window {
			seen[c.Caller] = struct{}{}
		}
	}
	return len(seen)
}

func unixDay(t time.Time) int64 {
	u := t.Unix()
	if u < 0 {
		return -1
	}
	return u / 86400
}

// Hashes of the two kinds of item, kept apart by their seeds.
const (
	seedPair   = 0x9e3779b97f4a7c15
	seedNumber = 0xc2b2ae3d27d4eb4f
)

func pairHash(caller, callee uint64) uint64 {
	return number.Mix(caller ^ number.Mix(callee^seedPair))
}

func numberHash(n uint64) uint64 { return number.Mix(n ^ seedNumber) }

// reduce maps h onto [0, n) by multiply-shift.
func reduce(h uint64, n int) int {
	hi, _ := bits.Mul64(h, uint64(n))
	return int(hi)
}
