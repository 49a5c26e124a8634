package natslog_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
)

// TestFollowerStreamLeaderDies: in a cluster of three servers, when the
// server leading the events stream dies, a follower on the stream moves
// on through the store within StallAfter and a little, not after the NATS
// client has re-created its consumer; it applies every event once and in
// order throughout (the abandoned stream reader applies nothing).
func TestFollowerStreamLeaderDies(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster of three servers")
	}
	c := natstest.NewCluster(t, 3)
	cfg := natslog.Config{URLs: c.URLs(), Replicas: 3}
	relayLog := open(t, cfg)
	// The follower is connected to the stream's leader, which dies.
	leader, err := relayLog.StreamLeader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fcfg := cfg
	for _, s := range c.Servers {
		if s.Name() == leader {
			fcfg.URLs = s.ClientURL()
		}
	}
	followLog := open(t, fcfg)
	m := newMemLog()
	m.rules(t, 50)
	f := &natslog.Follower{Store: m, NATS: func() *natslog.Log { return followLog }, StallAfter: 2 * time.Second}

	rctx, stopRelay := context.WithCancel(ctx)
	relayDone := make(chan struct{})
	go func() { defer close(relayDone); relayLog.Relay(rctx, m, "r", nil) }()
	defer func() { stopRelay(); <-relayDone }()

	fctx, stop := context.WithCancel(ctx)
	defer stop()
	got, errc := followInOrder(fctx, f)
	deadline := time.Now().Add(20 * time.Second)
	for head, _ := m.Head(ctx); got.Load() < head || !f.OnStream(); {
		if time.Now().After(deadline) {
			t.Fatalf("before the kill: the follower is at %d of %d, on the stream: %v", got.Load(), head, f.OnStream())
		}
		time.Sleep(10 * time.Millisecond)
	}

	if !c.Kill(leader) {
		t.Fatalf("no running server %q to kill", leader)
	}
	// Events keep coming, ~50/s, for 6 s; the follower must not stay
	// behind the store's head without moving for longer than StallAfter
	// plus the time to notice it (the stall check runs every StallAfter/2).
	const bound = 4 * time.Second
	var worst time.Duration
	stuckAt, stuckSince := got.Load(), time.Now()
	for end := time.Now().Add(6 * time.Second); time.Now().Before(end); {
		select {
		case err := <-errc:
			t.Fatalf("Subscribe ended: %v", err)
		default:
		}
		m.rules(t, 1)
		time.Sleep(20 * time.Millisecond)
		head, _ := m.Head(ctx)
		if p := got.Load(); p != stuckAt || p >= head {
			stuckAt, stuckSince = p, time.Now()
		}
		worst = max(worst, time.Since(stuckSince))
	}
	t.Logf("killed %s; the follower stood still behind the store's head for %v at most", leader, worst.Round(10*time.Millisecond))
	if worst > bound {
		t.Fatalf("after the stream's leader died the follower stood still for %v behind the store's head, want at most %v", worst.Round(10*time.Millisecond), bound)
	}
	head, _ := m.Head(ctx)
	for deadline := time.Now().Add(10 * time.Second); got.Load() < head; {
		if time.Now().After(deadline) {
			t.Fatalf("the follower is at %d of %d", got.Load(), head)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFollowerStalledReaderAbandoned: a stream reader that neither
// delivers nor returns (as while the NATS client re-creates a consumer
// whose server died) does not hold the follower up: it reads the store
// after StallAfter, and the abandoned reader, when it wakes up, applies
// nothing.
func TestFollowerStalledReaderAbandoned(t *testing.T) {
	srv := natstest.Server(t, t.TempDir())
	l := open(t, natslog.Config{URLs: srv.ClientURL()})
	m := newMemLog()
	m.rules(t, 20)
	release := make(chan struct{})
	var lateErr atomic.Pointer[error]
	lateDone := make(chan struct{})
	var readers atomic.Int32
	defer natslog.SetStreamSubscribe(func(_ *natslog.Log, _ context.Context, after int64, apply func(ringfence.Event) error) error {
		if readers.Add(1) > 1 {
			<-release
			return nil
		}
		defer close(lateDone)
		// Deliver five events, then hang, ignoring ctx.
		evs, _, _ := m.read(after)
		for _, ev := range evs[:5] {
			if err := apply(ev); err != nil {
				return err
			}
		}
		<-release
		err := apply(ringfence.Event{Type: ringfence.EventRules, Position: 6, At: time.Now(), Rules: &ringfence.Rules{Subscriber: "stale"}})
		lateErr.Store(&err)
		return err
	})()
	defer close(release)
	f := &natslog.Follower{Store: m, NATS: func() *natslog.Log { return l }, StallAfter: 400 * time.Millisecond, FallbackFor: time.Minute}

	fctx, stop := context.WithCancel(ctx)
	defer stop()
	got, errc := followInOrder(fctx, f)
	reach := func(what string) {
		t.Helper()
		head, _ := m.Head(ctx)
		for deadline := time.Now().Add(5 * time.Second); got.Load() < head; {
			select {
			case err := <-errc:
				t.Fatalf("%s: Subscribe ended: %v", what, err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the follower is at %d of %d with the stream's reader hanging", what, got.Load(), head)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	reach("stream reader hangs")
	release <- struct{}{} // wake the first reader up
	<-lateDone
	if p := lateErr.Load(); p == nil || *p == nil {
		t.Fatal("the abandoned stream reader could still apply an event")
	}
	m.rules(t, 5)
	reach("after the abandoned reader woke up")
}
