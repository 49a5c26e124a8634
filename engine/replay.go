package engine

import (
	"context"
	"time"

	"ringfence"
	"ringfence/screen"
)

// Replay re-decides the calls recorded in [from, to) with today's rules,
// registry and reputation, at each call's own time, and calls fn with the
// recorded call and today's verdict (reused between calls). A subscriber,
// when given, limits the replay to calls to that subscriber. It is the
// policy simulator: what would change if the calls came again.
func (e *Engine) Replay(ctx context.Context, from, to time.Time, subscriber string, fn func(CallEvent, *screen.Verdict) error) error {
	if subscriber != "" {
		var err error
		if subscriber, err = Subscriber(subscriber); err != nil {
			return err
		}
	}
	v := &screen.Verdict{}
	return e.store.Calls(ctx, from, to, func(c CallEvent) error {
		if subscriber != "" && c.Callee != subscriber {
			return nil
		}
		if err := e.Check(v, ringfence.CheckRequest{Caller: c.Caller, Callee: c.Callee, At: c.At}); err != nil {
			return nil // a call recorded without a usable number has nothing to replay
		}
		return fn(c, v)
	})
}
