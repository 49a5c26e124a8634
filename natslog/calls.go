package natslog

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
	"ringfence/detect"
)

// Partition is the call-record partition of a number (its key) among n:
// detect.Owner, the one function that divides numbers among partitioned
// detectors, so that the records on partition i are those the detector
// detect.Partition{Count: n, Index: i} must be given. It is used for both
// sides of a call: a caller's records all go to its partition, and a
// callee's too.
func Partition(key uint64, n int) int {
	return detect.Owner(key, n)
}

// partitionsOf appends to buf the partitions a record goes to: its
// caller's and, when another, its callee's (a partitioned detector keeps
// the callee-side state, bursts and reciprocity, of the callees it owns),
// or every partition, the caller's first, for a call every detector must
// be given (detect.Broadcast: a call to a service line, whose caller may be
// called back by a number any partition owns). A record without a caller
// or a callee goes to the caller's partition only, where the detector
// counts it as skipped.
func partitionsOf(r ringfence.CallRecord, n int, buf []int) []int {
	pc := Partition(r.Caller, n)
	buf = append(buf, pc)
	if r.Caller == 0 || r.Callee == 0 {
		return buf
	}
	if detect.Broadcast(r) {
		for p := range n {
			if p != pc {
				buf = append(buf, p)
			}
		}
		return buf
	}
	if pe := Partition(r.Callee, n); pe != pc {
		buf = append(buf, pe)
	}
	return buf
}

// recordSize is one call record on the wire: caller, callee, start (8
// bytes each, little-endian), duration (4) and answered (1).
const recordSize = 8 + 8 + 8 + 4 + 1

// callsVersion is the first byte of a batch of records.
const callsVersion = 1

// BatchRecords is how many records PublishCalls puts in one message.
const BatchRecords = 1024

// PublishCalls publishes call records, each on the subject of its
// caller's partition (<prefix>.cdr.<partition>) and, when it is another,
// on that of its callee's, several to a message,
// and returns once the stream has acknowledged every message. The
// messages go out without waiting for each other's acknowledgements;
// one that fails is published again with the same message ID, so that it
// is stored once. A partition's records keep their order unless a
// message of theirs had to be published again.
func (l *Log) PublishCalls(ctx context.Context, recs []ringfence.CallRecord) error {
	return l.PublishCallsFrom(ctx, recs, nil)
}

// PublishCallsFrom is PublishCalls for records that may name who carried
// them: source gives the account and trunk of a record's Source id (as
// cdr.Reader.Source does), and each batch carries the names its records
// use, so that a detector on another node can say on a flag which
// customer's line carried the calls. A nil source publishes records
// without names.
func (l *Log) PublishCallsFrom(ctx context.Context, recs []ringfence.CallRecord, source func(id uint16) (account, trunk string)) error {
	ctx, cancel := withDefaultTimeout(ctx, appendTimeout)
	defer cancel()
	n := l.cfg.Partitions
	parts := make([][]byte, n)
	type pending struct {
		msg *nats.Msg
		id  string
		ack jetstream.PubAckFuture
	}
	var sent []pending
	var named []*namedBatch // per partition, with source
	if source != nil {
		named = make([]*namedBatch, n)
	}
	flush := func(p int) error {
		msg := nats.NewMsg(l.cfg.Prefix + ".cdr." + strconv.Itoa(p))
		msg.Data = parts[p]
		parts[p] = nil
		if named != nil {
			msg.Data = named[p].bytes()
			named[p] = nil
		}
		id := batchID(msg.Subject, msg.Data)
		f, err := l.js.PublishMsgAsync(msg, jetstream.WithMsgID(id))
		if err != nil && !retryable(err) {
			return err
		}
		sent = append(sent, pending{msg, id, f})
		return nil
	}
	add := func(p int, r ringfence.CallRecord) error {
		if named != nil {
			if named[p] == nil {
				named[p] = &namedBatch{index: map[uint16]uint16{}}
				parts[p] = []byte{} // marks the partition as pending
			}
			if named[p].add(r, source) == BatchRecords {
				return flush(p)
			}
			return nil
		}
		if parts[p] == nil {
			parts[p] = make([]byte, 1, 1+BatchRecords*recordSize)
			parts[p][0] = callsVersion
		}
		parts[p] = appendRecord(parts[p], r)
		if len(parts[p]) == 1+BatchRecords*recordSize {
			return flush(p)
		}
		return nil
	}
	var to []int
	for _, r := range recs {
		to = partitionsOf(r, n, to[:0])
		for _, p := range to {
			if err := add(p, r); err != nil {
				return fmt.Errorf("natslog: publish calls: %w", err)
			}
		}
	}
	for p := range parts {
		if parts[p] != nil || named != nil && named[p] != nil {
			if err := flush(p); err != nil {
				return fmt.Errorf("natslog: publish calls: %w", err)
			}
		}
	}
	for _, s := range sent {
		var err error
		if s.ack == nil {
			err = nats.ErrTimeout // not sent at all: send it now
		} else {
			select {
			case <-s.ack.Ok():
				continue
			case err = <-s.ack.Err():
			case <-ctx.Done():
				return fmt.Errorf("natslog: publish calls: %w", ctx.Err())
			}
		}
		if !retryable(err) {
			return fmt.Errorf("natslog: publish calls: %w", err)
		}
		if _, err := l.publish(ctx, s.msg, s.id); err != nil {
			return fmt.Errorf("natslog: publish calls: %w", err)
		}
	}
	return nil
}

// batchID is a batch's message ID: a digest of its partition and bytes.
// The same records sent again in the same batches (a client re-sending a
// POST whose answer it lost) are stored once within callsDedupWindow,
// the servers answering the second publish as a duplicate. Two batches
// alike byte for byte hold the same calls, each a repeat anyway.
func batchID(subject string, data []byte) string {
	h := sha256.New()
	h.Write([]byte(subject))
	h.Write([]byte{0})
	h.Write(data)
	return "c" + hex.EncodeToString(h.Sum(nil)[:16])
}

func appendRecord(b []byte, r ringfence.CallRecord) []byte {
	b = binary.LittleEndian.AppendUint64(b, r.Caller)
	b = binary.LittleEndian.AppendUint64(b, r.Callee)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Start))
	b = binary.LittleEndian.AppendUint32(b, r.Duration)
	if r.Answered {
		return append(b, 1)
	}
	return append(b, 0)
}

// namedVersion is the first byte of a batch of records that name who
// carried them: after it, the number of names (uint16), each name as an
// account and a trunk (uint16 length and bytes each), then the records,
// each followed by its name's number in the batch (uint16; 0 for none).
const namedVersion = 2

// Source is who carried a call, as a batch of records names it.
type Source struct{ Account, Trunk string }

// namedBatch builds a batch of records with the names of their sources.
type namedBatch struct {
	names []Source
	index map[uint16]uint16 // the publisher's Source id → number in names (from 1)
	recs  []byte
	n     int
}

// add appends r, naming its source, and returns the records in the batch.
func (nb *namedBatch) add(r ringfence.CallRecord, source func(uint16) (string, string)) int {
	var i uint16
	if r.Source != 0 {
		var ok bool
		if i, ok = nb.index[r.Source]; !ok {
			a, t := source(r.Source)
			nb.names = append(nb.names, Source{clip(a), clip(t)})
			i = uint16(len(nb.names))
			nb.index[r.Source] = i
		}
	}
	nb.recs = binary.LittleEndian.AppendUint16(appendRecord(nb.recs, r), i)
	nb.n++
	return nb.n
}

// clip bounds a name to what its uint16 length can say.
func clip(s string) string { return s[:min(len(s), 1<<16-1)] }

func (nb *namedBatch) bytes() []byte {
	b := []byte{namedVersion}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(nb.names)))
	for _, s := range nb.names {
		for _, v := range []string{s.Account, s.Trunk} {
			b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
			b = append(b, v...)
		}
	}
	return append(b, nb.recs...)
}

// decodeBatch reads a batch of records and the names of their sources:
// a record's Source is its name's number in names, from 1 (0: none).
func decodeBatch(b []byte) ([]ringfence.CallRecord, []Source, error) {
	if len(b) < 1 || b[0] != namedVersion {
		recs, err := decodeCalls(b)
		return recs, nil, err
	}
	bad := fmt.Errorf("not a batch of named call records (%d bytes)", len(b))
	b = b[1:]
	if len(b) < 2 {
		return nil, nil, bad
	}
	k := int(binary.LittleEndian.Uint16(b))
	b = b[2:]
	names := make([]Source, 0, k)
	for range k {
		var v [2]string
		for j := range v {
			if len(b) < 2 || len(b) < 2+int(binary.LittleEndian.Uint16(b)) {
				return nil, nil, bad
			}
			l := int(binary.LittleEndian.Uint16(b))
			v[j], b = string(b[2:2+l]), b[2+l:]
		}
		names = append(names, Source{v[0], v[1]})
	}
	const size = recordSize + 2
	if len(b)%size != 0 {
		return nil, nil, bad
	}
	recs := make([]ringfence.CallRecord, 0, len(b)/size)
	for ; len(b) > 0; b = b[size:] {
		r := decodeRecord(b)
		r.Source = binary.LittleEndian.Uint16(b[recordSize:])
		if int(r.Source) > len(names) {
			return nil, nil, bad
		}
		recs = append(recs, r)
	}
	return recs, names, nil
}

// decodeCalls reads a batch of records (of either version; the names of
// a named batch are left out, and its records' Source are their numbers
// in the batch).
func decodeCalls(b []byte) ([]ringfence.CallRecord, error) {
	if len(b) > 0 && b[0] == namedVersion {
		recs, _, err := decodeBatch(b)
		return recs, err
	}
	if len(b) < 1 || b[0] != callsVersion || (len(b)-1)%recordSize != 0 {
		return nil, fmt.Errorf("not a batch of call records (%d bytes)", len(b))
	}
	b = b[1:]
	out := make([]ringfence.CallRecord, 0, len(b)/recordSize)
	for ; len(b) > 0; b = b[recordSize:] {
		out = append(out, decodeRecord(b))
	}
	return out, nil
}

func decodeRecord(b []byte) ringfence.CallRecord {
	return ringfence.CallRecord{
		Caller:   binary.LittleEndian.Uint64(b),
		Callee:   binary.LittleEndian.Uint64(b[8:]),
		Start:    int64(binary.LittleEndian.Uint64(b[16:])),
		Duration: binary.LittleEndian.Uint32(b[24:]),
		Answered: b[28] == 1,
	}
}

func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// fetchWait is how long one pull request of ConsumeCalls waits.
const fetchWait = 2 * time.Second

// Partitions is the number of call-record partitions.
func (l *Log) Partitions() int { return l.cfg.Partitions }

// ConsumeCalls calls fn with the call records of one partition, a
// message's batch at a time, from where the durable consumer named
// consumer last acknowledged (the first record when it is new). A batch
// is acknowledged only after fn returns nil, and the acknowledgement is
// confirmed by the server; when fn fails, the batch is handed back for
// redelivery and ConsumeCalls returns fn's error. A batch may come again
// after a crash between fn and the acknowledgement: fn must be
// idempotent. It returns ctx's error when ctx ends.
func (l *Log) ConsumeCalls(ctx context.Context, partition int, consumer string, fn func([]ringfence.CallRecord) error) error {
	if partition < 0 || partition >= l.cfg.Partitions {
		return ringfence.Errorf(ringfence.EINVALID, "natslog: partition %d of %d", partition, l.cfg.Partitions)
	}
	cons, err := l.calls.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       consumer,
		FilterSubject: l.cfg.Prefix + ".cdr." + strconv.Itoa(partition),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxAckPending: 64,
		Replicas:      0, // as the stream
	})
	if err != nil {
		return fmt.Errorf("natslog: consumer %s: %w", consumer, err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fetchOne(ctx, cons, consumer, fn); err != nil {
			return err
		}
	}
}

// fetchOne fetches one message and hands its records to fn. One message
// per pull request, each request done when its message comes or after
// fetchWait: a request left on the server when ConsumeCalls returns would
// swallow a redelivery meant for the next consumer until the
// acknowledgement wait ran out.
func fetchOne(ctx context.Context, cons jetstream.Consumer, consumer string, fn func([]ringfence.CallRecord) error) error {
	fctx, cancel := context.WithTimeout(ctx, fetchWait)
	defer cancel()
	batch, err := cons.Fetch(1, jetstream.FetchContext(fctx))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		} else if fctx.Err() != nil || errors.Is(err, jetstream.ErrInvalidOption) && time.Until(deadline(fctx)) < 10*time.Millisecond {
			return nil // the wait ran out as the request went
		}
		return fmt.Errorf("natslog: consumer %s: %w", consumer, err)
	}
	for m := range batch.Messages() {
		if ctx.Err() != nil {
			m.Nak()
			continue
		}
		recs, err := decodeCalls(m.Data())
		if err != nil {
			// A message that is no batch would fail for ever: set it aside.
			m.Term()
			return fmt.Errorf("natslog: %s: %w", m.Subject(), err)
		}
		if err := fn(recs); err != nil {
			m.Nak()
			return err
		}
		if err := m.DoubleAck(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("natslog: acknowledge %s: %w", m.Subject(), err)
		}
	}
	if err := batch.Error(); err != nil && ctx.Err() == nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("natslog: consumer %s: %w", consumer, err)
	}
	return ctx.Err()
}
