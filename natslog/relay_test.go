package natslog_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
)

// memLog is a store's event log in memory: gapless positions from first,
// Subscribe woken by every append. Trim drops the events before a
// position.
type memLog struct {
	mu    sync.Mutex
	first int64 // position of evs[0]
	evs   []ringfence.Event
	wake  chan struct{}
}

func newMemLog() *memLog { return &memLog{first: 1, wake: make(chan struct{})} }

func (m *memLog) Append(_ context.Context, evs ...ringfence.Event) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ev := range evs {
		ev.Position = m.first + int64(len(m.evs))
		m.evs = append(m.evs, ev)
	}
	close(m.wake)
	m.wake = make(chan struct{})
	return m.first + int64(len(m.evs)) - 1, nil
}

// rules appends n rules events, for subscribers named by their order.
func (m *memLog) rules(t *testing.T, n int) {
	t.Helper()
	for range n {
		m.mu.Lock()
		next := m.first + int64(len(m.evs))
		m.mu.Unlock()
		m.Append(ctx, ringfence.Event{Type: ringfence.EventRules, At: time.Now(), Rules: &ringfence.Rules{Subscriber: fmt.Sprintf("s%d", next)}})
	}
}

func (m *memLog) read(after int64) ([]ringfence.Event, <-chan struct{}, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.evs) > 0 && after+1 < m.first {
		return nil, nil, ringfence.Errorf(ringfence.ECONFLICT, "trimmed before %d", m.first)
	}
	i := max(after+1-m.first, 0)
	if i > int64(len(m.evs)) {
		i = int64(len(m.evs))
	}
	return append([]ringfence.Event(nil), m.evs[i:]...), m.wake, nil
}

func (m *memLog) Read(_ context.Context, after int64, fn func(ringfence.Event) error) error {
	evs, _, err := m.read(after)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		if err := fn(ev); err != nil {
			return err
		}
	}
	return nil
}

func (m *memLog) Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	for {
		evs, wake, err := m.read(after)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := fn(ev); err != nil {
				return err
			}
			after = ev.Position
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

func (m *memLog) Head(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.first + int64(len(m.evs)) - 1, nil
}

func (m *memLog) Trim(context.Context, time.Time) (int64, error) { return 0, nil }

// trimTo drops the events before position p.
func (m *memLog) trimTo(p int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := p - m.first
	m.evs = m.evs[n:]
	m.first = p
}

// streamMatches waits until the stream's head is the log's, then checks
// that every position of the stream holds the log's event there.
func streamMatches(t *testing.T, l *natslog.Log, m *memLog, from int64, within time.Duration) {
	t.Helper()
	want, _ := m.Head(ctx)
	deadline := time.Now().Add(within)
	for {
		h, err := l.Head(ctx)
		if err == nil && h == want {
			break
		}
		if h > want {
			t.Fatalf("the stream's head %d is past the log's %d", h, want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream's head is %d (%v) after %v, the log's %d", h, err, within, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	next := from
	if err := l.Read(ctx, from-1, func(ev ringfence.Event) error {
		if ev.Position != next {
			return fmt.Errorf("stream: position %d after %d", ev.Position, next-1)
		}
		if w := fmt.Sprintf("s%d", ev.Position); ev.Rules == nil || ev.Rules.Subscriber != w {
			return fmt.Errorf("stream position %d holds %+v, want %s's rules", ev.Position, ev.Rules, w)
		}
		next++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if next != want+1 {
		t.Fatalf("read the stream to %d, want %d", next-1, want)
	}
}

// TestRelay: the relay copies the store's log into the stream with the
// stream's sequence equal to the position, while the log grows; two nodes
// relaying at once (one holds the lease) store each event once; when the
// holder's connection dies without giving the lease up, the other takes
// over once the lease expires and goes on after the stream's last event;
// a new stream over a log whose start was trimmed starts at the log's
// first position.
func TestRelay(t *testing.T) {
	srv := natstest.Server(t, t.TempDir())
	cfg := natslog.Config{URLs: srv.ClientURL()}
	m := newMemLog()
	m.rules(t, 300)
	la, lb, reader := open(t, cfg), open(t, cfg), open(t, cfg)
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	for _, r := range []struct {
		l    *natslog.Log
		node string
	}{{la, "a"}, {lb, "b"}} {
		wg.Add(1)
		go func() { defer wg.Done(); r.l.Relay(rctx, m, r.node, slog.New(slog.DiscardHandler)) }()
	}
	streamMatches(t, reader, m, 1, 10*time.Second)
	for range 5 {
		m.rules(t, 40)
		time.Sleep(10 * time.Millisecond)
	}
	streamMatches(t, reader, m, 1, 10*time.Second)

	// The holder's connection dies (the lease stays until it expires).
	la.Close()
	lb.Close()
	lc := open(t, cfg)
	wg.Add(1)
	go func() { defer wg.Done(); lc.Relay(rctx, m, "c", slog.New(slog.DiscardHandler)) }()
	m.rules(t, 100)
	streamMatches(t, reader, m, 1, natslog.LeaseTTL+10*time.Second)

	// A new stream over a trimmed log.
	m2 := newMemLog()
	m2.rules(t, 50)
	m2.trimTo(31)
	cfg2 := cfg
	cfg2.Stream, cfg2.Prefix = "RINGFENCE_EVENTS_2", "rf2"
	l2, r2 := open(t, cfg2), open(t, cfg2)
	ctx2, stop2 := context.WithCancel(rctx)
	done2 := make(chan struct{})
	go func() { defer close(done2); l2.Relay(ctx2, m2, "a", slog.New(slog.DiscardHandler)) }()
	streamMatches(t, r2, m2, 31, 10*time.Second)
	// The relay stops; the log moves on and is trimmed past the stream's
	// end; a relay goes on at the log's first position.
	stop2()
	<-done2
	m2.rules(t, 50)
	m2.trimTo(90)
	wg.Add(1)
	go func() { defer wg.Done(); l2.Relay(rctx, m2, "a", slog.New(slog.DiscardHandler)) }()
	streamMatches(t, r2, m2, 90, 10*time.Second)

	// Three relays without the lease, publishing the same events at once:
	// each position is stored once (expected last sequence).
	m3 := newMemLog()
	m3.rules(t, 200)
	cfg3 := cfg
	cfg3.Stream, cfg3.Prefix = "RINGFENCE_EVENTS_3", "rf3"
	for range 3 {
		l3 := open(t, cfg3)
		wg.Add(1)
		go func() { defer wg.Done(); l3.RelayUnleased(rctx, m3) }()
	}
	for range 10 {
		m3.rules(t, 30)
		time.Sleep(5 * time.Millisecond)
	}
	streamMatches(t, open(t, cfg3), m3, 1, 10*time.Second)
}

// TestFollower: a follower reads every event once, in order, from the
// stream while a relay fills it; from the store when the relay stops
// (the stream stalls) and when there is no NATS connection; and from the
// stream again once the relay is back. A stream trimmed past the
// follower's position sends it to the store for the missing events.
func TestFollower(t *testing.T) {
	srv := natstest.Server(t, t.TempDir())
	cfg := natslog.Config{URLs: srv.ClientURL()}
	m := newMemLog()
	m.rules(t, 100)
	relayLog, followLog := open(t, cfg), open(t, cfg)
	var connected atomic.Pointer[natslog.Log]
	connected.Store(followLog)
	f := &natslog.Follower{Store: m, NATS: connected.Load, FallbackFor: 500 * time.Millisecond, StallAfter: 400 * time.Millisecond}

	startRelay := func() (stop func()) {
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); relayLog.Relay(rctx, m, "r", nil) }()
		return func() { cancel(); <-done }
	}
	stopRelay := startRelay()

	fctx, stop := context.WithCancel(ctx)
	defer stop()
	got, errc := followInOrder(fctx, f)
	reach := func(what string, onStream bool) {
		t.Helper()
		head, _ := m.Head(ctx)
		deadline := time.Now().Add(15 * time.Second)
		for got.Load() < head || f.OnStream() != onStream {
			select {
			case err := <-errc:
				t.Fatalf("%s: Subscribe ended: %v", what, err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the follower is at %d of %d, on the stream: %v, want %v", what, got.Load(), head, f.OnStream(), onStream)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	reach("relay running", true)
	m.rules(t, 50)
	reach("relay running, more events", true)

	stopRelay()
	m.rules(t, 50)
	reach("no relay", false)

	connected.Store(nil)
	m.rules(t, 20)
	reach("no NATS connection", false)
	connected.Store(followLog)

	stopRelay = startRelay()
	defer func() { stopRelay() }()
	m.rules(t, 20)
	reach("relay back", true)

	// The stream loses its start; a new follower from 0 reads it from the
	// store, then goes on from the stream.
	if _, err := relayLog.Trim(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f2 := &natslog.Follower{Store: m, NATS: connected.Load, FallbackFor: 300 * time.Millisecond, StallAfter: 300 * time.Millisecond}
	var got2 atomic.Int64
	go f2.Subscribe(fctx, 0, func(ev ringfence.Event) error {
		if ev.Position != got2.Load()+1 {
			t.Errorf("second follower got %d after %d", ev.Position, got2.Load())
		}
		got2.Store(ev.Position)
		return nil
	})
	m.rules(t, 10)
	head, _ := m.Head(ctx)
	deadline := time.Now().Add(15 * time.Second)
	for got2.Load() < head || !f2.OnStream() {
		if time.Now().After(deadline) {
			t.Fatalf("second follower at %d of %d, on the stream: %v", got2.Load(), head, f2.OnStream())
		}
		time.Sleep(10 * time.Millisecond)
	}
	reach("after the trim", true)
}

// followInOrder runs f.Subscribe from the start until ctx ends, checking
// that each event comes right after the last and holds the rules the test
// stored at its position ("s<position>"). got is the last position
// applied; errc receives what Subscribe returns.
func followInOrder(ctx context.Context, f *natslog.Follower) (got *atomic.Int64, errc <-chan error) {
	got = new(atomic.Int64)
	ec := make(chan error, 1)
	go func() {
		ec <- f.Subscribe(ctx, 0, func(ev ringfence.Event) error {
			if p := got.Load(); ev.Position != p+1 {
				return fmt.Errorf("follower got %d after %d", ev.Position, p)
			}
			if w := fmt.Sprintf("s%d", ev.Position); ev.Rules.Subscriber != w {
				return fmt.Errorf("follower: position %d holds %s's rules, want %s's", ev.Position, ev.Rules.Subscriber, w)
			}
			got.Store(ev.Position)
			return nil
		})
	}()
	return got, ec
}
