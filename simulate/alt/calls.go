package alt

import (
	"math"
	"time"
)

// within returns a local time of day d inside a window of span hours from
// wake (which may pass midnight), weighted to the window's middle.
func (w *world) within(d int, wake, span float64) int64 {
	x := (w.r.Float64() + w.r.Float64()) / 2
	return w.clock(d, wake+x*span)
}

// reply places a's call to b; when b misses it, b may call back.
func (w *world) reply(a, b uint64, at int64, pickUp float64, talk uint32, back float64, delay float64) bool {
	ok := w.chance(pickUp)
	w.call(a, b, at, ok, talk)
	if !ok && w.chance(back) {
		w.call(b, a, at+int64(w.lognorm(delay, 1))+20, w.chance(0.85), w.secs(50, 0.9, 4, 1200))
	}
	return ok
}

func (w *world) personCalls(p *person) {
	for d := range w.days {
		if p.heavy {
			w.heavyDay(p, d)
			continue
		}
		for range w.count(p.perDay) {
			at := w.within(d, p.wake, p.span)
			switch x := w.r.Float64(); {
			case x < 0.45 && len(p.family) > 0:
				to := p.family[w.r.IntN(len(p.family))]
				w.reply(p.n, to, at, 0.85, w.secs(150, 1, 5, 3600), 0.75, 400)
			case x < 0.93 && len(p.friends) > 0:
				to := p.friends[w.r.IntN(len(p.friends))]
				w.reply(p.n, to, at, p.pickUp, w.secs(90, 1, 3, 3600), p.returns, 900)
			case x < 0.96 && len(w.banks) > 0: // calls the bank
				b := w.banks[w.r.IntN(len(w.banks))]
				w.call(p.n, b.n, at, w.chance(0.92), w.secs(200, 0.6, 20, 2400))
			default: // a shop, a stranger, a wrong number
				w.reply(p.n, w.stranger(), at, 0.6, w.secs(45, 1, 3, 900), 0.3, 600)
			}
		}
	}
}

// heavyDay: a sales person's day, mostly calls with existing clients in
// both directions, some to new leads.
func (w *world) heavyDay(p *person, d int) {
	if wd := w.weekday(d); wd == time.Sunday && w.chance(0.7) {
		return
	}
	out := w.count(p.perDay)
	for range out {
		at := w.within(d, p.wake, p.span)
		if w.chance(p.coldCall) {
			w.reply(p.n, w.stranger(), at, 0.45, w.secs(60, 0.8, 3, 900), 0.1, 1800)
			continue
		}
		c := p.clients[w.r.IntN(len(p.clients))]
		w.reply(p.n, c, at, p.pickUp, w.secs(120, 0.9, 5, 2400), 0.6, 1200)
	}
	// Clients and family call in.
	for range w.count(p.perDay * 0.4) {
		c := p.clients[w.r.IntN(len(p.clients))]
		w.call(c, p.n, w.within(d, p.wake, p.span), w.chance(0.85), w.secs(120, 0.9, 5, 2400))
	}
	for range w.count(1.5) {
		if len(p.family) > 0 {
			w.reply(p.n, p.family[w.r.IntN(len(p.family))], w.within(d, p.wake+p.span-2, 4), 0.9, w.secs(200, 0.8, 10, 3600), 0.8, 300)
		}
	}
}

func (w *world) courierCalls(c *courier) {
	for d := range w.days {
		if w.weekday(d) == c.rest {
			continue
		}
		parcels := w.count(c.parcels)
		for i := range parcels {
			// Two delivery rounds: morning and afternoon.
			h := w.between(8.5, 12)
			if i%2 == 1 {
				h = w.between(13.5, 19)
			}
			at := w.clock(d, h)
			to := w.customer()
			if w.chance(0.12) {
				to = c.regulars[w.r.IntN(len(c.regulars))]
			}
			if w.chance(0.05) { // the customer asks where the parcel is
				w.call(to, c.n, at-int64(w.between(600, 7200)), true, w.secs(25, 0.6, 4, 300))
			}
			if w.chance(c.reach) {
				w.call(c.n, to, at, true, w.secs(c.talk, 0.6, 3, 180))
				continue
			}
			w.call(c.n, to, at, false, 0)
			reached := false
			for try := 0; try < 2 && w.chance(c.retry*(1-0.4*float64(try))); try++ {
				at += int64(w.between(40, 300))
				if reached = w.chance(c.reach); reached {
					w.call(c.n, to, at, true, w.secs(c.talk, 0.6, 3, 180))
					break
				}
				w.call(c.n, to, at, false, 0)
			}
			if !reached && w.chance(c.callback) {
				w.call(to, c.n, at+int64(w.lognorm(1500, 1))+30, true, w.secs(30, 0.6, 4, 300))
			}
		}
	}
}

func (w *world) riderCalls(r *rider) {
	for d := range w.days {
		for range w.count(r.orders) {
			h := 11 + 1.2*w.r.NormFloat64()
			if w.chance(0.55) {
				h = 18 + 1.3*w.r.NormFloat64()
			}
			at := w.clock(d, math.Max(7, math.Min(23.5, h)))
			to := w.customer()
			if w.chance(0.15) {
				to = r.regular[w.r.IntN(len(r.regular))]
			}
			w.call(r.n, to, at, w.chance(r.reach), w.secs(12, 0.6, 2, 120))
			// At the door or the gate: call again, sometimes twice.
			for k := 0; k < 2 && w.chance(r.again/float64(k+1)); k++ {
				at += int64(w.between(30, 360))
				w.call(r.n, to, at, w.chance(r.reach), w.secs(10, 0.6, 2, 90))
			}
			if w.chance(0.06) { // the customer calls the rider
				w.call(to, r.n, at+int64(w.between(60, 900)), true, w.secs(15, 0.6, 3, 120))
			}
		}
	}
}

func (w *world) bankCalls(b *bank) {
	for d := range w.days {
		for range w.count(b.inbound) {
			cust := b.customers[w.r.IntN(len(b.customers))]
			at := w.clock(d, w.between(8, 21.5))
			w.call(cust, b.n, at, w.chance(0.9), w.secs(220, 0.7, 15, 3000))
			if !w.chance(b.returned) {
				continue
			}
			back := at + int64(w.lognorm(b.delay, 0.9))
			for try := 0; try < 3; try++ {
				if w.reply(b.out, cust, back, b.reach, w.secs(150, 0.8, 10, 2400), 0.15, 1200) {
					break
				}
				back += int64(w.between(1800, 7200))
			}
		}
		for range w.count(b.outreach) {
			cust := b.customers[w.r.IntN(len(b.customers))]
			w.reply(b.out, cust, w.clock(d, w.between(9, 18)), b.reach*0.9, w.secs(70, 0.7, 8, 900), 0.05, 1800)
		}
	}
}

func (w *world) lineCalls(l *line) {
	for d := range w.days {
		for range w.count(l.perDay) {
			at := w.clock(d, w.between(7, 23))
			talk := w.secs(100, 0.7, 5, 1500)
			if l.voice {
				talk = uint32(l.length)
			}
			w.reply(l.n, w.customer(), at, 0.8, talk, 0.02, 600)
		}
	}
}

// roomCalls: every seat works the bought list in random order during
// office hours, redials unanswered prospects on later days (three
// refusals before giving up) and follows up keen ones.
func (w *world) roomCalls(r *room) {
	for d := range w.days {
		wd := w.weekday(d)
		if wd == time.Sunday && !r.sundays {
			continue
		}
		if r.rotate > 0 && d > 0 && d%r.rotate == 0 {
			for i, old := range r.numbers {
				r.numbers[i] = w.seatNumber(r, old)
			}
		}
		due := r.redial
		r.redial = nil
		keen := r.keen[:0]
		for _, f := range r.keen {
			if f.day <= d {
				due = append(due, f.n)
			} else {
				keen = append(keen, f)
			}
		}
		r.keen = keen
		for seat, n := range r.numbers {
			quota := r.pace[seat] * w.between(0.8, 1.15)
			if wd == time.Saturday {
				quota *= 0.6
			}
			// 6.5 working hours; spread the quota over them.
			gap := 6.5 * 3600 / quota
			at := float64(w.clock(d, 9+w.between(-0.1, 0.25)))
			lunch, back, close := float64(w.clock(d, 12)), float64(w.clock(d, 13.5)), float64(w.clock(d, 18+w.between(-0.2, 0.3)))
			for made := 0; made < int(quota) && at < close; made++ {
				if at >= lunch && at < back {
					at = back + w.between(0, 300)
				}
				var to uint64
				if len(due) > 0 && w.chance(0.3) {
					to, due = due[len(due)-1], due[:len(due)-1]
				} else {
					to = r.list[r.next%len(r.list)]
					r.next++
				}
				spent := w.between(18, 35)
				if w.chance(r.reach) {
					talk := w.secs(r.pitch, 0.35, 10, 600)
					if w.chance(r.hangUp) {
						talk = uint32(w.between(2, 9))
					}
					w.call(n, to, int64(at), true, talk)
					spent = float64(talk) + w.between(5, 40)
					if talk > 50 && w.chance(0.35) { // tagged B: call again
						r.keen = append(r.keen, followUp{n: to, day: d + 1 + w.r.IntN(3)})
					}
				} else {
					w.call(n, to, int64(at), false, 0)
					if w.chance(r.retry) { // the dialler tries again a few minutes on
						again := int64(at) + int64(w.between(90, 480))
						if w.chance(r.reach) {
							w.call(n, to, again, true, w.secs(r.pitch, 0.35, 10, 600))
						} else {
							w.call(n, to, again, false, 0)
						}
					}
					if w.chance(0.015) { // who was that?
						w.call(to, n, int64(at)+int64(w.lognorm(1200, 1))+30, true, w.secs(12, 0.6, 2, 120))
					}
					if r.tries[to]++; r.tries[to] < 3 {
						r.redial = append(r.redial, to)
					}
				}
				at += math.Max(spent, gap*w.between(0.5, 1.5))
			}
		}
		// Unreached prospects left over wait for tomorrow.
		r.redial = append(r.redial, due...)
		if len(r.redial) > 3000 {
			r.redial = r.redial[len(r.redial)-3000:]
		}
	}
}

// platformCalls: a robocall platform places a call every interval
// seconds, round-robin over its numbers.
func (w *world) platformCalls(p *platform) {
	for d := range w.days {
		if !p.days[d] {
			continue
		}
		start, stop := w.clock(d, p.from), w.clock(d, p.to)
		i := 0
		for at := start; at < stop; at += p.interval {
			n := p.numbers[i%len(p.numbers)]
			i++
			var to uint64
			if p.seq {
				p.cursor += 1 + uint64(w.r.IntN(3))
				to = p.cursor
			} else {
				to = w.customer()
			}
			if !w.chance(p.reach) {
				w.call(n, to, at, false, 0)
				continue
			}
			talk := uint32(p.message)
			if w.chance(0.6) {
				talk = uint32(math.Min(p.message, w.lognorm(6, 0.6)+1))
			}
			w.call(n, to, at, true, talk)
		}
	}
}

// agencyCalls: a collector calls each debtor several times a day, in
// clusters a few minutes apart, and some of the debtor's contacts.
func (w *world) agencyCalls(a *agency) {
	for d := range w.days {
		if w.weekday(d) == time.Sunday && w.chance(0.5) {
			continue
		}
		for _, db := range a.debtors {
			if d < db.from {
				continue
			}
			calls := w.count(a.push * (1 + 0.2*float64(d-db.from)))
			for calls > 0 {
				at := w.clock(d, w.between(a.from, a.to))
				burst := min(calls, 1+w.r.IntN(3))
				for k := range burst {
					p := a.reach * math.Pow(0.85, float64(k))
					w.reply(a.n, db.n, at, p, w.secs(40, 0.8, 3, 900), 0.04, 1800)
					at += int64(w.between(60, 600))
				}
				calls -= burst
			}
			if w.chance(0.5) {
				for range 1 + w.r.IntN(4) {
					c := db.contacts[w.r.IntN(len(db.contacts))]
					w.reply(a.n, c, w.clock(d, w.between(a.from, a.to)), 0.5, w.secs(35, 0.8, 3, 600), 0.06, 1800)
				}
			}
		}
	}
}

// bombCalls: a bombing service submits the victim's number to hundreds of
// businesses' callback forms; each line calls once or twice within
// minutes.
func (w *world) bombCalls(b *bomb) {
	n := min(b.lines, len(w.lines))
	order := w.r.Perm(len(w.lines))[:n]
	for i, li := range order {
		l := w.lines[li]
		at := b.at + int64(float64(i)/float64(n)*b.span) + w.r.Int64N(20)
		if i == 0 {
			at = b.at
		}
		pick := 0.5
		if i > 10 {
			pick = 0.08
		}
		talk := w.secs(6, 0.6, 1, 40)
		if l.voice {
			talk = uint32(math.Min(l.length, float64(talk)))
		}
		w.call(l.n, b.victim, at, w.chance(pick), talk)
		if w.chance(0.3) {
			w.call(l.n, b.victim, at+int64(w.between(20, 120)), w.chance(0.05), 3)
		}
	}
}
