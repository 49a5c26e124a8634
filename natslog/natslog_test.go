package natslog_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
	"ringfence/storetest"
)

var ctx = context.Background()

func open(t testing.TB, cfg natslog.Config) *natslog.Log {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	l, err := natslog.Open(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestEventLogConformance runs the suite against one embedded server per
// log, storing in the suite's directory.
func TestEventLogConformance(t *testing.T) {
	var mu sync.Mutex
	urls := map[string]string{}
	storetest.TestEventLog(t, func(t *testing.T, dir string) ringfence.EventLog {
		mu.Lock()
		u, ok := urls[dir]
		if !ok {
			u = natstest.Server(t, dir).ClientURL()
			urls[dir] = u
		}
		mu.Unlock()
		return open(t, natslog.Config{URLs: u})
	})
}

// TestEventLogConformanceCluster runs the suite against a cluster of
// three servers, each log a stream of its own replicated three times.
func TestEventLogConformanceCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster of three servers")
	}
	c := natstest.NewCluster(t, 3)
	var mu sync.Mutex
	streams := map[string]int{}
	storetest.TestEventLog(t, func(t *testing.T, dir string) ringfence.EventLog {
		mu.Lock()
		n, ok := streams[dir]
		if !ok {
			n = len(streams) + 1
			streams[dir] = n
		}
		mu.Unlock()
		return open(t, natslog.Config{URLs: c.URLs(), Replicas: 3, Prefix: fmt.Sprintf("t%d", n),
			Stream: fmt.Sprintf("EVENTS_%d", n), CallStream: fmt.Sprintf("CDR_%d", n)})
	})
}

// TestClusterServerDies kills the server leading the events stream while
// a writer appends, one event at a time and several at a time: appends go
// on succeeding once the other two elect a leader; every event whose
// append returned is in the log, an event appended alone exactly once, at
// the position Append returned; the events of one append end in their
// order; and a subscriber following the log throughout sees it all, in
// order.
func TestClusterServerDies(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster of three servers")
	}
	for _, batch := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d per append", batch), func(t *testing.T) { serverDies(t, batch) })
	}
}

func serverDies(t *testing.T, batch int) {
	c := natstest.NewCluster(t, 3)
	cfg := natslog.Config{URLs: c.URLs(), Replicas: 3}
	l := open(t, cfg)
	sub := open(t, cfg)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	followed := make(chan int64, 10000)
	go sub.Subscribe(sctx, 0, func(ev ringfence.Event) error { followed <- ev.Position; return nil })
	const total, killAt = 200, 70
	returned := map[int64]string{} // position → the last subscriber of the append
	var appended [][]string
	var afterKill int
	var killed string
	for i := range total {
		if i == killAt {
			leader, err := l.StreamLeader(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !c.Kill(leader) {
				t.Fatalf("no running server %q to kill", leader)
			}
			killed = leader
		}
		var evs []ringfence.Event
		var subs []string
		for j := range batch {
			s := fmt.Sprintf("+86139%04d%04d", i, j)
			subs = append(subs, s)
			evs = append(evs, ringfence.Event{Type: ringfence.EventRules, At: time.Now(), Rules: &ringfence.Rules{Subscriber: s}})
		}
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		p, err := l.Append(actx, evs...)
		cancel()
		if err != nil {
			t.Fatalf("append %d (%d after the kill): %v", i, afterKill, err)
		}
		if prev, dup := returned[p]; dup {
			t.Fatalf("position %d returned for %s and %s", p, prev, subs[batch-1])
		}
		returned[p] = subs[batch-1]
		appended = append(appended, subs)
		if i >= killAt {
			afterKill++
		}
	}
	// A new connection, to the two servers left, reads every one of them.
	r := open(t, cfg)
	if leader, err := r.StreamLeader(ctx); err != nil || leader == killed || leader == "" {
		t.Fatalf("stream leader after killing %s: %q, %v", killed, leader, err)
	}
	seen := map[string]int{}
	lastAt := map[string]int64{}
	if err := r.Read(ctx, 0, func(ev ringfence.Event) error {
		seen[ev.Rules.Subscriber]++
		lastAt[ev.Rules.Subscriber] = ev.Position
		if want, ok := returned[ev.Position]; ok && want != ev.Rules.Subscriber {
			return fmt.Errorf("position %d holds %s, Append returned it for %s", ev.Position, ev.Rules.Subscriber, want)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dups := 0
	for _, subs := range appended {
		for j, s := range subs {
			if seen[s] == 0 || batch == 1 && seen[s] != 1 {
				t.Fatalf("appended event of %s read %d times", s, seen[s])
			}
			dups += seen[s] - 1
			if j > 0 && lastAt[s] < lastAt[subs[j-1]] {
				t.Fatalf("append %v ends with %s at %d before %s at %d", subs, s, lastAt[s], subs[j-1], lastAt[subs[j-1]])
			}
		}
	}
	if afterKill != total-killAt {
		t.Fatalf("%d appends after the kill, want %d", afterKill, total-killAt)
	}
	t.Logf("%d events appended, %d stored again after a failed publish", total*batch, dups)
	head, err := r.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The subscriber saw every position up to the head, once, in order.
	var last int64
	for last < head {
		select {
		case p := <-followed:
			if p != last+1 {
				t.Fatalf("subscriber got %d after %d", p, last)
			}
			last = p
		case <-time.After(time.Minute):
			t.Fatalf("subscriber got to %d of %d", last, head)
		}
	}
}

// TestCallsPartitioned: every record lands in its caller's partition and
// in its callee's, and every record published is consumed once in each.
func TestCallsPartitioned(t *testing.T) {
	const parts = 5
	l := open(t, natslog.Config{URLs: natstest.Server(t, t.TempDir()).ClientURL(), Partitions: parts})
	var recs []ringfence.CallRecord
	for i := range 3000 {
		recs = append(recs, ringfence.CallRecord{Caller: 8617000000000 + uint64(i%700)*7919, Callee: 8613800000000 + uint64(i), Start: 1772366400 + int64(i), Duration: uint32(i % 90), Answered: i%3 == 0})
	}
	if err := l.PublishCalls(ctx, recs); err != nil {
		t.Fatal(err)
	}
	type copyOf struct {
		p int
		r ringfence.CallRecord
	}
	want := map[copyOf]int{} // records still to consume, by partition
	left := make([]int, parts)
	copies := 0
	for _, r := range recs {
		for _, p := range natslog.PartitionsOf(r, parts) {
			want[copyOf{p, r}]++
			left[p]++
			copies++
		}
	}
	if copies == len(recs) {
		t.Fatal("no record has its callee in another partition than its caller")
	}
	got := 0
	perPart := make([]int, parts)
	for p := range parts {
		// Each partition's consumer runs until the records are all in, or
		// for a minute.
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := l.ConsumeCalls(cctx, p, fmt.Sprintf("detect-%d", p), func(rs []ringfence.CallRecord) error {
			for _, r := range rs {
				if to := natslog.PartitionsOf(r, parts); !slices.Contains(to, p) {
					return fmt.Errorf("call %d→%d in partition %d, belongs in %v", r.Caller, r.Callee, p, to)
				}
				if want[copyOf{p, r}] == 0 {
					return fmt.Errorf("record %+v not published in partition %d, or consumed twice", r, p)
				}
				want[copyOf{p, r}]--
				left[p]--
				got++
				perPart[p]++
			}
			if left[p] == 0 {
				cancel()
			}
			return nil
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("partition %d: %v", p, err)
		}
	}
	if got != copies {
		t.Fatalf("consumed %d records, published %d (%d copies)", got, len(recs), copies)
	}
	for p, n := range perPart {
		if n == 0 {
			t.Fatalf("partition %d got no records: %v", p, perPart)
		}
	}
}

// TestCallsAckedAfterHandler: a batch whose handler fails is not
// acknowledged and comes again; one whose handler succeeds does not.
func TestCallsAckedAfterHandler(t *testing.T) {
	l := open(t, natslog.Config{URLs: natstest.Server(t, t.TempDir()).ClientURL(), Partitions: 1})
	recs := []ringfence.CallRecord{{Caller: 8617000000001, Callee: 8613800000001, Start: 1772366400}, {Caller: 8617000000002, Callee: 8613800000002, Start: 1772366401}}
	if err := l.PublishCalls(ctx, recs); err != nil {
		t.Fatal(err)
	}
	fail := errors.New("detector failed")
	tests := []struct {
		name    string
		handler error
		wait    time.Duration // how long the consumer runs at most
		want    int           // records handed to the handler
		err     error         // what ConsumeCalls returns
	}{
		{"handler fails", fail, time.Minute, 2, fail},
		{"redelivered, handled", nil, time.Minute, 2, context.Canceled},
		{"nothing left", nil, 500 * time.Millisecond, 0, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		cctx, cancel := context.WithTimeout(ctx, tt.wait)
		n := 0
		err := l.ConsumeCalls(cctx, 0, "detect", func(rs []ringfence.CallRecord) error {
			n += len(rs)
			if tt.handler == nil {
				cancel() // one batch; the next run must get nothing
			}
			return tt.handler
		})
		cancel()
		if !errors.Is(err, tt.err) || n != tt.want {
			t.Fatalf("%s: %d records, %v; want %d, %v", tt.name, n, err, tt.want, tt.err)
		}
	}
}

func TestPartitionSpread(t *testing.T) {
	tests := []struct{ n, callers int }{{1, 100}, {3, 3000}, {16, 16000}, {64, 64000}}
	for _, tt := range tests {
		counts := make([]int, tt.n)
		for i := range tt.callers {
			p := natslog.Partition(8613800000000+uint64(i), tt.n) // consecutive numbers
			if p < 0 || p >= tt.n {
				t.Fatalf("partition %d of %d", p, tt.n)
			}
			counts[p]++
		}
		even := tt.callers / tt.n
		for p, c := range counts {
			if c < even/2 || c > even*3/2 {
				t.Fatalf("%d partitions: partition %d has %d of %d consecutive callers", tt.n, p, c, tt.callers)
			}
		}
	}
}

// TestCallsResentStoredOnce: records published again as they were (a
// client re-sending a POST whose answer it lost) add nothing to the
// partitions; other records, or the same in another order, do.
func TestCallsResentStoredOnce(t *testing.T) {
	l := open(t, natslog.Config{URLs: natstest.Server(t, t.TempDir()).ClientURL(), Partitions: 4})
	recs := make([]ringfence.CallRecord, 2500)
	for i := range recs {
		recs[i] = ringfence.CallRecord{Caller: 8617000000000 + uint64(i%300)*7919, Callee: 8613800000000 + uint64(i), Start: 1772366400 + int64(i), Duration: uint32(i % 90), Answered: i%3 == 0}
	}
	heads := func() []uint64 {
		t.Helper()
		h, err := l.PartitionHeads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if err := l.PublishCalls(ctx, recs); err != nil {
		t.Fatal(err)
	}
	first := heads()
	tests := []struct {
		name  string
		recs  []ringfence.CallRecord
		moved bool
	}{
		{"sent again", recs, false},
		{"sent again, once more", recs, false},
		{"one record more", append(slices.Clone(recs), ringfence.CallRecord{Caller: 8617000000001, Callee: 8613800009999, Start: 1772370000}), true},
		{"in another order", slices.Concat(recs[1:], recs[:1]), true},
	}
	for _, tt := range tests {
		before := heads()
		if err := l.PublishCalls(ctx, tt.recs); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if after := heads(); slices.Equal(after, before) == tt.moved {
			t.Errorf("%s: partition heads %v → %v, want moved %v (first publish %v)", tt.name, before, after, tt.moved, first)
		}
	}
}
