package simulate

import (
	"ringfence"

	"math"
	"slices"
	"time"
)

// day generates the calls of day d for everyone.
func (s *sim) day(d int) {
	weekday := time.Unix(s.at(d, 12), 0).In(CST).Weekday()
	weekend := weekday == time.Saturday || weekday == time.Sunday
	for _, sub := range s.subs {
		s.ordinary(sub, d)
	}
	for _, c := range s.couriers {
		s.courierDay(c, d)
	}
	for _, c := range s.centres {
		s.centreDay(c, d)
	}
	for _, l := range s.lines {
		s.lineDay(l, d)
	}
	for _, r := range s.rooms {
		if !weekend || r.weekends {
			s.roomDay(r, d)
		}
	}
	for _, b := range s.robots {
		s.robotDay(b, d)
	}
	for _, c := range s.debts {
		s.collectorDay(c, d)
	}
	for _, b := range s.bombings {
		if b.start >= s.at(d, 0) && b.start < s.at(d+1, 0) {
			s.bomb(b)
		}
	}
}

func (s *sim) talk(median, sigma, lo, hi float64) uint32 {
	return uint32(math.Max(lo, math.Min(hi, s.logNormal(median, sigma))))
}

// answerOrCallBack places a call from a to b answered with probability p;
// when it is missed, b calls back with probability back after a delay.
func (s *sim) answerOrCallBack(a, b uint64, t int64, p float64, talk uint32, back float64) bool {
	ans := s.r.Float64() < p
	s.add(ringfence.CallRecord{Caller: a, Callee: b, Start: t, Duration: talk, Answered: ans})
	if !ans && s.r.Float64() < back {
		dt := int64(s.logNormal(600, 1.2)) + 30
		s.add(ringfence.CallRecord{Caller: b, Callee: a, Start: t + dt, Duration: s.talk(40, 0.8, 3, 1800), Answered: s.r.Float64() < 0.9})
	}
	return ans
}

func (s *sim) ordinary(sub *subscriber, d int) {
	k := s.poisson(sub.rate)
	for range k {
		t := s.at(d, s.dayHour())
		switch x := s.r.Float64(); {
		case x < 0.02 && len(s.centres) > 0: // a customer calls a service centre
			c := s.centres[s.r.IntN(len(s.centres))]
			s.add(ringfence.CallRecord{Caller: sub.n, Callee: c.n, Start: t, Duration: s.talk(150, 0.7, 10, 3600), Answered: s.r.Float64() < 0.95})
			if s.r.Float64() < c.callback {
				s.answerOrCallBack(c.n, sub.n, t+int64(s.logNormal(c.returnDelay, 0.8)), c.answer, s.talk(150, 0.7, 5, 3600), 0.3)
			}
		case x < 0.02+sub.stranger || len(sub.contacts) == 0:
			s.answerOrCallBack(sub.n, s.external(), t, 0.7, s.talk(80, 1, 3, 3600), 0.3)
		default:
			callee := sub.contacts[s.r.IntN(len(sub.contacts))]
			s.answerOrCallBack(sub.n, callee, t, sub.answer, s.talk(70, 1, 3, 3600), sub.callback)
		}
	}
}

func (s *sim) customer() uint64 {
	if s.r.Float64() < 0.6 {
		return s.subs[s.r.IntN(len(s.subs))].n
	}
	return s.external()
}

func (s *sim) courierDay(c *courier, d int) {
	if s.r.Float64() < c.offDay {
		return
	}
	k := int(c.perDay * s.uniform(0.75, 1.2))
	for range k {
		h := s.uniform(c.from, c.to)
		if c.rider && s.r.Float64() < 0.6 { // meal peaks
			h = 12 + s.r.NormFloat64()*0.8
			if s.r.IntN(2) == 0 {
				h = 18.5 + s.r.NormFloat64()*0.9
			}
		}
		t := s.at(d, h)
		cust := s.customer()
		if s.r.Float64() < 0.08 { // the customer asked first
			s.add(ringfence.CallRecord{Caller: cust, Callee: c.n, Start: t - int64(s.uniform(300, 7200)), Duration: s.talk(30, 0.6, 3, 600), Answered: true})
		}
		if !s.answerOrCallBack(c.n, cust, t, c.answer, s.talk(c.talk, 0.5, 3, 300), c.callback) && s.r.Float64() < 0.5 {
			s.add(ringfence.CallRecord{Caller: c.n, Callee: cust, Start: t + int64(s.uniform(60, 900)), Duration: s.talk(c.talk, 0.5, 3, 300), Answered: s.r.Float64() < c.answer})
		}
	}
}

func (s *sim) centreDay(c *centre, d int) {
	for range s.poisson(c.externalIn) {
		cust := s.external()
		t := s.at(d, s.uniform(8, 21))
		s.add(ringfence.CallRecord{Caller: cust, Callee: c.n, Start: t, Duration: s.talk(180, 0.7, 10, 3600), Answered: true})
		if s.r.Float64() < c.callback {
			s.answerOrCallBack(c.n, cust, t+int64(s.logNormal(c.returnDelay, 0.8)), c.answer, s.talk(150, 0.7, 5, 3600), 0.3)
		}
	}
	for range s.poisson(c.proactive) {
		s.answerOrCallBack(c.n, s.customer(), s.at(d, s.uniform(9, 18)), c.answer, s.talk(90, 0.7, 5, 1800), 0.2)
	}
}

func (s *sim) lineDay(l *callbackLine, d int) {
	for range s.poisson(l.perDay) {
		t := s.at(d, s.dayHour())
		talk := s.talk(120, 0.6, 5, 1800)
		back := 0.05
		if l.verify {
			talk = uint32(l.msg + s.uniform(-1, 1))
			back = 0.01
		}
		s.answerOrCallBack(l.n, s.customer(), t, l.answer, talk, back)
	}
}

// nextListNumber returns the next number a call room dials and whether it
// is vacant.
func (s *sim) nextListNumber(r *callRoom) (uint64, bool) {
	if r.seq {
		r.cursor += 1 + uint64(s.r.IntN(2))
		return r.cursor, s.r.Float64() < r.vacant
	}
	if s.r.Float64() < r.listShare {
		return s.subs[s.r.IntN(len(s.subs))].n, false
	}
	return s.external(), s.r.Float64() < r.vacant/3
}

func (s *sim) roomDay(r *callRoom, d int) {
	if r.rotate > 0 && d > 0 && d%r.rotate == 0 {
		for i, n := range r.numbers {
			r.numbers[i] = s.roomNumber(r, n)
		}
	}
	due := r.followups[:0]
	var today []uint64
	for _, f := range r.followups {
		if f.day <= d {
			today = append(today, f.n)
		} else {
			due = append(due, f)
		}
	}
	r.followups = due
	for i, n := range r.numbers {
		target := r.perDay[i] * s.uniform(0.7, 1.2)
		work := (r.endHour - r.startHour) * 3600
		if r.lunchBreak {
			work -= 5400
		}
		budget := work / target // seconds per call
		t := float64(s.at(d, r.startHour+s.uniform(-0.3, 0.3)))
		end := float64(s.at(d, r.endHour+s.uniform(-0.3, 0.3)))
		lunch := float64(s.at(d, 12))
		for calls := 0; calls < int(target) && t < end; calls++ {
			if r.lunchBreak && t >= lunch && t < lunch+5400 {
				t = lunch + 5400 + s.uniform(0, 600)
			}
			var callee uint64
			vacant := false
			if len(today) > 0 && (i == 0 || s.r.IntN(len(r.numbers)) == 0) {
				callee, today = today[len(today)-1], today[:len(today)-1]
			} else {
				callee, vacant = s.nextListNumber(r)
			}
			c := ringfence.CallRecord{Caller: n, Callee: callee, Start: int64(t)}
			spent := s.uniform(15, 40) // ringing
			if !vacant && s.r.Float64() < r.answer {
				c.Answered = true
				if s.r.Float64() < r.hangup {
					c.Duration = uint32(s.uniform(1, 10))
				} else {
					c.Duration = s.talk(r.pitch, 0.8, 10, 900)
					if s.r.Float64() < 0.3 { // tagged B: call again
						r.followups = append(r.followups, followup{n: callee, day: d + 1 + s.r.IntN(3)})
					}
				}
				spent = float64(c.Duration) + s.uniform(3, 8)
			} else if vacant {
				spent = s.uniform(3, 10)
			} else if s.r.Float64() < r.callback {
				s.add(ringfence.CallRecord{Caller: callee, Callee: n, Start: c.Start + int64(s.logNormal(900, 1)), Duration: s.talk(15, 0.7, 2, 300), Answered: true})
			}
			if !c.Answered && !vacant && s.r.Float64() < r.retry {
				// The dialler tries the missed number again a few minutes
				// on, up to its number of redials or until answered.
				at := c.Start
				for range r.redials {
					at += int64(s.uniform(60, 600))
					again := ringfence.CallRecord{Caller: n, Callee: callee, Start: at}
					if s.r.Float64() < r.answer {
						again.Answered, again.Duration = true, s.talk(r.pitch, 0.8, 10, 900)
					}
					s.add(again)
					if again.Answered {
						break
					}
				}
			}
			s.add(c)
			// Keep to the day's target: the rest of the budget goes on
			// notes and picking the next number.
			t += spent + s.logNormal(0.6*math.Max(2, budget-spent*0.5), 1)
		}
	}
	if len(r.followups) > 5000 {
		r.followups = slices.Delete(r.followups, 0, len(r.followups)-5000)
	}
}

func (s *sim) robotDay(b *robot, d int) {
	for ch := 0; ch < b.channels; ch++ {
		t := float64(s.at(d, b.from)) + s.uniform(0, b.cadence)
		end := float64(s.at(d, b.to))
		for t < end {
			var callee uint64
			if b.seq {
				b.cursor++
				callee = b.cursor
			} else {
				callee = s.customer()
			}
			c := ringfence.CallRecord{Caller: b.n, Callee: callee, Start: int64(t)}
			if s.r.Float64() < b.answer {
				c.Answered = true
				if s.r.Float64() < 0.7 {
					c.Duration = uint32(s.uniform(1, b.msg))
				} else {
					c.Duration = uint32(b.msg)
				}
			}
			s.add(c)
			t += b.cadence * math.Max(0.2, 1+b.jitter*s.r.NormFloat64())
		}
	}
}

func (s *sim) collectorDay(c *collector, d int) {
	for _, db := range c.debtors {
		if d < db.start {
			continue
		}
		k := min(20, int(math.Round(1+c.escal*float64(d-db.start)))+s.poisson(1.5))
		for j := range k {
			t := s.at(d, s.uniform(c.from, c.to))
			p := c.answer * math.Pow(0.9, float64(j))
			// A missed call is tried again within minutes, twice at most.
			for try := 0; !s.answerOrCallBack(c.n, db.n, t, p, s.talk(45, 0.8, 3, 900), 0.03) && try < 2 && s.r.Float64() < c.retry; try++ {
				t += int64(s.uniform(60, 300))
			}
		}
		if len(db.contacts) > 0 && s.r.Float64() < 0.6 {
			for range 1 + s.r.IntN(3) {
				who := db.contacts[s.r.IntN(len(db.contacts))]
				s.answerOrCallBack(c.n, who, s.at(d, s.uniform(c.from, c.to)), 0.5, s.talk(35, 0.7, 3, 600), 0.05)
			}
		}
	}
}

func (s *sim) bomb(b *bombing) {
	callers := make([]uint64, 0, b.callers)
	for _, l := range s.lines {
		if len(callers) < b.callers/2 {
			callers = append(callers, l.n)
		}
	}
	for len(callers) < b.callers {
		k := s.external()
		s.class[k] = ClassBombingSource
		callers = append(callers, k)
	}
	for i := range b.calls {
		caller := callers[i%len(callers)]
		if i >= len(callers) {
			caller = callers[s.r.IntN(len(callers))]
		}
		frac := float64(i) / float64(b.calls)
		t := b.start + int64(frac*b.span+s.uniform(0, 5))
		if i == 0 {
			t = b.start
		}
		ans := s.r.Float64() < b.answered*(1-frac)+0.03
		s.add(ringfence.CallRecord{Caller: caller, Callee: b.victim, Start: t, Duration: uint32(s.uniform(1, 15)), Answered: ans})
	}
}
