package detect

import (
	"fmt"
	"math"
	"unsafe"
)

// Time constants of the decayed counters, in seconds.
const (
	dayTau  = 86400.0
	hourTau = 3600.0
)

// caller is the state kept per active caller. Counters decay with a
// one-day time constant, so they approximate "the last 24 hours" and need
// no window buckets; hour decays with a one-hour constant.
type caller struct {
	key        uint64
	prevCallee uint64
	partner    uint64 // campaign root whose callees this caller shares
	first      int64  // first call seen (Unix s)
	last       int64  // time the counters were decayed to
	lastOut    int64  // last outbound call
	total      uint32 // outbound calls since the state was created (saturating)
	pcnt       uint16 // strength of the partner link
	rng        uint8  // range class, looked up once the caller is a candidate
	live       bool

	n, ans, short, talk float32 // calls, answered, answered < 10 s, talk seconds
	cb, ret, rep, seq   float32 // called back, returned an inbound call, repeat callee, sequential callee
	hour                float32 // calls, one-hour decay
	gapMean, gapSq      float32 // EWMA of gaps between calls (s) and of their squares
	durMean, durSq      float32 // EWMA of answered talk time (s) and of its squares
}

const ewma = 1.0 / 16

func (s *caller) decayTo(t int64) {
	dt := t - s.last
	if dt <= 0 {
		return
	}
	s.last = t
	f, fh := decay(dt)
	s.n *= f
	s.ans *= f
	s.short *= f
	s.talk *= f
	s.cb *= f
	s.ret *= f
	s.rep *= f
	s.seq *= f
	s.hour *= fh
}

// decay returns the decay factors of the day and hour counters after dt
// seconds; short gaps, the common case, use a Taylor expansion instead of
// math.Exp.
func decay(dt int64) (day, hour float32) {
	if dt < 60 {
		x, y := float64(dt)/dayTau, float64(dt)/hourTau
		return float32(1 - x + x*x/2), float32(1 - y + y*y/2 - y*y*y/6)
	}
	return float32(math.Exp(-float64(dt) / dayTau)), float32(math.Exp(-float64(dt) / hourTau))
}

func (s *caller) observe(c Call, repeat, reverse bool) {
	t := c.Start
	s.decayTo(t)
	if s.total > 0 && t >= s.lastOut {
		if gap := float32(t - s.lastOut); gap < 3600 {
			// A running mean at first, then an exponential one.
			a := float32(1) / float32(min(s.total, 16))
			s.gapMean += a * (gap - s.gapMean)
			s.gapSq += a * (gap*gap - s.gapSq)
		}
	}
	if t > s.lastOut {
		s.lastOut = t
	}
	if s.total < math.MaxUint32 {
		s.total++
	}
	s.n++
	s.hour++
	if c.Answered {
		d := float32(c.Duration)
		if s.ans == 0 && s.durMean == 0 {
			s.durMean, s.durSq = d, d*d
		} else {
			s.durMean += ewma * (d - s.durMean)
			s.durSq += ewma * (d*d - s.durSq)
		}
		s.ans++
		s.talk += d
		if c.Duration < 10 {
			s.short++
		}
	}
	if repeat {
		s.rep++
	}
	if reverse && !repeat {
		s.ret++
	}
	if s.prevCallee != 0 && c.Callee != s.prevCallee {
		delta := c.Callee - s.prevCallee
		if c.Callee < s.prevCallee {
			delta = s.prevCallee - c.Callee
		}
		if delta <= 100 {
			s.seq++
		}
	}
	s.prevCallee = c.Callee
}

func cv(mean, sq float32) float64 {
	if mean <= 0 {
		return math.Inf(1)
	}
	v := float64(sq) - float64(mean)*float64(mean)
	if v < 0 {
		v = 0
	}
	return math.Sqrt(v) / float64(mean)
}

// features are a caller's rates, shrunk towards neutral priors so that a
// few calls cannot look extreme.
type features struct {
	n, hour, distinct         float64
	answer, callback, returns float64
	missedBack                float64 // share of missed calls called back
	repeat, seq, hangup, talk float64
	gapCV, durCV              float64
	regularGaps, regularTalk  bool
}

func (s *caller) features() features {
	n := float64(s.n)
	ans := float64(s.ans)
	f := features{
		n:          n,
		hour:       float64(s.hour),
		answer:     (ans + 3) / (n + 5),
		callback:   float64(s.cb) / (n + 5),
		distinct:   n - float64(s.rep),
		missedBack: (float64(s.cb) + 0.1*3) / (n - ans + 3),
		returns:    float64(s.ret) / (n + 5),
		repeat:     float64(s.rep) / (n + 5),
		seq:        float64(s.seq) / (n + 5),
		hangup:     (float64(s.short) + 1) / (ans + 3),
		talk:       (float64(s.talk) + 60*2) / (ans + 2),
		gapCV:      cv(s.gapMean, s.gapSq),
		durCV:      cv(s.durMean, s.durSq),
	}
	f.regularGaps = s.total >= 15 && f.gapCV < 0.2 && s.gapMean < 600
	f.regularTalk = ans >= 10 && f.durCV < 0.25
	return f
}

type assessment struct {
	score   float64
	kind    uint8
	reasons []string
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// logit combines the evidence into log-odds that the caller is abusive.
func (f *features) logit(rng uint8) float64 {
	l := -3.0
	l += clamp(math.Log2((math.Max(f.n, 6*f.hour)+1)/60), -4, 3) // volume (or today's pace), relative to a busy person
	l += clamp((0.55-f.answer)*10, -5, 3)                        // answered by few
	l += clamp(2-f.missedBack*30, -6, 2)                         // missed calls nobody calls back
	l += clamp(math.Log2(f.hour/40), 0, 1)                       // dialling pace
	l -= math.Min(f.returns*20, 6)                               // returning calls it received
	l += math.Min(f.seq*8, 3)                                    // dialling a list in number order
	l += clamp((f.hangup-0.3)*4, -1, 2)                          // answered, then hung up on at once
	l += math.Min(f.repeat*6, 4)                                 // calling the same people again
	l -= clamp((f.talk-60)/60, 0, 2)                             // long conversations
	if rng == rangeVirtual {
		l += 1
	}
	if f.regularGaps {
		l += 1.5
	}
	if f.regularTalk {
		l += 0.5
	}
	return l
}

func (f *features) kind() uint8 {
	switch {
	case f.regularGaps || (f.regularTalk && f.hour >= 100) || f.hour >= 400 || f.n >= 2500:
		return kindRobocall
	case f.repeat >= 0.35:
		return kindDebt
	}
	return kindTelemarketing
}

func (s *caller) assess() assessment {
	f := s.features()
	score := 1 / (1 + math.Exp(-f.logit(s.rng)))
	if f.distinct < 8 { // one person called again and again is not a campaign
		score = 0
	}
	a := assessment{score: score, kind: f.kind()}
	if score < 0.5 {
		return a
	}
	ans := float64(s.ans) / math.Max(float64(s.n), 1)
	cb := float64(s.cb) / math.Max(float64(s.n), 1)
	a.reasons = append(a.reasons, fmt.Sprintf("%s calls in 24 h, %.0f%% answered, %.1f%% called back",
		thousands(int64(math.Round(float64(s.n)))), ans*100, cb*100))
	if s.ans >= 1 {
		a.reasons = append(a.reasons, fmt.Sprintf("answered calls last %.0f s on average, %.0f%% under 10 s",
			float64(s.talk)/float64(s.ans), float64(s.short)/float64(s.ans)*100))
	}
	if r := float64(s.ret) / math.Max(float64(s.n), 1); r >= 0.01 {
		a.reasons = append(a.reasons, fmt.Sprintf("%.0f%% of calls return a call received", r*100))
	}
	if f.seq >= 0.1 {
		a.reasons = append(a.reasons, fmt.Sprintf("%.0f%% of numbers dialled in sequence", float64(s.seq)/float64(s.n)*100))
	}
	if f.repeat >= 0.1 {
		a.reasons = append(a.reasons, fmt.Sprintf("%.0f%% of calls repeat a number already called", float64(s.rep)/float64(s.n)*100))
	}
	if f.regularGaps {
		a.reasons = append(a.reasons, fmt.Sprintf("machine-regular dialling: a call every %.0f s (variation %.0f%%)", s.gapMean, f.gapCV*100))
	}
	if f.regularTalk {
		a.reasons = append(a.reasons, fmt.Sprintf("uniform talk time: %.0f s (variation %.0f%%)", s.durMean, f.durCV*100))
	}
	if f.hour >= 60 {
		a.reasons = append(a.reasons, fmt.Sprintf("%.0f calls in the last hour", f.hour))
	}
	if s.rng == rangeVirtual {
		a.reasons = append(a.reasons, "virtual-operator number range")
	}
	return a
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// callerTable holds caller states in a slab indexed by a map from number
// key, reusing freed slots, so a state costs its record plus one small map
// entry and no per-state allocation.
type callerTable struct {
	index map[uint64]uint32
	slab  []caller
	free  []uint32
}

func newCallerTable() callerTable {
	return callerTable{index: make(map[uint64]uint32)}
}

func (t *callerTable) len() int { return len(t.index) }

func (t *callerTable) get(key uint64) *caller {
	if i, ok := t.index[key]; ok {
		return &t.slab[i]
	}
	return nil
}

func (t *callerTable) upsert(key uint64, now int64) (*caller, bool) {
	if i, ok := t.index[key]; ok {
		return &t.slab[i], false
	}
	var i uint32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		t.slab = append(t.slab, caller{})
		i = uint32(len(t.slab) - 1)
	}
	t.index[key] = i
	t.slab[i] = caller{key: key, last: now, live: true}
	return &t.slab[i], true
}

// expire drops callers whose last activity is before cutoff.
func (t *callerTable) expire(cutoff int64) {
	for i := range t.slab {
		s := &t.slab[i]
		if s.live && s.last < cutoff && s.lastOut < cutoff {
			delete(t.index, s.key)
			*s = caller{}
			t.free = append(t.free, uint32(i))
		}
	}
	// Go maps do not shrink; rebuild the index when it has emptied a lot.
	if len(t.free) > len(t.slab)/2 && len(t.slab) > 1024 {
		t.compact()
	}
}

func (t *callerTable) compact() {
	slab := make([]caller, 0, len(t.index)+len(t.index)/4)
	index := make(map[uint64]uint32, len(t.index))
	for i := range t.slab {
		if t.slab[i].live {
			index[t.slab[i].key] = uint32(len(slab))
			slab = append(slab, t.slab[i])
		}
	}
	t.slab, t.index, t.free = slab, index, nil
}

// bytes estimates the memory held: slab capacity, free list and a map
// entry of 8-byte key, 4-byte value and control byte at the map's worst
// load factor after growth (7/16).
func (t *callerTable) bytes() int64 {
	rec := int64(unsafe.Sizeof(caller{}))
	entry := int64(8 + 4 + 1)
	slots := int64(len(t.index)) * 16 / 7
	return int64(cap(t.slab))*rec + int64(cap(t.free))*4 + slots*entry
}
