// Package ledger is ringfence's disclosure ledger: an append-only,
// tamper-evident log of every export of customer data, every alias binding,
// every leak event and every attribution, kept in a directory.
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
// (fsync). Concurrent appenders share fsyncs (group commit). A torn tail
// left by a crash is detected and cut off at Open; entries before it are
// intact, and damage anywhere a signed checkpoint covers is an error, never
// silently repaired.
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
	"os"
	"path/filepath"
	"sync"
	"syscall"
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
	dir      string
	opt      Options
	lock     *os.File
	entries  *os.File
	hashes   *os.File
	cps      *os.File
	signer   note.Signer
	verifier note.Verifier
	vkey     string
	fpKey    []byte

	fpMu sync.Mutex
	fp   *trace.Fingerprinter

	mu          sync.RWMutex // guards the fields below
	offsets     []int64      // frame offset of each entry
	types       []string     // type of each entry
	end         int64        // committed length of entries.log
	checkpoints []Checkpoint
	exports     []trace.ExportRef
	exportIDs   map[string]int64
	cases       map[string]int64
	aliases     []trace.AliasRef // built on first use
	aliasesTo   int64            // entries scanned into aliases
	failed      error
	recovered   string

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
	if opt.CheckpointEvery == 0 {
		opt.CheckpointEvery = time.Second
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 4096
	}
	if err := os.MkdirAll(filepath.Join(dir, "prints"), 0o700); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o700); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	l := &Log{dir: dir, opt: opt, exportIDs: map[string]int64{}, cases: map[string]int64{}}
	ok := false
	defer func() {
		if !ok {
			l.closeFiles()
		}
	}()
	var err error
	l.lock, err = os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	if err := syscall.Flock(int(l.lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil, ringfence.Errorf(ringfence.ECONFLICT, "open ledger %s: in use by another process (while ringfence serve runs, use its API)", dir)
	}
	if err := l.loadKeys(); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		p    **os.File
		name string
	}{{&l.entries, "entries.log"}, {&l.hashes, "hashes.dat"}, {&l.cps, "checkpoints.log"}} {
		*f.p, err = os.OpenFile(filepath.Join(dir, f.name), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open ledger: %w", err)
		}
	}
	if err := l.loadCheckpoints(); err != nil {
		return nil, err
	}
	if err := l.loadEntries(); err != nil {
		return nil, err
	}
	if err := l.repairHashes(); err != nil {
		return nil, err
	}
	if err := l.loadIndexes(); err != nil {
		return nil, err
	}
	l.reqs = make(chan *request, 1024)
	l.wg.Add(1)
	go l.commitLoop()
	ok = true
	return l, nil
}

func (l *Log) closeFiles() {
	for _, f := range []*os.File{l.entries, l.hashes, l.cps, l.lock} {
		if f != nil {
			f.Close()
		}
	}
}

// Close waits for pending appends, signs a final checkpoint and closes the
// log.
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
	if l.failedErr() == nil {
		_, err = l.Checkpoint()
	}
	l.closeFiles()
	return err
}

// Dir is the ledger's directory.
func (l *Log) Dir() string { return l.dir }

// Recovered describes what Open cut off as a torn tail, "" when nothing.
func (l *Log) Recovered() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.recovered
}

// Size is the number of committed entries.
func (l *Log) Size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return int64(len(l.offsets))
}

func (l *Log) failedErr() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
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

// commit writes one group of requests and fsyncs it.
func (l *Log) commit(batch []*request) (int64, error) {
	l.mu.RLock()
	n0, end, failed := int64(len(l.offsets)), l.end, l.failed
	l.mu.RUnlock()
	if failed != nil {
		return 0, failed
	}
	base := tlog.StoredHashCount(n0)
	var pending []tlog.Hash
	reader := l.hashReader(base, &pending)
	var buf []byte
	var offs []int64
	var types []string
	var all [][]byte
	i := n0
	for _, r := range batch {
		for _, d := range r.data {
			all = append(all, d)
			offs = append(offs, end+int64(len(buf)))
			types = append(types, entryType(d))
			buf = appendFrame(buf, d)
			hs, err := tlog.StoredHashes(i, d, reader)
			if err != nil {
				return 0, l.fail(fmt.Errorf("ledger: hash entry %d: %w", i, err))
			}
			pending = append(pending, hs...)
			i++
		}
	}
	hb := make([]byte, 0, len(pending)*tlog.HashSize)
	for _, h := range pending {
		hb = append(hb, h[:]...)
	}
	if _, err := l.entries.WriteAt(buf, end); err != nil {
		return 0, l.fail(fmt.Errorf("ledger: write entries: %w", err))
	}
	if _, err := l.hashes.WriteAt(hb, base*tlog.HashSize); err != nil {
		return 0, l.fail(fmt.Errorf("ledger: write hashes: %w", err))
	}
	// Both files are synced in parallel; the entry is acknowledged only
	// when both are on disk.
	herr := make(chan error, 1)
	go func() { herr <- l.hashes.Sync() }()
	err := l.entries.Sync()
	if err2 := <-herr; err == nil {
		err = err2
	}
	if err != nil {
		return 0, l.fail(fmt.Errorf("ledger: fsync: %w", err))
	}
	l.mu.Lock()
	l.offsets = append(l.offsets, offs...)
	l.types = append(l.types, types...)
	l.end = end + int64(len(buf))
	l.indexCommitted(n0, all)
	l.mu.Unlock()
	return n0, nil
}

// fail marks the log failed: a write whose outcome is unknown leaves the
// files to be checked by the next Open.
func (l *Log) fail(err error) error {
	l.mu.Lock()
	if l.failed == nil {
		l.failed = err
	}
	l.mu.Unlock()
	return err
}

// hashReader reads stored hashes: those below base from hashes.dat, the
// others from pending (hashes not yet written).
func (l *Log) hashReader(base int64, pending *[]tlog.Hash) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= base {
				j := x - base
				if j >= int64(len(*pending)) {
					return nil, fmt.Errorf("ledger: hash %d not yet computed", x)
				}
				out[i] = (*pending)[j]
				continue
			}
			if _, err := l.hashes.ReadAt(out[i][:], x*tlog.HashSize); err != nil {
				return nil, fmt.Errorf("ledger: read hash %d: %w", x, err)
			}
		}
		return out, nil
	})
}

// committedHashes reads stored hashes of a tree of size entries.
func (l *Log) committedHashes(size int64) (tlog.HashReader, error) {
	if size > l.Size() {
		return nil, ringfence.Errorf(ringfence.EINVALID, "tree size %d exceeds the log's %d entries", size, l.Size())
	}
	limit := tlog.StoredHashCount(size)
	var none []tlog.Hash
	inner := l.hashReader(limit, &none)
	return inner, nil
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
	l.mu.RLock()
	if i < 0 || i >= int64(len(l.offsets)) {
		n := len(l.offsets)
		l.mu.RUnlock()
		return nil, ringfence.Errorf(ringfence.ENOTFOUND, "ledger has no entry %d (it has %d)", i, n)
	}
	off := l.offsets[i]
	l.mu.RUnlock()
	data, err := readFrame(l.entries, off)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entry %d at offset %d: %w", i, off, err)
	}
	return data, nil
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
