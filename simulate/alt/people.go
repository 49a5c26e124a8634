package alt

import (
	"math"
	"strconv"
	"time"

	"ringfence/simulate"
)

// person is an ordinary subscriber: family member, friend, colleague;
// some work nights and some are heavy users.
type person struct {
	n        uint64
	family   []uint64 // household members
	friends  []uint64
	clients  []uint64 // heavy users: customers who also call them
	perDay   float64
	pickUp   float64
	returns  float64 // calls back a missed call
	wake     float64 // start of the active window (hours; may pass midnight)
	span     float64 // length of the active window
	heavy    bool
	coldCall float64 // heavy users: share of calls to new leads
}

type courier struct {
	n        uint64
	parcels  float64 // a day
	reach    float64 // answer rate of a first try
	retry    float64 // chance of retrying a missed customer within minutes
	callback float64 // chance a missed customer calls back
	talk     float64 // median talk seconds
	regulars []uint64
	rest     time.Weekday
}

type rider struct {
	n       uint64
	orders  float64 // a day
	reach   float64
	again   float64 // chance of a second call within minutes
	regular []uint64
}

type bank struct {
	n         uint64 // the hotline customers call
	out       uint64 // the line calls go out from: the hotline, or a separate outbound line
	customers []uint64
	inbound   float64 // customer calls a day
	returned  float64 // share of inbound calls returned
	reach     float64
	outreach  float64 // proactive calls a day
	delay     float64 // median seconds before returning a call
}

type line struct {
	n      uint64
	perDay float64
	voice  bool    // automated verification-code voice
	length float64 // verification message seconds
}

type room struct {
	name     string
	numbers  []uint64 // one per seat, current
	pace     []float64
	kind     int // 0 virtual, 1 ordinary mobile, 2 service/400, 3 landline
	list     []uint64
	next     int
	reach    float64
	pitch    float64 // median talk on answered calls
	hangUp   float64 // share of answered calls cut in seconds
	retry    float64 // share of unanswered calls dialled again within minutes
	rotate   int     // days a number is used; 0 never
	block    float64 // chance a new number is from the old one's block
	sundays  bool
	tries    map[uint64]int // unanswered prospects -> attempts so far
	redial   []uint64       // prospects due again
	keen     []followUp
	numbered int
}

type followUp struct {
	n   uint64
	day int
}

type platform struct {
	name     string
	numbers  []uint64
	interval int64 // seconds between calls across the platform
	from, to float64
	days     []bool
	reach    float64
	message  float64
	seq      bool
	cursor   uint64
}

type agency struct {
	n       uint64
	debtors []*debtor
	from    float64
	to      float64
	reach   float64
	push    float64 // calls a day per debtor
}

type debtor struct {
	n        uint64
	contacts []uint64
	from     int // first day pursued
}

type bomb struct {
	victim uint64
	at     int64
	span   float64
	lines  int
}

// build draws the population.
func (w *world) build(n int) {
	w.bombed = make(map[uint64]int64)
	scale := func(share float64, least int) int { return max(least, int(math.Round(float64(n)*share))) }

	w.people = make([]*person, n)
	for i := range w.people {
		p := &person{
			n:       w.mobile(),
			perDay:  math.Min(18, w.lognorm(1.8, 0.75)),
			pickUp:  w.between(0.55, 0.95),
			returns: w.between(0.3, 0.85),
			wake:    w.between(6.5, 9),
			span:    w.between(13, 16),
		}
		if w.chance(0.06) {
			p.n = w.landline()
		} else if w.chance(0.03) {
			p.n = w.virtual() // virtual-operator ranges have ordinary users too
		}
		class := simulate.ClassOrdinary
		switch x := w.r.Float64(); {
		case x < 0.04:
			p.wake, p.span, class = w.between(18, 22), w.between(10, 13), ClassNightShift
		case x < 0.06:
			p.heavy, class = true, ClassHeavyUser
			p.perDay = w.between(50, 100)
			p.pickUp = w.between(0.8, 0.97)
			p.wake, p.span = w.between(8, 9.5), w.between(10, 12)
			p.coldCall = w.between(0.08, 0.25)
		}
		w.who[p.n] = member{class: class}
		w.people[i] = p
	}
	// Households of two to five among most people.
	for i := 0; i < n; {
		size := 1 + w.r.IntN(5)
		if w.chance(0.35) {
			size = 1
		}
		group := w.people[i:min(n, i+size)]
		for _, a := range group {
			for _, b := range group {
				if a != b {
					a.family = append(a.family, b.n)
				}
			}
			if len(group) > 1 && w.who[a.n].class == simulate.ClassOrdinary {
				w.who[a.n] = member{class: ClassFamily}
			}
		}
		i += size
	}
	for _, p := range w.people {
		for range 3 + w.r.IntN(20) {
			if w.chance(0.35) {
				p.friends = append(p.friends, w.stranger())
				continue
			}
			q := w.people[w.r.IntN(n)]
			if q != p {
				p.friends = append(p.friends, q.n)
				q.friends = append(q.friends, p.n)
			}
		}
		if p.heavy {
			for range 250 + w.r.IntN(400) {
				if w.chance(0.2) {
					p.clients = append(p.clients, w.people[w.r.IntN(n)].n)
				} else {
					p.clients = append(p.clients, w.stranger())
				}
			}
		}
	}

	for range scale(w.between(0.008, 0.014), 5) {
		c := &courier{
			n:        w.mobile(),
			parcels:  w.between(50, 150),
			reach:    w.between(0.4, 0.62),
			retry:    w.between(0.4, 0.8),
			callback: w.between(0.02, 0.12),
			talk:     w.between(8, 22),
			rest:     time.Weekday(w.r.IntN(7)),
		}
		for range 30 + w.r.IntN(60) {
			c.regulars = append(c.regulars, w.customer())
		}
		w.who[c.n] = member{class: simulate.ClassCourier}
		w.couriers = append(w.couriers, c)
	}
	for range scale(w.between(0.008, 0.014), 5) {
		r := &rider{
			n:      w.mobile(),
			orders: w.between(30, 80),
			reach:  w.between(0.6, 0.9),
			again:  w.between(0.3, 0.7),
		}
		if w.chance(0.15) {
			r.n = w.virtual() // cheap plans for work phones
		}
		for range 20 + w.r.IntN(30) {
			r.regular = append(r.regular, w.customer())
		}
		w.who[r.n] = member{class: simulate.ClassRider}
		w.riders = append(w.riders, r)
	}
	for range scale(w.between(0.0004, 0.0008), 3) {
		b := &bank{
			n:        w.serviceLine(),
			inbound:  w.between(150, 1500),
			returned: w.between(0.25, 0.6),
			reach:    w.between(0.35, 0.6),
			outreach: w.between(0, 120),
			delay:    w.between(1200, 10800),
		}
		for range 2000 {
			b.customers = append(b.customers, w.customer())
		}
		b.out = b.n
		if w.chance(0.5) { // calls go out from a line of their own
			if w.chance(0.5) {
				b.out = w.landline()
			} else {
				b.out = w.serviceLine()
			}
		}
		w.who[b.n] = member{class: simulate.ClassServiceCentre}
		w.who[b.out] = member{class: simulate.ClassServiceCentre}
		w.banks = append(w.banks, b)
	}
	for range 150 + n/25 {
		l := &line{
			perDay: math.Min(400, w.lognorm(6, 1.2)),
			voice:  w.chance(0.6),
			length: w.between(12, 30),
		}
		switch x := w.r.Float64(); {
		case x < 0.5:
			l.n = w.serviceLine()
		case x < 0.8:
			l.n = w.landline()
		default:
			l.n = w.mobile()
		}
		w.who[l.n] = member{class: simulate.ClassCallbackLine}
		w.lines = append(w.lines, l)
	}
	for i := range scale(w.between(0.0008, 0.0014), 3) {
		w.rooms = append(w.rooms, w.newRoom(i))
	}
	for i := range scale(w.between(0.0002, 0.0004), 2) {
		p := &platform{
			name:     "platform-" + strconv.Itoa(i+1),
			interval: int64(3 + w.r.IntN(10)),
			from:     w.between(8.5, 10),
			to:       w.between(17, 21),
			reach:    w.between(0.08, 0.3),
			message:  w.between(18, 45),
			seq:      w.chance(0.3),
			cursor:   w.stranger() / 10000 * 10000,
		}
		if w.chance(0.25) {
			p.from, p.to = 0, 24
		}
		kind := w.r.IntN(3)
		for range 2 + w.r.IntN(5) {
			var k uint64
			switch kind {
			case 0:
				k = w.virtual()
			case 1:
				k = w.mobile()
			default:
				k = w.serviceLine()
			}
			p.numbers = append(p.numbers, k)
			w.who[k] = member{class: simulate.ClassRobocall, campaign: p.name}
		}
		p.days = make([]bool, w.days)
		startDay := w.r.IntN(max(1, w.days/2+1))
		for d := startDay; d < w.days; d++ {
			p.days[d] = d == startDay || w.chance(0.8)
		}
		w.platforms = append(w.platforms, p)
	}
	for range scale(w.between(0.0006, 0.001), 3) {
		a := &agency{
			from:  w.between(8, 9.5),
			to:    w.between(19, 21.5),
			reach: w.between(0.15, 0.35),
			push:  w.between(4, 12),
		}
		switch x := w.r.Float64(); {
		case x < 0.45:
			a.n = w.mobile()
		case x < 0.8:
			a.n = w.virtual()
		default:
			a.n = w.landline()
		}
		for range 5 + w.r.IntN(12) {
			d := &debtor{from: w.r.IntN(max(1, w.days))}
			if w.chance(0.5) {
				d.from = 0
			}
			d.n = w.customer()
			for range 3 + w.r.IntN(8) {
				d.contacts = append(d.contacts, w.customer())
			}
			a.debtors = append(a.debtors, d)
		}
		w.who[a.n] = member{class: simulate.ClassDebt}
		w.agencies = append(w.agencies, a)
	}
	for range scale(w.between(0.0004, 0.0008), 3) {
		b := &bomb{
			victim: w.people[w.r.IntN(n)].n,
			at:     w.clock(w.r.IntN(w.days), w.between(7, 23.5)),
			span:   w.between(2, 12) * 60,
			lines:  150 + w.r.IntN(350),
		}
		if _, dup := w.bombed[b.victim]; dup {
			continue
		}
		w.bombed[b.victim] = b.at
		w.bombs = append(w.bombs, b)
	}
}

// customer is someone a business calls: a subscriber of the population
// or a stranger.
func (w *world) customer() uint64 {
	if w.chance(0.45) {
		return w.people[w.r.IntN(len(w.people))].n
	}
	return w.stranger()
}

func (w *world) newRoom(i int) *room {
	r := &room{
		name:    "room-" + strconv.Itoa(i+1),
		reach:   w.between(0.15, 0.4),
		pitch:   w.between(40, 90),
		hangUp:  w.between(0.05, 0.2),
		block:   w.between(0, 0.8),
		sundays: w.chance(0.2),
		tries:   make(map[uint64]int),
	}
	r.retry = w.between(0, 0.2)
	switch x := w.r.Float64(); {
	case x < 0.5:
		r.kind = 0
	case x < 0.75:
		r.kind = 1
	case x < 0.9:
		r.kind = 2
	default:
		r.kind = 3
	}
	if w.chance(0.7) {
		r.rotate = 1 + w.r.IntN(4)
	}
	seats := 2 + w.r.IntN(6)
	for range seats {
		r.numbers = append(r.numbers, w.seatNumber(r, 0))
		r.pace = append(r.pace, math.Max(135, math.Min(1500, w.lognorm(380, 0.5))))
	}
	// A bought list: a fifth of it the carrier's own subscribers.
	for range 4000 + w.r.IntN(8000) {
		if w.chance(0.2) {
			r.list = append(r.list, w.people[w.r.IntN(len(w.people))].n)
		} else {
			r.list = append(r.list, w.stranger())
		}
	}
	return r
}

func (w *world) seatNumber(r *room, old uint64) uint64 {
	var k uint64
	switch {
	case old != 0 && w.chance(r.block):
		k = w.near(old)
	case r.kind == 0:
		k = w.virtual()
	case r.kind == 1:
		k = w.mobile()
	case r.kind == 2:
		k = w.serviceLine()
	default:
		k = w.landline()
	}
	r.numbered++
	w.who[k] = member{class: simulate.ClassTelemarketing, campaign: r.name}
	return k
}
