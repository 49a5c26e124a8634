package natslog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"ringfence"
)

// Follower is the event log a cluster node follows: the store's log (the
// system of record, PostgreSQL), read through the JetStream events stream
// that a relay copies it into (Log.Relay), so that following costs the
// database nothing. Its Subscribe reads the stream from the position
// asked; it reads the store instead, for FallbackFor at a time, while the
// stream cannot serve: NATS unreachable (NATS returns nil), the stream no
// longer holding the next position (trimmed), or the stream stalled
// behind the store's head for StallAfter (no relay). Append, Read, Head
// and Trim are the store's.
type Follower struct {
	Store  ringfence.EventLog
	NATS   func() *Log // the connected log, or nil while there is none
	Logger *slog.Logger
	// FallbackFor is how long Subscribe reads the store before trying the
	// stream again (default 5 s); StallAfter how long the stream may stay
	// behind the store's head without delivering before Subscribe reads
	// the store instead (default 2 s).
	FallbackFor, StallAfter time.Duration

	onStream atomic.Bool
}

var _ ringfence.EventLog = (*Follower)(nil)

// OnStream reports whether Subscribe reads the JetStream stream now (not
// the store).
func (f *Follower) OnStream() bool { return f.onStream.Load() }

// Append implements ringfence.EventLog: the store's.
func (f *Follower) Append(ctx context.Context, evs ...ringfence.Event) (int64, error) {
	return f.Store.Append(ctx, evs...)
}

// Read implements ringfence.EventLog: the store's.
func (f *Follower) Read(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	return f.Store.Read(ctx, after, fn)
}

// Head implements ringfence.EventLog: the store's, the log's true head.
func (f *Follower) Head(ctx context.Context) (int64, error) { return f.Store.Head(ctx) }

// Trim implements ringfence.EventLog: the store's (the stream is trimmed
// by its own Trim).
func (f *Follower) Trim(ctx context.Context, before time.Time) (int64, error) {
	return f.Store.Trim(ctx, before)
}

// fnError is an error of Subscribe's fn, which ends Subscribe.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

var errStalled = errors.New("the events stream delivered nothing while the store's log moved on (no relay?)")

// streamSubscribe reads the stream for followStream (tests replace it).
var streamSubscribe = (*Log).Subscribe

// errAbandoned ends a reader that Subscribe has replaced.
var errAbandoned = errors.New("natslog: a newer reader of the log took over")

// Subscribe implements ringfence.EventLog. It calls fn for the events
// after position after, in order, each once, from the stream or the
// store, until ctx ends or fn fails. A failure of the store while it
// reads the store ends it (the caller retries); so does the store's
// ECONFLICT (trimmed there too: reload a snapshot).
func (f *Follower) Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	logger := f.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	fallback, stall := f.FallbackFor, f.StallAfter
	if fallback <= 0 {
		fallback = 5 * time.Second
	}
	if stall <= 0 {
		stall = 2 * time.Second
	}
	var pos atomic.Int64
	pos.Store(after)
	// Events are applied under mu, by one reader at a time: a stream
	// reader that was abandoned (stalled) may still be delivering, and
	// its generation then no longer matches gen, so it applies nothing
	// once the store's reader has begun.
	var mu sync.Mutex
	var gen uint64
	applyAs := func(g uint64, ev ringfence.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if g != gen {
			return errAbandoned
		}
		p := pos.Load()
		switch {
		case ev.Position <= p:
			return nil
		case ev.Position > p+1:
			return fmt.Errorf("the events stream skipped from %d to %d", p, ev.Position)
		}
		if err := fn(ev); err != nil {
			return fnError{err}
		}
		pos.Store(ev.Position)
		return nil
	}
	// reader is a new generation of reader: the readers before it apply
	// nothing more.
	reader := func() func(ringfence.Event) error {
		mu.Lock()
		defer mu.Unlock()
		gen++
		g := gen
		return func(ev ringfence.Event) error { return applyAs(g, ev) }
	}
	var seenLast uint64
	stale := false // the stream was refused as stale; logged once
	for {
		if l := f.NATS(); l != nil {
			ok, last, why := l.serves(ctx, f.Store, pos.Load(), seenLast)
			if errors.Is(why, errStaleStream) && !stale {
				logger.Error("not following the events stream: reading the store's event log until the relay makes the stream again", "position", pos.Load(), "why", why)
			}
			stale = errors.Is(why, errStaleStream)
			if ok {
				seenLast = last
				f.onStream.Store(true)
				logger.Info("following the events stream", "position", pos.Load())
				err := f.followStream(ctx, l, &pos, reader(), stall)
				f.onStream.Store(false)
				var fe fnError
				switch {
				case ctx.Err() != nil:
					return ctx.Err()
				case errors.As(err, &fe):
					return fe.err
				}
				logger.Warn("reading the store's event log instead of the events stream", "position", pos.Load(), "why", err)
			} else {
				seenLast = last
			}
		}
		pctx, cancel := context.WithTimeout(ctx, fallback)
		err := f.Store.Subscribe(pctx, pos.Load(), reader())
		cancel()
		var fe fnError
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &fe):
			return fe.err
		case pctx.Err() == nil && err != nil:
			return err
		}
	}
}

// serves reports whether the stream can serve a follower at pos: it holds
// the events after pos (not trimmed), and it has reached pos or moved on
// since it was last seen at seenLast (a relay is at work). It returns the
// stream's last sequence.
func (l *Log) serves(ctx context.Context, store ringfence.EventLog, pos int64, seenLast uint64) (bool, uint64, error) {
	ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	info, err := l.events.Info(ictx)
	if err != nil {
		return false, seenLast, nil
	}
	last, first := info.State.LastSeq, info.State.FirstSeq
	if info.State.Msgs > 0 && int64(first) > pos+1 {
		return false, last, nil
	}
	// A stream that is not the store's copy serves no one (stale.go).
	if err := l.checkCopy(ictx, store, first, last); err != nil {
		return false, seenLast, err
	}
	return int64(last) >= pos || last > seenLast, last, nil
}

// followStream reads the stream after *pos until ctx ends, the stream
// fails, or it stalls: the store's head is past *pos and nothing came for
// stall. On a stall it returns at once, without waiting for the stream's
// reader to end (it may not for a while when its server died and the
// client re-creates its consumer): the reader is cancelled, and the
// caller's next reader keeps it from applying anything more.
func (f *Follower) followStream(ctx context.Context, l *Log, pos *atomic.Int64, apply func(ringfence.Event) error, stall time.Duration) error {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan error, 1)
	go func() { done <- streamSubscribe(l, sctx, pos.Load(), apply) }()
	t := time.NewTicker(stall / 2)
	defer t.Stop()
	seen, moved := pos.Load(), time.Now()
	for {
		select {
		case err := <-done:
			if c := context.Cause(sctx); c != nil && ctx.Err() == nil && !errors.Is(c, context.Canceled) {
				return c
			}
			if err == nil {
				err = errors.New("the events stream subscription ended")
			}
			return err
		case <-t.C:
		}
		if p := pos.Load(); p != seen {
			seen, moved = p, time.Now()
			continue
		}
		hctx, hcancel := context.WithTimeout(ctx, 2*time.Second)
		head, err := f.Store.Head(hctx)
		hcancel()
		if err != nil || head <= seen {
			moved = time.Now()
			continue
		}
		if time.Since(moved) >= stall {
			cancel(errStalled)
			return errStalled
		}
	}
}
