package natslog_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
	"ringfence/simulate"
)

// memSink keeps the flags the detectors store, as a node's store would.
type memSink struct {
	mu    sync.Mutex
	flags []ringfence.Flag
}

func flagID(f ringfence.Flag) string {
	return fmt.Sprintf("%s %s %d", f.Number, f.Kind, f.FlaggedAt.Unix())
}

func (s *memSink) ApplyDetected(_ context.Context, fs []ringfence.Flag) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flags = append(s.flags, fs...)
	return nil
}

func (s *memSink) DetectedStored(_ context.Context, f ringfence.Flag) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.ContainsFunc(s.flags, func(g ringfence.Flag) bool { return flagID(g) == flagID(f) }), nil
}

func (s *memSink) ids() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, f := range s.flags {
		out = append(out, flagID(f))
	}
	slices.Sort(out)
	return out
}

func flagIDs(fs []ringfence.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, flagID(f))
	}
	slices.Sort(out)
	return out
}

// crashSink stores the first flags of its node, then cuts the node's
// connection before the records that raised them are acknowledged: the
// node dies between applying and acknowledging.
type crashSink struct {
	*memSink
	node    *detectNode
	crashed chan struct{}
	once    sync.Once
}

func (s *crashSink) ApplyDetected(ctx context.Context, fs []ringfence.Flag) error {
	if err := s.memSink.ApplyDetected(ctx, fs); err != nil {
		return err
	}
	s.once.Do(func() {
		s.node.log.Close()
		close(s.crashed)
	})
	return nil
}

// detectNode is one node's detectors over a connection of its own.
type detectNode struct {
	log  *natslog.Log
	dets *natslog.Detectors
	stop context.CancelFunc
	done chan struct{}
}

func startDetectNode(t *testing.T, url, name string, parts int, sink natslog.DetectSink) *detectNode {
	t.Helper()
	l, err := natslog.Open(ctx, natslog.Config{URLs: url, Partitions: parts, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	n := &detectNode{log: l, dets: l.NewDetectors(natslog.DetectorsConfig{Node: name, Sink: sink, CheckpointEvery: 200 * time.Millisecond, Logger: testLogger(t, name)}), done: make(chan struct{})}
	rctx, stop := context.WithCancel(ctx)
	n.stop = stop
	go func() { defer close(n.done); n.dets.Run(rctx) }()
	t.Cleanup(func() { n.stop(); <-n.done; l.Close() })
	return n
}

// crash ends the node as a kill would: its connection goes first, so it
// neither checkpoints nor gives its leases back.
func (n *detectNode) crash() {
	n.log.Close()
	n.stop()
	<-n.done
}

func owned(n *detectNode) int {
	k := 0
	for _, s := range n.dets.Status() {
		if s.Owned {
			k++
		}
	}
	return k
}

// TestDetectorsTakeover: two nodes share four partitions; one dies
// mid-stream (its connection cut, no checkpoint or lease given back) and
// the other takes its partitions within 10 s, rebuilds them and goes on.
// Every published record is applied (the partitions' applied sequences
// reach their heads) and the flags stored are exactly those of four
// partitioned detectors over the same records, none stored twice.
func TestDetectorsTakeover(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates two days of calls and waits out a lease")
	}
	const parts = 4
	url := natstest.Server(t, t.TempDir()).ClientURL()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, simulate.CST)
	recs := simulate.Run(simulate.Config{Days: 2, Subscribers: 2000, Seed: 7, Start: start}).Calls
	want := flagIDs(natslog.PartitionedFlags(recs, parts))
	if len(want) == 0 {
		t.Fatal("the reference raised no flag")
	}
	sink := &memSink{}
	crashing := &crashSink{memSink: sink, crashed: make(chan struct{})}
	a := startDetectNode(t, url, "a", parts, crashing)
	crashing.node = a
	b := startDetectNode(t, url, "b", parts, sink)
	if _, ok := waitUntil(15*time.Second, func() bool { return owned(a) == 2 && owned(b) == 2 }); !ok {
		t.Fatalf("partitions not shared 2/2 within 15 s: a %d, b %d", owned(a), owned(b))
	}
	pub := open(t, natslog.Config{URLs: url, Partitions: parts})
	// Chunks in turn; a dies once it has stored flags (before it
	// acknowledges their records), or at the last chunk but one.
	const chunks = 20
	between := false
	for i := range chunks {
		chunk := recs[i*len(recs)/chunks : (i+1)*len(recs)/chunks]
		if err := pub.PublishCalls(ctx, chunk); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // the detectors keep up
		select {
		case <-crashing.crashed:
			between = true
		default:
		}
		if between || i == chunks-2 {
			a.crash()
			crashing.once.Do(func() {}) // it stays up no more
			// The rest, after a died.
			if err := pub.PublishCalls(ctx, recs[(i+1)*len(recs)/chunks:]); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	took, ok := waitUntil(10*time.Second, func() bool { return owned(b) == parts })
	if !ok {
		t.Fatalf("b owns %d partitions 10 s after a died", owned(b))
	}
	heads, err := pub.PartitionHeads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := waitUntil(30*time.Second, func() bool {
		for _, s := range b.dets.Status() {
			if s.Applied < heads[s.Partition] {
				return false
			}
		}
		return true
	}); !ok {
		t.Fatalf("applied %v, heads %v", b.dets.Status(), heads)
	}
	got := sink.ids()
	if !slices.Equal(got, want) {
		t.Fatalf("%d flags stored, %d raised by 4 partitioned detectors over the same records\nfirst stored: %v\nfirst wanted: %v", len(got), len(want), got[:min(5, len(got))], want[:min(5, len(want))])
	}
	replayed := uint64(0)
	for _, s := range b.dets.Status() {
		replayed += s.Replayed
	}
	t.Logf("%d records, %d flags, the same as 4 partitioned detectors; a's partitions moved to b %v after a died, replaying %d messages; a died between storing flags and acknowledging their records: %v", len(recs), len(got), took.Round(100*time.Millisecond), replayed, between)
}

// waitUntil polls cond every 50 ms until it holds or d has passed.
func waitUntil(d time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > d {
			return time.Since(start), false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// testLogger writes a node's log to the test's.
func testLogger(t *testing.T, name string) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
