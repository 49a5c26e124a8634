package corroborate

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"ringfence"
	"ringfence/simulate"
)

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func at(day int, hour int) time.Time {
	return day0.Add(time.Duration(day)*24*time.Hour + time.Duration(hour)*time.Hour)
}

func call(caller, callee uint64, t time.Time) ringfence.CallRecord {
	return ringfence.CallRecord{Caller: caller, Callee: callee, Start: t.Unix()}
}

func randomNumber(r *rand.Rand) uint64 { return 8613000000000 + r.Uint64N(9e9) }

// Every pair added within the window is found, on its day and in any span
// that holds its day; and so is each of its numbers.
func TestNoFalseNegatives(t *testing.T) {
	s := New(DefaultConfig())
	r := rand.New(rand.NewPCG(1, 2))
	type added struct {
		a, b uint64
		day  int
	}
	var all []added
	for d := 0; d < Window; d++ {
		// Enough calls on some days to chain tables and kick.
		n := 2000
		if d%7 == 3 {
			n = 150000
		}
		for i := 0; i < n; i++ {
			a, b := randomNumber(r), randomNumber(r)
			s.Add(call(a, b, at(d, 10)))
			if i%50 == 0 {
				all = append(all, added{a, b, d})
			}
		}
	}
	for _, x := range all {
		if !s.Called(x.a, x.b, at(x.day, 0), at(x.day, 0)) || !s.Called(x.a, x.b, at(0, 0), at(Window, 0)) {
			t.Fatalf("pair of day %d not found", x.day)
		}
		if !s.Seen(x.a, at(x.day, 0), at(x.day, 0)) || !s.Seen(x.b, at(x.day, 0), at(x.day, 0)) {
			t.Fatalf("numbers of day %d not seen", x.day)
		}
	}
}

// A day leaves the sketch once a record Window days newer arrives; until
// then it stays.
func TestExpiry(t *testing.T) {
	const a, b, other = 8613800000001, 8613900000002, 8613700000003
	tests := []struct {
		name   string
		newest int // day of the newest record added after the pair (day 0)
		want   bool
	}{
		{"same day", 0, true},
		{"two weeks on", 14, true},
		{"last day of the window", Window - 1, true},
		{"window passed", Window, false},
		{"long after", 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(DefaultConfig())
			s.Add(call(a, b, at(0, 9)))
			s.Add(call(other, other+1, at(tt.newest, 9)))
			if got := s.Called(a, b, at(0, 0), at(0, 0)); got != tt.want {
				t.Errorf("Called = %v, want %v", got, tt.want)
			}
			if got := s.Seen(b, at(0, 0), at(tt.newest, 0)); got != tt.want {
				t.Errorf("Seen = %v, want %v", got, tt.want)
			}
			// A record older than the window is not taken.
			s.Add(call(a, b+7, at(tt.newest-Window, 9)))
			if s.Called(a, b+7, at(tt.newest-Window, 0), at(tt.newest, 0)) {
				t.Error("a record older than the window was kept")
			}
		})
	}
}

// Check: confirmed, unconfirmed, or not covered, as its doc says.
func TestCheck(t *testing.T) {
	const (
		spammer    = 8617100000001
		stranger   = 8617100000002
		subscriber = 8613800000001
		uncovered  = 8613800000009
		friend     = 8613900000001
	)
	// background: calls between two other numbers at 06:00 and 18:00 on
	// days from..to.
	background := func(s *Sketch, from, to int) {
		for d := from; d <= to; d++ {
			s.Add(call(friend, friend+1, at(d, 6)), call(friend, friend+1, at(d, 18)))
		}
	}
	var none time.Time
	tests := []struct {
		name     string
		fill     func(s *Sketch)
		caller   uint64
		sub      uint64
		reported time.Time
		called   time.Time
		want     ringfence.Corroboration
	}{
		{"called the reporter 3 days before", func(s *Sketch) { background(s, 0, 20); s.Add(call(spammer, subscriber, at(17, 9))) },
			spammer, subscriber, at(20, 13), none, ringfence.Confirmed},
		{"called the reporter the same day", func(s *Sketch) { background(s, 0, 20); s.Add(call(spammer, subscriber, at(20, 9))) },
			spammer, subscriber, at(20, 13), none, ringfence.Confirmed},
		{"called 14 days before the report's day", func(s *Sketch) { background(s, 0, 20); s.Add(call(spammer, subscriber, at(6, 9))) },
			spammer, subscriber, at(20, 13), none, ringfence.Confirmed},
		{"called 15 days before: too old, and the reporter is covered", func(s *Sketch) {
			background(s, 0, 20)
			s.Add(call(spammer, subscriber, at(5, 9)))
		}, spammer, subscriber, at(20, 13), at(20, 12), ringfence.Unconfirmed},
		{"never called a covered reporter", func(s *Sketch) { background(s, 0, 20); s.Add(call(subscriber, friend, at(18, 9))) },
			stranger, subscriber, at(20, 13), at(20, 12), ringfence.Unconfirmed},
		{"the call went the other way", func(s *Sketch) { background(s, 0, 20); s.Add(call(subscriber, spammer, at(18, 9))) },
			spammer, subscriber, at(20, 13), at(20, 12), ringfence.Unconfirmed},
		{"reporter not in the records", func(s *Sketch) { background(s, 0, 20); s.Add(call(spammer, subscriber, at(18, 9))) },
			spammer, uncovered, at(20, 13), at(20, 12), ringfence.NotCorroborated},
		{"records start a week ago: silence is no evidence", func(s *Sketch) { background(s, 13, 20); s.Add(call(subscriber, friend, at(18, 9))) },
			stranger, subscriber, at(20, 13), at(20, 12), ringfence.NotCorroborated},
		{"a day of the lookback has no records", func(s *Sketch) {
			background(s, 0, 10)
			background(s, 12, 20)
			s.Add(call(subscriber, friend, at(18, 9)))
		}, stranger, subscriber, at(20, 13), at(20, 12), ringfence.NotCorroborated},
		{"records do not reach the reported call yet", func(s *Sketch) { background(s, 0, 20); s.Add(call(subscriber, friend, at(18, 9))) },
			stranger, subscriber, at(20, 19), at(20, 18), ringfence.NotCorroborated},
		{"no called_at: records must reach the report", func(s *Sketch) { background(s, 0, 20); s.Add(call(subscriber, friend, at(18, 9))) },
			stranger, subscriber, at(20, 19), none, ringfence.NotCorroborated},
		{"no called_at, a report made before the records' end", func(s *Sketch) { background(s, 0, 20); s.Add(call(subscriber, friend, at(18, 9))) },
			stranger, subscriber, at(20, 17), none, ringfence.Unconfirmed},
		{"a called_at after the report is taken as the report's time", func(s *Sketch) { background(s, 0, 20); s.Add(call(subscriber, friend, at(18, 9))) },
			stranger, subscriber, at(20, 17), at(20, 19), ringfence.Unconfirmed},
		{"but a call they hold confirms, however fresh", func(s *Sketch) { background(s, 0, 19); s.Add(call(spammer, subscriber, at(18, 9))) },
			spammer, subscriber, at(20, 13), none, ringfence.Confirmed},
		{"empty sketch", func(s *Sketch) {}, spammer, subscriber, at(20, 13), none, ringfence.NotCorroborated},
		{"just after midnight, records up to a few minutes before", func(s *Sketch) {
			background(s, 0, 20)
			s.Add(call(subscriber, friend, at(18, 9)), call(friend, friend+1, at(21, 0).Add(-time.Minute)))
		}, stranger, subscriber, at(21, 0).Add(time.Minute), at(21, 0).Add(-10 * time.Minute), ringfence.Unconfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(DefaultConfig())
			tt.fill(s)
			if got := s.Check(tt.caller, tt.sub, tt.reported, tt.called); got != tt.want {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

// The false-positive rate of "did X call Y in the 14-day lookback", over
// 30 full days of 200,000 items a day (100,000 pairs and 100,000 numbers,
// each day's table sized from the day before, the first day's grown from
// a small one), is measured on pairs never added and bounded at 0.3%
// (about 15 tables × 8 slots / 65,536 at ≤ 94% load: 0.17%); that of "was
// X seen in 30 days" on numbers never added, bounded at 0.6% (30 tables
// and the first day's chain: 0.46%).
func TestFalsePositiveRate(t *testing.T) {
	if testing.Short() {
		t.Skip("3 million items")
	}
	s := New(DefaultConfig())
	r := rand.New(rand.NewPCG(5, 6))
	for d := 0; d < Window; d++ {
		for i := 0; i < 50000; i++ {
			s.Add(call(randomNumber(r), randomNumber(r), at(d, 10)))
		}
	}
	const probes = 200000
	pairs, numbers := 0, 0
	for i := 0; i < probes; i++ {
		// Numbers outside the range added: never added.
		a, b := 8619000000000+r.Uint64N(9e9), 8619000000000+r.Uint64N(9e9)
		if s.Called(a, b, at(Window-15, 0), at(Window-1, 0)) {
			pairs++
		}
		if s.Seen(a, at(0, 0), at(Window-1, 0)) {
			numbers++
		}
	}
	pr, nr := float64(pairs)/probes, float64(numbers)/probes
	t.Logf("false positives: pairs over 15 days %.4f%%, numbers over 30 days %.4f%%", pr*100, nr*100)
	if pr > 0.003 || nr > 0.006 {
		t.Fatalf("false-positive rate %.4f (pairs) / %.4f (numbers), want ≤ 0.003 / 0.006", pr, nr)
	}
}

// The sketch's memory. An item (a pair or a number on a day) costs 2 bytes
// at 94% load: at most 3 bytes an item at every population size, so that
// a small one is not charged for tables sized for a large one. On a
// simulated population, at most the 64 bytes per active caller:
// an active caller is one with a call among the records the sketch holds
// (in its last Window days), the callers whose calls it keeps, as the
// detector bench (BenchmarkStateWithSketch) counts them too. (Bytes per
// caller follow the distinct people each caller calls a day: the office
// below, every line calling six people a day, needs about 13 bytes per
// line a day, 400 over the 30 days.) RINGFENCE_SKETCH_SUBSCRIBERS and
// RINGFENCE_SKETCH_DAYS replace the populations with one simulated one of
// that size.
func TestBytesPerCaller(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a week of calls")
	}
	// A small office: 40 lines, each calling 6 of 200 numbers a day.
	office := func(days int) []ringfence.CallRecord {
		r := rand.New(rand.NewPCG(3, 4))
		var cs []ringfence.CallRecord
		for d := range days {
			for line := range 40 {
				for range 6 {
					cs = append(cs, call(8602100000000+uint64(line), 8613800000000+r.Uint64N(200), at(d, 9+r.IntN(8))))
				}
			}
		}
		return cs
	}
	simulated := func(subs, days int) []ringfence.CallRecord {
		return simulate.Run(simulate.Config{Days: days, Subscribers: subs, Seed: 1, Start: day0}).Calls
	}
	pops := []struct {
		name      string
		days      int
		calls     func() []ringfence.CallRecord
		perCaller bool // bound the bytes per active caller too
	}{
		{"office/7", 7, func() []ringfence.CallRecord { return office(7) }, false},
		{"office/30", 30, func() []ringfence.CallRecord { return office(30) }, false},
		{"simulated-3000/2", 2, func() []ringfence.CallRecord { return simulated(3000, 2) }, true},
		{"simulated-20000/7", 7, func() []ringfence.CallRecord { return simulated(20000, 7) }, true},
	}
	if os.Getenv("RINGFENCE_SKETCH_SUBSCRIBERS") != "" || os.Getenv("RINGFENCE_SKETCH_DAYS") != "" {
		subs, days := envInt(t, "RINGFENCE_SKETCH_SUBSCRIBERS", 20000), envInt(t, "RINGFENCE_SKETCH_DAYS", 7)
		pops = pops[:1]
		pops[0].name, pops[0].days, pops[0].perCaller = fmt.Sprintf("simulated-%d/%d", subs, days), days, true
		pops[0].calls = func() []ringfence.CallRecord { return simulated(subs, days) }
	}
	for _, p := range pops {
		t.Run(p.name, func(t *testing.T) {
			calls := p.calls()
			s := New(DefaultConfig())
			s.Add(calls...)
			st := s.Stats()
			callers := ActiveCallers(calls)
			per := float64(st.Bytes) / float64(callers)
			t.Logf("%d calls over %d days: %d active callers, %d items in %d days, %d bytes: %.1f bytes per active caller",
				len(calls), p.days, callers, st.Items, st.Days, st.Bytes, per)
			if item := float64(st.Bytes) / float64(st.Items); item > 3 {
				t.Errorf("%.2f bytes per item, want ≤ 3", item)
			}
			if p.perCaller && per > 64 {
				t.Errorf("%.1f bytes per active caller, want ≤ 64", per)
			}
		})
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

func BenchmarkAdd(b *testing.B) {
	s := New(DefaultConfig())
	r := rand.New(rand.NewPCG(7, 8))
	cs := make([]ringfence.CallRecord, 1<<16)
	for i := range cs {
		cs[i] = call(randomNumber(r), randomNumber(r), at(0, 10))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := cs[i&(len(cs)-1)]
		c.Start += int64(i/200000) * 86400 // a new day every 200,000 calls
		s.Add(c)
	}
}
