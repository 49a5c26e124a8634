package engine

import (
	"context"
	"strings"

	"ringfence"
	"ringfence/detect"
)

// Observe feeds call records, in stream-time order, to the behaviour
// detector, then stores the flags it raises and makes them verdict signals
// at once. The detector is shared: concurrent callers take turns. A record
// that starts more than ClockSkew in the future is skipped (callers report
// it, see NotFuture): it would anchor detection windows in the future.
func (e *DetectService) Observe(ctx context.Context, cdrs []ringfence.CallRecord) ([]ringfence.Flag, error) {
	latest := e.Now().Add(ClockSkew)
	e.detMu.Lock()
	if e.detector == nil {
		e.detector = detect.New(detect.DefaultConfig())
	}
	var flags []ringfence.Flag
	for _, c := range cdrs {
		if c.StartTime().After(latest) {
			continue
		}
		e.detector.Observe(c, func(f ringfence.Flag) { flags = append(flags, explain(f)) })
	}
	e.detMu.Unlock()
	e.observeCalls(cdrs, latest)
	return flags, e.ApplyFlags(ctx, flags)
}

// DetectorStats reports the detector's state size.
func (e *DetectService) DetectorStats() detect.Stats {
	e.detMu.Lock()
	defer e.detMu.Unlock()
	if e.detector == nil {
		return detect.Stats{}
	}
	return e.detector.Stats()
}

// explain prefixes a flag's first reason with what was detected, so a
// verdict reads "detected telemarketing: 1,240 calls in 24 h, …".
func explain(f ringfence.Flag) ringfence.Flag {
	lead := "detected " + strings.ReplaceAll(string(f.Kind), "_", " ")
	if len(f.Reasons) == 0 {
		f.Reasons = []string{lead}
	} else if !strings.HasPrefix(f.Reasons[0], "detected ") {
		f.Reasons = append([]string{lead + ": " + f.Reasons[0]}, f.Reasons[1:]...)
	}
	return f
}
