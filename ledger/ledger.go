// Package ledger is ringfence's disclosure ledger: an append-only,
// tamper-evident log of every export of customer data, every alias binding,
// every leak event and every attribution, kept in a directory (or, in a
// cluster, in PostgreSQL: see Storage).
//
// The log is a Merkle tree in the layout of golang.org/x/mod/sumdb/tlog
// (RFC 6962 hashing), so any entry can be proved included in a tree and any
// tree proved consistent with a later one. The tree is committed to by
// checkpoints signed with Ed25519 in the signed-note format of
// golang.org/x/mod/sumdb/note; the verifier key can be published and the
// proofs checked offline by anyone.
//
// Entries hold keyed fingerprints of the disclosed records, never the
// records in clear. The fingerprints of an export's rows are stored next to
// the log as a print list that the export entry commits to by digest.
//
// Appends are durable: Append returns only after the entry is on disk
// (fsync), or committed by PostgreSQL. Concurrent appenders share fsyncs
// or transactions (group commit). A torn tail left by a crash is detected and cut off at Open; entries before it are
// intact, and damage anywhere a signed checkpoint covers is an error, never
// silently repaired.
//
// The records are kept by a Storage: a directory (Open), or PostgreSQL in a
// cluster (OpenStorage with package postgres's storage), where one node at
// a time holds the writer's lease (Lead) and the others follow, answering
// reads and proofs from what the writer committed.
//
// Layout of the directory:
//
//	entries.log       frames of [length uint32][crc32c uint32][entry JSON]
//	hashes.dat        the tlog stored hashes, 32 bytes each
//	checkpoints.log   frames of signed checkpoints
//	signer.key        the note signer key (0600), created on first use
//	verifier.key      the note verifier key, safe to publish
//	fingerprint.key   the key of record fingerprints (0600)
//	prints/ID.prints  the print list of export ID
//	cases/ID.json     the case file of attribution ID
package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
	"ringfence/trace"
)

// Options tune a Log.
type Options struct {
	// CheckpointEvery is the least time between automatic checkpoints,
	// signed after a commit; 1s when 0; negative turns them off (Checkpoint
	// and Close still sign).
	CheckpointEvery time.Duration
	// MaxBatch bounds the entries of one group commit; 4096 when 0.
	MaxBatch int
}

// MaxEntrySize bounds the encoded size of one entry.
const MaxEntrySize = 16 << 20

// ErrClosed is returned by operations on a closed Log.
var ErrClosed = errors.New("ledger: closed")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Log is an open ledger. Its methods are safe for concurrent use.
type Log struct {
	dir      string // the directory of a Log opened with Open
	opt      Options
	store    Storage
	signer   note.Signer // nil without the signer key
	verifier note.Verifier
	vkey     string
	fpKey    []byte

	fpMu sync.Mutex
	fp   *trace.Fingerprinter

	mu          sync.RWMutex // guards the fields below
	types       []string     // type of each entry
	checkpoints []Checkpoint
	exports     []trace.ExportRef
	exportIDs   map[string]int64
	cases       map[string]int64
	aliases     []trace.AliasRef // built on first use
	aliasesTo   int64            // entries scanned into aliases
	failed      error
	recovered   string
	writer      bool  // this Log appends (it leads); else it follows
	notWriter   error // why it does not append, while it follows

	catchMu sync.Mutex // serialises catching up with a shared storage

	cpMu   sync.Mutex // serialises checkpoint writes
	lastCP time.Time

	sendMu  sync.RWMutex // guards closing against senders
	closing bool
	reqs    chan *request
	wg      sync.WaitGroup
}

type request struct {
	data [][]byte
	done chan result
}

type result struct {
	first int64
	err   error
}

// Open opens the ledger in dir, creating it and its keys on first use. Only
// one process may have a ledger open at a time.
func Open(dir string) (*Log, error) { return OpenWith(dir, Options{}) }

// OpenWith is Open with options.
func OpenWith(dir string, opt Options) (*Log, error) {
	fs, err := openFileStorage(dir)
	if err != nil {
		return nil, err
	}
	l, err := newLog(fs, fs.keys, opt)
	if err != nil {
		fs.Close()
		return nil, err
	}
	l.dir, l.recovered = dir, fs.recovered
	// What openFileStorage read and checked is the log's state.
	l.checkpoints = append([]Checkpoint(nil), fs.checkpoints...)
	l.types, fs.types = fs.types, nil
	if len(l.checkpoints) > 0 {
		l.lastCP = l.checkpoints[len(l.checkpoints)-1].Time
	}
	for i, t := range l.types {
		if t != TypeExport && t != TypeAttribution {
			continue
		}
		e, err := l.Entry(int64(i))
		if err != nil {
			fs.Close()
			return nil, fmt.Errorf("open ledger: %w", err)
		}
		l.index(int64(i), e)
	}
	l.writer = true
	l.start()
	return l, nil
}

// OpenStorage opens the ledger kept in s with keys k. Over a Shared
// storage the Log follows (it reads what the writer commits and refuses
// appends) until Lead makes it the writer; over any other it leads at
// once. Without k.Signer it never leads, and it cannot sign.
func OpenStorage(s Storage, k Keys, opt Options) (*Log, error) {
	l, err := newLog(s, k, opt)
	if err != nil {
		return nil, err
	}
	l.notWriter = ringfence.Errorf(ringfence.EUNAVAILABLE, "this node is not the disclosure ledger's writer")
	if err := l.catchUp(); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	if err := l.verifyTail(); err != nil {
		return nil, err
	}
	l.start()
	if !s.Shared() {
		if err := l.Lead(); err != nil {
			l.Close()
			return nil, err
		}
	}
	return l, nil
}

func newLog(s Storage, k Keys, opt Options) (*Log, error) {
	if opt.CheckpointEvery == 0 {
		opt.CheckpointEvery = time.Second
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 4096
	}
	l := &Log{opt: opt, store: s, exportIDs: map[string]int64{}, cases: map[string]int64{}, vkey: k.Verifier, fpKey: k.Fingerprint}
	var err error
	if l.verifier, err = note.NewVerifier(k.Verifier); err != nil {
		return nil, fmt.Errorf("open ledger: verifier key: %w", err)
	}
	if k.Signer != "" {
		if l.signer, err = note.NewSigner(k.Signer); err != nil {
			return nil, fmt.Errorf("open ledger: signer key: %w", err)
		}
		if l.verifier.Name() != l.signer.Name() || l.verifier.KeyHash() != l.signer.KeyHash() {
			return nil, fmt.Errorf("open ledger: the verifier key does not belong to the signer key")
		}
	}
	if len(l.fpKey) < trace.MinKeySize {
		return nil, fmt.Errorf("open ledger: the fingerprint key has %d bytes, fewer than %d", len(l.fpKey), trace.MinKeySize)
	}
	if l.fp, err = trace.NewFingerprinter(l.fpKey); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Log) start() {
	l.reqs = make(chan *request, 1024)
	l.wg.Add(1)
	go l.commitLoop()
}

// catchUp reads the entries and checkpoints that other processes appended
// to a shared storage since the last look. It does nothing while this Log
// is the writer: then nobody else appends.
func (l *Log) catchUp() error {
	l.catchMu.Lock()
	defer l.catchMu.Unlock()
	l.mu.RLock()
	n, k, writer := int64(len(l.types)), len(l.checkpoints), l.writer
	l.mu.RUnlock()
	if writer {
		return nil
	}
	var types []string
	var indexed []*Entry
	err := l.store.Entries(n, -1, func(i int64, data []byte) error {
		if i != n+int64(len(types)) {
			return fmt.Errorf("entry %d read where %d was expected", i, n+int64(len(types)))
		}
		t := entryType(data)
		types = append(types, t)
		var e *Entry
		if t == TypeExport || t == TypeAttribution {
			var err error
			if e, err = DecodeEntry(data); err != nil {
				return err
			}
		}
		indexed = append(indexed, e)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger: read entries from %d: %w", n, err)
	}
	notes, err := l.store.Checkpoints(k)
	if err != nil {
		return fmt.Errorf("ledger: read checkpoints from %d: %w", k, err)
	}
	var cps []Checkpoint
	for j, msg := range notes {
		cp, err := ParseCheckpoint(msg, l.verifier)
		if err != nil {
			return fmt.Errorf("ledger: checkpoint %d: %w", k+j, err)
		}
		cps = append(cps, cp)
	}
	if len(types) == 0 && len(cps) == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for j, e := range indexed {
		if e != nil {
			l.index(n+int64(j), e)
		}
	}
	l.types = append(l.types, types...)
	for _, cp := range cps {
		if k := len(l.checkpoints); k > 0 && cp.Size < l.checkpoints[k-1].Size {
			return fmt.Errorf("ledger: checkpoint %d: size %d is below the previous %d", k, cp.Size, l.checkpoints[k-1].Size)
		}
		if cp.Size > int64(len(l.types)) {
			// Checkpoints are signed after their entries commit; one
			// beyond what was read waits for the next look.
			break
		}
		l.checkpoints = append(l.checkpoints, cp)
	}
	return nil
}

// fresh catches up with a shared storage before a read; a failure to do so
// leaves the read to answer from what was read before, and is returned
// for a read that needs more than that.
func (l *Log) fresh() error {
	if !l.store.Shared() {
		return nil
	}
	err := l.catchUp()
	if err != nil && ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		err = ringfence.Errorf(ringfence.EUNAVAILABLE, "the disclosure ledger's storage cannot be read: %v", err)
	}
	return err
}

// verifyTail checks the stored tree against the last signed checkpoint:
// its root, and the stored hashes of every entry after it recomputed from
// the entries. A Log checks it before it appends to what another wrote.
func (l *Log) verifyTail() error {
	l.mu.RLock()
	n := int64(len(l.types))
	var cp *Checkpoint
	if k := len(l.checkpoints); k > 0 {
		c := l.checkpoints[k-1]
		cp = &c
	}
	l.mu.RUnlock()
	from := int64(0)
	if cp != nil {
		root, err := l.TreeHash(cp.Size)
		if err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		if root != cp.Root {
			return fmt.Errorf("ledger: the first %d entries do not hash to the root of the last signed checkpoint (%s): the stored log was altered", cp.Size, cp.Root)
		}
		from = cp.Size
	}
	r := tlog.HashReaderFunc(l.store.Hashes)
	return l.store.Entries(from, n, func(i int64, data []byte) error {
		hs, err := tlog.StoredHashes(i, data, r)
		if err != nil {
			return err
		}
		stored, err := l.store.Hashes(storedIndexes(i, len(hs)))
		if err != nil {
			return err
		}
		for j := range hs {
			if hs[j] != stored[j] {
				return fmt.Errorf("ledger: entry %d: stored hash %d does not match the entry", i, tlog.StoredHashIndex(0, i)+int64(j))
			}
		}
		return nil
	})
}

func storedIndexes(i int64, n int) []int64 {
	base := tlog.StoredHashIndex(0, i)
	out := make([]int64, n)
	for j := range out {
		out[j] = base + int64(j)
	}
	return out
}

// Lead makes this Log the writer of a shared storage, once its holder of
// the writer's lease (outside this package) has it: it reads what the
// previous writer committed, checks the tree against the last signed
// checkpoint, and signs a checkpoint over entries the previous writer
// left unsigned. Appends are accepted from then on.
func (l *Log) Lead() error {
	if l.signer == nil {
		return ringfence.Errorf(ringfence.EUNAVAILABLE, "this node has no ledger signer key: it cannot write the disclosure ledger")
	}
	l.mu.Lock()
	l.writer = false // catchUp reads while the previous writer's entries are new
	l.mu.Unlock()
	if err := l.catchUp(); err != nil {
		return err
	}
	if err := l.verifyTail(); err != nil {
		return err
	}
	l.mu.Lock()
	l.writer, l.failed, l.notWriter = true, nil, nil
	signed := int64(0)
	if k := len(l.checkpoints); k > 0 {
		signed = l.checkpoints[k-1].Size
	}
	unsigned := int64(len(l.types)) > signed
	l.mu.Unlock()
	if !unsigned {
		return nil
	}
	if _, err := l.Checkpoint(); err != nil {
		l.Follow(err)
		return err
	}
	return nil
}

// Follow makes this Log stop appending: appends answer why (EUNAVAILABLE
// when why has no code) until Lead.
func (l *Log) Follow(why error) {
	if ringfence.ErrorCode(why) != ringfence.EUNAVAILABLE {
		why = ringfence.Errorf(ringfence.EUNAVAILABLE, "the disclosure ledger has no writer on this node: %v", ringfence.ErrorMessage(why))
	}
	l.mu.Lock()
	l.writer, l.notWriter = false, why
	l.mu.Unlock()
}

// Writer reports whether this Log appends, and if not, why.
func (l *Log) Writer() (bool, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.writer && l.failed != nil {
		return false, l.failed
	}
	return l.writer, l.notWriter
}

// Close waits for pending appends, signs a final checkpoint (as the
// writer) and closes the log and its storage.
func (l *Log) Close() error {
	l.sendMu.Lock()
	if l.closing {
		l.sendMu.Unlock()
		return nil
	}
	l.closing = true
	close(l.reqs)
	l.sendMu.Unlock()
	l.wg.Wait()
	var err error
	if w, _ := l.Writer(); w {
		_, err = l.Checkpoint()
	}
	if cerr := l.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// Dir is the ledger's directory ("" for a ledger not kept in one).
func (l *Log) Dir() string { return l.dir }

// Recovered describes what Open cut off as a torn tail, "" when nothing.
func (l *Log) Recovered() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.recovered
}

// Size is the number of committed entries.
func (l *Log) Size() int64 {
	l.fresh()
	return l.size()
}

func (l *Log) size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return int64(len(l.types))
}

func (l *Log) failedErr() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.failed
}

// writable answers why this Log cannot append now, nil when it can.
func (l *Log) writable() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if !l.writer {
		return l.notWriter
	}
	return l.failed
}

// Append appends e durably and returns its index.
func (l *Log) Append(ctx context.Context, e Entry) (int64, error) {
	return l.AppendBatch(ctx, []Entry{e})
}

// AppendBatch appends entries durably, in order and in one commit, and
// returns the index of the first.
func (l *Log) AppendBatch(ctx context.Context, es []Entry) (int64, error) {
	if len(es) == 0 {
		return l.Size(), nil
	}
	data := make([][]byte, len(es))
	for i := range es {
		if es[i].Time.IsZero() {
			es[i].Time = time.Now()
		}
		es[i].Time = es[i].Time.UTC()
		b, err := es[i].Encode()
		if err != nil {
			return 0, err
		}
		if len(b) > MaxEntrySize {
			return 0, ringfence.Errorf(ringfence.ETOOLARGE, "%s entry of %d bytes exceeds %d", es[i].Type, len(b), MaxEntrySize)
		}
		data[i] = b
	}
	return l.appendEncoded(ctx, data)
}

func (l *Log) appendEncoded(ctx context.Context, data [][]byte) (int64, error) {
	if err := l.writable(); err != nil {
		return 0, err
	}
	r := &request{data: data, done: make(chan result, 1)}
	l.sendMu.RLock()
	if l.closing {
		l.sendMu.RUnlock()
		return 0, ErrClosed
	}
	select {
	case l.reqs <- r:
	case <-ctx.Done():
		l.sendMu.RUnlock()
		return 0, ctx.Err()
	}
	l.sendMu.RUnlock()
	// Once queued the entry may be committed: wait for the outcome.
	res := <-r.done
	return res.first, res.err
}

// commitLoop gathers queued requests into group commits.
func (l *Log) commitLoop() {
	defer l.wg.Done()
	for r := range l.reqs {
		batch := []*request{r}
		n := len(r.data)
	drain:
		for n < l.opt.MaxBatch {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
				n += len(r.data)
			default:
				break drain
			}
		}
		first, err := l.commit(batch)
		for _, r := range batch {
			r.done <- result{first, err}
			first += int64(len(r.data))
		}
		if err == nil && l.opt.CheckpointEvery > 0 && time.Since(l.lastCheckpoint()) >= l.opt.CheckpointEvery {
			l.Checkpoint()
		}
	}
}

func (l *Log) lastCheckpoint() time.Time {
	l.cpMu.Lock()
	defer l.cpMu.Unlock()
	return l.lastCP
}

// appendFrame appends the frame of one record to buf.
func appendFrame(buf, data []byte) []byte {
	var h [8]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[4:], frameCRC(h[0:4], data))
	return append(append(buf, h[:]...), data...)
}

func frameCRC(length, data []byte) uint32 {
	return crc32.Update(crc32.Checksum(length, castagnoli), castagnoli, data)
}

// commit hashes one group of requests and has the storage commit it.
func (l *Log) commit(batch []*request) (int64, error) {
	if err := l.writable(); err != nil {
		return 0, err
	}
	n0 := l.size()
	base := tlog.StoredHashCount(n0)
	var pending []tlog.Hash
	reader := l.hashReader(base, &pending)
	var recs []Record
	var all [][]byte
	i := n0
	for _, r := range batch {
		for _, d := range r.data {
			all = append(all, d)
			hs, err := tlog.StoredHashes(i, d, reader)
			if err != nil {
				return 0, l.fail(fmt.Errorf("ledger: hash entry %d: %w", i, err))
			}
			pending = append(pending, hs...)
			recs = append(recs, Record{Data: d, Hashes: hs})
			i++
		}
	}
	if err := l.store.Append(n0, recs); err != nil {
		return 0, l.fail(err)
	}
	l.mu.Lock()
	for _, d := range all {
		l.types = append(l.types, entryType(d))
	}
	l.indexCommitted(n0, all)
	l.mu.Unlock()
	return n0, nil
}

// fail marks the log failed: a write whose outcome is unknown leaves the
// storage to be checked by the next Open (or Lead).
func (l *Log) fail(err error) error {
	l.mu.Lock()
	if l.failed == nil {
		l.failed = err
	}
	l.mu.Unlock()
	return err
}

// hashReader reads stored hashes: those below base from the storage, the
// others from pending (hashes not yet written).
func (l *Log) hashReader(base int64, pending *[]tlog.Hash) tlog.HashReader {
	return pendingReader(base, pending, l.store.Hashes)
}

func pendingReader(base int64, pending *[]tlog.Hash, stored func([]int64) ([]tlog.Hash, error)) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var below []int64
		for i, x := range indexes {
			if x >= base {
				j := x - base
				if j >= int64(len(*pending)) {
					return nil, fmt.Errorf("ledger: hash %d not yet computed", x)
				}
				out[i] = (*pending)[j]
				continue
			}
			below = append(below, x)
		}
		if len(below) == 0 {
			return out, nil
		}
		hs, err := stored(below)
		if err != nil {
			return nil, err
		}
		k := 0
		for i, x := range indexes {
			if x < base {
				out[i] = hs[k]
				k++
			}
		}
		return out, nil
	})
}

// committedHashes reads stored hashes of a tree of size entries.
func (l *Log) committedHashes(size int64) (tlog.HashReader, error) {
	if size > l.size() {
		err := l.fresh()
		if size > l.size() {
			if err != nil {
				return nil, err
			}
			return nil, ringfence.Errorf(ringfence.EINVALID, "tree size %d exceeds the log's %d entries", size, l.size())
		}
	}
	limit := tlog.StoredHashCount(size)
	var none []tlog.Hash
	return l.hashReader(limit, &none), nil
}

// readFrame reads and checks the frame at off.
func readFrame(r io.ReaderAt, off int64) ([]byte, error) {
	var h [8]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(h[0:])
	if n > MaxEntrySize {
		return nil, fmt.Errorf("frame length %d exceeds %d", n, MaxEntrySize)
	}
	data := make([]byte, n)
	if _, err := r.ReadAt(data, off+8); err != nil {
		return nil, err
	}
	if frameCRC(h[0:4], data) != binary.LittleEndian.Uint32(h[4:]) {
		return nil, errors.New("checksum mismatch")
	}
	return data, nil
}

// EntryData returns the record bytes of entry i (what the tree hashes).
func (l *Log) EntryData(i int64) ([]byte, error) {
	var err error
	if i >= l.size() {
		err = l.fresh()
	}
	if n := l.size(); i >= n && err != nil {
		return nil, err // perhaps written, unread: not "no entry"
	} else if i < 0 || i >= n {
		return nil, ringfence.Errorf(ringfence.ENOTFOUND, "ledger has no entry %d (it has %d)", i, n)
	}
	return l.store.Entry(i)
}

// Entry returns entry i.
func (l *Log) Entry(i int64) (*Entry, error) {
	data, err := l.EntryData(i)
	if err != nil {
		return nil, err
	}
	e, err := DecodeEntry(data)
	if err != nil {
		return nil, fmt.Errorf("ledger: entry %d: %w", i, err)
	}
	return e, nil
}

// index adds an entry to the in-memory indexes; l.mu must be held or the
// log not yet shared.
func (l *Log) index(i int64, e *Entry) {
	switch {
	case e.Export != nil:
		x := e.Export
		l.exportIDs[x.ExportID] = i
		l.exports = append(l.exports, trace.ExportRef{
			Disclosure: trace.Disclosure{Org: x.Org, Recipient: x.Recipient, ExportID: x.ExportID},
			Entry:      i, Time: e.Time, Rows: x.Rows, Canaries: x.Canaries,
		})
	case e.Attribution != nil:
		l.cases[e.Attribution.Case] = i
	}
}
