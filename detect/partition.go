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
