package natslog

import (
	"context"
	"log/slog"

	"ringfence"
)

// RelayUnleased relays without the lease, as two relays do for a moment
// while the lease changes hands.
func (l *Log) RelayUnleased(ctx context.Context, src ringfence.EventLog) {
	l.relayLoop(ctx, src, slog.New(slog.DiscardHandler))
}

// SetStreamSubscribe makes followers read the stream with fn until
// restore is called.
func SetStreamSubscribe(fn func(l *Log, ctx context.Context, after int64, apply func(ringfence.Event) error) error) (restore func()) {
	old := streamSubscribe
	streamSubscribe = fn
	return func() { streamSubscribe = old }
}

// PartitionsOf are the partitions a record is published on.
func PartitionsOf(r ringfence.CallRecord, n int) []int { return partitionsOf(r, n, nil) }
