package natslog_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
)

// TestStoreRestored: the store is restored from a backup that lacks the
// stream's last events, then takes new writes, fewer or more than it
// lost. A node started over it applies the store's events, never the lost
// ones, and the relay makes the stream again after the store's head; the
// node then follows the stream again.
func TestStoreRestored(t *testing.T) {
	for _, tc := range []struct {
		name         string
		kept, writes int // of the stream's 40 events, and new ones after
	}{
		{"behind the stream", 30, 5},
		{"past the stream", 30, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := natstest.Server(t, t.TempDir())
			cfg := natslog.Config{URLs: srv.ClientURL()}
			lost := newMemLog()
			lost.rules(t, 40)
			relay := func(m *memLog) (stop func()) {
				l := open(t, cfg)
				rctx, cancel := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { defer close(done); l.Relay(rctx, m, "r", nil) }()
				return func() { cancel(); <-done }
			}
			stop := relay(lost)
			streamMatches(t, open(t, cfg), lost, 1, 10*time.Second)
			stop()

			// The backup: the first events, then other writes at the
			// positions after them.
			m := newMemLog()
			m.evs = append(m.evs, lost.evs[:tc.kept]...)
			write := func(n int) {
				for range n {
					h, _ := m.Head(ctx)
					m.Append(ctx, ringfence.Event{Type: ringfence.EventRules, At: time.Now(), Rules: &ringfence.Rules{Subscriber: fmt.Sprintf("new%d", h+1)}})
				}
			}
			write(tc.writes)

			var mu sync.Mutex
			applied := map[int64]string{}
			var last int64
			var conn atomic.Pointer[natslog.Log]
			conn.Store(open(t, cfg))
			f := &natslog.Follower{Store: m, NATS: conn.Load, FallbackFor: 500 * time.Millisecond, StallAfter: 400 * time.Millisecond}
			fctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go f.Subscribe(fctx, 0, func(ev ringfence.Event) error {
				mu.Lock()
				defer mu.Unlock()
				if ev.Position != last+1 {
					t.Errorf("follower: %d after %d", ev.Position, last)
				}
				applied[ev.Position], last = ev.Rules.Subscriber, ev.Position
				return nil
			})
			// The node starts before the relay: it must not take the
			// stream's events for the store's.
			time.Sleep(time.Second)
			defer relay(m)()
			write(5)
			head, _ := m.Head(ctx)
			deadline := time.Now().Add(20 * time.Second)
			for {
				mu.Lock()
				at := last
				mu.Unlock()
				if at == head && f.OnStream() {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the follower is at %d of %d, on the stream: %v", at, head, f.OnStream())
				}
				time.Sleep(20 * time.Millisecond)
			}
			// The stream is the store's copy again after the head it was
			// made at.
			write(3)
			sl := open(t, cfg)
			head, _ = m.Head(ctx)
			for h, _ := sl.Head(ctx); h != head; h, _ = sl.Head(ctx) {
				if time.Now().After(deadline) {
					t.Fatalf("the stream's head is %d, the store's %d", h, head)
				}
				time.Sleep(20 * time.Millisecond)
			}
			streamMatchesFrom(t, sl, m, head-2)
			for {
				mu.Lock()
				at := last
				mu.Unlock()
				if at == head {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the follower is at %d of %d", at, head)
				}
				time.Sleep(20 * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, ev := range m.evs {
				if got := applied[ev.Position]; got != ev.Rules.Subscriber {
					t.Errorf("position %d: applied %s's rules, the store holds %s's", ev.Position, got, ev.Rules.Subscriber)
				}
			}
		})
	}
}

// streamMatchesFrom checks that the stream holds m's events from position
// from to m's head.
func streamMatchesFrom(t *testing.T, l *natslog.Log, m *memLog, from int64) {
	t.Helper()
	want, _ := m.Head(ctx)
	next := from
	err := l.Read(ctx, from-1, func(ev ringfence.Event) error {
		w := m.evs[ev.Position-m.first]
		if ev.Position != next || ev.Rules.Subscriber != w.Rules.Subscriber {
			return fmt.Errorf("stream: position %d holds %s's rules (want %d, %s's)", ev.Position, ev.Rules.Subscriber, next, w.Rules.Subscriber)
		}
		next++
		return nil
	})
	if err != nil || next != want+1 {
		t.Fatalf("the stream from %d: read to %d of %d: %v", from, next-1, want, err)
	}
}
