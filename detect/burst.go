package detect

import (
	"ringfence"
	"ringfence/number"

	"fmt"
	"math"
)

// inbound is a count-min sketch of calls per callee over two time scales
// at once: the burst window and the day, each as the current and the
// previous span. Every cell holds both scales' counters with the epoch they
// belong to, and time passing costs nothing: a cell from an older epoch is
// rotated when it is next touched, never swept. The sketch is blocked: a
// number's two cells lie in one 64-byte line of four, so a call costs one
// memory access.
type inbound struct {
	lines [][4]cell
	mask  uint64
	span  int64
	// current epochs (low 16 bits are what cells keep); -1 before the first call
	recent, daily int64
	start         int64 // first time seen, for the age of the baseline
}

// cell is one sketch slot: calls in the current and previous burst window
// and day, tagged with the epochs they count, and the burst window in
// which a callee hashed here was last under watch.
type cell struct {
	rEpoch, rCur, rPrev uint16
	dEpoch, dCur, dPrev uint16
	watch               uint16
	_                   uint16 // pad to 16 bytes: one cell never straddles a cache line
}

func newInbound(bits uint, span int64) inbound {
	if bits < 8 {
		bits = 8
	}
	n := 1 << (bits - 2)
	return inbound{lines: make([][4]cell, n), mask: uint64(n - 1), span: span, recent: -1, daily: -1}
}

// line returns the sketch line of the number with hash h.
func (x *inbound) line(h uint64) *[4]cell { return &x.lines[h&x.mask] }

// cells returns the two cells of the number with hash h.
func (x *inbound) cells(h uint64) (*cell, *cell) {
	line := x.line(h)
	i := (h >> 40) & 3
	j := (i + 1 + (h>>42)%3) & 3
	return &line[i], &line[j]
}

// advance moves the current epochs as time passes.
func (x *inbound) advance(now int64) {
	if x.recent < 0 {
		x.start = now
	}
	x.recent, x.daily = now/x.span, now/86400
}

func inc(c *uint16) {
	if *c < math.MaxUint16 {
		*c++
	}
}

// roll brings a (epoch, cur, prev) triple to epoch e and counts one call.
func roll(epoch, cur, prev *uint16, e uint16) {
	switch *epoch {
	case e:
	case e - 1:
		*prev, *cur = *cur, 0
	default:
		*prev, *cur = 0, 0
	}
	*epoch = e
	inc(cur)
}

// add counts a call at the callee with hash h and returns the callee's
// estimated calls over the current and previous burst window and day, and
// whether it may be under watch (both its cells were marked within the
// last two windows).
func (x *inbound) add(h uint64) (recent, day int, watched bool) {
	r, d := uint16(x.recent), uint16(x.daily)
	a, b := x.cells(h)
	roll(&a.rEpoch, &a.rCur, &a.rPrev, r)
	roll(&a.dEpoch, &a.dCur, &a.dPrev, d)
	roll(&b.rEpoch, &b.rCur, &b.rPrev, r)
	roll(&b.dEpoch, &b.dCur, &b.dPrev, d)
	recent = min(int(a.rCur)+int(a.rPrev), int(b.rCur)+int(b.rPrev))
	day = min(int(a.dCur)+int(a.dPrev), int(b.dCur)+int(b.dPrev))
	return recent, day, r-a.watch <= 2 && r-b.watch <= 2
}

// mark notes that the callee with hash h is under watch.
func (x *inbound) mark(h uint64) {
	r := uint16(x.recent)
	a, b := x.cells(h)
	a.watch, b.watch = r, r
}

// burstWatch spots callees receiving an unusual burst of calls: sketches
// count inbound calls per callee over the burst window and over days, and
// a callee whose recent count passes a trigger gets exact state (a
// target) that counts distinct callers.
type burstWatch struct {
	counts       inbound
	targets      map[uint64]*target
	span         int64
	burstCallers int
	trigger      int
}

func newBurstWatch(bits uint, span int64, burstCallers int) burstWatch {
	if span <= 0 {
		span = 600
	}
	if burstCallers <= 0 {
		burstCallers = 20
	}
	return burstWatch{
		counts:       newInbound(bits, span),
		targets:      make(map[uint64]*target),
		span:         span,
		burstCallers: burstCallers,
		trigger:      max(burstCallers/2, 8),
	}
}

// target is the exact state of a callee under burst watch.
type target struct {
	key      uint64
	winStart int64 // start of the first call in the window
	end      int64 // latest start in the window
	last     int64 // stream time of the last call seen
	calls    int32
	answered int32
	talk     int64
	callers  []uint32 // distinct caller fingerprints in the window
	baseline float64  // usual inbound calls per window before the burst
	flagged  bool
}

const maxTargetCallers = 512

// observe counts the call at its callee and returns the callee's target
// state when the callee is under watch.
// h is mix64 of the callee.
func (b *burstWatch) observe(c ringfence.CallRecord, h uint64, now int64) *target {
	b.counts.advance(now)
	n, day, watched := b.counts.add(h)
	var t *target
	if watched {
		t = b.targets[c.Callee]
	}
	if t == nil {
		if n < b.trigger {
			return nil
		}
		// Usual inbound rate per window, from what the daily sketches saw
		// before this burst; at least one day is assumed, so a stream's
		// first hours do not make every busy line look bursty.
		age := max(now-b.counts.start, 86400)
		t = &target{
			key:      c.Callee,
			winStart: c.Start,
			baseline: float64(max(day-n, 0)) * float64(b.span) / float64(age),
		}
		b.targets[c.Callee] = t
	}
	b.counts.mark(h)
	t.last = now
	// The window is one of start times: records logged late must not
	// crowd calls of the last hour into it.
	switch {
	case c.Start-t.winStart > b.span:
		t.winStart, t.end, t.calls, t.answered, t.talk = c.Start, c.Start, 0, 0, 0
		t.callers = t.callers[:0]
	case c.Start < t.winStart:
		return nil
	}
	t.end = max(t.end, c.Start)
	t.calls++
	if c.Answered {
		t.answered++
		t.talk += int64(c.Duration)
	}
	fp := uint32(number.Mix(c.Caller))
	seen := false
	for _, x := range t.callers {
		if x == fp {
			seen = true
			break
		}
	}
	if !seen && len(t.callers) < maxTargetCallers {
		t.callers = append(t.callers, fp)
	}
	return t
}

// assess scores a burst: many calls from many distinct callers in the
// window, far above the callee's usual inbound rate, and calls that go
// unanswered or are cut at once (a contact centre's busy inbound lines are
// answered and talked on). Many distinct callers are burstCallers of them,
// or half as many ringing five times each: a bombing through a few dozen
// abused call-back lines redials from each (122 calls from 16 numbers in
// ten minutes), while a family trying a dead phone, a shop's or a
// dispatcher's mobile or a radio call-in line takes 40–80 calls from 10–20
// numbers. Calls count from when the callee came under watch (trigger).
func (t *target) assess(burstCallers int, span int64) (float64, []string) {
	distinct := len(t.callers)
	ratio := float64(t.calls) / math.Max(t.baseline, 1)
	many := distinct >= burstCallers || 2*distinct >= burstCallers && int(t.calls) >= 5*burstCallers
	if !many || ratio < 5 {
		return 0, nil
	}
	answered := float64(t.answered) / float64(t.calls)
	talk := 0.0
	if t.answered > 0 {
		talk = float64(t.talk) / float64(t.answered)
	}
	l := 2 + float64(distinct-burstCallers)/10 + (0.5-answered)*4
	if talk < 20 {
		l++
	} else {
		l -= clamp((talk-20)/30, 1, 4) // callers someone talks to at length are a contact centre's
	}
	score := 1 / (1 + math.Exp(-l))
	reasons := []string{
		fmt.Sprintf("%d calls from %d distinct callers within %d min", t.calls, distinct, (t.end-t.winStart)/60+1),
		fmt.Sprintf("%.0f%% answered, %.0f s average talk", answered*100, talk),
		fmt.Sprintf("usual inbound ≈%.1f calls a day", t.baseline*86400/float64(span)),
	}
	return score, reasons
}

// expire drops targets idle for two windows.
func (b *burstWatch) expire(now int64) {
	for k, t := range b.targets {
		if now-t.last > 2*b.span {
			delete(b.targets, k)
		}
	}
}

func (b *burstWatch) bytes() int64 {
	n := int64(len(b.counts.lines)) * 64
	return n + int64(len(b.targets))*(64+maxTargetCallers)
}
