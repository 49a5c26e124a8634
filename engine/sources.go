package engine

import (
	"context"
	"time"

	"ringfence"
	"ringfence/cdr"
	"ringfence/number"
)

// Observe is ObserveFrom for records that name no account or trunk.
func (e *DetectService) Observe(ctx context.Context, cdrs []ringfence.CallRecord) ([]ringfence.Flag, error) {
	return e.ObserveFrom(ctx, cdrs, nil)
}

// attribute gives a flag raised on record c the account and trunk on c,
// when the flag is its caller's. A call-bombing target is called, not
// calling: its flag names no account.
func attribute(f ringfence.Flag, c ringfence.CallRecord, source func(uint16) cdr.Source) ringfence.Flag {
	if source == nil || c.Source == 0 || f.Kind == ringfence.KindCallBombingTarget {
		return f
	}
	if k, ok := number.Key(f.Number); !ok || k != c.Caller {
		return f
	}
	src := source(c.Source)
	f.Account, f.Trunk = src.Account, src.Trunk
	return f
}

// flagRanger is a store that reads the flags raised in a span by an
// index; others are read whole.
type flagRanger interface {
	FlagsBetween(ctx context.Context, from, to time.Time, fn func(ringfence.Flag) error) error
}

// SourceStats rolls up the flags raised in the month starting at month
// (UTC, as ringfence.ParseMonth gives it) by who carried their calls, the
// brand of the number's range or the holder of a 95/96 number.
func (e *Engine) SourceStats(ctx context.Context, month time.Time, by cdr.By) (cdr.SourceStats, error) {
	end := month.AddDate(0, 1, 0)
	r := cdr.NewRollup(by)
	add := func(f ringfence.Flag) error {
		if !f.FlaggedAt.Before(month) && f.FlaggedAt.Before(end) {
			r.Add(f, 0)
		}
		return nil
	}
	var err error
	if fr, ok := e.store.(flagRanger); ok {
		err = fr.FlagsBetween(ctx, month, end, add)
	} else {
		err = e.store.Flags(ctx, add)
	}
	if err != nil {
		return cdr.SourceStats{}, err
	}
	return cdr.SourceStats{Month: month.Format("2006-01"), By: by, Sources: r.Rows()}, nil
}
