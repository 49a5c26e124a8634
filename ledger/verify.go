package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"ringfence/trace"
)

// Report is the outcome of a successful Verify.
type Report struct {
	Entries     int64            `json:"entries"`
	Types       map[string]int64 `json:"types"`
	Checkpoints int              `json:"checkpoints"`
	Latest      *Checkpoint      `json:"-"`
	PrintLists  int              `json:"print_lists"`
	Cases       int              `json:"cases"`
	Orphans     []string         `json:"orphans,omitempty"` // print lists and case files no entry commits to (left by an interrupted export)
}

// Verify checks the whole log: every entry's frame and content, every
// stored hash against hashes recomputed from the entries, every signed
// checkpoint's signature and root, and every print list and case file
// against the digest its entry commits to. The error names the first thing
// that fails.
func (l *Log) Verify(ctx context.Context) (*Report, error) {
	l.fresh()
	l.mu.RLock()
	n := int64(len(l.types))
	cps := append([]Checkpoint(nil), l.checkpoints...)
	l.mu.RUnlock()
	rep := &Report{Entries: n, Types: map[string]int64{}, Checkpoints: len(cps)}

	var prints, cases []*Entry
	var printIdx, caseIdx []int64
	// Entries are re-read from the storage; each stored hash is compared
	// as soon as it is recomputed, so earlier ones can be read back.
	verified := int64(0) // stored hashes checked so far
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		for _, x := range indexes {
			if x >= verified {
				return nil, fmt.Errorf("hash %d read before it was verified", x)
			}
		}
		return l.store.Hashes(indexes)
	})
	err := l.store.Entries(0, n, func(i int64, data []byte) error {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e, err := DecodeEntry(data)
		if err != nil {
			return err
		}
		rep.Types[e.Type]++
		switch {
		case e.Export != nil:
			prints = append(prints, e)
			printIdx = append(printIdx, i)
		case e.Attribution != nil:
			cases = append(cases, e)
			caseIdx = append(caseIdx, i)
		}
		hs, err := tlog.StoredHashes(i, data, reader)
		if err != nil {
			return err
		}
		stored, err := l.store.Hashes(storedIndexes(i, len(hs)))
		if err != nil {
			return fmt.Errorf("stored hashes: %w", err)
		}
		base := tlog.StoredHashIndex(0, i)
		for j, h := range hs {
			if stored[j] != h {
				return fmt.Errorf("stored hash %d does not match the entry", base+int64(j))
			}
		}
		verified = base + int64(len(hs))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}

	prev := Checkpoint{}
	for k, cp := range cps {
		c, err := ParseCheckpoint(cp.Note, l.verifier)
		if err != nil {
			return nil, fmt.Errorf("verify ledger: checkpoint %d: %w", k, err)
		}
		if c.Size > n {
			return nil, fmt.Errorf("verify ledger: checkpoint %d covers %d entries, the log has %d", k, c.Size, n)
		}
		if k > 0 && (c.Size < prev.Size || c.Time.Before(prev.Time)) {
			return nil, fmt.Errorf("verify ledger: checkpoint %d (size %d, %s) goes back from checkpoint %d (size %d, %s)",
				k, c.Size, c.Time.Format("2006-01-02T15:04:05Z"), k-1, prev.Size, prev.Time.Format("2006-01-02T15:04:05Z"))
		}
		root, err := tlog.TreeHash(c.Size, reader)
		if err != nil {
			return nil, fmt.Errorf("verify ledger: checkpoint %d: %w", k, err)
		}
		if root != c.Root {
			return nil, fmt.Errorf("verify ledger: checkpoint %d (size %d): signed root %s differs from the log's %s", k, c.Size, c.Root, root)
		}
		prev = c
		rep.Latest = &cps[k]
	}

	committed := map[string]bool{}
	for j, e := range prints {
		x := e.Export
		data, err := l.store.Prints(x.ExportID, nil)
		if err != nil {
			return nil, fmt.Errorf("verify ledger: export %s (entry %d): print list: %w", x.ExportID, printIdx[j], err)
		}
		if d := trace.Digest(data); d != x.Prints {
			return nil, fmt.Errorf("verify ledger: export %s (entry %d): print list digest %s, the entry commits to %s", x.ExportID, printIdx[j], d, x.Prints)
		}
		pl, err := trace.DecodePrints(data)
		if err != nil {
			return nil, fmt.Errorf("verify ledger: export %s (entry %d): %w", x.ExportID, printIdx[j], err)
		}
		if pl.Len() != x.Rows {
			return nil, fmt.Errorf("verify ledger: export %s (entry %d): print list holds %d prints for %d rows", x.ExportID, printIdx[j], pl.Len(), x.Rows)
		}
		for _, c := range x.Canaries {
			if !pl.Contains(c) {
				return nil, fmt.Errorf("verify ledger: export %s (entry %d): canary %s is not in its print list", x.ExportID, printIdx[j], c)
			}
		}
		committed[printsName(x.ExportID)] = true
		rep.PrintLists++
	}
	for j, e := range cases {
		a := e.Attribution
		data, err := l.store.Case(a.Case)
		if err != nil {
			return nil, fmt.Errorf("verify ledger: case %s (entry %d): %w", a.Case, caseIdx[j], err)
		}
		sum := sha256.Sum256(data)
		if d := "sha256:" + hex.EncodeToString(sum[:]); d != a.CaseFile {
			return nil, fmt.Errorf("verify ledger: case %s (entry %d): case file digest %s, the entry commits to %s", a.Case, caseIdx[j], d, a.CaseFile)
		}
		committed[caseName(a.Case)] = true
		rep.Cases++
	}
	names, err := l.store.Attachments()
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	for _, p := range names {
		if !committed[p] {
			rep.Orphans = append(rep.Orphans, p)
		}
	}
	return rep, nil
}
