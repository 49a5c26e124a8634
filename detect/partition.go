package detect

import (
	"ringfence"
	"ringfence/number"
)

// Partition makes a Detector one of Count that share a stream, the one
// numbered Index (0 ≤ Index < Count). Numbers are divided among the
// detectors by Owner: a detector keeps the caller-keyed state (the caller's
// record, its score and flag) of the callers it owns, and the callee-keyed
// state (bursts at a callee, the calls a number receives, the contacts it
// could return) of the callees it owns. Every detector is given every call
// (or, scaled out, every call whose caller or callee it owns, and the
// stream time of the others): together they raise, each flag once, the
// flags one detector would, but for the evidence of shared lists, which the
// caller's owner keeps from the callees its own callers dial (a caller's
// list evidence from other partitions' callers is not seen; scores, times
// and a few flags may differ). The zero value (or Count 1) is one detector
// for the whole stream.
//
// The tables of recent contacts, duplicate rows and inbound calls are sized
// per detector, so a partitioned detector forgets later, not sooner, than
// one alone; campaign ids link the numbers of one detector.
type Partition struct {
	Count, Index int
}

// Owner is the detector, of count, that owns the number key: the
// partition of callers (and, for callee-keyed state, of callees) a router
// splits a stream by.
func Owner(key uint64, count int) int {
	if count <= 1 {
		return 0
	}
	return int(number.Mix(key^0x5bd1e9955bd1e995) % uint64(count))
}

// Sides of a call a partitioned detector keeps state for.
const (
	sideBoth   uint8 = iota // it owns the caller and the callee, or is not partitioned
	sideCaller              // the caller only
	sideCallee              // the callee only
)

type partState struct {
	side  uint8
	inner bool // within the callee-side Observe of partition
}

// partition is Observe's first step in a partitioned detector. It returns
// true when it has dealt with the call: a call whose numbers it does not
// own only moves stream time on (what sweeps state and dates flags), and a
// call whose callee only it owns is observed for the callee's side, with
// the counters of calls, duplicates and late rows left to the caller's
// owner so that the detectors' counts add up to one detector's.
func (d *Detector) partition(c ringfence.CallRecord, emit func(ringfence.Flag)) bool {
	if d.part.inner {
		return false
	}
	p := d.cfg.Partition
	caller, callee := Owner(c.Caller, p.Count) == p.Index, Owner(c.Callee, p.Count) == p.Index
	d.part.side = sideBoth
	switch {
	case c.Caller == 0 || c.Callee == 0:
		return !caller // skipped; counted once
	case caller && callee:
		return false
	case caller:
		d.part.side = sideCaller
		return false
	case callee:
		d.part.side = sideCallee
		st := d.stats
		d.part.inner = true
		d.Observe(c, emit)
		d.part.inner = false
		d.stats.Calls, d.stats.Skipped, d.stats.Late, d.stats.Duplicates = st.Calls, st.Skipped, st.Late, st.Duplicates
		d.part.side = sideBoth
		return true
	}
	d.tick(c)
	return true
}

// tick moves stream time on as Observe does for a call this detector
// keeps no state for.
func (d *Detector) tick(c ringfence.CallRecord) {
	if d.epoch == 0 {
		d.epoch = c.Start - epochMargin
		d.first, d.now, d.nextSweep = c.Start, c.Start, c.Start+3600
	}
	if c.Caller == c.Callee {
		return
	}
	if c.Start > d.now {
		d.now = c.Start
	}
	if d.timeGCD != 1 {
		d.timeGCD = gcd(d.timeGCD, uint64(abs64(c.Start-d.first)))
	}
	if d.now >= d.nextSweep {
		d.sweep()
	}
	d.bursts.counts.advance(d.now) // the sketch's age is the stream's
	d.noteAsk(c, d.rel(c.Start))
}

// calleeSide ends Observe for a call whose callee only this detector owns:
// the contact is noted and the callee's side counted; what remains is the
// burst watch at the callee. It returns true when it has done so.
func (d *Detector) calleeSide(c ringfence.CallRecord, hcallee uint64, emit func(ringfence.Flag)) bool {
	if d.part.side != sideCallee {
		return false
	}
	if b := d.bursts.observe(c, hcallee, d.now); b != nil && !b.flagged {
		d.assessTarget(b, emit)
	}
	return true
}

// burstAt is the burst watch's observation of a call, nil when another
// detector owns the callee.
func (d *Detector) burstAt(c ringfence.CallRecord, hcallee uint64) *target {
	if d.part.side == sideCaller {
		d.bursts.counts.advance(d.now)
		return nil
	}
	return d.bursts.observe(c, hcallee, d.now)
}

// Broadcast reports whether call c must be given to every partitioned
// detector, not only to its caller's and its callee's owners: a call to a
// service line (a 95/96 or 400/800 number, about 2% of calls), whose caller
// may be called back, from another line, by a number any detector owns
// (the input asked). The detectors that own neither number only note it.
func Broadcast(c ringfence.CallRecord) bool {
	return c.Caller != 0 && c.Caller != c.Callee && serviceLine(c.Callee)
}

// Routed is a call as a Router hands it to one partitioned detector: the
// call itself when the detector owns its caller or callee, or (Tick) a
// call of other detectors' numbers that the detector must see the stream
// time of (the first call, and the calls at which detectors sweep their
// state), or with no call the stream time at the end of a batch (End).
// Latest and GCD carry the stream time of the calls routed elsewhere
// before it.
type Routed struct {
	Call ringfence.CallRecord
	// Latest is the latest start of the calls before this one (0 before
	// the first), and GCD the greatest common divisor of their starts'
	// distances from the first call's: what Observe would have learnt
	// from the calls given to other detectors.
	Latest int64
	GCD    uint64
	Tick   bool
}

// Router splits a stream among Count partitioned detectors, so that each
// is given only the calls whose caller or callee it owns (about 2/Count of
// them) instead of every call: detectors fed by ObserveRouted raise the
// same flags, with the same times and counters, as detectors given every
// call by ObserveCalls. The zero Router is not useful; use NewRouter.
type Router struct {
	count      int
	started    bool
	burstClock bool
	first      int64
	latest     int64
	gcd        uint64
	nextSweep  int64
}

// NewRouter returns a router for count detectors (Partition{Count: count,
// Index: 0..count-1}).
func NewRouter(count int) *Router { return &Router{count: max(count, 1)} }

// Route appends c to the batch of each detector that owns its caller or
// callee (once when it owns both), and a tick to the others' batches
// when they must see its time. batches has one slice per detector, by
// partition index.
func (r *Router) Route(c ringfence.CallRecord, batches [][]Routed) {
	if c.Caller == 0 || c.Callee == 0 {
		// Skipped and counted by the caller's owner; no one's clock moves.
		o := Owner(c.Caller, r.count)
		batches[o] = append(batches[o], Routed{Call: c, Latest: r.latest, GCD: r.gcd})
		return
	}
	oc, oe := Owner(c.Caller, r.count), Owner(c.Callee, r.count)
	e := Routed{Call: c, Latest: r.latest, GCD: r.gcd}
	batches[oc] = append(batches[oc], e)
	if oe != oc {
		batches[oe] = append(batches[oe], e)
	}
	tick := false
	if !r.started {
		// The first call starts every detector's clock.
		r.started, r.first, r.latest, r.nextSweep = true, c.Start, c.Start, c.Start+3600
		tick = true
	}
	if c.Caller != c.Callee {
		if !r.burstClock {
			// So does the first between two numbers the burst sketch's.
			r.burstClock, tick = true, true
		}
		if c.Start > r.latest {
			r.latest = c.Start
		}
		if r.gcd != 1 {
			r.gcd = gcd(r.gcd, uint64(abs64(c.Start-r.first)))
		}
		if r.latest >= r.nextSweep {
			// Every detector sweeps its state at this call.
			r.nextSweep = r.latest + 3600
			tick = true
		}
		if Broadcast(c) {
			tick = true
		}
	}
	if tick {
		t := Routed{Call: c, Latest: e.Latest, GCD: e.GCD, Tick: true}
		for i := range batches {
			if i != oc && i != oe {
				batches[i] = append(batches[i], t)
			}
		}
	}
}

// End appends to every detector's batch the stream time of the calls
// routed so far, so that each knows it at the end of a batch (what a
// flag raised next is dated from and what a summary reports).
func (r *Router) End(batches [][]Routed) {
	if !r.started {
		return
	}
	for i := range batches {
		batches[i] = append(batches[i], Routed{Latest: r.latest, GCD: r.gcd, Tick: true})
	}
}

// ObserveRouted observes the calls a Router gave this detector, with the
// same result as ObserveCalls over the whole stream.
func (d *Detector) ObserveRouted(calls []Routed, emit func(ringfence.Flag)) {
	n := len(calls)
	for j := range min(n, aheadA) {
		if !calls[j].Tick {
			d.prefetchA(&calls[j].Call)
		}
	}
	for j := range min(n, aheadB) {
		if !calls[j].Tick {
			d.prefetchB(&calls[j].Call)
		}
	}
	for i := range calls {
		if j := i + aheadA; j < n && !calls[j].Tick {
			d.prefetchA(&calls[j].Call)
		}
		if j := i + aheadB; j < n && !calls[j].Tick {
			d.prefetchB(&calls[j].Call)
		}
		r := &calls[i]
		if d.epoch != 0 {
			if r.Latest > d.now {
				d.now = r.Latest
			}
			if d.timeGCD != 1 && r.GCD != 0 {
				d.timeGCD = gcd(d.timeGCD, r.GCD)
			}
		}
		if r.Tick {
			if r.Call != (ringfence.CallRecord{}) { // else only the time, from End
				d.tick(r.Call)
			}
			continue
		}
		d.Observe(r.Call, emit)
	}
}
