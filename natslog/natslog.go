// Package natslog is ringfence's event log on NATS JetStream, for a
// deployment of several nodes: the ringfence.EventLog of state changes
// (reports, rules, registry, appeals, keys, flags, alias bindings, leaks)
// as one stream whose sequence is the log position, replicated over the
// servers of a JetStream cluster; and the call records that detectors
// share, on subjects partitioned by caller and by callee (PublishCalls),
// applied by the partitions' owners (Detectors, detectors.go).
//
// In a cluster over PostgreSQL the events stream is filled by a relay
// (Log.Relay: one node at a time, under a lease in a KV bucket, publishes
// the store's committed events with the stream's sequence equal to their
// position) and read by followers (Follower: the stream, or the store
// while the stream cannot serve).
//
// It imports the root package, number, detect, and the NATS client (nats.go and
// its jetstream package); never the NATS server, which only its tests run
// in-process (package natstest).
package natslog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
)

// Config says where the log is and how it is kept.
type Config struct {
	// URLs of the NATS servers, comma-separated (nats://h1:4222,nats://h2:4222).
	URLs string
	// Prefix of the subjects: events go to <Prefix>.events.<type>, call
	// records to <Prefix>.cdr.<partition>. Default "ringfence".
	Prefix string
	// Stream is the name of the events stream; CallStream that of the call
	// records. Defaults RINGFENCE_EVENTS and RINGFENCE_CDR.
	Stream, CallStream string
	// Replicas of each stream: 3 in a cluster of three or more servers,
	// so that one server may die without losing an acknowledged event.
	// Default 1.
	Replicas int
	// Partitions of the call records (default 16). Every node of a
	// deployment must use the same count.
	Partitions int
	// CallMaxAge bounds how long call records stay in their stream once
	// consumed or not (default 24 h).
	CallMaxAge time.Duration
	// Name names the connection in the servers' monitoring (the node).
	Name string
	// Logger, when set, receives the connection's asynchronous errors,
	// disconnections and reconnections (else the NATS client writes its
	// asynchronous errors to stderr).
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.Prefix == "" {
		c.Prefix = "ringfence"
	}
	if c.Stream == "" {
		c.Stream = "RINGFENCE_EVENTS"
	}
	if c.CallStream == "" {
		c.CallStream = "RINGFENCE_CDR"
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.Partitions == 0 {
		c.Partitions = 16
	}
	if c.CallMaxAge == 0 {
		c.CallMaxAge = 24 * time.Hour
	}
}

// Log is an open connection to the log. It implements ringfence.EventLog.
type Log struct {
	cfg    Config
	nc     *nats.Conn
	js     jetstream.JetStream
	events jetstream.Stream
	calls  jetstream.Stream
	evCfg  jetstream.StreamConfig // the events stream's, to make it again (stale.go)
}

var _ ringfence.EventLog = (*Log)(nil)

// dedupWindow is how long the servers remember a message ID: an append
// retried within it is stored once.
const dedupWindow = 2 * time.Minute

// callsDedupWindow is the call-record stream's: a batch's ID is a digest
// of its records (batchID), so a POST re-sent within it publishes
// nothing twice. The servers keep an ID per batch of up to 1,024 records
// for this long.
const callsDedupWindow = 10 * time.Minute

// Open connects to the servers and creates the streams, or updates them
// to cfg (but never their replicas: a stream that exists with other
// replicas than cfg's is an error). In a cluster it waits (within ctx) until the streams can be
// created, which needs a JetStream leader.
func Open(ctx context.Context, cfg Config) (*Log, error) {
	cfg.defaults()
	if cfg.URLs == "" {
		return nil, ringfence.Errorf(ringfence.EINVALID, "natslog: no server URLs")
	}
	if cfg.Partitions < 1 || cfg.Replicas < 1 {
		return nil, ringfence.Errorf(ringfence.EINVALID, "natslog: partitions %d and replicas %d must be at least 1", cfg.Partitions, cfg.Replicas)
	}
	name := cfg.Name
	if name == "" {
		name = "ringfence"
	}
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(100 * time.Millisecond),
		nats.RetryOnFailedConnect(false)}
	if lg := cfg.Logger; lg != nil {
		opts = append(opts,
			nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { lg.Warn("nats: asynchronous error", "err", err) }),
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if err != nil {
					lg.Warn("nats: disconnected", "err", err)
				}
			}),
			nats.ReconnectHandler(func(nc *nats.Conn) { lg.Info("nats: reconnected", "server", nc.ConnectedUrlRedacted()) }))
	}
	nc, err := nats.Connect(cfg.URLs, opts...)
	if err != nil {
		return nil, fmt.Errorf("natslog: connect to %s: %w", redact(cfg.URLs), err)
	}
	// An asynchronous publish not acknowledged in 5 s fails, and is
	// published again under the same ID.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096), jetstream.WithPublishAsyncTimeout(5*time.Second))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natslog: %w", err)
	}
	l := &Log{cfg: cfg, nc: nc, js: js}
	evCfg := jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "ringfence state changes; the sequence is the log position",
		Subjects:    []string{cfg.Prefix + ".events.>"},
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		Duplicates:  dedupWindow,
		AllowDirect: true,
	}
	callCfg := jetstream.StreamConfig{
		Name:        cfg.CallStream,
		Description: "call records, partitioned by caller",
		Subjects:    []string{cfg.Prefix + ".cdr.*"},
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      cfg.CallMaxAge,
		Duplicates:  min(callsDedupWindow, cfg.CallMaxAge),
	}
	l.evCfg = evCfg
	if l.events, err = createStream(ctx, js, evCfg); err != nil {
		nc.Close()
		return nil, err
	}
	if l.calls, err = createStream(ctx, js, callCfg); err != nil {
		nc.Close()
		return nil, err
	}
	return l, nil
}

// createStream opens a stream, creating it when it is missing and
// updating it when its subjects or age limit differ from cfg. It refuses
// a stream that exists with other replicas than cfg's (the first node
// creates the stream; no node lowers or raises its copies),
// retrying while the cluster has no leader or too few servers online. A
// stream that exists as configured is used as it is, so that a node
// starts while a server of the cluster is down.
func createStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	ctx, cancel := withDefaultTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		s, err := js.Stream(ctx, cfg.Name)
		switch {
		case err == nil:
			have := s.CachedInfo().Config
			if have.Replicas != cfg.Replicas {
				// A node never changes the copies every node relies on:
				// the operator does, deliberately.
				return nil, replicasError{ringfence.Errorf(ringfence.ECONFLICT,
					"natslog: stream %s exists with %d replicas, this node asks for %d (--log-replicas): start it with --log-replicas %d, or change the stream with the nats CLI (nats stream edit %s --replicas %d) and then every node's flag",
					cfg.Name, have.Replicas, cfg.Replicas, have.Replicas, cfg.Name, cfg.Replicas)}
			}
			if have.MaxAge == cfg.MaxAge && have.Duplicates == cfg.Duplicates && slices.Equal(have.Subjects, cfg.Subjects) {
				return s, nil
			}
			s, err = js.UpdateStream(ctx, cfg)
		case errors.Is(err, jetstream.ErrStreamNotFound):
			s, err = js.CreateStream(ctx, cfg)
		}
		if err == nil {
			return s, nil
		}
		if !retryable(err) || ctx.Err() != nil {
			return nil, fmt.Errorf("natslog: stream %s: %w", cfg.Name, err)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return nil, fmt.Errorf("natslog: stream %s: %w", cfg.Name, err)
		}
	}
}

// ErrReplicas is in the chain of Open's error when a stream exists with
// other replicas than the node asks for: retrying does not help.
var ErrReplicas = errors.New("natslog: the stream's replicas differ from the node's")

// replicasError is an ECONFLICT that is also ErrReplicas.
type replicasError struct{ err *ringfence.Error }

func (e replicasError) Error() string   { return e.err.Error() }
func (e replicasError) Unwrap() []error { return []error{e.err, ErrReplicas} }

// Close drains nothing: every Append and PublishCalls has returned after
// its acknowledgement, so closing loses nothing acknowledged.
func (l *Log) Close() error {
	l.nc.Close()
	return nil
}

// atHeader carries an event's time (unix ms), so that Trim can read it
// without the body.
const atHeader = "Ringfence-At"

// appendTimeout bounds an append whose context has no deadline;
// attemptTimeout bounds one attempt to publish.
const (
	appendTimeout  = 30 * time.Second
	attemptTimeout = 2 * time.Second
)

// Append implements ringfence.EventLog. It publishes the events, each
// with a new message ID, and returns once the stream has acknowledged the
// last: with Replicas > 1, once a majority of its servers has stored it.
// Several events go out together without waiting for each other's
// acknowledgements (one connection, one stream leader: they are stored in
// the order sent). A publish that fails for want of a leader or a
// connection is retried with the same message ID, so the servers store it
// once even when the first attempt got through and only its
// acknowledgement was lost; the events after it are then published again,
// one by one, so that the log ends in their order (events carry state, so
// an event stored twice changes nothing).
func (l *Log) Append(ctx context.Context, evs ...ringfence.Event) (int64, error) {
	ctx, cancel := withDefaultTimeout(ctx, appendTimeout)
	defer cancel()
	msgs := make([]*nats.Msg, len(evs))
	ids := make([]string, len(evs))
	for i, ev := range evs {
		if ev.Type == "" {
			return 0, fmt.Errorf("event %d: no type", i)
		}
		body, err := json.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("event %d (%s): %w", i, ev.Type, err)
		}
		msgs[i] = nats.NewMsg(l.cfg.Prefix + ".events." + string(ev.Type))
		msgs[i].Data = body
		msgs[i].Header.Set(atHeader, strconv.FormatInt(ev.At.UnixMilli(), 10))
		ids[i] = newID()
	}
	var last uint64
	from, sameID := 0, true // where publishing one by one starts, and with which ID
	if len(msgs) > 1 {
		futures := make([]jetstream.PubAckFuture, 0, len(msgs))
		for i, m := range msgs {
			f, err := l.js.PublishMsgAsync(m, jetstream.WithMsgID(ids[i]))
			if err != nil {
				break
			}
			futures = append(futures, f)
		}
		from = len(futures)
	wait:
		for i, f := range futures {
			select {
			case ack := <-f.Ok():
				if ack.Sequence <= last {
					from, sameID = i, false
					break wait
				}
				last = ack.Sequence
			case err := <-f.Err():
				if !retryable(err) {
					return 0, fmt.Errorf("event %d (%s): %w", i, evs[i].Type, err)
				}
				from = i
				break wait
			case <-ctx.Done():
				return 0, fmt.Errorf("event %d (%s): %w", i, evs[i].Type, ctx.Err())
			}
		}
		// Before publishing again, let every publish still out settle, so
		// that none is stored after the ones that replace it.
		for _, f := range futures[min(from+1, len(futures)):] { // the one at from was read
			select {
			case <-f.Ok():
			case <-f.Err():
			case <-ctx.Done():
				return 0, fmt.Errorf("events %d–%d: %w", from, len(evs)-1, ctx.Err())
			}
		}
	}
	for i := from; i < len(msgs); i++ {
		id := ids[i]
		if i > from || !sameID {
			id = newID()
		}
		ack, err := l.publish(ctx, msgs[i], id)
		if err != nil {
			return 0, fmt.Errorf("event %d (%s): %w", i, evs[i].Type, err)
		}
		last = ack.Sequence
	}
	return int64(last), nil
}

// publish publishes msg with message ID id until the stream acknowledges
// it or ctx ends.
func (l *Log) publish(ctx context.Context, msg *nats.Msg, id string) (*jetstream.PubAck, error) {
	for {
		// An attempt waits attemptTimeout at most: a publish that reached
		// a stream leader as it died is never answered.
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		ack, err := l.js.PublishMsg(actx, msg, jetstream.WithMsgID(id))
		cancel()
		if err == nil {
			return ack, nil
		}
		if !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// Read implements ringfence.EventLog: an ordered consumer from after+1 to
// the head as it was when Read began.
func (l *Log) Read(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	info, err := l.events.Info(ctx)
	if err != nil {
		return fmt.Errorf("natslog: %w", err)
	}
	last := int64(info.State.LastSeq)
	if after >= last {
		return nil
	}
	if first := int64(info.State.FirstSeq); first > after+1 {
		return trimmed(after, first)
	}
	return l.consume(ctx, after, last, fn)
}

func trimmed(after, first int64) error {
	return ringfence.Errorf(ringfence.ECONFLICT, "events after position %d were trimmed (the log starts at %d): reload a snapshot", after, first)
}

// consume calls fn for the events after position after, up to until (or
// without end when until is 0), in order.
func (l *Log) consume(ctx context.Context, after, until int64, fn func(ringfence.Event) error) error {
	cons, err := l.events.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   uint64(after + 1),
	})
	if err != nil {
		return fmt.Errorf("natslog: %w", err)
	}
	// Short pulls with heartbeats: a consumer whose server died is noticed,
	// and re-created past the last event delivered, within seconds.
	it, err := cons.Messages(jetstream.PullMaxMessages(512), jetstream.PullExpiry(5*time.Second), jetstream.PullHeartbeat(time.Second))
	if err != nil {
		return fmt.Errorf("natslog: %w", err)
	}
	defer it.Stop()
	// Next does not heed its context while the client re-creates the
	// consumer after a server failed (it retries without end): stopping
	// the iterator ends that, so that a caller's cancel always returns.
	defer context.AfterFunc(ctx, it.Stop)()
	next := after + 1
	for {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("natslog: read after %d: %w", next-1, err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("natslog: %w", err)
		}
		pos := int64(md.Sequence.Stream)
		if pos > next && next == after+1 {
			// Trimmed between the check and the first event.
			return trimmed(after, pos)
		}
		var ev ringfence.Event
		if err := json.Unmarshal(m.Data(), &ev); err != nil {
			return fmt.Errorf("event %d: %w", pos, err)
		}
		ev.Position = pos
		if err := fn(ev); err != nil {
			return err
		}
		next = pos + 1
		if until > 0 && pos >= until {
			return nil
		}
	}
}

// Subscribe implements ringfence.EventLog: one ordered consumer from
// after+1 that goes on past the head, re-created by the client after a
// server fails.
func (l *Log) Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	info, err := l.events.Info(ctx)
	if err != nil {
		return fmt.Errorf("natslog: %w", err)
	}
	if first := int64(info.State.FirstSeq); first > after+1 && int64(info.State.LastSeq) > after {
		return trimmed(after, first)
	}
	return l.consume(ctx, after, 0, fn)
}

// Head implements ringfence.EventLog: the stream's last sequence.
func (l *Log) Head(ctx context.Context) (int64, error) {
	info, err := l.events.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("natslog: %w", err)
	}
	return int64(info.State.LastSeq), nil
}

// Trim implements ringfence.EventLog. It purges the leading run of events
// dated before t, never the latest: the log stays one run of positions
// with no holes, so "trimmed" is exactly "before the first sequence". An
// event dated before t that follows a later-dated one stays until the
// events before it go (events are appended in time order, so that is
// rare and brief).
func (l *Log) Trim(ctx context.Context, before time.Time) (int64, error) {
	info, err := l.events.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("natslog: %w", err)
	}
	first, last := info.State.FirstSeq, info.State.LastSeq
	if info.State.Msgs < 2 {
		return 0, nil
	}
	cons, err := l.events.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   first,
		HeadersOnly:   true,
	})
	if err != nil {
		return 0, fmt.Errorf("natslog: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return 0, fmt.Errorf("natslog: %w", err)
	}
	defer it.Stop()
	keep := first // the first sequence that stays
	limit := before.UnixMilli()
	for keep < last {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return 0, fmt.Errorf("natslog: trim: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return 0, err
		}
		at, err := strconv.ParseInt(m.Headers().Get(atHeader), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("natslog: event %d: %s: %w", md.Sequence.Stream, atHeader, err)
		}
		if at >= limit {
			break
		}
		keep = md.Sequence.Stream + 1
	}
	if keep == first {
		return 0, nil
	}
	if err := l.events.Purge(ctx, jetstream.WithPurgeSequence(keep)); err != nil {
		return 0, fmt.Errorf("natslog: purge before %d: %w", keep, err)
	}
	return int64(keep - first), nil
}

// errNoPeers is JetStream's error code for "no suitable peers for
// placement": too few servers online for the replicas, as while a cluster
// forms or a server restarts.
const errNoPeers jetstream.ErrorCode = 10005

// retryable reports whether a failed request may succeed if repeated: no
// server answered, or the cluster had no leader or too few servers
// online, or the connection was being re-established.
func retryable(err error) bool {
	var apiErr *jetstream.APIError
	switch {
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &apiErr):
		return apiErr.Code >= 500 || apiErr.ErrorCode == errNoPeers
	}
	return true
}

func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// redact drops user information from server URLs for error messages.
func redact(urls string) string {
	var out []string
	for _, u := range strings.Split(urls, ",") {
		if i := strings.LastIndex(u, "@"); i >= 0 {
			if j := strings.Index(u, "://"); j >= 0 && j < i {
				u = u[:j+3] + "…" + u[i:]
			}
		}
		out = append(out, u)
	}
	return strings.Join(out, ",")
}

// StreamLeader is the name of the server that leads the events stream
// (in a cluster; "" on one server), for operators and tests.
func (l *Log) StreamLeader(ctx context.Context) (string, error) {
	info, err := l.events.Info(ctx)
	if err != nil {
		return "", fmt.Errorf("natslog: %w", err)
	}
	if info.Cluster == nil {
		return "", nil
	}
	return info.Cluster.Leader, nil
}
