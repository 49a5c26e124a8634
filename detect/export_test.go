package detect

import "fmt"

// Explain describes the state of a caller, for tests.
func Explain(d *Detector, key uint64) string {
	s := d.callers.get(key)
	if s == nil {
		return "no state"
	}
	f := s.features()
	return fmt.Sprintf("total=%d n=%.0f logit=%.2f kind=%d feats=%+v rng=%d", s.total, s.n, f.logit(s.rng), f.kind(), f, s.rng)
}

// Logit is the current log-odds of a caller.
func Logit(d *Detector, key uint64) (float64, bool) {
	s := d.callers.get(key)
	if s == nil || s.total < uint32(d.cfg.MinCalls) {
		return 0, false
	}
	f := s.features()
	return f.logit(s.rng), true
}
