package ledger

import (
	"bufio"
	"sync"
	"syscall"

	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"ringfence"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"ringfence/trace"
)

// fileStorage is a ledger kept in a directory (the layout is in the
// package comment). One process holds it at a time (flock on LOCK).
type fileStorage struct {
	dir     string
	lock    *os.File
	entries *os.File
	hashes  *os.File
	cps     *os.File
	keys    Keys

	mu          sync.RWMutex
	offsets     []int64  // frame offset of each entry
	end         int64    // committed length of entries.log
	types       []string // of the entries read at open, for the Log to take
	checkpoints []Checkpoint
	recovered   string
}

// openFileStorage opens the ledger directory dir: it takes its lock,
// loads (or creates) its keys, cuts a torn tail left by a crash and
// repairs the stored hashes of entries no checkpoint covers.
func openFileStorage(dir string) (*fileStorage, error) {
	if err := os.MkdirAll(filepath.Join(dir, "prints"), 0o700); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o700); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	l := &fileStorage{dir: dir}
	ok := false
	defer func() {
		if !ok {
			l.Close()
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
	verifier, err := note.NewVerifier(l.keys.Verifier)
	if err != nil {
		return nil, fmt.Errorf("open ledger: verifier key: %w", err)
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
	if err := l.loadCheckpoints(verifier); err != nil {
		return nil, err
	}
	if err := l.loadEntries(); err != nil {
		return nil, err
	}
	if err := l.repairHashes(); err != nil {
		return nil, err
	}
	ok = true
	return l, nil
}

// Close releases the directory.
func (l *fileStorage) Close() error {
	for _, f := range []*os.File{l.entries, l.hashes, l.cps, l.lock} {
		if f != nil {
			f.Close()
		}
	}
	return nil
}

// Shared is false: the directory's lock keeps other processes out.
func (l *fileStorage) Shared() bool { return false }

// loadKeys reads the signer and fingerprint keys, creating them on first
// use.
func (l *fileStorage) loadKeys() error {
	skeyPath := filepath.Join(l.dir, "signer.key")
	skey, err := os.ReadFile(skeyPath)
	if errors.Is(err, os.ErrNotExist) {
		var id [6]byte
		rand.Read(id[:])
		name := "ringfence.ledger/" + hex.EncodeToString(id[:])
		s, v, err := note.GenerateKey(rand.Reader, name)
		if err != nil {
			return fmt.Errorf("open ledger: generate signer key: %w", err)
		}
		if err := writeFileSync(skeyPath, []byte(s+"\n"), 0o600); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		if err := writeFileSync(filepath.Join(l.dir, "verifier.key"), []byte(v+"\n"), 0o644); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		skey = []byte(s)
	} else if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return fmt.Errorf("open ledger: signer key %s: %w", skeyPath, err)
	}
	vkey, err := os.ReadFile(filepath.Join(l.dir, "verifier.key"))
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	l.keys.Signer, l.keys.Verifier = strings.TrimSpace(string(skey)), strings.TrimSpace(string(vkey))
	verifier, err := note.NewVerifier(l.keys.Verifier)
	if err != nil {
		return fmt.Errorf("open ledger: verifier key: %w", err)
	}
	if verifier.Name() != signer.Name() || verifier.KeyHash() != signer.KeyHash() {
		return fmt.Errorf("open ledger: verifier.key does not belong to signer.key")
	}

	fpPath := filepath.Join(l.dir, "fingerprint.key")
	fk, err := os.ReadFile(fpPath)
	if errors.Is(err, os.ErrNotExist) {
		var k [32]byte
		rand.Read(k[:])
		if err := writeFileSync(fpPath, []byte(hex.EncodeToString(k[:])+"\n"), 0o600); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		fk = []byte(hex.EncodeToString(k[:]))
	} else if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	l.keys.Fingerprint, err = hex.DecodeString(strings.TrimSpace(string(fk)))
	if err != nil || len(l.keys.Fingerprint) < trace.MinKeySize {
		return fmt.Errorf("open ledger: %s is not a hex key of at least %d bytes", fpPath, trace.MinKeySize)
	}
	return nil
}

// writeFileSync writes a new file durably: temporary file, fsync, rename,
// fsync of the directory.
func writeFileSync(path string, data []byte, perm os.FileMode) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// scanFrames reads the frames of f from the start and returns their
// offsets and the offset where valid frames end. bad is non-nil when
// something other than a clean end of file stopped the scan.
func scanFrames(f *os.File, each func(i int, off int64, data []byte) error) (offsets []int64, end int64, bad error, err error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, 0, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	var h [8]byte
	var data []byte
	for {
		if _, e := io.ReadFull(br, h[:]); e != nil {
			if e == io.EOF {
				return offsets, end, nil, nil
			}
			return offsets, end, fmt.Errorf("incomplete frame header"), nil
		}
		n := binary.LittleEndian.Uint32(h[0:])
		if n > MaxEntrySize {
			return offsets, end, fmt.Errorf("frame length %d exceeds %d", n, MaxEntrySize), nil
		}
		if cap(data) < int(n) {
			data = make([]byte, n)
		}
		data = data[:n]
		if _, e := io.ReadFull(br, data); e != nil {
			return offsets, end, fmt.Errorf("incomplete frame of %d bytes", n), nil
		}
		if frameCRC(h[0:4], data) != binary.LittleEndian.Uint32(h[4:]) {
			return offsets, end, fmt.Errorf("checksum mismatch"), nil
		}
		if each != nil {
			if e := each(len(offsets), end, data); e != nil {
				return offsets, end, e, nil
			}
		}
		offsets = append(offsets, end)
		end += 8 + int64(n)
	}
}

// laterFrame reports whether a valid frame starts anywhere in f after off
// (within 16 MiB): the mark of damage in the middle of the file rather than
// a torn tail.
func laterFrame(f *os.File, off int64) (bool, error) {
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	n := st.Size() - off
	if n > MaxEntrySize+8 {
		return true, nil
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
		return false, err
	}
	for i := 1; i+8 <= len(buf); i++ {
		m := int(binary.LittleEndian.Uint32(buf[i:]))
		if m == 0 || i+8+m > len(buf) {
			continue
		}
		if frameCRC(buf[i:i+4], buf[i+8:i+8+m]) == binary.LittleEndian.Uint32(buf[i+4:]) {
			return true, nil
		}
	}
	return false, nil
}

// loadCheckpoints reads the signed checkpoints, dropping a torn tail.
func (l *fileStorage) loadCheckpoints(verifier note.Verifier) error {
	var cps []Checkpoint
	_, end, bad, err := scanFrames(l.cps, func(i int, off int64, data []byte) error {
		cp, err := ParseCheckpoint(data, verifier)
		if err != nil {
			return fmt.Errorf("checkpoint %d: %w", i, err)
		}
		if len(cps) > 0 && cp.Size < cps[len(cps)-1].Size {
			return fmt.Errorf("checkpoint %d: size %d is below the previous %d", i, cp.Size, cps[len(cps)-1].Size)
		}
		cps = append(cps, cp)
		return nil
	})
	if err != nil {
		return fmt.Errorf("open ledger: read checkpoints: %w", err)
	}
	if bad != nil {
		later, err := laterFrame(l.cps, end)
		if err != nil {
			return fmt.Errorf("open ledger: read checkpoints: %w", err)
		}
		if later {
			return fmt.Errorf("open ledger: checkpoints.log damaged at offset %d: %v", end, bad)
		}
		if err := l.cps.Truncate(end); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		l.recovered = fmt.Sprintf("cut a torn checkpoint at offset %d (%v)", end, bad)
	}
	l.checkpoints = cps
	return nil
}

// loadEntries indexes entries.log, cutting a torn tail.
func (l *fileStorage) loadEntries() error {
	var types []string
	offsets, end, bad, err := scanFrames(l.entries, func(i int, off int64, data []byte) error {
		types = append(types, entryType(data))
		return nil
	})
	if err != nil {
		return fmt.Errorf("open ledger: read entries: %w", err)
	}
	signed := int64(0)
	if n := len(l.checkpoints); n > 0 {
		signed = l.checkpoints[n-1].Size
	}
	if int64(len(offsets)) < signed {
		return fmt.Errorf("open ledger: entries.log holds %d valid entries but a signed checkpoint covers %d: entry %d at offset %d is damaged (%v)",
			len(offsets), signed, len(offsets), end, bad)
	}
	if bad != nil {
		later, err := laterFrame(l.entries, end)
		if err != nil {
			return fmt.Errorf("open ledger: read entries: %w", err)
		}
		if later {
			return fmt.Errorf("open ledger: entries.log damaged at entry %d (offset %d): %v; later entries follow, so this is not a torn tail", len(offsets), end, bad)
		}
		st, _ := l.entries.Stat()
		if err := l.entries.Truncate(end); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		if err := l.entries.Sync(); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		msg := fmt.Sprintf("cut a torn tail of %d bytes after entry %d (%v)", st.Size()-end, len(offsets), bad)
		if l.recovered != "" {
			msg = l.recovered + "; " + msg
		}
		l.recovered = msg
	}
	l.offsets, l.types, l.end = offsets, types, end
	return nil
}

// repairHashes makes hashes.dat match entries.log: hashes past the last
// entry are cut, and those of entries after the last checkpoint are
// recomputed (a crash may have left them unwritten). If the tree at the
// last checkpoint still does not match its signed root, all hashes are
// rebuilt; if it still does not match, the entries were altered.
func (l *fileStorage) repairHashes() error {
	n := int64(len(l.offsets))
	from := int64(0)
	var cp *Checkpoint
	if k := len(l.checkpoints); k > 0 {
		cp = &l.checkpoints[k-1]
		from = cp.Size
	}
	st, err := l.hashes.Stat()
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	if st.Size()/tlog.HashSize < tlog.StoredHashCount(from) {
		from = 0
	}
	if err := l.rebuildHashes(from, n); err != nil {
		return err
	}
	if cp == nil {
		return nil
	}
	check := func() (bool, error) {
		root, err := tlog.TreeHash(cp.Size, tlog.HashReaderFunc(l.Hashes))
		if err != nil {
			return false, err
		}
		return root == cp.Root, nil
	}
	good, err := check()
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	if good {
		return nil
	}
	if from > 0 {
		if err := l.rebuildHashes(0, n); err != nil {
			return err
		}
		if good, err = check(); err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
	}
	if !good {
		return fmt.Errorf("open ledger: the first %d entries do not hash to the root of the signed checkpoint (%s): entries.log was altered", cp.Size, cp.Root)
	}
	return nil
}

// rebuildHashes recomputes the stored hashes of entries [from, n).
func (l *fileStorage) rebuildHashes(from, n int64) error {
	base := tlog.StoredHashCount(from)
	var pending []tlog.Hash
	r := pendingReader(base, &pending, l.Hashes)
	for i := from; i < n; i++ {
		data, err := readFrame(l.entries, l.offsets[i])
		if err != nil {
			return fmt.Errorf("open ledger: entry %d: %w", i, err)
		}
		hs, err := tlog.StoredHashes(i, data, r)
		if err != nil {
			return fmt.Errorf("open ledger: hash entry %d: %w", i, err)
		}
		pending = append(pending, hs...)
	}
	var b bytes.Buffer
	for _, h := range pending {
		b.Write(h[:])
	}
	if _, err := l.hashes.WriteAt(b.Bytes(), base*tlog.HashSize); err != nil {
		return fmt.Errorf("open ledger: write hashes: %w", err)
	}
	if err := l.hashes.Truncate(tlog.StoredHashCount(n) * tlog.HashSize); err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	return l.hashes.Sync()
}

// Entries implements Storage: it reads entries.log from the start.
func (l *fileStorage) Entries(from, to int64, fn func(i int64, data []byte) error) error {
	l.mu.RLock()
	n := int64(len(l.offsets))
	l.mu.RUnlock()
	if to < 0 || to > n {
		to = n
	}
	f, err := os.Open(filepath.Join(l.dir, "entries.log"))
	if err != nil {
		return err
	}
	defer f.Close()
	count := int64(0)
	var fnErr error
	_, _, bad, err := scanFrames(f, func(i int, off int64, data []byte) error {
		if int64(i) >= to {
			return errStop // appended after the call began
		}
		count++
		if int64(i) < from {
			return nil
		}
		if err := fn(int64(i), data); err != nil {
			fnErr = fmt.Errorf("entry %d (offset %d): %w", i, off, err)
			return fnErr
		}
		return nil
	})
	if err != nil {
		return err
	}
	if fnErr != nil {
		return fnErr
	}
	if bad != nil && bad != errStop && count < to {
		return fmt.Errorf("entries.log entry %d: %v", count, bad)
	}
	if count < to {
		return fmt.Errorf("entries.log holds %d entries, expected %d", count, to)
	}
	return nil
}

var errStop = errors.New("stop")

// Entry implements Storage.
func (l *fileStorage) Entry(i int64) ([]byte, error) {
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

// Hashes implements Storage: it reads hashes.dat.
func (l *fileStorage) Hashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if _, err := l.hashes.ReadAt(out[i][:], x*tlog.HashSize); err != nil {
			return nil, fmt.Errorf("ledger: read hash %d: %w", x, err)
		}
	}
	return out, nil
}

// Append implements Storage: it writes the frames to entries.log and the
// hashes to hashes.dat and syncs both (in parallel).
func (l *fileStorage) Append(first int64, recs []Record) error {
	l.mu.RLock()
	n0, end := int64(len(l.offsets)), l.end
	l.mu.RUnlock()
	if first != n0 {
		return fmt.Errorf("ledger: append at %d, the log holds %d entries", first, n0)
	}
	var buf, hb []byte
	offs := make([]int64, len(recs))
	for j, r := range recs {
		offs[j] = end + int64(len(buf))
		buf = appendFrame(buf, r.Data)
		for _, h := range r.Hashes {
			hb = append(hb, h[:]...)
		}
	}
	base := tlog.StoredHashCount(first)
	if _, err := l.entries.WriteAt(buf, end); err != nil {
		return fmt.Errorf("ledger: write entries: %w", err)
	}
	if _, err := l.hashes.WriteAt(hb, base*tlog.HashSize); err != nil {
		return fmt.Errorf("ledger: write hashes: %w", err)
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
		return fmt.Errorf("ledger: fsync: %w", err)
	}
	l.mu.Lock()
	l.offsets = append(l.offsets, offs...)
	l.end = end + int64(len(buf))
	l.mu.Unlock()
	return nil
}

// Checkpoints implements Storage.
func (l *fileStorage) Checkpoints(from int) ([][]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out [][]byte
	for i := from; i < len(l.checkpoints); i++ {
		out = append(out, l.checkpoints[i].Note)
	}
	return out, nil
}

// AppendCheckpoint implements Storage: a frame at the end of
// checkpoints.log, synced.
func (l *fileStorage) AppendCheckpoint(seq int, msg []byte) error {
	l.mu.RLock()
	n := len(l.checkpoints)
	l.mu.RUnlock()
	if seq != n {
		return fmt.Errorf("ledger: checkpoint %d, the log holds %d", seq, n)
	}
	st, err := l.cps.Stat()
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if _, err := l.cps.WriteAt(appendFrame(nil, msg), st.Size()); err != nil {
		return fmt.Errorf("ledger: write checkpoint: %w", err)
	}
	if err := l.cps.Sync(); err != nil {
		return fmt.Errorf("ledger: fsync checkpoint: %w", err)
	}
	l.mu.Lock()
	l.checkpoints = append(l.checkpoints, Checkpoint{Note: msg})
	l.mu.Unlock()
	return nil
}

func (l *fileStorage) path(name string) string { return filepath.Join(l.dir, filepath.FromSlash(name)) }

// PutPrints implements Storage: prints/ID.prints, written durably.
func (l *fileStorage) PutPrints(exportID string, prints []trace.Print) (string, error) {
	return writePrintsSync(l.path(printsName(exportID)), prints)
}

// Prints implements Storage.
func (l *fileStorage) Prints(exportID string, buf []byte) ([]byte, error) {
	f, err := os.Open(l.path(printsName(exportID)))
	if err != nil {
		return nil, fmt.Errorf("ledger: prints of export %s: %w", exportID, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	n := int(st.Size())
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("ledger: prints of export %s: %w", exportID, err)
	}
	return buf, nil
}

// PutCase implements Storage: cases/ID.json, written durably.
func (l *fileStorage) PutCase(id string, data []byte) error {
	return writeFileSync(l.path(caseName(id)), data, 0o600)
}

// Case implements Storage.
func (l *fileStorage) Case(id string) ([]byte, error) {
	data, err := os.ReadFile(l.path(caseName(id)))
	if err != nil {
		return nil, fmt.Errorf("ledger: case %s: %w", id, err)
	}
	return data, nil
}

// Remove implements Storage.
func (l *fileStorage) Remove(name string) error { return os.Remove(l.path(name)) }

// Attachments implements Storage: the files of prints/ and cases/.
func (l *fileStorage) Attachments() ([]string, error) {
	var out []string
	for _, sub := range []string{"prints", "cases"} {
		names, _ := os.ReadDir(filepath.Join(l.dir, sub))
		for _, d := range names {
			if !strings.HasSuffix(d.Name(), ".tmp") {
				out = append(out, sub+"/"+d.Name())
			}
		}
	}
	return out, nil
}
