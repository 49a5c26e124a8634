package engine

import (
	"context"

	"ringfence/alias"
	"ringfence/ledger"
)

// ledgerDisclosures records the engine's alias bindings and leak events in
// the disclosure ledger (it implements engine.Disclosures): connect it with
// e.SetDisclosures(LedgerDisclosures(l)). The subscriber's number is kept
// in the ledger only as a keyed fingerprint.
type ledgerDisclosures struct{ l *ledger.Log }

// LedgerDisclosures records alias bindings and leak events in l.
func LedgerDisclosures(l *ledger.Log) Disclosures { return ledgerDisclosures{l} }

func (d ledgerDisclosures) AliasBound(ctx context.Context, b alias.Binding) (int64, error) {
	sub := ""
	if b.Subscriber != "" {
		sub = d.l.Fingerprint("subscriber", b.Subscriber)
	}
	return d.l.BindAlias(ctx, ledger.AliasBinding{
		Alias: b.Alias, Subscriber: sub, Merchant: b.Merchant, Purpose: b.Purpose, ExportID: b.ExportID,
	}, b.CreatedAt)
}

func (d ledgerDisclosures) Leaked(ctx context.Context, b alias.Binding, ev AliasEvent) (int64, error) {
	if b.LedgerIndex < 0 {
		// Bound before the ledger was connected: record the binding now,
		// with its own time, so that the leak can point at it.
		i, err := d.AliasBound(ctx, b)
		if err != nil {
			return -1, err
		}
		b.LedgerIndex = i
	}
	return d.l.RecordLeak(ctx, ledger.LeakEvent{
		Alias: b.Alias, Merchant: b.Merchant, Binding: b.LedgerIndex, Caller: ev.Caller,
		CallTime: ev.At, Duration: ev.Duration, Answered: ev.Answered,
		NullCalls: ev.NullCalls, NullNumberDays: ev.NullNumberDays,
	}, ev.At)
}
