package engine

import (
	"context"
	"errors"
	"time"

	"ringfence"
)

// In a cluster with a JetStream log, call records do not go to the
// accepting node's detector (ObserveFrom): the node publishes them on the
// log's call-record partitions, and the detectors that own the partitions
// (natslog.Detectors, on the nodes with the detect role) apply them and
// store their flags here, as events on the log that every node applies.
// These are the engine's side of it.

// ApplyDetected stores flags raised by a partitioned detector, worded as
// ObserveFrom's are, and makes them verdict signals (ApplyFlags: an event
// each on the log, so every node's verdicts see them).
func (e *DetectService) ApplyDetected(ctx context.Context, fs []ringfence.Flag) error {
	for i := range fs {
		fs[i] = explain(fs[i])
	}
	return e.ApplyFlags(ctx, fs)
}

// errFound ends the scan of DetectedStored at the first match.
var errFound = errors.New("found")

// DetectedStored reports whether f is stored already: a flag for the same
// number and kind, dated f's time or up to ClockSkew before it (ApplyFlags
// dates a flag from records ahead of the clock at the moment it is
// applied). A detector flags a number for a kind at most once in far
// longer than that, so a match is f itself, stored by a detector that
// died before it acknowledged the records that raised it.
func (e *DetectService) DetectedStored(ctx context.Context, f ringfence.Flag) (bool, error) {
	err := e.store.FlagsBetween(ctx, f.FlaggedAt.Add(-ClockSkew), f.FlaggedAt.Add(time.Millisecond), func(g ringfence.Flag) error {
		if g.Number == f.Number && g.Kind == f.Kind {
			return errFound
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return true, nil
	}
	return false, err
}

// NoteCalls adds call records that start no later than ClockSkew from now
// to the sketch of who called whom that corroborates reports, as
// ObserveFrom does, without detecting: for records a cluster node
// publishes to the partitioned detectors instead. It returns the records
// it kept, in order.
func (e *DetectService) NoteCalls(cdrs []ringfence.CallRecord) []ringfence.CallRecord {
	latest := e.Now().Add(ClockSkew)
	e.observeCalls(cdrs, latest)
	kept := make([]ringfence.CallRecord, 0, len(cdrs))
	for _, c := range cdrs {
		if !c.StartTime().After(latest) {
			kept = append(kept, c)
		}
	}
	return kept
}
