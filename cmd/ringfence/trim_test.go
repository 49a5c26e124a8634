package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ringfence"
)

// failingTrims is an event log whose first trims fail, as a store or a
// NATS server restarting makes them.
type failingTrims struct {
	ringfence.EventLog
	fails int32
	calls atomic.Int32
}

func (l *failingTrims) Trim(context.Context, time.Time) (int64, error) {
	if l.calls.Add(1) <= l.fails {
		return 0, errors.New("context deadline exceeded")
	}
	return 3, nil
}

// TestTrimEventsRetries: a failed trim is tried again a minute later (not
// six hours), and logged as a warning until it keeps failing.
func TestTrimEventsRetries(t *testing.T) {
	defer func(d time.Duration) { trimRetry = d }(trimRetry)
	trimRetry = 10 * time.Millisecond
	for _, tc := range []struct {
		fails      int32
		wantErrors bool
	}{{1, false}, {2, false}, {4, true}} {
		var mu lockedBuffer
		l := &failingTrims{fails: tc.fails}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { trimEvents(ctx, l, slog.New(slog.NewTextHandler(&mu, nil))); close(done) }()
		if _, ok := waitFor(5*time.Second, func() bool { return l.calls.Load() > tc.fails }); !ok {
			t.Fatalf("%d failing trims: only %d tries", tc.fails, l.calls.Load())
		}
		cancel()
		<-done
		log := mu.String()
		if !strings.Contains(log, "trimmed the event log") || strings.Contains(log, "level=ERROR") != tc.wantErrors {
			t.Errorf("%d failing trims: log %q", tc.fails, log)
		}
	}
}
