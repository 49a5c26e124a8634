package simulate

import (
	"fmt"
	"math"
)

type subscriber struct {
	n        uint64
	contacts []uint64
	rate     float64 // calls a day
	stranger float64 // share of calls to strangers
	answer   float64
	callback float64 // calls back a missed call
}

type courier struct {
	n        uint64
	rider    bool
	perDay   float64
	answer   float64
	callback float64 // customers calling back a missed call
	talk     float64 // median talk seconds
	from, to float64 // working hours
	offDay   float64 // chance of a day off
}

type centre struct {
	n           uint64
	externalIn  float64 // inbound calls a day from outside the population
	callback    float64 // share of inbound calls called back
	proactive   float64 // outbound calls a day not returning a call
	answer      float64
	returnDelay float64 // median seconds before a callback
}

type callbackLine struct {
	n      uint64
	perDay float64
	verify bool // automated verification-code calls, else an agent's callback
	answer float64
	msg    float64
}

type callRoom struct {
	name       string
	numbers    []uint64 // current number per agent
	used       int      // numbers used so far
	virtual    bool
	sameBlock  float64 // chance a rotated-in number is from the same block
	rotate     int     // days a number is used; 0 never rotates
	seq        bool    // dials a number range in order
	cursor     uint64  // next number when dialling in order
	vacant     float64 // share of vacant numbers in the range
	answer     float64
	hangup     float64 // share of answered calls cut within 10 s
	perDay     []float64
	weekends   bool
	followups  []followup
	callback   float64 // victims calling back
	retry      float64 // share of missed calls the dialler tries again within minutes
	redials    int     // times at most it tries a missed number again (an auto-dialler's setting)
	listShare  float64 // share of the list that are subscribers of the carrier
	pitch      float64 // median pitch seconds
	startHour  float64
	endHour    float64
	lunchBreak bool
}

type followup struct {
	n   uint64
	day int
}

type robot struct {
	n        uint64
	cadence  float64 // seconds between calls on one channel
	jitter   float64
	channels int
	from, to float64
	answer   float64
	msg      float64
	seq      bool
	cursor   uint64
}

type collector struct {
	n       uint64
	debtors []debtor
	answer  float64
	escal   float64
	retry   float64 // chance a missed call is tried again within minutes (twice at most)
	from    float64
	to      float64
}

type debtor struct {
	n        uint64
	contacts []uint64
	start    int
}

type bombing struct {
	victim   uint64
	start    int64
	span     float64 // seconds
	callers  int
	calls    int
	answered float64 // initial answer rate
}

// population draws the run's parameters and its members.
func (s *sim) population(n int) {
	s.campaigns = make(map[uint64]string)
	s.targets = make(map[uint64]int64)
	frac := func(lo, hi float64, least int) int {
		return max(least, int(math.Round(float64(n)*s.uniform(lo, hi))))
	}
	s.subs = make([]*subscriber, n)
	for i := range s.subs {
		sub := &subscriber{
			n:        s.mobile(),
			rate:     math.Min(s.logNormal(2.5, 0.7), 25),
			stranger: s.uniform(0.02, 0.1),
			answer:   s.uniform(0.6, 0.95),
			callback: s.uniform(0.3, 0.8),
		}
		if s.r.Float64() < 0.04 { // heavy users: agents, small-business owners
			sub.rate = s.uniform(15, 50)
			sub.stranger = s.uniform(0.2, 0.5)
		}
		if s.r.Float64() < 0.1 {
			sub.n = s.fixedLineOrVirtual()
		}
		s.subs[i] = sub
	}
	for _, sub := range s.subs { // reciprocal circles of family and friends
		k := 3 + s.r.IntN(15)
		for range k {
			if s.r.Float64() < 0.3 {
				sub.contacts = append(sub.contacts, s.external())
				continue
			}
			o := s.subs[s.r.IntN(n)]
			if o != sub {
				sub.contacts = append(sub.contacts, o.n)
				o.contacts = append(o.contacts, sub.n)
			}
		}
	}
	for i := frac(0.008, 0.02, 4); i > 0; i-- {
		c := &courier{
			n:        s.mobile(),
			rider:    s.r.IntN(2) == 0,
			perDay:   s.uniform(60, 180),
			answer:   s.uniform(0.65, 0.95),
			callback: s.uniform(0.25, 0.75),
			talk:     s.uniform(12, 40),
			from:     s.uniform(7.5, 9.5),
			to:       s.uniform(18, 21.5),
			offDay:   s.uniform(0, 0.2),
		}
		class := ClassCourier
		if c.rider {
			class = ClassRider
			c.from, c.to = s.uniform(9.5, 10.5), s.uniform(20.5, 22.5)
		}
		s.class[c.n] = class
		s.couriers = append(s.couriers, c)
	}
	for i := frac(0.0003, 0.0008, 3); i > 0; i-- {
		c := &centre{
			n:           s.serviceNumber(),
			externalIn:  s.uniform(50, 1500),
			callback:    s.uniform(0.2, 0.8),
			proactive:   s.uniform(0, 80),
			answer:      s.uniform(0.6, 0.9),
			returnDelay: s.uniform(600, 14400),
		}
		if s.r.Float64() < 0.3 {
			c.n = s.mobile()
		}
		s.class[c.n] = ClassServiceCentre
		s.centres = append(s.centres, c)
	}
	for i := frac(0.0005, 0.0015, 5); i > 0; i-- {
		l := &callbackLine{
			n:      s.serviceNumber(),
			perDay: s.uniform(30, 600),
			verify: s.r.IntN(2) == 0,
			answer: s.uniform(0.7, 0.95),
			msg:    s.uniform(10, 25),
		}
		s.class[l.n] = ClassCallbackLine
		s.lines = append(s.lines, l)
	}
	for i := frac(0.0008, 0.0016, 3); i > 0; i-- {
		s.rooms = append(s.rooms, s.newRoom(len(s.rooms)))
	}
	for i := frac(0.0002, 0.0005, 2); i > 0; i-- {
		b := &robot{
			n:        s.virtualOrMobile(0.6),
			cadence:  s.uniform(6, 40),
			jitter:   s.uniform(0.01, 0.2),
			channels: 1,
			answer:   s.uniform(0.08, 0.4),
			msg:      s.uniform(12, 45),
			seq:      s.r.IntN(2) == 0,
			cursor:   s.mobile() / 10_000 * 10_000,
		}
		if s.r.Float64() < 0.3 {
			b.channels = 2 + s.r.IntN(3)
			b.cadence *= float64(b.channels)
		}
		switch s.r.IntN(3) {
		case 0:
			b.from, b.to = 0, 24
		case 1:
			b.from, b.to = s.uniform(8, 9.5), s.uniform(18, 21)
		default:
			b.from, b.to = s.uniform(9, 10), s.uniform(16, 18)
		}
		s.class[b.n] = ClassRobocall
		s.robots = append(s.robots, b)
	}
	for i := frac(0.0005, 0.001, 3); i > 0; i-- {
		c := &collector{
			n:      s.virtualOrMobile(0.3),
			answer: s.uniform(0.1, 0.4),
			escal:  s.uniform(0.3, 1.5),
			from:   s.uniform(7, 9),
			to:     s.uniform(20, 23),
		}
		if s.r.Float64() < 0.2 {
			c.n = s.fixedLine()
		}
		c.retry = s.uniform(0, 0.7)
		for range 10 + s.r.IntN(40) {
			d := debtor{start: s.r.IntN(max(1, s.days/2+1))}
			if s.r.Float64() < 0.6 {
				d.n = s.subs[s.r.IntN(n)].n
			} else {
				d.n = s.external()
			}
			for range 3 + s.r.IntN(8) {
				if s.r.Float64() < 0.5 {
					d.contacts = append(d.contacts, s.subs[s.r.IntN(n)].n)
				} else {
					d.contacts = append(d.contacts, s.external())
				}
			}
			c.debtors = append(c.debtors, d)
		}
		s.class[c.n] = ClassDebt
		s.debts = append(s.debts, c)
	}
	for i := frac(0.0004, 0.0008, 5); i > 0; i-- {
		v := s.subs[s.r.IntN(n)].n
		if _, dup := s.targets[v]; dup {
			continue
		}
		b := &bombing{
			victim:   v,
			start:    s.at(s.r.IntN(s.days), s.uniform(8, 23)),
			span:     s.uniform(4, 30) * 60,
			callers:  25 + s.r.IntN(125),
			answered: s.uniform(0.1, 0.6),
		}
		b.calls = b.callers + s.r.IntN(max(1, 500-b.callers))
		s.targets[v] = b.start
		s.bombings = append(s.bombings, b)
	}
}

func (s *sim) fixedLineOrVirtual() uint64 {
	if s.r.IntN(2) == 0 {
		return s.fixedLine()
	}
	return s.virtual()
}

func (s *sim) virtualOrMobile(pVirtual float64) uint64 {
	if s.r.Float64() < pVirtual {
		return s.virtual()
	}
	return s.mobile()
}

func (s *sim) newRoom(i int) *callRoom {
	r := &callRoom{
		name:       fmt.Sprintf("room-%d", i+1),
		virtual:    s.r.Float64() < 0.6,
		sameBlock:  s.uniform(0, 1),
		seq:        s.r.Float64() < 0.4,
		vacant:     s.uniform(0.1, 0.4),
		answer:     s.uniform(0.12, 0.5),
		hangup:     s.uniform(0.3, 0.7),
		weekends:   s.r.Float64() < 0.4,
		callback:   s.uniform(0.002, 0.03),
		listShare:  s.uniform(0.1, 0.5),
		pitch:      s.uniform(20, 90),
		startHour:  s.uniform(8.5, 10),
		endHour:    s.uniform(17, 20.5),
		lunchBreak: s.r.Float64() < 0.7,
		cursor:     s.mobile() / 10_000 * 10_000,
	}
	// A room with an auto-dialler (half of them) redials most missed
	// numbers up to one to three times; the others try a few once.
	r.retry, r.redials = s.uniform(0, 0.25), 1
	if s.r.Float64() < 0.5 {
		r.retry, r.redials = s.uniform(0.3, 0.9), 1+s.r.IntN(3)
	}
	if s.r.Float64() < 0.6 {
		r.rotate = 1 + s.r.IntN(3)
	}
	agents := 1 + s.r.IntN(5)
	for range agents {
		r.numbers = append(r.numbers, s.roomNumber(r, 0))
		r.perDay = append(r.perDay, math.Min(2000, s.logNormal(600, 0.6)+150))
	}
	return r
}

// roomNumber returns a fresh number for a call room, from the block of
// near (when not zero) with the room's same-block chance.
func (s *sim) roomNumber(r *callRoom, near uint64) uint64 {
	var k uint64
	switch {
	case near != 0 && s.r.Float64() < r.sameBlock:
		k = s.inBlock(near)
	case r.virtual:
		k = s.virtual()
	default:
		k = s.mobile()
	}
	r.used++
	s.class[k] = ClassTelemarketing
	s.campaigns[k] = r.name
	return k
}
