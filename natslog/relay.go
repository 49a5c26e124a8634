package natslog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
)

// The relay copies a store's event log (the system of record: PostgreSQL
// in a cluster) into the events stream, so that followers read JetStream
// instead of the database. Writers never publish; they only commit to the
// store. The relay publishes each committed event with message ID = its
// position and "expected last sequence" = position − 1, so the stream's
// sequence is the store's position: a publish lands only right after its
// predecessor, and a relay that died mid-way, or two relays that overlap
// while a lease changes hands, can neither duplicate nor skip an event.
// The lease (a key of a KV bucket with a TTL, renewed) only keeps the work
// to one node at a time; correctness does not rest on it.

// Lease timings, variables for tests.
var (
	// LeaseTTL is how long the relay's lease outlives its holder's last
	// renewal: how long the stream may go without a relay after its node
	// dies.
	LeaseTTL = 5 * time.Second
	// leaseEvery is how often the holder renews, and others try to take it.
	leaseEvery = time.Second
)

const (
	leaseBucket = "RINGFENCE_LEASES"
	// relayWindow bounds the publishes awaiting their acknowledgement.
	relayWindow = 256
)

// errWrongLastSeq: the stream's last sequence was not position − 1 (another
// relay published first, or an earlier attempt landed after all).
const (
	errWrongLastSeq      jetstream.ErrorCode = 10071
	errWrongLastSeqConst jetstream.ErrorCode = 10164
)

// Relay holds the relay lease when it can and, while it does, copies the
// events of src after the stream's last sequence into the stream, until
// ctx is done. node names the holder in the lease. Failures (NATS or the
// store unreachable, the lease lost) are logged and retried; Relay returns
// only ctx's error.
func (l *Log) Relay(ctx context.Context, src ringfence.EventLog, node string, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var kv jetstream.KeyValue
	failing := false
	for {
		if kv == nil {
			var err error
			kv, err = l.leases(ctx)
			if err != nil && ctx.Err() == nil && !failing {
				logger.Warn("relay: opening the lease bucket failed; retrying", "err", err)
				failing = true
			}
		}
		if kv != nil {
			rev, err := kv.Create(ctx, l.relayKey(), []byte(node))
			switch {
			case err == nil:
				failing = false
				logger.Info("relay: holding the lease; copying the store's events into the stream")
				l.relayHeld(ctx, kv, rev, src, node, logger)
				if ctx.Err() == nil {
					// Let another node take the lease first.
					logger.Info("relay: lease given up")
					if err := sleep(ctx, LeaseTTL); err != nil {
						return err
					}
				}
			case errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSeq(err):
				failing = false // another node relays
			case ctx.Err() == nil && !failing:
				logger.Warn("relay: taking the lease failed; retrying", "err", err)
				failing = true
			}
		}
		if err := sleep(ctx, leaseEvery); err != nil {
			return err
		}
	}
}

// relayKey is the lease's key: one relay per events stream.
func (l *Log) relayKey() string { return "relay-" + l.cfg.Stream }

// leases opens (or creates) the bucket of leases, with the events stream's
// replicas.
func (l *Log) leases(ctx context.Context) (jetstream.KeyValue, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	kv, err := l.js.KeyValue(ctx, leaseBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = l.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket: leaseBucket, Description: "ringfence leases: who relays the store's events",
			TTL: LeaseTTL, Replicas: l.cfg.Replicas, Storage: jetstream.FileStorage,
		})
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = l.js.KeyValue(ctx, leaseBucket)
		}
	}
	return kv, err
}

// relayHeld relays while the lease at revision rev holds: it renews the
// lease every leaseEvery and stops relaying when a renewal is refused (the
// lease moved on) or none succeeded for LeaseTTL/2. It gives the lease up
// when ctx ends.
func (l *Log) relayHeld(ctx context.Context, kv jetstream.KeyValue, rev uint64, src ringfence.EventLog, node string, logger *slog.Logger) {
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.relayLoop(rctx, src, logger)
	}()
	defer func() {
		stop()
		<-done
		// Give the lease up for the next node at once (a no-op when it
		// moved on already).
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		kv.Delete(dctx, l.relayKey(), jetstream.LastRevision(rev))
	}()
	renewed := time.Now()
	t := time.NewTicker(leaseEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-done: // relayLoop gave up
			return
		case <-t.C:
		}
		uctx, cancel := context.WithTimeout(ctx, leaseEvery)
		r, err := kv.Update(uctx, l.relayKey(), []byte(node), rev)
		cancel()
		switch {
		case err == nil:
			rev, renewed = r, time.Now()
		case errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSeq(err):
			logger.Warn("relay: the lease moved to another node")
			return
		case time.Since(renewed) > LeaseTTL/2:
			logger.Warn("relay: could not renew the lease; stopping", "err", err)
			return
		}
	}
}

// relayLoop relays until ctx ends, starting again after the stream's last
// sequence whenever a publish fails. When attempts keep failing at once
// for 2×LeaseTTL it returns, and the lease is given up.
func (l *Log) relayLoop(ctx context.Context, src ringfence.EventLog, logger *slog.Logger) {
	var w failWindow
	for {
		start := time.Now()
		err := l.relayOnce(ctx, src, logger)
		if ctx.Err() != nil {
			return
		}
		switch first, giveUp := w.failed(start, time.Now()); {
		case first:
			logger.Warn("relay: copying events failed; starting again after the stream's last event", "err", err)
		case giveUp:
			// Perhaps this node cannot reach the store, or NATS, while
			// others can: let another node relay.
			logger.Warn("relay: copying events keeps failing; giving the lease up", "err", err)
			return
		}
		if sleep(ctx, 200*time.Millisecond) != nil {
			return
		}
	}
}

// failWindow follows a run of relay attempts that fail at once.
type failWindow struct {
	since time.Time // when the run's first attempt failed; zero: no run
}

// failed records an attempt that began at start and failed at now. An
// attempt that copied for over 2 s before failing starts a new run. It
// reports whether the attempt is the first of its run, and whether the
// run has lasted over 2×LeaseTTL (the relay should give the lease up).
func (w *failWindow) failed(start, now time.Time) (first, giveUp bool) {
	if now.Sub(start) > 2*time.Second {
		w.since = time.Time{} // it copied for a while before failing
	}
	if w.since.IsZero() {
		// The run begins with this failure, not with the attempt, which
		// may have copied for hours.
		w.since = now
		return true, false
	}
	return false, now.Sub(w.since) > 2*LeaseTTL
}

// relayOnce reads the stream's last sequence and publishes the store's
// events after it, pipelined (at most relayWindow unacknowledged), until a
// publish fails or ctx ends.
func (l *Log) relayOnce(ctx context.Context, src ringfence.EventLog, logger *slog.Logger) error {
	ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
	info, err := l.events.Info(ictx)
	cancel()
	if err != nil {
		return fmt.Errorf("stream info: %w", err)
	}
	if err := l.checkCopy(ctx, src, info.State.FirstSeq, info.State.LastSeq); errors.Is(err, errStaleStream) {
		head, herr := src.Head(ctx)
		if herr != nil {
			return fmt.Errorf("store head: %w", herr)
		}
		logger.Error("relay: making the events stream again, empty, after the store's head; nodes read the store up to there", "stream", l.cfg.Stream, "head", head, "why", err)
		if err := l.remake(ctx, head); err != nil {
			return err
		}
		if info, err = l.events.Info(ctx); err != nil {
			return fmt.Errorf("stream info: %w", err)
		}
	} else if err != nil {
		return err
	}
	last := int64(info.State.LastSeq)
	if gone, err := trimmedAfter(ctx, src, last); err != nil {
		return fmt.Errorf("store log: %w", err)
	} else if gone {
		// A new stream over a store whose log was trimmed, or a stream
		// left behind longer than the store keeps events: go on at the
		// store's first position.
		if err := l.align(ctx, src, last); err != nil {
			return err
		}
		if info, err = l.events.Info(ctx); err != nil {
			return fmt.Errorf("stream info: %w", err)
		}
		last = int64(info.State.LastSeq)
	}
	rctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	acks := make(chan jetstream.PubAckFuture, relayWindow)
	waited := make(chan struct{})
	go func() {
		defer close(waited)
		for f := range acks {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				fail(err)
				for range acks { // let the reader end
				}
				return
			case <-rctx.Done():
				for range acks {
				}
				return
			}
		}
	}()
	err = src.Subscribe(rctx, last, func(ev ringfence.Event) error {
		if ev.Position != last+1 {
			return fmt.Errorf("the store's log skipped from %d to %d", last, ev.Position)
		}
		m, err := l.eventMsg(ev)
		if err != nil {
			return err
		}
		f, err := l.js.PublishMsgAsync(m, jetstream.WithMsgID(strconv.FormatInt(ev.Position, 10)),
			jetstream.WithExpectLastSequence(uint64(ev.Position-1)))
		if err != nil {
			return err
		}
		select {
		case acks <- f:
		case <-rctx.Done():
			return rctx.Err()
		}
		last = ev.Position
		return nil
	})
	close(acks)
	<-waited
	if c := context.Cause(rctx); c != nil && !errors.Is(c, context.Canceled) {
		return c
	}
	return err
}

var errFound = errors.New("found")

// trimmedAfter reports whether the events after p are gone from src.
func trimmedAfter(ctx context.Context, src ringfence.EventLog, p int64) (bool, error) {
	err := src.Read(ctx, p, func(ringfence.Event) error { return errFound })
	switch {
	case err == nil, errors.Is(err, errFound):
		return false, nil
	case ringfence.ErrorCode(err) == ringfence.ECONFLICT:
		return true, nil
	}
	return false, err
}

// align makes the stream's next sequence the store's first position, when
// the events after the stream's last sequence, last, were trimmed from the
// store. It finds that position by bisection between last and the head.
func (l *Log) align(ctx context.Context, src ringfence.EventLog, last int64) error {
	head, err := src.Head(ctx)
	if err != nil {
		return err
	}
	lo, hi := last, head // trimmed after lo, not after hi
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		gone, err := trimmedAfter(ctx, src, mid)
		if err != nil {
			return err
		}
		if gone {
			lo = mid
		} else {
			hi = mid
		}
	}
	first := hi + 1
	if err := l.events.Purge(ctx, jetstream.WithPurgeSequence(uint64(first))); err != nil {
		return fmt.Errorf("stream %s: start at %d: %w", l.cfg.Stream, first, err)
	}
	return nil
}

// eventMsg is ev as a message of the events stream.
func (l *Log) eventMsg(ev ringfence.Event) (*nats.Msg, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("event %d (%s): %w", ev.Position, ev.Type, err)
	}
	m := nats.NewMsg(l.cfg.Prefix + ".events." + string(ev.Type))
	m.Data = body
	m.Header.Set(atHeader, strconv.FormatInt(ev.At.UnixMilli(), 10))
	return m, nil
}

func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == errWrongLastSeq || apiErr.ErrorCode == errWrongLastSeqConst)
}
