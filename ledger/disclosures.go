package ledger

import (
	"context"

	"ringfence"
	"ringfence/alias"
	"ringfence/trace"
)

// Disclosures records the engine's alias bindings, exports and leak
// events in the disclosure ledger (it implements engine.Disclosures):
// connect it with e.SetDisclosures(NewDisclosures(l)). The
// subscriber's number is kept in the ledger only as a keyed fingerprint.
type Disclosures struct{ l *Log }

// NewDisclosures records alias bindings, exports and leak events in l.
func NewDisclosures(l *Log) Disclosures { return Disclosures{l} }

func (d Disclosures) binding(b alias.Binding) AliasBinding {
	sub := ""
	if b.Subscriber != "" {
		sub = d.l.Fingerprint("subscriber", b.Subscriber)
	}
	return AliasBinding{Alias: b.Alias, Subscriber: sub, Merchant: b.Merchant, Purpose: b.Purpose, ExportID: b.ExportID}
}

func (d Disclosures) AliasBound(ctx context.Context, b alias.Binding) (int64, error) {
	return d.l.BindAlias(ctx, d.binding(b), b.CreatedAt)
}

func (d Disclosures) Disclosed(ctx context.Context, bs []alias.Binding, rec *trace.ExportRecord, prints []trace.Print) (int64, error) {
	ls := make([]BoundAlias, len(bs))
	for i, b := range bs {
		ls[i] = BoundAlias{AliasBinding: d.binding(b), Time: b.CreatedAt}
	}
	return d.l.AppendDisclosure(ctx, ls, rec, prints)
}

func (d Disclosures) BindingEntry(num string) (int64, bool, error) {
	refs, err := d.l.Aliases()
	if err != nil {
		return -1, false, err
	}
	for _, r := range refs {
		if r.Alias == num {
			return r.Entry, true, nil
		}
	}
	return -1, false, nil
}

// BindingEntries maps each alias number the ledger binds to the entries
// that bind it, oldest first.
func (d Disclosures) BindingEntries() (map[string][]int64, error) {
	refs, err := d.l.Aliases()
	if err != nil {
		return nil, err
	}
	m := make(map[string][]int64, len(refs))
	for _, r := range refs {
		m[r.Alias] = append(m[r.Alias], r.Entry)
	}
	return m, nil
}

func (d Disclosures) ExportRecorded(id string) bool { return d.l.ExportRecorded(id) }

func (d Disclosures) LeakEntry(ev ringfence.AliasEvent) (int64, bool, error) {
	print := CallerPrint(d.l.LeakCallerKey(ev.Alias, ev.At), ev.Caller)
	leaks := d.l.EntriesOfType(TypeLeakEvent)
	for j := len(leaks) - 1; j >= 0; j-- {
		e, err := d.l.Entry(leaks[j])
		if err != nil {
			return -1, false, err
		}
		le := e.LeakEvent
		if le.Alias == ev.Alias && le.CallTime.Equal(ev.At) && (le.CallerPrint == print || le.Caller == ev.Caller) {
			return leaks[j], true, nil
		}
	}
	return -1, false, nil
}

func (d Disclosures) Leaked(ctx context.Context, b alias.Binding, ev ringfence.AliasEvent) (int64, error) {
	if b.LedgerIndex < 0 {
		// Bound before the ledger was connected: record the binding now,
		// with its own time, so that the leak can point at it.
		i, err := d.AliasBound(ctx, b)
		if err != nil {
			return -1, err
		}
		b.LedgerIndex = i
	}
	return d.l.RecordLeak(ctx, LeakEvent{
		Alias: b.Alias, Merchant: b.Merchant, Binding: b.LedgerIndex,
		CallerPrint: CallerPrint(d.l.LeakCallerKey(ev.Alias, ev.At), ev.Caller),
		CallTime:    ev.At, Duration: ev.Duration, Answered: ev.Answered,
		NullCalls: ev.NullCalls, NullNumberDays: ev.NullNumberDays, SequentialDialler: ev.Sequential,
	}, ev.At)
}
