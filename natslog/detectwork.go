package natslog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
	"ringfence/detect"
	"ringfence/number"
)

// partWorker applies one partition while its node holds the lease.
type partWorker struct {
	d       *Detectors
	p       int
	rev     uint64       // the lease's revision (the coordinator's)
	renewed atomic.Int64 // last renewal, unix ns
	cancel  context.CancelFunc
	done    chan struct{}
	// releasing asks the worker to checkpoint and stop (the partition
	// is given back).
	releasing chan struct{}
	relOnce   sync.Once
	progRev   uint64 // the progress entry's revision, as last read or written
}

// valid reports whether the lease was renewed recently enough that no
// other node can have taken it: within half its TTL.
func (w *partWorker) valid() bool {
	return time.Since(time.Unix(0, w.renewed.Load())) < DetectLeaseTTL/2
}

// release asks the worker to checkpoint and stop, and waits (a few
// seconds at most) until it has.
func (w *partWorker) release() {
	w.relOnce.Do(func() { close(w.releasing) })
	select {
	case <-w.done:
	case <-time.After(5 * time.Second):
	}
}

// checkpoint is what a partition's owner stores for the next: positions
// in the stream and the flags raised, never the detector's internals.
type checkpoint struct {
	Partition int    `json:"partition"`
	Count     int    `json:"count"`
	Node      string `json:"node"`
	// Applied is the last applied stream sequence.
	Applied uint64 `json:"applied"`
	// MaybeApplied is the last sequence a former owner may have applied
	// without acknowledging it: the flags of records up to it are
	// checked against the store before they are stored.
	MaybeApplied uint64 `json:"maybe_applied,omitempty"`
	// ReplayFrom is the first sequence whose records the detector's state
	// may still depend on (the first of the last Window of stream time).
	ReplayFrom uint64 `json:"replay_from"`
	// StreamTime is the latest record start applied (unix s).
	StreamTime int64 `json:"stream_time"`
	// Marks are (sequence, stream time) pairs an hour of stream time
	// apart, from which ReplayFrom moves on.
	Marks [][2]int64 `json:"marks,omitempty"`
	// Flagged are the flags raised: callers' within the detector's flag
	// memory, call-bombing targets' within Window.
	Flagged []flagEntry `json:"flagged,omitempty"`
}

type flagEntry struct {
	Key  uint64 `json:"k"`
	Kind string `json:"kind"`
	At   int64  `json:"at"`
}

type flagKey struct {
	key  uint64
	kind ringfence.FlagKind
}

// partState is a worker's bookkeeping besides the detector.
type partState struct {
	applied    uint64
	maybe      uint64 // MaybeApplied
	replayFrom uint64
	now        int64
	marks      [][2]int64
	flagged    map[flagKey]int64
	memory     int64 // the detector's flag memory, s
	window     int64 // Window, s
}

func newPartState(ck checkpoint, cfg detect.Config, window time.Duration) *partState {
	st := &partState{applied: ck.Applied, maybe: ck.MaybeApplied, replayFrom: max(ck.ReplayFrom, 1), now: ck.StreamTime, marks: ck.Marks,
		flagged: map[flagKey]int64{}, memory: int64(cfg.FlagMemory / time.Second), window: int64(window / time.Second)}
	for _, f := range ck.Flagged {
		st.flagged[flagKey{f.Key, ringfence.FlagKind(f.Kind)}] = f.At
	}
	return st
}

// seen reports whether f was raised already, and notes it when not. A
// caller flagged within the detector's flag memory is not flagged again
// (as one detector would not); a call-bombing target flag is the same one
// when dated the same. It matters after a takeover whose replay did not
// reach back to the flag.
func (st *partState) seen(f ringfence.Flag) bool {
	k, ok := number.Key(f.Number)
	if !ok {
		return false
	}
	fk, at := flagKey{k, f.Kind}, f.FlaggedAt.Unix()
	if prev, ok := st.flagged[fk]; ok {
		if f.Kind == ringfence.KindCallBombingTarget && prev == at || f.Kind != ringfence.KindCallBombingTarget && at-prev < st.memory {
			return true
		}
	}
	st.flagged[fk] = at
	return false
}

// observe feeds records to the detector and returns the new flags (none
// when emit is false: a replay).
func (st *partState) observe(det *detect.Detector, recs []ringfence.CallRecord, names []Source, emit bool) []ringfence.Flag {
	var out []ringfence.Flag
	for _, r := range recs {
		det.Observe(r, func(f ringfence.Flag) {
			if !st.seen(f) && emit {
				out = append(out, attribute(f, r, names))
			}
		})
		st.now = max(st.now, r.Start)
	}
	return out
}

// attribute gives a flag raised on record r the account and trunk its
// batch names for r, when the flag is its caller's: a call-bombing target
// is called, not calling, and names no line (as a node's own detector
// does, engine.ObserveFrom).
func attribute(f ringfence.Flag, r ringfence.CallRecord, names []Source) ringfence.Flag {
	if r.Source == 0 || int(r.Source) > len(names) || f.Kind == ringfence.KindCallBombingTarget {
		return f
	}
	if k, ok := number.Key(f.Number); !ok || k != r.Caller {
		return f
	}
	f.Account, f.Trunk = names[r.Source-1].Account, names[r.Source-1].Trunk
	return f
}

// advance notes that the records up to seq are applied.
func (st *partState) advance(seq uint64) {
	st.applied = seq
	if n := len(st.marks); n == 0 || st.now >= st.marks[n-1][1]+3600 {
		st.marks = append(st.marks, [2]int64{int64(seq), st.now})
	}
}

// checkpoint moves ReplayFrom past the marks older than the window, drops
// flags older than they can matter, and returns what to store.
func (st *partState) checkpoint(p, count int, node string) checkpoint {
	cut := st.now - st.window
	i := 0
	for i < len(st.marks) && st.marks[i][1] <= cut {
		st.replayFrom = uint64(st.marks[i][0]) + 1
		i++
	}
	st.marks = st.marks[i:]
	ck := checkpoint{Partition: p, Count: count, Node: node, Applied: st.applied, MaybeApplied: st.maybe, ReplayFrom: st.replayFrom, StreamTime: st.now,
		Marks: append([][2]int64(nil), st.marks...)}
	for fk, at := range st.flagged {
		if fk.kind == ringfence.KindCallBombingTarget && at < cut || at < st.now-st.memory {
			delete(st.flagged, fk)
			continue
		}
		ck.Flagged = append(ck.Flagged, flagEntry{Key: fk.key, Kind: string(fk.kind), At: at})
	}
	return ck
}

func (d *Detectors) loadCheckpoint(ctx context.Context, p int) (checkpoint, error) {
	b, err := d.ckpts.GetBytes(ctx, leaseKey(p))
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return checkpoint{}, nil
	} else if err != nil {
		return checkpoint{}, d.errorf(p, "read checkpoint: %w", err)
	}
	var ck checkpoint
	if err := json.Unmarshal(b, &ck); err != nil {
		return checkpoint{}, d.errorf(p, "checkpoint: %w", err)
	}
	if ck.Count != d.l.cfg.Partitions || ck.Partition != p {
		d.cfg.Logger.Warn("detect: a checkpoint of another partitioning is ignored", "partition", p, "count", ck.Count, "partitions", d.l.cfg.Partitions)
		return checkpoint{}, nil
	}
	return ck, nil
}

// save stores the checkpoint, while the lease is valid.
func (w *partWorker) save(ctx context.Context, st *partState) error {
	if !w.valid() {
		return errLeaseLost
	}
	if err := w.put(ctx, st.checkpoint(w.p, w.d.l.cfg.Partitions, w.d.cfg.Node)); err != nil {
		return err
	}
	w.d.status[w.p].checkpointed.Store(time.Now().UnixNano())
	return nil
}

// put stores ck as the partition's checkpoint, while the lease is valid.
func (w *partWorker) put(ctx context.Context, ck checkpoint) error {
	if !w.valid() {
		return errLeaseLost
	}
	ck.Node = w.d.cfg.Node
	b, err := json.Marshal(ck)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := w.d.ckpts.PutBytes(sctx, leaseKey(w.p), b); err != nil {
		return w.d.errorf(w.p, "checkpoint: %w", err)
	}
	return nil
}

// again repeats fn while it fails for want of a server or a leader (a
// NATS server died, an election is on) and the lease holds, for up to
// 15 s: cheaper than giving the partition back, which costs a rebuild.
func (w *partWorker) again(ctx context.Context, fn func(context.Context) error) error {
	give := time.Now().Add(15 * time.Second)
	for {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := fn(actx)
		cancel()
		if err == nil || !retryable(err) || errors.Is(err, errLeaseLost) || ctx.Err() != nil || time.Now().After(give) {
			return err
		}
		if !w.valid() {
			return errLeaseLost
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}

// progress is a partition's position, kept in a KV bucket and written
// under the revision its owner last read or wrote (so that a former
// owner's write fails once a new owner has written): the last applied
// sequence (its records' acknowledgement) and the last sequence whose
// flags may have been stored, which a new owner checks against the store.
type progress struct {
	Applied      uint64 `json:"applied"`
	MaybeApplied uint64 `json:"maybe_applied"`
}

// putProgress writes the partition's progress, while the lease is valid.
func (w *partWorker) putProgress(ctx context.Context, pr progress) error {
	if !w.valid() {
		return errLeaseLost
	}
	b, _ := json.Marshal(pr)
	return w.again(ctx, func(ctx context.Context) error {
		var rev uint64
		var err error
		if w.progRev == 0 {
			rev, err = w.d.progress.Create(ctx, leaseKey(w.p), b)
		} else {
			rev, err = w.d.progress.Update(ctx, leaseKey(w.p), b, w.progRev)
		}
		switch {
		case err == nil:
			w.progRev = rev
			return nil
		case errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) || isWrongLastSeq(err):
			return errLeaseLost // another owner wrote since
		}
		return err
	})
}

// run rebuilds the partition's detector from its checkpoint and applies
// the partition from there until ctx ends, the lease is lost, or the
// partition is given back (checkpointed).
func (w *partWorker) run(ctx context.Context) error {
	d, p := w.d, w.p
	var ck checkpoint
	if err := w.again(ctx, func(ctx context.Context) (err error) {
		ck, err = d.loadCheckpoint(ctx, p)
		return err
	}); err != nil {
		return err
	}
	var pr progress
	if err := w.again(ctx, func(ctx context.Context) error {
		e, err := d.progress.Get(ctx, leaseKey(p))
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
			w.progRev = 0
			return nil
		case err != nil:
			return err
		}
		w.progRev = e.Revision()
		return json.Unmarshal(e.Value(), &pr)
	}); err != nil {
		return d.errorf(p, "progress: %w", err)
	}
	cfg := DetectConfig(d.l.cfg.Partitions, p)
	if d.cfg.Detect != nil {
		cfg = *d.cfg.Detect
		cfg.Partition = detect.Partition{Count: d.l.cfg.Partitions, Index: p}
	}
	st := newPartState(ck, cfg, d.cfg.Window)
	st.applied = max(st.applied, pr.Applied)
	st.maybe = max(st.maybe, pr.MaybeApplied, st.applied)
	maybeApplied := st.maybe
	det := detect.New(cfg)
	status := &d.status[p]
	status.applied.Store(st.applied)
	began := time.Now()
	if st.applied > 0 && st.replayFrom <= st.applied {
		n, err := w.replay(ctx, det, st, st.replayFrom, st.applied)
		if err != nil {
			return err
		}
		status.replayed.Store(n)
		d.cfg.Logger.Info("detect: rebuilt a partition", "partition", p, "replayed_messages", n, "from", st.replayFrom, "to", st.applied, "took", time.Since(began).Round(time.Millisecond))
	}
	// A reader from the first record not applied: it delivers the
	// partition in the stream's order with no gap.
	rd := w.reader(st.applied + 1)
	defer rd.Stop()
	idleSince := time.Now()
	lastSave, lastProgress, written := time.Now(), time.Now(), st.applied
	for {
		select {
		case <-w.releasing:
			if err := w.putProgress(ctx, progress{st.applied, st.maybe}); err != nil {
				return err
			}
			return w.save(ctx, st)
		default:
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		m, meta, err := rd.Next(ctx, 500*time.Millisecond)
		switch {
		case err == nil:
			if err := w.apply(ctx, det, st, m, meta, maybeApplied); err != nil {
				return err
			}
			idleSince = time.Now()
		case errors.Is(err, nats.ErrTimeout):
			if time.Since(idleSince) < stallAfter {
				break
			}
			// Nothing for a while: if the partition holds records after
			// the last applied one, the consumer is stuck (its server
			// died): a new one starts after the last applied record.
			idleSince = time.Now()
			hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			last, herr := d.l.calls.GetLastMsgForSubject(hctx, d.l.cfg.Prefix+".cdr."+strconv.Itoa(p))
			cancel()
			if herr != nil || last.Sequence <= st.applied {
				break
			}
			d.cfg.Logger.Warn("detect: the partition's consumer stalled; starting another", "partition", p, "applied", st.applied, "last", last.Sequence)
			if err := rd.Restart(ctx, st.applied+1); err != nil {
				return d.errorf(p, "%w", err)
			}
		default:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return d.errorf(p, "consume: %w", err)
		}
		if st.applied != written && time.Since(lastProgress) >= progressEvery {
			if err := w.putProgress(ctx, progress{st.applied, st.maybe}); err != nil {
				return err
			}
			lastProgress, written = time.Now(), st.applied
		}
		if time.Since(lastSave) >= d.cfg.CheckpointEvery {
			// A checkpoint that fails costs the next owner a longer
			// replay, not a record: go on, and try again next time.
			if err := w.save(ctx, st); errors.Is(err, errLeaseLost) {
				return err
			} else if err != nil {
				d.cfg.Logger.Warn("detect: checkpoint failed; trying again later", "partition", p, "err", err)
			}
			lastSave = time.Now()
		}
	}
}

// stallAfter is how long a partition's consumer may deliver nothing while
// the partition holds records not applied.
const stallAfter = 3 * time.Second

// reader reads the partition from sequence from, its consumers made
// again while the lease holds (again).
func (w *partWorker) reader(from uint64) *reader {
	rd := newReader(w.d.l.calls, w.d.l.cfg.Prefix+".cdr."+strconv.Itoa(w.p), from)
	rd.again = w.again
	return rd
}

// progressEvery is how often an owner writes its applied sequence (and
// before it stores flags): the records applied since are applied again
// by a new owner, their flags checked against the store.
const progressEvery = 200 * time.Millisecond

// apply applies one message: its records through the detector, then its
// flags into the sink, after the progress says they may be stored (those
// a former owner may have stored already are checked against the store
// first).
func (w *partWorker) apply(ctx context.Context, det *detect.Detector, st *partState, m jetstream.Msg, meta *jetstream.MsgMetadata, maybeApplied uint64) error {
	d, status := w.d, &w.d.status[w.p]
	seq := meta.Sequence.Stream
	if seq <= st.applied {
		return nil
	}
	recs, names, err := decodeBatch(m.Data())
	if err != nil {
		// No detector can use it: set aside, and go on.
		d.cfg.Logger.Error("detect: a message that is no batch of call records was set aside", "partition", w.p, "seq", seq, "err", err)
		st.advance(seq)
		return nil
	}
	flags := st.observe(det, recs, names, true)
	if seq <= maybeApplied && len(flags) > 0 {
		kept := flags[:0]
		for _, f := range flags {
			stored, err := d.cfg.Sink.DetectedStored(ctx, f)
			if err != nil {
				return d.errorf(w.p, "check flag: %w", err)
			}
			if !stored {
				kept = append(kept, f)
			}
		}
		flags = kept
	}
	if len(flags) > 0 {
		st.maybe = max(st.maybe, seq)
		if err := w.putProgress(ctx, progress{st.applied, st.maybe}); err != nil {
			return err
		}
		if !w.valid() {
			return errLeaseLost
		}
		if err := d.cfg.Sink.ApplyDetected(ctx, flags); err != nil {
			return d.errorf(w.p, "store flags: %w", err)
		}
	}
	st.advance(seq)
	status.applied.Store(seq)
	status.pending.Store(meta.NumPending)
	return nil
}

// replay feeds the records of sequences from..to to the detector with no
// flag emitted (they were raised and stored before), and returns how many
// messages it read. It ends early when the stream holds no more (records
// older than its retention are gone).
func (w *partWorker) replay(ctx context.Context, det *detect.Detector, st *partState, from, to uint64) (uint64, error) {
	d := w.d
	rd := w.reader(from)
	defer rd.Stop()
	applied := st.applied
	defer func() { st.applied = applied }() // advance moves it; the position stays the last applied
	var n uint64
	idleSince := time.Now()
	for {
		m, meta, err := rd.Next(ctx, 500*time.Millisecond)
		switch {
		case ctx.Err() != nil:
			return n, ctx.Err()
		case errors.Is(err, nats.ErrTimeout):
			if time.Since(idleSince) < 2*time.Second {
				continue
			}
			// Nothing came: either the stream no longer holds the
			// records up to the last applied one (older than its
			// retention), or it did not answer (a server died, a leader
			// is being elected), and the state is not rebuilt yet.
			gctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, gerr := d.l.calls.GetMsg(gctx, to)
			cancel()
			if errors.Is(gerr, jetstream.ErrMsgNotFound) {
				d.cfg.Logger.Warn("detect: the stream no longer holds all the records to replay; the partition's state is rebuilt from those it holds", "partition", w.p, "replayed_messages", n)
				return n, nil
			}
			if gerr == nil {
				gerr = errors.New("no records came")
			}
			return n, d.errorf(w.p, "replay: %w", gerr)
		case err != nil:
			return n, d.errorf(w.p, "replay: %w", err)
		}
		idleSince = time.Now()
		seq := meta.Sequence.Stream
		if seq > to {
			return n, nil
		}
		if recs, err := decodeCalls(m.Data()); err == nil {
			st.observe(det, recs, nil, false)
		}
		st.advance(seq)
		n++
		if seq == to || meta.NumPending == 0 {
			return n, nil
		}
	}
}

// PartitionedFlags are the flags the detectors of count partitions raise
// for recs, published in this order (in one publish or several in turn)
// and applied with no takeover that replays less than all: each
// partition's detector (DetectConfig) given the records of its partition,
// in order. It is the reference a cluster's detections are compared with.
func PartitionedFlags(recs []ringfence.CallRecord, count int) []ringfence.Flag {
	var out []ringfence.Flag
	dets := make([]*detect.Detector, count)
	sts := make([]*partState, count)
	for i := range dets {
		cfg := DetectConfig(count, i)
		dets[i] = detect.New(cfg)
		sts[i] = newPartState(checkpoint{}, cfg, 72*time.Hour)
	}
	one := make([]ringfence.CallRecord, 1)
	var to []int
	for _, r := range recs {
		one[0] = r
		to = partitionsOf(r, count, to[:0])
		for _, p := range to {
			out = append(out, sts[p].observe(dets[p], one, nil, true)...)
		}
	}
	return out
}

// PartitionFlags are the flags the detector of partition p of count
// raises over recs, the partition's records in the stream's order
// (ReadPartition): what the cluster's detectors store for the partition
// when no takeover replays less than all of it.
func PartitionFlags(recs []ringfence.CallRecord, count, p int) []ringfence.Flag {
	cfg := DetectConfig(count, p)
	return newPartState(checkpoint{}, cfg, 72*time.Hour).observe(detect.New(cfg), recs, nil, true)
}

// ReadPartition reads the records of partition p the stream holds, in
// the stream's order. A read that stalls (a server died) goes on where it
// was with a new consumer, for up to two minutes in all.
func (l *Log) ReadPartition(ctx context.Context, p int) ([]ringfence.CallRecord, error) {
	subject := l.cfg.Prefix + ".cdr." + strconv.Itoa(p)
	last, err := l.calls.GetLastMsgForSubject(ctx, subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("natslog: partition %d: %w", p, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rd := newReader(l.calls, subject, 1)
	rd.again = func(ctx context.Context, fn func(context.Context) error) error {
		for {
			err := fn(ctx)
			if err == nil || !retryable(err) || ctx.Err() != nil {
				return err
			}
			if err := sleep(ctx, 250*time.Millisecond); err != nil {
				return err
			}
		}
	}
	defer rd.Stop()
	var out []ringfence.CallRecord
	idleSince := time.Now()
	for {
		m, meta, err := rd.Next(ctx, time.Second)
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("natslog: partition %d: read to %d: %w", p, last.Sequence, ctx.Err())
		case errors.Is(err, nats.ErrTimeout):
			// Nothing for a while, with records still to read: the
			// consumer may sit on a server or a copy of the stream that
			// does not deliver (as a detector's may; see run). Another,
			// from the first record not read.
			if time.Since(idleSince) >= stallAfter {
				idleSince = time.Now()
				if err := rd.Restart(ctx, rd.next); err != nil && ctx.Err() == nil {
					return nil, fmt.Errorf("natslog: partition %d: %w", p, err)
				}
			}
			continue
		case err != nil:
			return nil, fmt.Errorf("natslog: partition %d: %w", p, err)
		}
		recs, err := decodeCalls(m.Data())
		if err != nil {
			return nil, fmt.Errorf("natslog: partition %d: message %d: %w", p, meta.Sequence.Stream, err)
		}
		out = append(out, recs...)
		idleSince = time.Now()
		if meta.Sequence.Stream >= last.Sequence {
			return out, nil
		}
	}
}
