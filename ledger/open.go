package ledger

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"ringfence/trace"
)

// loadKeys reads the signer and fingerprint keys, creating them on first
// use.
func (l *Log) loadKeys() error {
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
	l.signer, err = note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return fmt.Errorf("open ledger: signer key %s: %w", skeyPath, err)
	}
	vkey, err := os.ReadFile(filepath.Join(l.dir, "verifier.key"))
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
	}
	l.vkey = strings.TrimSpace(string(vkey))
	l.verifier, err = note.NewVerifier(l.vkey)
	if err != nil {
		return fmt.Errorf("open ledger: verifier key: %w", err)
	}
	if l.verifier.Name() != l.signer.Name() || l.verifier.KeyHash() != l.signer.KeyHash() {
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
	l.fpKey, err = hex.DecodeString(strings.TrimSpace(string(fk)))
	if err != nil || len(l.fpKey) < trace.MinKeySize {
		return fmt.Errorf("open ledger: %s is not a hex key of at least %d bytes", fpPath, trace.MinKeySize)
	}
	l.fp, err = trace.NewFingerprinter(l.fpKey)
	return err
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
func (l *Log) loadCheckpoints() error {
	var cps []Checkpoint
	_, end, bad, err := scanFrames(l.cps, func(i int, off int64, data []byte) error {
		cp, err := ParseCheckpoint(data, l.verifier)
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
	if len(cps) > 0 {
		l.lastCP = cps[len(cps)-1].Time
	}
	return nil
}

// loadEntries indexes entries.log, cutting a torn tail.
func (l *Log) loadEntries() error {
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
func (l *Log) repairHashes() error {
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
		r, err := l.committedHashes(cp.Size)
		if err != nil {
			return false, err
		}
		root, err := tlog.TreeHash(cp.Size, r)
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
func (l *Log) rebuildHashes(from, n int64) error {
	base := tlog.StoredHashCount(from)
	var pending []tlog.Hash
	r := l.hashReader(base, &pending)
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

// loadIndexes parses the export and attribution entries into the in-memory
// indexes.
func (l *Log) loadIndexes() error {
	for i, t := range l.types {
		if t != TypeExport && t != TypeAttribution {
			continue
		}
		e, err := l.Entry(int64(i))
		if err != nil {
			return fmt.Errorf("open ledger: %w", err)
		}
		l.index(int64(i), e)
	}
	return nil
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
