package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"ringfence"
)

// Node is an engine that follows its store's event log, as every node of a
// deployment does: its memory was loaded from the store tagged with the
// log's head (Open), and Run applies from there on what any writer
// appends, so that a write accepted on another node reaches this one's
// verdicts. The node's own writes apply before they answer
// (read-your-writes) and move Position over their events themselves.
//
// Node also tells how far behind the log its memory is (LogStatus), for
// readiness and metrics. It embeds the engine: it is the engine, plus the
// follower.
type Node struct {
	*Engine
	logger *slog.Logger

	head    atomic.Int64 // latest log position read from the store
	running atomic.Bool  // Run is following the log now
	// headFailing: the last read of the head failed (pollHead's own).
	headFailing bool
	active      atomic.Bool // Run is following the log or waiting to follow it again
	mu          sync.Mutex
	lastErr     string // why following or reading the head last failed; "" once it works again

	readyLag int64
	log      ringfence.EventLog // what Run follows, when not the store's log (SetLog)
}

// Tunables of Run, variables for tests.
var (
	// headEvery is how often Run reads the log's head (the lag is
	// measured against it).
	headEvery = 500 * time.Millisecond
	// followRetry is how long Run waits before following again after the
	// log failed (the store restarted, a connection dropped).
	followRetry = time.Second
)

// NewNode makes e a node following its store's log; Run starts following.
func NewNode(e *Engine, logger *slog.Logger) *Node {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	n := &Node{Engine: e, logger: logger, readyLag: DefaultReadyLag}
	n.head.Store(e.Position())
	return n
}

// Run follows the log from Position until ctx is done, and returns ctx's
// error. When the log fails (the store is down or restarting) it logs the
// failure, waits and follows again from Position: verdicts keep coming
// from memory meanwhile. When the events after Position were trimmed
// (ECONFLICT) it stops and returns the error: memory can no longer catch
// up, and the node must be restarted to load a new snapshot.
func (n *Node) Run(ctx context.Context) error {
	n.active.Store(true)
	defer n.active.Store(false)
	pctx, endPoll := context.WithCancel(ctx)
	defer endPoll()
	go n.pollHead(pctx)
	for {
		n.running.Store(true)
		err := n.follow(ctx)
		n.running.Store(false)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			err = errors.New("event log subscription ended")
		}
		// The error itself (hosts, users) goes to the log, not to
		// LogStatus, which unauthenticated readiness probes read.
		n.setErr("following the event log failed; retrying (see the node's log)")
		if ringfence.ErrorCode(err) == ringfence.ECONFLICT {
			n.setErr("the event log no longer holds the events after this node's position: restart the node")
			n.logger.Error("the event log no longer holds the events after this node's position: restart the node to load a new snapshot",
				"position", n.Position(), "err", err)
			return err
		}
		n.logger.Warn("following the event log failed; retrying", "position", n.Position(), "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(followRetry):
		}
	}
}

// pollHead reads the log's head every headEvery until ctx is done.
func (n *Node) pollHead(ctx context.Context) {
	t := time.NewTicker(headEvery)
	defer t.Stop()
	for {
		n.readHead(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (n *Node) readHead(ctx context.Context) {
	hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	h, err := n.Store().Events().Head(hctx)
	if err != nil {
		if ctx.Err() == nil {
			n.setErr("reading the event log head failed (see the node's log)")
			if !n.headFailing {
				n.logger.Warn("reading the event log head failed", "err", err)
			}
			n.headFailing = true
		}
		return
	}
	n.headFailing = false
	for {
		old := n.head.Load()
		if h <= old || n.head.CompareAndSwap(old, h) {
			break
		}
	}
	if n.running.Load() {
		n.setErr("")
	}
}

func (n *Node) setErr(s string) {
	n.mu.Lock()
	n.lastErr = s
	n.mu.Unlock()
}

// LogStatus is the node's place in the log: the position its memory
// reflects, the log's head as last read (never behind position), whether
// the node follows the log (Run is running, also while it waits to retry
// after a failure), and the last failure to follow the log or read its
// head ("" when none since).
func (n *Node) LogStatus() (position, head int64, following bool, failure string) {
	position = n.Position()
	head = max(n.head.Load(), position)
	n.mu.Lock()
	failure = n.lastErr
	n.mu.Unlock()
	following = n.active.Load()
	if !following && failure == "" {
		failure = "not following the event log"
	}
	return position, head, following, failure
}

// ReadyLag is how many events a node may be behind the log's head and
// still answer ready (GET /readyz); set it before serving.
func (n *Node) ReadyLag() int64 { return n.readyLag }

// SetReadyLag sets ReadyLag (default DefaultReadyLag).
func (n *Node) SetReadyLag(lag int64) { n.readyLag = lag }

// DefaultReadyLag is a node's ReadyLag unless set.
const DefaultReadyLag = 1000
