package engine

import (
	"context"

	"ringfence"
)

// SetLog makes Run follow log instead of the store's own event log: in a
// cluster with a JetStream event log, the stream the store's events are
// relayed into (natslog.Follower). log's positions must be the store's.
// Writes, CatchUp and the head that LogStatus measures the lag against
// stay the store's. Call it before Run.
func (n *Node) SetLog(log ringfence.EventLog) { n.log = log }

// follow is Engine.Follow over the log SetLog set, if any.
func (n *Node) follow(ctx context.Context) error {
	if n.log == nil {
		return n.Follow(ctx)
	}
	n.catchMu.Lock()
	defer n.catchMu.Unlock()
	return n.log.Subscribe(ctx, n.Position(), n.applyLogged)
}

// LogSource is what Run reads events from now: "stream" while the log
// SetLog set reads its JetStream stream (it tells by an OnStream method),
// else "store" (the store's own event log, also a stream follower's
// fallback).
func (n *Node) LogSource() string {
	if s, ok := n.log.(interface{ OnStream() bool }); ok && s.OnStream() {
		return "stream"
	}
	return "store"
}
