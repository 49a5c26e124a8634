package engine

import (
	"context"
	"strings"
	"time"

	"ringfence"
	"ringfence/corroborate"
	"ringfence/number"
)

// observeCalls adds the call records that start no later than latest to
// the sketch of who called whom, against which crowd reports are checked.
// The sketch lives in memory only: see CorroborationStats.
func (d *deps) observeCalls(cs []ringfence.CallRecord, latest time.Time) {
	lim, from := latest.Unix(), 0
	for i, c := range cs {
		if c.Start > lim {
			d.calls.Add(cs[from:i]...)
			from = i + 1
		}
	}
	d.calls.Add(cs[from:]...)
}

// CorroborationStats reports the size of the sketch of who called whom.
//
// The sketch lives in memory only and starts empty with the process, as
// the detector does. Call records are not stored, and a snapshot on disk
// would let anyone holding the file ask whether one number called another.
// Starting empty is safe: the sketch counts a report as unconfirmed only
// when it holds every day of the lookback (see corroborate.Sketch.Check),
// so for 14 days after a start reports keep their usual weight, while a
// call seen since the start already confirms one.
func (e *ReportService) CorroborationStats() corroborate.Stats { return e.calls.Stats() }

// corroboration checks a crowd report against the call records: did the
// reported number call the reporter? Only a reporter known by number (a
// subscriber key, or a reporter given as a phone number) can be checked.
func (e *ReportService) corroboration(ctx context.Context, r ringfence.Report) (ringfence.Corroboration, error) {
	if r.Source != ringfence.SourceCrowd {
		return ringfence.NotCorroborated, nil
	}
	caller, ok := number.Key(r.Number)
	if !ok {
		return ringfence.NotCorroborated, nil
	}
	sub, err := e.reporterNumber(ctx, r.Reporter)
	if err != nil || sub == 0 {
		return ringfence.NotCorroborated, err
	}
	return e.calls.Check(caller, sub, r.ReportedAt, r.CalledAt), nil
}

// reporterNumber is the phone number of a reporter: a subscriber key's
// subscriber, or the reporter itself when it is a phone number; 0 when it
// is neither.
func (e *ReportService) reporterNumber(ctx context.Context, reporter string) (uint64, error) {
	if !strings.HasPrefix(reporter, "key_") {
		n, err := number.E164(reporter)
		if err != nil {
			return 0, nil
		}
		k, _ := number.Key(n)
		return k, nil
	}
	if v, ok := e.keySubscribers.Load(reporter); ok {
		return v.(uint64), nil
	}
	// A key that files a report exists already: one pass over the keys
	// learns every key's subscriber, and an ID still unknown is no key.
	keys, err := e.store.Keys(ctx)
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		var sub uint64
		if k.Role == ringfence.RoleSubscriber {
			sub, _ = number.Key(k.Subscriber)
		}
		e.keySubscribers.Store(k.ID, sub)
	}
	v, _ := e.keySubscribers.LoadOrStore(reporter, uint64(0))
	return v.(uint64), nil
}
