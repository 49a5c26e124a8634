package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// CallLog records screened calls in the background, in batches, so the
// call path never waits on disk. It keeps calls for Retention and drops
// events (counting them) rather than block when the store falls behind.
type CallLog struct {
	store     CallStore
	Retention time.Duration
	logger    *slog.Logger

	mu      sync.Mutex
	pending []CallEvent
	dropped int64
	wake    chan struct{}
	done    chan struct{}
}

// maxPending bounds the events waiting for the store; flushAt is the batch
// size that triggers a write before the next tick (every 200 ms), so a
// quiet call path costs one commit per tick, not one per call.
const (
	maxPending = 100000
	flushAt    = 1000
)

// NewCallLog starts a call log writing to store until ctx ends; Close
// flushes what is pending.
func NewCallLog(ctx context.Context, store CallStore, retention time.Duration, logger *slog.Logger) *CallLog {
	l := &CallLog{store: store, Retention: retention, logger: logger, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go l.run(ctx)
	return l
}

// Record queues one screened call.
func (l *CallLog) Record(c CallEvent) {
	l.mu.Lock()
	if len(l.pending) >= maxPending {
		l.dropped++
	} else {
		l.pending = append(l.pending, c)
	}
	full := len(l.pending) >= flushAt
	l.mu.Unlock()
	if full {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// Dropped is how many events were dropped because the store fell behind.
func (l *CallLog) Dropped() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped
}

func (l *CallLog) run(ctx context.Context) {
	defer close(l.done)
	flush := time.NewTicker(200 * time.Millisecond)
	prune := time.NewTicker(time.Hour)
	defer flush.Stop()
	defer prune.Stop()
	l.prune()
	for {
		select {
		case <-ctx.Done():
			l.flush()
			return
		case <-l.wake:
		case <-flush.C:
		case <-prune.C:
			l.prune()
		}
		l.flush()
	}
}

func (l *CallLog) flush() {
	l.mu.Lock()
	batch := l.pending
	l.pending = nil
	l.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	if err := l.store.AddCalls(context.Background(), batch); err != nil {
		l.logger.Error("recording calls", "calls", len(batch), "err", err)
	}
}

func (l *CallLog) prune() {
	if l.Retention <= 0 {
		return
	}
	if _, err := l.store.PruneCalls(context.Background(), time.Now().Add(-l.Retention)); err != nil {
		l.logger.Error("pruning calls", "err", err)
	}
}

// Wait blocks until the log has stopped (after its context ended) and
// flushed.
func (l *CallLog) Wait() { <-l.done }
