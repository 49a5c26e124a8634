package engine

import (
	"context"
	"time"

	"ringfence"
	"ringfence/detect"
	"ringfence/number"
	"ringfence/screen"
)

// ApplyFlags stores behaviour-detection flags and makes them signals in
// verdicts at once. A flag is never dated after the moment it is applied:
// one dated later (call records within ClockSkew ahead of the engine's
// clock) is dated now, in fs too, so callers report what was stored.
func (e *DetectService) ApplyFlags(ctx context.Context, fs []ringfence.Flag) error {
	if len(fs) == 0 {
		return nil
	}
	now := e.Now()
	for i := range fs {
		if fs[i].FlaggedAt.After(now) {
			fs[i].FlaggedAt = now
		}
	}
	ctx, app := ringfence.WithAppended(ctx)
	if err := e.store.SaveFlags(ctx, fs); err != nil {
		return err
	}
	for i := range fs {
		e.apply(ringfence.Event{Type: ringfence.EventFlag, Flag: &fs[i]})
	}
	e.wrote(app)
	return nil
}

func (e *DetectService) applyFlag(f ringfence.Flag) {
	k, ok := number.Key(f.Number)
	if !ok {
		return
	}
	// A flag dated in the future (a clock or a record gone wrong) counts
	// from now: it must not extend a window past its length.
	b := &screen.Behaviour{Kind: f.Kind, Score: f.Score, Reasons: f.Reasons, At: f.FlaggedAt}
	if now := e.Now(); b.At.After(now) {
		b.At = now
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if f.Kind == ringfence.KindCallBombingTarget {
		e.attacked[k] = b
		return
	}
	if old := e.behave[k]; old == nil || old.Score <= b.Score || old.At.Before(b.At) {
		e.behave[k] = b
	}
}

// SequentialDialler reports whether caller (E.164) was flagged, within
// BehaviourTTL of at, for dialling numbers in sequence: its call to an
// unpublished number says nothing about who disclosed it.
func (e *DetectService) SequentialDialler(caller string, at time.Time) bool {
	k, ok := number.Key(caller)
	if !ok {
		return false
	}
	e.mu.RLock()
	b := e.behave[k]
	e.mu.RUnlock()
	if b == nil || at.Sub(b.At).Abs() >= BehaviourTTL {
		return false
	}
	for _, r := range b.Reasons {
		if detect.SequentialReason(r) {
			return true
		}
	}
	return false
}
