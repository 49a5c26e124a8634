package engine

import (
	"context"
	"math"
	"strings"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/reputation"
)

// maxNote is the longest note kept with a report, in bytes.
const maxNote = 500

// NormalizeReport validates r and brings its fields to canonical form:
// the number to E.164, the category checked against the taxonomy, times
// defaulted to now. It names the field at fault.
func (e *ReportService) NormalizeReport(r *ringfence.Report) error {
	return e.normalizeReport(r, number.E164)
}

// normalizeReport is NormalizeReport with e164 for number.E164 (an import
// memoizes it: a file names a harassing number many times).
func (e *ReportService) normalizeReport(r *ringfence.Report, e164 func(string) (string, error)) error {
	if strings.TrimSpace(r.Number) == "" {
		return ringfence.Errorf(ringfence.EINVALID, "number: empty")
	}
	n, err := e164(r.Number)
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "number: %v", err)
	}
	r.Number = n
	if r.Category, err = ringfence.ParseCategory(string(r.Category)); err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "category: %v", err)
	}
	if strings.TrimSpace(r.Reporter) == "" {
		return ringfence.Errorf(ringfence.EINVALID, "reporter: empty")
	}
	if r.Source == "" {
		r.Source = ringfence.SourceCrowd
	}
	if len(r.Note) > maxNote {
		return ringfence.Errorf(ringfence.EINVALID, "note: longer than %d bytes", maxNote)
	}
	now := e.Now()
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = now
	}
	if r.ReportedAt.IsZero() {
		r.ReportedAt = r.ReceivedAt
	}
	if err := notFuture(now, "reported_at", r.ReportedAt); err != nil {
		return err
	}
	if !r.CalledAt.IsZero() {
		// Not checked against reported_at: official feeds give the call's
		// local time without a zone.
		if err := notFuture(now, "called_at", r.CalledAt); err != nil {
			return err
		}
	}
	return nil
}

// judge weighs a report: official feeds by their source weight, the crowd
// by track record times what call records made of the report (see
// reputation.Config.Corroborated); agreement is with the crowd's label,
// when there is one.
func (e *ReportService) judge(r ringfence.Report, track reputation.Track, before []reputation.Tally) (float64, int) {
	w := e.cfg.SourceWeight(r.Source, track)
	sw, official := e.cfg.SourceWeights[r.Source]
	if !official {
		// Checked against call records when the report was taken.
		w = e.cfg.Corroborated(w, r.Corroboration)
	}
	if official && r.Complaints > 1 {
		// An official feed's reporter group (complainants of one area)
		// stands for several people: its weight grows with the log of its
		// complaints, up to the label weight, never to a block on its own.
		w = min(sw*(1+math.Log2(float64(r.Complaints))), e.cfg.LabelWeight)
	}
	c := reputation.Summarize(before, 1).Crowd(e.cfg.Decay(reputation.Epoch, decayFrom(r)))
	switch {
	case c.Weight < e.cfg.LabelWeight:
		return w, 0
	case c.Category == r.Category:
		return w, 1
	}
	return w, -1
}

// decayFrom is the time from which a report's weight decays: a crowd
// report's own time, but an official feed's time of import, since the
// operator who imports a feed vouches for it as of then.
func decayFrom(r ringfence.Report) time.Time {
	if r.Source != ringfence.SourceCrowd && !r.ReceivedAt.IsZero() {
		return r.ReceivedAt
	}
	return r.ReportedAt
}

func (e *ReportService) boost(r ringfence.Report) float64 { return e.cfg.Boost(decayFrom(r)) }

// AddReports validates and stores reports as one durable batch, then
// updates the index. Invalid reports fail the whole batch; callers that
// stream files validate rows first with NormalizeReport.
func (e *ReportService) AddReports(ctx context.Context, rs []ringfence.Report) error {
	for i := range rs {
		if err := e.NormalizeReport(&rs[i]); err != nil {
			return err
		}
		c, err := e.corroboration(ctx, rs[i])
		if err != nil {
			return err
		}
		rs[i].Corroboration = c
	}
	return e.addNormalized(ctx, rs)
}

// addNormalized is AddReports for reports already normalized and
// corroborated.
func (e *ReportService) addNormalized(ctx context.Context, rs []ringfence.Report) error {
	// The index must end with the tallies of the last write: writes and
	// their index updates go one at a time (SQLite writes one at a time
	// anyway).
	e.reportMu.Lock()
	defer e.reportMu.Unlock()
	ctx, app := ringfence.WithAppended(ctx)
	out, err := e.store.AddReports(ctx, rs, e.boost, e.judge)
	if err != nil {
		return err
	}
	for i := range out {
		e.apply(ringfence.Event{Type: ringfence.EventReport, Tallies: &out[i]})
	}
	e.wrote(app)
	return nil
}

// SetTallies puts a number's tallies (in the reference frame) into the
// index without touching the store: how a screening replica fed by an event
// log applies what the system of record has already committed.
func (e *ReportService) SetTallies(e164 string, ts []reputation.Tally) {
	if k, ok := number.Key(e164); ok {
		e.index.Set(k, reputation.Summarize(ts, e.frame))
	}
}

// Report files one crowd report.
func (e *ReportService) Report(ctx context.Context, r ringfence.Report) (ringfence.Report, error) {
	rs := []ringfence.Report{r}
	if err := e.AddReports(ctx, rs); err != nil {
		return r, err
	}
	return rs[0], nil
}
