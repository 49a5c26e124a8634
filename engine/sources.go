package engine

import (
	"context"
	"time"

	"ringfence"
	"ringfence/number"
)

// Observe is ObserveFrom for records that name no account or trunk.
func (e *DetectService) Observe(ctx context.Context, cdrs []ringfence.CallRecord) ([]ringfence.Flag, error) {
	return e.ObserveFrom(ctx, cdrs, nil)
}

// attribute gives a flag raised on record c the account and trunk that
// source names for c, when the flag is its caller's. A call-bombing target
// is called, not calling: its flag names no account.
func attribute(f ringfence.Flag, c ringfence.CallRecord, source func(uint16) (account, trunk string)) ringfence.Flag {
	if source == nil || c.Source == 0 || f.Kind == ringfence.KindCallBombingTarget {
		return f
	}
	if k, ok := number.Key(f.Number); !ok || k != c.Caller {
		return f
	}
	f.Account, f.Trunk = source(c.Source)
	return f
}

// FlagsRaised calls fn for each stored flag raised in [from, to) (a number
// flagged again counts at its latest flag), for the roll-ups of
// GET /v1/stats/sources.
func (e *Engine) FlagsRaised(ctx context.Context, from, to time.Time, fn func(ringfence.Flag) error) error {
	return e.store.FlagsBetween(ctx, from, to, fn)
}
