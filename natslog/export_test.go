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
