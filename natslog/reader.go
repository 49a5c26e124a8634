package natslog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A reader reads one subject of a stream from a sequence on, in the
// stream's order with no message missed, through an ephemeral consumer of
// its own that it makes again, past the last message it returned,
// whenever the one it has fails: a message out of order, missed
// heartbeats, a consumer the server deleted, a connection re-established.
//
// The client's ordered consumer does the same, but makes its consumer
// again inside Next, with requests of 10 s tried up to three times (or
// without end): after a NATS server dies, a detector could wait there for
// half a minute with records to apply. A reader bounds each attempt
// (readerCreateWait) and hands the failure to its caller, which may try
// again (a partition's worker does for up to 15 s, then gives the
// partition back).
type reader struct {
	stream  jetstream.Stream
	subject string
	// again runs fn, trying again as its caller sees fit (nil: once).
	again func(context.Context, func(context.Context) error) error

	prefix string // the consumers' names, before a serial
	serial int
	next   uint64 // the stream sequence wanted next
	dseq   uint64 // the consumer sequence of the last message returned
	cons   string // the consumer's name ("" before one is made)
	it     jetstream.MessagesContext
}

// readerCreateWait bounds one attempt to make a reader's consumer;
// readerHeartbeat is how often an idle consumer's server says it is
// there (two missed, and the consumer is made again: on a loaded machine
// a shorter beat was missed often enough to make consumers again and
// again).
const (
	readerCreateWait = 5 * time.Second
	readerHeartbeat  = 2 * time.Second
)

func newReader(stream jetstream.Stream, subject string, from uint64) *reader {
	b := make([]byte, 6)
	rand.Read(b)
	return &reader{stream: stream, subject: subject, prefix: "rf_read_" + hex.EncodeToString(b), next: max(from, 1)}
}

// open makes a consumer from r.next, replacing the one r had.
func (r *reader) open(ctx context.Context) error {
	r.stop()
	r.serial++
	name := fmt.Sprintf("%s_%d", r.prefix, r.serial)
	cfg := jetstream.ConsumerConfig{
		Name:              name,
		FilterSubject:     r.subject,
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       r.next,
		AckPolicy:         jetstream.AckNonePolicy,
		InactiveThreshold: time.Minute,
		Replicas:          1,
		MemoryStorage:     true,
	}
	var cons jetstream.Consumer
	create := func(ctx context.Context) error {
		cctx, cancel := context.WithTimeout(ctx, readerCreateWait)
		defer cancel()
		var err error
		cons, err = r.stream.CreateOrUpdateConsumer(cctx, cfg)
		return err
	}
	var err error
	if r.again != nil {
		err = r.again(ctx, create)
	} else {
		err = create(ctx)
	}
	if err != nil {
		return fmt.Errorf("consumer of %s from %d: %w", r.subject, r.next, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(256), jetstream.PullExpiry(4*readerHeartbeat),
		jetstream.PullHeartbeat(readerHeartbeat), jetstream.WithMessagesErrOnMissingHeartbeat(true))
	if err != nil {
		r.drop(name)
		return fmt.Errorf("consumer of %s from %d: %w", r.subject, r.next, err)
	}
	r.cons, r.it, r.dseq = name, it, 0
	return nil
}

// Next returns the next message and its metadata, or nats.ErrTimeout
// when none came within wait (a consumer that failed is made again
// meanwhile). Its error is otherwise one of making a consumer.
func (r *reader) Next(ctx context.Context, wait time.Duration) (jetstream.Msg, *jetstream.MsgMetadata, error) {
	if r.it == nil {
		if err := r.open(ctx); err != nil {
			return nil, nil, err
		}
	}
	m, err := r.it.Next(jetstream.NextMaxWait(wait))
	switch {
	case errors.Is(err, nats.ErrTimeout):
		return nil, nil, err
	case err != nil:
		// Heartbeats missed, the consumer deleted, the connection
		// re-established or closed: a new consumer, past the last
		// message returned.
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if err := r.open(ctx); err != nil {
			return nil, nil, err
		}
		return nil, nil, nats.ErrTimeout
	}
	meta, err := m.Metadata()
	if err != nil {
		return nil, nil, err
	}
	if meta.Sequence.Consumer != r.dseq+1 || meta.Sequence.Stream < r.next {
		// A gap, or a message of a consumer replaced: again from the
		// first message not returned.
		if err := r.open(ctx); err != nil {
			return nil, nil, err
		}
		return nil, nil, nats.ErrTimeout
	}
	r.dseq, r.next = meta.Sequence.Consumer, meta.Sequence.Stream+1
	return m, meta, nil
}

// Restart reads again from sequence from, with a new consumer.
func (r *reader) Restart(ctx context.Context, from uint64) error {
	r.next = max(from, 1)
	return r.open(ctx)
}

// Stop stops reading and deletes the consumer (in the background: a
// consumer left behind goes when idle for a minute).
func (r *reader) Stop() { r.stop() }

func (r *reader) stop() {
	if r.it == nil {
		return
	}
	r.it.Stop()
	r.drop(r.cons)
	r.it, r.cons = nil, ""
}

func (r *reader) drop(name string) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		r.stream.DeleteConsumer(ctx, name)
	}()
}
