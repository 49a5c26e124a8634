// Package detect finds harassing callers in a stream of call detail records.
//
// A Detector consumes calls in stream-time order (a few minutes of disorder
// are tolerated) and raises a ringfence.Flag, once, as soon as its confidence
// that a number is a telemarketer, a robocaller, a debt collector or the
// target of call bombing crosses the threshold. Each flag carries the reasons
// a person can check against the records.
//
// Evidence is behavioural and combined, never a single volume threshold:
// answer rate, callbacks from the people called (reciprocity), calls that
// return an earlier inbound call (service centres), talk-time shape,
// repeated calls to the same people, sequential dialling, timing regularity,
// dialling rate and the number range. Couriers and riders (many short calls
// to distinct people, but answered and called back) and service centres
// calling back their customers stay below the threshold.
//
// State is bounded: one small record per active caller (keyed by the caller,
// expired when idle), a time-generational Bloom filter of recent
// (caller, callee) pairs for reciprocity and repetition, and count-min
// sketches of inbound calls per callee for bursts. Per-caller state is keyed
// by caller and per-target state by callee, so a stream can be split by hash
// of the caller across workers (see Partition).
//
// The package is pure: it takes values and returns values and does no I/O.
package detect

import (
	"math"
	"time"

	"ringfence"
	"ringfence/number"
)

// Config tunes a Detector. The zero value is not useful; start from
// DefaultConfig.
type Config struct {
	// Threshold is the score (0..1) at which a number is flagged.
	Threshold float64
	// MinCalls is the least number of outbound calls seen from a caller
	// before it may be flagged: the evidence a score needs, not a volume
	// threshold (volume alone never flags).
	MinCalls int
	// IdleExpiry drops a caller's state after this long without calls.
	IdleExpiry time.Duration
	// Disorder is how far behind the newest record a record may start and
	// still count as in order; later ones are used but counted as late.
	Disorder time.Duration
	// PairBits is log2 of the bits in each generation of the recent-pair
	// filter; PairWindow is how long one generation covers (pairs are
	// remembered for one to two windows).
	PairBits   uint
	PairWindow time.Duration
	// SketchBits is log2 of the slots of the inbound-call count-min
	// sketch used to spot bursts at a callee (8 bytes a slot). Size it to
	// at least four slots per call in a burst window, or busy periods make
	// callees look bursty and cost exact tracking.
	SketchBits uint
	// BurstWindow is the span over which a call-bombing burst is measured,
	// and BurstCallers the distinct callers within it that make a burst.
	BurstWindow  time.Duration
	BurstCallers int
	// CampaignBits is log2 of the slots of the callee index used to link
	// numbers that share callees into campaigns.
	CampaignBits uint
	// FlagMemory is how long a flagged number is remembered (and not flagged
	// again) after its flag.
	FlagMemory time.Duration
}

// DefaultConfig returns the configuration used by ringfence by default.
func DefaultConfig() Config {
	return Config{
		Threshold:    0.95,
		MinCalls:     20,
		IdleExpiry:   48 * time.Hour,
		Disorder:     5 * time.Minute,
		PairBits:     26,
		PairWindow:   24 * time.Hour,
		SketchBits:   20,
		BurstWindow:  10 * time.Minute,
		BurstCallers: 20,
		CampaignBits: 18,
		FlagMemory:   30 * 24 * time.Hour,
	}
}

// Call is one call record in the detector's compact form: numbers as
// number.Key values of their E.164 form, times in Unix seconds.
type Call struct {
	Caller, Callee uint64
	Start          int64  // Unix seconds
	Duration       uint32 // talk seconds; 0 when unanswered
	Answered       bool
}

// Stats describes a detector's state and what it has seen.
type Stats struct {
	Calls         int64            // calls observed
	Skipped       int64            // records whose numbers could not be keyed
	Late          int64            // records older than the newest by more than Config.Disorder
	ActiveCallers int              // callers with live state
	ActiveTargets int              // callees under burst watch
	Flagged       int              // numbers remembered as flagged
	Flags         map[string]int64 // flags raised, per kind
	CallerBytes   int64            // bytes of per-caller state (records and index)
	FixedBytes    int64            // bytes of fixed-size filters and sketches
	StreamTime    time.Time        // newest record start seen
}

// BytesPerCaller is the per-caller state divided by the active callers.
func (s Stats) BytesPerCaller() float64 {
	if s.ActiveCallers == 0 {
		return 0
	}
	return float64(s.CallerBytes) / float64(s.ActiveCallers)
}

// Detector is a streaming detector of harassing callers. It is not safe for
// concurrent use.
type Detector struct {
	cfg       Config
	callers   callerTable
	pairs     pairFilter
	bursts    burstWatch
	campaigns campaignIndex
	flagged   map[uint64]flagRecord

	now       int64 // newest start seen
	nextSweep int64
	stats     Stats
	idle      int64
	disorder  int64
	minCalls  float64
	threshold float64
}

type flagRecord struct {
	at   int64
	kind uint8
}

// New returns a Detector configured by cfg.
func New(cfg Config) *Detector {
	d := &Detector{
		cfg:       cfg,
		callers:   newCallerTable(),
		pairs:     newPairFilter(cfg.PairBits, int64(cfg.PairWindow/time.Second)),
		bursts:    newBurstWatch(cfg.SketchBits, int64(cfg.BurstWindow/time.Second), cfg.BurstCallers),
		campaigns: newCampaignIndex(cfg.CampaignBits),
		flagged:   make(map[uint64]flagRecord),
		idle:      int64(cfg.IdleExpiry / time.Second),
		disorder:  int64(cfg.Disorder / time.Second),
		minCalls:  float64(cfg.MinCalls),
		threshold: cfg.Threshold,
	}
	d.stats.Flags = make(map[string]int64)
	return d
}

// Observe adds one call record. emit is called, before Observe returns, for
// each number flagged because of it; every number is flagged at most once
// while it is remembered (Config.FlagMemory).
func (d *Detector) Observe(c ringfence.CDR, emit func(ringfence.Flag)) {
	caller, ok1 := number.Key(c.Caller)
	callee, ok2 := number.Key(c.Callee)
	if !ok1 || !ok2 {
		d.stats.Skipped++
		return
	}
	dur := c.Duration / time.Second
	if dur < 0 {
		dur = 0
	} else if dur > math.MaxUint32 {
		dur = math.MaxUint32
	}
	d.ObserveCall(Call{Caller: caller, Callee: callee, Start: c.Start.Unix(), Duration: uint32(dur), Answered: c.Answered}, emit)
}

// ObserveCall is Observe for a call already in compact form; it is the fast
// path used when reading records in bulk.
func (d *Detector) ObserveCall(c Call, emit func(ringfence.Flag)) {
	d.stats.Calls++
	t := c.Start
	if t > d.now {
		if d.now == 0 {
			d.nextSweep = t + 3600
		}
		d.now = t
	} else if d.now-t > d.disorder {
		d.stats.Late++
	}
	if d.now >= d.nextSweep {
		d.sweep()
	}
	if !c.Answered {
		c.Duration = 0
	}

	// Reciprocity and repetition from the recent-pair filter, before the
	// pair is added.
	d.pairs.advance(d.now)
	pairHash := mixPair(c.Caller, c.Callee)
	repeat := d.pairs.has(pairHash)
	reverse := d.pairs.has(mixPair(c.Callee, c.Caller))
	d.pairs.add(pairHash)

	// The callee, if it is an active caller, was called back.
	if reverse && !repeat {
		if s := d.callers.get(c.Callee); s != nil {
			s.decayTo(t)
			s.cb++
		}
	}

	s, fresh := d.callers.upsert(c.Caller, t)
	if fresh {
		s.first = t
	}
	s.observe(c, repeat, reverse)

	if fr, ok := d.flagged[c.Caller]; ok {
		d.campaigns.note(c.Caller, c.Callee, fr.at)
	} else if s.n >= 8 && s.total >= 8 && s.ans < 0.6*s.n {
		d.campaigns.observe(s, c.Callee, d.flagged)
	}
	// Assess on every call while evidence builds up, then on every fourth.
	if s.total >= uint32(d.cfg.MinCalls) && (s.total < 200 || s.total&3 == 0) {
		if _, done := d.flagged[c.Caller]; !done {
			d.assessCaller(s, t, emit)
		}
	}

	// Bursts at the callee.
	if b := d.bursts.observe(c, d.now); b != nil && !b.flagged {
		d.assessTarget(b, emit)
	}
}

func (d *Detector) assessCaller(s *caller, t int64, emit func(ringfence.Flag)) {
	if s.rng == rangeUnknown {
		s.rng = rangeOf(s.key)
	}
	a := s.assess()
	if a.score < d.threshold {
		return
	}
	d.flagged[s.key] = flagRecord{at: d.now, kind: a.kind}
	f := ringfence.Flag{
		Number:    number.FromKey(s.key),
		Kind:      kindNames[a.kind],
		Score:     round3(a.score),
		FlaggedAt: time.Unix(d.now, 0).UTC(),
		Reasons:   a.reasons,
	}
	f.Campaign = d.campaigns.link(s, a.kind, d.now, d.flagged)
	d.stats.Flags[f.Kind]++
	emit(f)
}

func (d *Detector) assessTarget(b *target, emit func(ringfence.Flag)) {
	score, reasons := b.assess(d.bursts.burstCallers, d.bursts.span)
	if score < d.threshold {
		return
	}
	b.flagged = true
	if _, done := d.flagged[b.key]; done {
		return
	}
	d.flagged[b.key] = flagRecord{at: d.now, kind: kindBombing}
	f := ringfence.Flag{
		Number:    number.FromKey(b.key),
		Kind:      ringfence.KindCallBombingTarget,
		Score:     round3(score),
		FlaggedAt: time.Unix(d.now, 0).UTC(),
		Reasons:   reasons,
	}
	d.stats.Flags[f.Kind]++
	emit(f)
}

// sweep drops idle state; it runs once an hour of stream time.
func (d *Detector) sweep() {
	d.nextSweep = d.now + 3600
	d.callers.expire(d.now - d.idle)
	d.bursts.expire(d.now)
	mem := int64(d.cfg.FlagMemory / time.Second)
	for k, f := range d.flagged {
		if d.now-f.at > mem {
			delete(d.flagged, k)
		}
	}
	d.campaigns.expire(d.now - mem)
}

// Stats returns counters and state sizes.
func (d *Detector) Stats() Stats {
	st := d.stats
	st.Flags = make(map[string]int64, len(d.stats.Flags))
	for k, v := range d.stats.Flags {
		st.Flags[k] = v
	}
	st.ActiveCallers = d.callers.len()
	st.ActiveTargets = len(d.bursts.targets)
	st.Flagged = len(d.flagged)
	st.CallerBytes = d.callers.bytes()
	st.FixedBytes = d.pairs.bytes() + d.bursts.bytes() + d.campaigns.bytes()
	if d.now != 0 {
		st.StreamTime = time.Unix(d.now, 0).UTC()
	}
	return st
}

// Partition returns the worker (0..workers-1) that must see a call when a
// stream is split across workers: calls are routed by caller, so each
// caller's state lives on one worker. Burst detection at callees needs the
// calls routed by callee instead; see PartitionCallee.
func Partition(caller uint64, workers int) int {
	return int(mix64(caller) % uint64(workers))
}

// PartitionCallee returns the worker that must see a call for burst
// detection at its callee.
func PartitionCallee(callee uint64, workers int) int {
	return int(mix64(callee) % uint64(workers))
}

// Kinds, in the compact form kept in state.
const (
	kindNone uint8 = iota
	kindTelemarketing
	kindRobocall
	kindDebt
	kindBombing
)

var kindNames = [...]string{
	kindNone:          "",
	kindTelemarketing: ringfence.KindTelemarketing,
	kindRobocall:      ringfence.KindRobocall,
	kindDebt:          ringfence.KindDebtCollection,
	kindBombing:       ringfence.KindCallBombingTarget,
}

// Range classes of a caller's number.
const (
	rangeUnknown uint8 = iota
	rangeOrdinary
	rangeVirtual // virtual-operator mobile ranges (170, 171, 162, 165, 167)
	rangeService // 95/96 service numbers, 400/800
)

func rangeOf(key uint64) uint8 {
	info, err := number.Parse(number.FromKey(key))
	if err != nil {
		return rangeOrdinary
	}
	if info.VirtualOperator {
		return rangeVirtual
	}
	if info.Type == number.Service || info.Type == number.TollFree {
		return rangeService
	}
	return rangeOrdinary
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// mix64 is a 64-bit finaliser (from the splitmix64 generator).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func mixPair(a, b uint64) uint64 { return mix64(a*0x9e3779b97f4a7c15 ^ mix64(b)) }
