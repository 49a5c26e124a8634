package grid

import (
	"slices"

	"ringfence"
)

// Measured is the behaviour a set of callers shows in call records: what
// the grid table promises, checked against what the generator made.
type Measured struct {
	NumberDays int     // (number, day) pairs with at least one outbound call
	PerDay     float64 // outbound calls per number-day
	Answer     float64 // share of outbound calls answered
	Talk       float64 // median seconds of answered outbound calls
	Prior      float64 // calls in that return no missed call, per outbound call
	Returned   float64 // share of missed calls followed by a call from the callee within 24 hours (one per missed call)
}

// Measure measures the outbound calls of the numbers in who. t0 is the
// midnight days are counted from.
func Measure(calls []ringfence.CallRecord, who map[uint64]bool, t0 int64) Measured {
	type pair struct{ a, b uint64 }
	days := make(map[pair]bool)
	var out, answered int
	var talks []uint32
	missed := make(map[pair][]int64) // caller, callee -> missed call starts
	backs := make(map[pair][]int64)  // callee, caller -> calls back
	for _, c := range calls {
		if who[c.Caller] {
			out++
			days[pair{c.Caller, uint64((c.Start - t0) / 86400)}] = true
			if c.Answered {
				answered++
				talks = append(talks, c.Duration)
			} else {
				missed[pair{c.Caller, c.Callee}] = append(missed[pair{c.Caller, c.Callee}], c.Start)
			}
		}
		if who[c.Callee] {
			backs[pair{c.Callee, c.Caller}] = append(backs[pair{c.Callee, c.Caller}], c.Start)
		}
	}
	var in int
	for _, starts := range backs {
		in += len(starts)
	}
	var m Measured
	m.NumberDays = len(days)
	if m.NumberDays > 0 {
		m.PerDay = float64(out) / float64(m.NumberDays)
	}
	if out > 0 {
		m.Answer = float64(answered) / float64(out)
	}
	if len(talks) > 0 {
		slices.Sort(talks)
		m.Talk = float64(talks[len(talks)/2])
	}
	// Each call back returns at most one missed call: the latest missed
	// call before it, within 24 hours, not yet returned.
	var miss, returned int
	for p, starts := range missed {
		miss += len(starts)
		done := make([]bool, len(starts))
		for _, b := range backs[p] {
			for i := len(starts) - 1; i >= 0; i-- {
				if starts[i] < b && b-starts[i] <= 86400 && !done[i] {
					done[i] = true
					returned++
					break
				}
			}
		}
	}
	if miss > 0 {
		m.Returned = float64(returned) / float64(miss)
	}
	if out > 0 {
		m.Prior = float64(in-returned) / float64(out)
	}
	return m
}
