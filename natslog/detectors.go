package natslog

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
	"ringfence/detect"
	"ringfence/number"
)

// Detectors share the call-record partitions among the nodes of a cluster
// that run behaviour detection (serve --roles …,detect):
//
//   - Records: PublishCalls puts a record on its caller's partition and,
//     when another, on its callee's (Partition, which is detect.Owner), so
//     partition i holds every call the detector detect.Partition{Count: P,
//     Index: i} must see: the callers it owns (their scores and flags) and
//     the callees it owns (call bombing, reciprocity).
//   - Leases: each partition is owned by one node at a time, under a key
//     of a KV bucket whose entries live DetectLeaseTTL after their last
//     update; the owner renews every second and stops applying the
//     partition as soon as a renewal is refused or none succeeded for half
//     the TTL. Live detectors put a heartbeat in another such bucket; a
//     node takes partitions up to ceil(P/live) and gives back those over.
//     A dead node's leases expire and the others take them within a few
//     seconds.
//   - Exactly-once effect: an owner reads its partition with an ordered
//     consumer (the stream's order, no gap) from the record after the last
//     applied one. Its acknowledgement is the partition's progress, an
//     entry of a KV bucket written under the revision the owner last read
//     or wrote (so a former owner's write fails once a new owner wrote):
//     the last applied sequence, written every 200 ms, moves only after
//     the records up to it were applied; and before flags are stored
//     (DetectSink.ApplyDetected: flags are events on the log, so every
//     node's verdicts see them) the progress says their record's sequence
//     may be applied. A new owner applies again the records after the last
//     applied sequence, skipping nothing and counting nothing twice (its
//     detector state is rebuilt up to the applied sequence, then goes on);
//     the flags of records up to that "may be applied" sequence are
//     checked against the store first (DetectSink.DetectedStored), so a
//     flag is stored once.
//   - Checkpoints: every few seconds, and when a partition is given back,
//     the owner stores in an object store the partition's last applied
//     sequence (as of the checkpoint), the sequence from which replaying rebuilds the detector's
//     state (the first record of the last Window of stream time) and the
//     flags raised within the detector's flag memory. A new owner replays
//     the records from that sequence to the last applied one with no flag
//     emitted, then goes on. The detector's internals are not serialised.
type Detectors struct {
	l   *Log
	cfg DetectorsConfig

	leases, beats, progress jetstream.KeyValue
	ckpts                   jetstream.ObjectStore

	mu     sync.Mutex
	held   map[int]*partWorker
	status []partStatus // by partition
	live   int          // live detectors, as last counted
}

// DetectSink is where detectors' flags go (the engine of the node).
type DetectSink interface {
	// ApplyDetected stores flags raised by detection and makes them
	// verdict signals on every node (events on the log).
	ApplyDetected(ctx context.Context, fs []ringfence.Flag) error
	// DetectedStored reports whether f is stored already: a flag for the
	// same number, of the same kind, at the same time.
	DetectedStored(ctx context.Context, f ringfence.Flag) (bool, error)
}

// DetectorsConfig configures Detectors.
type DetectorsConfig struct {
	// Node names this detector in leases and heartbeats.
	Node string
	// Sink receives the flags.
	Sink DetectSink
	// Detect is the detectors' configuration (default DetectConfig's);
	// its Partition is set per partition.
	Detect *detect.Config
	// Window is how much stream time a takeover replays (default 72 h:
	// the detector forgets idle callers and contacts after 48 h, campaign
	// links after three days). The stream's retention (Config.CallMaxAge)
	// bounds it too.
	Window time.Duration
	// CheckpointEvery is how often an owner checkpoints (default 5 s).
	CheckpointEvery time.Duration
	Logger          *slog.Logger
}

// DetectLeaseTTL is how long a partition's lease, and a detector's
// heartbeat, outlive their holder's last renewal; detectRenewEvery how
// often they are renewed.
const (
	DetectLeaseTTL   = 4 * time.Second
	detectRenewEvery = time.Second
)

// DetectConfig is the configuration of the detector of partition index of
// count: the default one, with its tables (contacts, inbound sketch,
// campaign index) scaled down to the share of the calls a partition sees,
// about 2/count, but never below a sixteenth of one detector's.
func DetectConfig(count, index int) detect.Config {
	cfg := detect.DefaultConfig()
	scaleDetect(&cfg, count)
	cfg.Partition = detect.Partition{Count: count, Index: index}
	return cfg
}

func scaleDetect(cfg *detect.Config, count int) {
	shift := uint(0)
	if count > 2 {
		shift = min(uint(bits.Len(uint(count-1)))-1, 4)
	}
	cfg.PairBits -= min(shift, cfg.PairBits-10)
	cfg.SketchBits -= min(shift, cfg.SketchBits-10)
	cfg.CampaignBits -= min(shift, cfg.CampaignBits-10)
}

// PartitionStatus is one partition as this node sees it, for /metrics.
type PartitionStatus struct {
	Partition int
	Owned     bool
	// Applied is the partition's last applied stream sequence (as this
	// node last knew it); Pending the partition's messages after it, as
	// last seen by its owner here.
	Applied, Pending uint64
	// Replayed is how many messages the last takeover here replayed.
	Replayed uint64
	// Checkpointed is when this node last stored the partition's
	// checkpoint (zero before it did).
	Checkpointed time.Time
}

type partStatus struct {
	owned                      atomic.Bool
	applied, pending, replayed atomic.Uint64
	checkpointed               atomic.Int64 // Unix nanoseconds; 0: none yet
}

// NewDetectors returns the detectors of this node over l's partitions;
// Run runs them.
func (l *Log) NewDetectors(cfg DetectorsConfig) *Detectors {
	if cfg.Window == 0 {
		cfg.Window = 72 * time.Hour
	}
	if cfg.CheckpointEvery == 0 {
		cfg.CheckpointEvery = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Detectors{l: l, cfg: cfg, held: map[int]*partWorker{}, status: make([]partStatus, l.cfg.Partitions)}
}

// Status reports every partition as this node sees it.
func (d *Detectors) Status() []PartitionStatus {
	out := make([]PartitionStatus, len(d.status))
	for i := range d.status {
		s := &d.status[i]
		out[i] = PartitionStatus{Partition: i, Owned: s.owned.Load(), Applied: s.applied.Load(), Pending: s.pending.Load(), Replayed: s.replayed.Load()}
		if ns := s.checkpointed.Load(); ns != 0 {
			out[i].Checkpointed = time.Unix(0, ns)
		}
	}
	return out
}

// Live is how many detectors were alive at the last count (0 before it).
func (d *Detectors) Live() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.live
}

// Run takes, works and gives back partitions until ctx ends, then gives
// back those it holds (checkpointed) and returns ctx's error.
func (d *Detectors) Run(ctx context.Context) error {
	for {
		err := d.open(ctx)
		if err == nil {
			break
		}
		d.cfg.Logger.Warn("detect: opening the lease and checkpoint buckets failed; retrying", "err", err)
		if err := sleep(ctx, 2*time.Second); err != nil {
			return err
		}
	}
	defer d.releaseAll(context.WithoutCancel(ctx))
	t := time.NewTicker(detectRenewEvery)
	defer t.Stop()
	for {
		d.tick(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (d *Detectors) bucket(suffix string) string { return d.l.cfg.CallStream + "_" + suffix }

// open opens (creating) the buckets: leases and heartbeats with the TTL,
// checkpoints with the streams' replicas.
func (d *Detectors) open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	kv := func(name, what string) (jetstream.KeyValue, error) {
		kv, err := d.l.js.KeyValue(ctx, name)
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			kv, err = d.l.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: name, Description: what,
				TTL: DetectLeaseTTL, Replicas: d.l.cfg.Replicas, Storage: jetstream.FileStorage})
			if errors.Is(err, jetstream.ErrBucketExists) {
				kv, err = d.l.js.KeyValue(ctx, name)
			}
		}
		return kv, err
	}
	var err error
	if d.leases, err = kv(d.bucket("LEASES"), "ringfence detectors: who owns each call-record partition"); err != nil {
		return err
	}
	if d.beats, err = kv(d.bucket("DETECTORS"), "ringfence detectors: live detector nodes"); err != nil {
		return err
	}
	if d.progress, err = d.l.js.KeyValue(ctx, d.bucket("PROGRESS")); errors.Is(err, jetstream.ErrBucketNotFound) {
		d.progress, err = d.l.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: d.bucket("PROGRESS"),
			Description: "ringfence detectors: each call-record partition's applied sequence", Replicas: d.l.cfg.Replicas, Storage: jetstream.FileStorage})
		if errors.Is(err, jetstream.ErrBucketExists) {
			d.progress, err = d.l.js.KeyValue(ctx, d.bucket("PROGRESS"))
		}
	}
	if err != nil {
		return err
	}
	name := d.bucket("CHECKPOINTS")
	d.ckpts, err = d.l.js.ObjectStore(ctx, name)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		d.ckpts, err = d.l.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: name,
			Description: "ringfence detectors: checkpoints of the call-record partitions", Replicas: d.l.cfg.Replicas, Storage: jetstream.FileStorage})
		if errors.Is(err, jetstream.ErrBucketExists) {
			d.ckpts, err = d.l.js.ObjectStore(ctx, name)
		}
	}
	return err
}

// kvKey makes a name a valid KV key.
func kvKey(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "x" + hex.EncodeToString([]byte(s))
		}
	}
	return s
}

func leaseKey(p int) string { return "p" + strconv.Itoa(p) }

// tick is one round: heartbeat, count the live, renew, give back, take.
func (d *Detectors) tick(ctx context.Context) {
	tctx, cancel := context.WithTimeout(ctx, detectRenewEvery)
	defer cancel()
	if _, err := d.beats.Put(tctx, kvKey(d.cfg.Node), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil && ctx.Err() == nil {
		d.cfg.Logger.Debug("detect: heartbeat failed", "err", err)
	}
	live := d.countLive(tctx)
	d.renew(ctx)
	d.mu.Lock()
	if live > 0 {
		d.live = live
	}
	live = max(d.live, 1)
	n := len(d.held)
	d.mu.Unlock()
	parts := d.l.cfg.Partitions
	target := (parts + live - 1) / live
	d.cfg.Logger.Debug("detect: tick", "live", live, "held", n, "target", target)
	if n > target {
		d.giveBack(ctx, n-target)
	} else if n < target {
		d.take(ctx, target-n)
	}
}

// countLive counts the heartbeats (0 when it cannot).
func (d *Detectors) countLive(ctx context.Context) int {
	keys, err := d.beats.ListKeys(ctx)
	if err != nil {
		return 0
	}
	n := 0
	for range keys.Keys() {
		n++
	}
	if ctx.Err() != nil {
		return 0 // perhaps not all of them
	}
	return n
}

// renew renews every held lease; a worker whose lease is refused, or not
// renewed for half the TTL, or that stopped on its own, is stopped and
// dropped.
func (d *Detectors) renew(ctx context.Context) {
	ws := d.heldWorkers()
	for _, w := range ws {
		select {
		case <-w.done:
			// The worker failed (the sink or the stream): give the
			// partition back; it is taken again and rebuilt.
			d.drop(w, true)
			continue
		default:
		}
		uctx, cancel := context.WithTimeout(ctx, detectRenewEvery)
		rev, err := d.leases.Update(uctx, leaseKey(w.p), []byte(d.cfg.Node), w.rev)
		cancel()
		switch {
		case err == nil:
			w.rev = rev
			w.renewed.Store(time.Now().UnixNano())
		case errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyNotFound) || isWrongLastSeq(err):
			d.cfg.Logger.Warn("detect: lost the lease of a partition", "partition", w.p)
			d.drop(w, false)
		case !w.valid():
			d.cfg.Logger.Warn("detect: could not renew the lease of a partition; stopped applying it", "partition", w.p, "err", err)
			d.drop(w, false)
		}
	}
}

// drop stops w at once (no checkpoint: the lease may be another's) and
// forgets it; release also deletes the lease, at its revision.
//
// It does not wait for a worker whose lease is lost: one stuck in a call
// to a dead NATS server (the client may take many seconds to give up)
// would hold up the renewal of every other partition here, and those
// leases would lapse too. Such a worker applies nothing more: its context
// is cancelled, its lease no longer valid, and its progress writes are
// refused once the next owner wrote. A released lease is deleted only
// once its worker has ended (within dropWait; else it is left to expire),
// so that no next owner starts while it may still apply.
func (d *Detectors) drop(w *partWorker, release bool) {
	w.cancel()
	d.mu.Lock()
	if d.held[w.p] == w {
		delete(d.held, w.p)
		d.status[w.p].owned.Store(false)
	}
	d.mu.Unlock()
	if !release {
		return
	}
	select {
	case <-w.done:
	case <-time.After(dropWait):
		d.cfg.Logger.Warn("detect: a partition's worker did not stop; its lease is left to expire", "partition", w.p)
		return
	}
	dctx, cancel := context.WithTimeout(context.Background(), time.Second)
	d.leases.Delete(dctx, leaseKey(w.p), jetstream.LastRevision(w.rev))
	cancel()
}

// dropWait is how long drop waits for a released partition's worker.
const dropWait = 2 * time.Second

// giveBack gives n partitions back, the highest first: each is
// checkpointed, then its lease deleted.
func (d *Detectors) giveBack(ctx context.Context, n int) {
	d.mu.Lock()
	ps := make([]int, 0, len(d.held))
	for p := range d.held {
		ps = append(ps, p)
	}
	d.mu.Unlock()
	slices.Sort(ps)
	for _, p := range ps[len(ps)-n:] {
		d.mu.Lock()
		w := d.held[p]
		d.mu.Unlock()
		w.release()
		d.drop(w, true)
		d.cfg.Logger.Info("detect: gave a partition back", "partition", p)
	}
}

// heldWorkers is a copy of the workers of the partitions held now.
func (d *Detectors) heldWorkers() []*partWorker {
	d.mu.Lock()
	defer d.mu.Unlock()
	ws := make([]*partWorker, 0, len(d.held))
	for _, w := range d.held {
		ws = append(ws, w)
	}
	return ws
}

func (d *Detectors) releaseAll(ctx context.Context) {
	ws := d.heldWorkers()
	for _, w := range ws {
		w.release()
		d.drop(w, true)
	}
}

// take takes up to n free partitions, looking from a place of the node's
// own so that nodes starting together do not contend for the same ones.
func (d *Detectors) take(ctx context.Context, n int) {
	parts := d.l.cfg.Partitions
	start := int(number.Mix(uint64(len(d.cfg.Node))^hashString(d.cfg.Node)) % uint64(parts))
	for i := 0; i < parts && n > 0; i++ {
		p := (start + i) % parts
		d.mu.Lock()
		_, mine := d.held[p]
		d.mu.Unlock()
		if mine {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, detectRenewEvery)
		rev, err := d.leases.Create(cctx, leaseKey(p), []byte(d.cfg.Node))
		cancel()
		if err != nil {
			continue // another's, or the bucket is unreachable
		}
		w := d.start(ctx, p, rev)
		d.mu.Lock()
		d.held[p] = w
		d.mu.Unlock()
		n--
		d.cfg.Logger.Info("detect: took a partition", "partition", p)
	}
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// start starts the worker of partition p, whose lease is at rev.
func (d *Detectors) start(ctx context.Context, p int, rev uint64) *partWorker {
	wctx, cancel := context.WithCancel(ctx)
	w := &partWorker{d: d, p: p, rev: rev, cancel: cancel, done: make(chan struct{}), releasing: make(chan struct{})}
	w.renewed.Store(time.Now().UnixNano())
	d.status[p].owned.Store(true)
	go func() {
		defer close(w.done)
		if err := w.run(wctx); err != nil && wctx.Err() == nil {
			// The stream or the store failing (a server died, a
			// leader is being elected): the partition is taken again,
			// here or elsewhere, and rebuilt.
			d.cfg.Logger.Warn("detect: applying a partition failed; giving it back", "partition", p, "err", err)
		}
	}()
	return w
}

// errLeaseLost ends a worker whose lease is no longer valid.
var errLeaseLost = errors.New("natslog: the partition's lease is no longer held")

func (d *Detectors) errorf(p int, format string, args ...any) error {
	return fmt.Errorf("natslog: partition %d: "+format, append([]any{p}, args...)...)
}

// PartitionHeads are the stream sequences of the last message of each
// call-record partition (0 for one with none): where the partitions'
// applied sequences must reach once every acknowledged record is applied.
func (l *Log) PartitionHeads(ctx context.Context) ([]uint64, error) {
	heads := make([]uint64, l.cfg.Partitions)
	for p := range heads {
		m, err := l.calls.GetLastMsgForSubject(ctx, l.cfg.Prefix+".cdr."+strconv.Itoa(p))
		switch {
		case err == nil:
			heads[p] = m.Sequence
		case errors.Is(err, jetstream.ErrMsgNotFound):
		default:
			return nil, fmt.Errorf("natslog: partition %d: %w", p, err)
		}
	}
	return heads, nil
}
