package detect

import "fmt"

// Explain describes the state of a caller, for tests.
func Explain(d *Detector, key uint64) string {
	s := d.callers.get(key)
	if s == nil {
		return "no state"
	}
	f := s.features(d.rel(d.now))
	return fmt.Sprintf("total=%d n=%.0f logit=%.2f kind=%d rng=%d lattice=%d/%d mode=%d/%.2f %+v", s.total, s.n, s.logit(d.model, &f), s.kind(d.model, &f), s.rng, s.lattice, s.latticeRun, s.modeDur, s.modeShare, f)
}

// Logit is the current log-odds of a caller.
func Logit(d *Detector, key uint64) (float64, bool) {
	s := d.callers.get(key)
	if s == nil || s.total < d.minCalls {
		return 0, false
	}
	if s.rng == rangeUnknown {
		s.rng = rangeOf(s.key)
	}
	f := s.features(d.rel(d.now))
	if f.distinct < minPeople {
		return -20, true
	}
	return s.logit(d.model, &f), true
}
