package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
)

// Checkpoint is a signed statement of the log's tree: its size and root
// hash at a time. Its text is a checkpoint in the common transparency-log
// form (origin, size, base64 root hash) with the time as an extension line,
// signed as a note by the ledger's Ed25519 key.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
	Time   time.Time
	Note   []byte // the signed note
}

// checkpointText formats the body of a checkpoint.
func checkpointText(origin string, size int64, root tlog.Hash, t time.Time) string {
	return fmt.Sprintf("%s\n%d\n%s\n%s\n", origin, size, base64.StdEncoding.EncodeToString(root[:]), t.UTC().Format(time.RFC3339))
}

// ParseCheckpoint opens a signed checkpoint with v and parses it. The
// origin must be the verifier's name.
func ParseCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var uv *note.UnverifiedNoteError
		if errors.As(err, &uv) {
			return Checkpoint{}, fmt.Errorf("checkpoint is not signed by %s", v.Name())
		}
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) != 4 {
		return Checkpoint{}, fmt.Errorf("checkpoint has %d lines, want 4", len(lines))
	}
	cp := Checkpoint{Origin: lines[0], Note: bytes.Clone(msg)} // msg may be a reused read buffer
	if cp.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key's name %q", cp.Origin, v.Name())
	}
	cp.Size, err = strconv.ParseInt(lines[1], 10, 64)
	if err != nil || cp.Size < 0 || strconv.FormatInt(cp.Size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint size %q is not a number", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return Checkpoint{}, fmt.Errorf("checkpoint root %q is not a base64 hash", lines[2])
	}
	copy(cp.Root[:], root)
	cp.Time, err = time.Parse(time.RFC3339, lines[3])
	if err != nil || cp.Time.UTC().Format(time.RFC3339) != lines[3] {
		return Checkpoint{}, fmt.Errorf("checkpoint time %q is not RFC 3339 UTC", lines[3])
	}
	return cp, nil
}

// VerifierKey is the ledger's public verifier key in note form
// ("name+hash+key"): what anyone needs to check checkpoints and bundles.
func (l *Log) VerifierKey() string { return l.vkey }

// Verifier is the ledger's note verifier.
func (l *Log) Verifier() note.Verifier { return l.verifier }

// Checkpoints returns the signed checkpoints, oldest first.
func (l *Log) Checkpoints() []Checkpoint {
	l.fresh()
	l.mu.RLock()
	defer l.mu.RUnlock()
	return append([]Checkpoint(nil), l.checkpoints...)
}

// Checkpoint signs and stores a checkpoint of the current tree, unless the
// latest already covers it, and returns the latest checkpoint. A Log that
// follows returns the latest checkpoint its writer signed.
func (l *Log) Checkpoint() (Checkpoint, error) {
	l.cpMu.Lock()
	defer l.cpMu.Unlock()
	if w, why := l.Writer(); !w {
		if l.failedErr() != nil {
			return Checkpoint{}, l.failedErr()
		}
		cps := l.Checkpoints()
		if len(cps) == 0 {
			return Checkpoint{}, why
		}
		return cps[len(cps)-1], nil
	}
	size := l.size()
	l.mu.RLock()
	var last *Checkpoint
	seq := len(l.checkpoints)
	if seq > 0 {
		last = &l.checkpoints[seq-1]
	}
	l.mu.RUnlock()
	if last != nil && last.Size == size {
		return *last, nil
	}
	root, err := l.TreeHash(size)
	if err != nil {
		return Checkpoint{}, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	if last != nil && now.Before(last.Time) {
		now = last.Time
	}
	msg, err := note.Sign(&note.Note{Text: checkpointText(l.signer.Name(), size, root, now)}, l.signer)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: sign checkpoint: %w", err)
	}
	if err := l.store.AppendCheckpoint(seq, msg); err != nil {
		return Checkpoint{}, l.fail(err)
	}
	cp := Checkpoint{Origin: l.signer.Name(), Size: size, Root: root, Time: now, Note: msg}
	l.mu.Lock()
	l.checkpoints = append(l.checkpoints, cp)
	l.mu.Unlock()
	l.lastCP = time.Now()
	return cp, nil
}

// TreeHash returns the root hash of the tree of the first size entries.
func (l *Log) TreeHash(size int64) (tlog.Hash, error) {
	r, err := l.committedHashes(size)
	if err != nil {
		return tlog.Hash{}, err
	}
	h, err := tlog.TreeHash(size, r)
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("ledger: tree hash at %d: %w", size, err)
	}
	return h, nil
}

// ProveInclusion proves that entry i is in the tree of size entries.
func (l *Log) ProveInclusion(i, size int64) (tlog.RecordProof, error) {
	if i < 0 || i >= size {
		return nil, ringfence.Errorf(ringfence.EINVALID, "entry %d is not in a tree of %d entries", i, size)
	}
	r, err := l.committedHashes(size)
	if err != nil {
		return nil, err
	}
	p, err := tlog.ProveRecord(size, i, r)
	if err != nil {
		return nil, fmt.Errorf("ledger: prove entry %d in %d: %w", i, size, err)
	}
	return p, nil
}

// ProveConsistency proves that the tree of old entries is a prefix of the
// tree of size entries.
func (l *Log) ProveConsistency(old, size int64) (tlog.TreeProof, error) {
	if old < 0 || old > size {
		return nil, ringfence.Errorf(ringfence.EINVALID, "cannot prove a tree of %d entries consistent with one of %d", old, size)
	}
	r, err := l.committedHashes(size)
	if err != nil {
		return nil, err
	}
	p, err := tlog.ProveTree(size, old, r)
	if err != nil {
		return nil, fmt.Errorf("ledger: prove %d consistent with %d: %w", old, size, err)
	}
	return p, nil
}

// Sign signs text (UTF-8 lines ending in a newline) as a note with the
// ledger key, for documents that travel with the log such as the manifest
// of an evidence bundle.
func (l *Log) Sign(text string) ([]byte, error) {
	if l.signer == nil {
		return nil, ringfence.Errorf(ringfence.EUNAVAILABLE, "this node has no ledger signer key: it cannot sign")
	}
	msg, err := note.Sign(&note.Note{Text: text}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign: %w", err)
	}
	return msg, nil
}
