package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
	l.mu.RLock()
	n := int64(len(l.offsets))
	cps := append([]Checkpoint(nil), l.checkpoints...)
	l.mu.RUnlock()
	rep := &Report{Entries: n, Types: map[string]int64{}, Checkpoints: len(cps)}

	f, err := os.Open(filepath.Join(l.dir, "entries.log"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var prints, cases []*Entry
	var printIdx, caseIdx []int64
	// Entries are re-read from disk; each stored hash is compared as soon
	// as it is recomputed, so earlier ones can be read back from the file.
	verified := int64(0) // stored hashes checked so far
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= verified {
				return nil, fmt.Errorf("hash %d read before it was verified", x)
			}
			if _, err := l.hashes.ReadAt(out[i][:], x*tlog.HashSize); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	count := int64(0)
	_, _, bad, err := scanFrames(f, func(i int, off int64, data []byte) error {
		if int64(i) >= n {
			return nil // appended after Verify began
		}
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e, err := DecodeEntry(data)
		if err != nil {
			return fmt.Errorf("entry %d (offset %d): %w", i, off, err)
		}
		rep.Types[e.Type]++
		switch {
		case e.Export != nil:
			prints = append(prints, e)
			printIdx = append(printIdx, int64(i))
		case e.Attribution != nil:
			cases = append(cases, e)
			caseIdx = append(caseIdx, int64(i))
		}
		hs, err := tlog.StoredHashes(int64(i), data, reader)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		base := tlog.StoredHashIndex(0, int64(i))
		for j, h := range hs {
			var stored tlog.Hash
			if _, err := l.hashes.ReadAt(stored[:], (base+int64(j))*tlog.HashSize); err != nil {
				return fmt.Errorf("entry %d: hashes.dat: %w", i, err)
			}
			if stored != h {
				return fmt.Errorf("entry %d: stored hash %d in hashes.dat does not match the entry", i, base+int64(j))
			}
		}
		verified = base + int64(len(hs))
		count++
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	if bad != nil && count < n {
		return nil, fmt.Errorf("verify ledger: entries.log entry %d: %v", count, bad)
	}
	if count < n {
		return nil, fmt.Errorf("verify ledger: entries.log holds %d entries, expected %d", count, n)
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
		path := l.printsPath(x.ExportID)
		data, err := os.ReadFile(path)
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
		committed["prints/"+x.ExportID+".prints"] = true
		rep.PrintLists++
	}
	for j, e := range cases {
		a := e.Attribution
		data, err := os.ReadFile(l.casePath(a.Case))
		if err != nil {
			return nil, fmt.Errorf("verify ledger: case %s (entry %d): %w", a.Case, caseIdx[j], err)
		}
		sum := sha256.Sum256(data)
		if d := "sha256:" + hex.EncodeToString(sum[:]); d != a.CaseFile {
			return nil, fmt.Errorf("verify ledger: case %s (entry %d): case file digest %s, the entry commits to %s", a.Case, caseIdx[j], d, a.CaseFile)
		}
		committed["cases/"+a.Case+".json"] = true
		rep.Cases++
	}
	for _, sub := range []string{"prints", "cases"} {
		names, _ := os.ReadDir(filepath.Join(l.dir, sub))
		for _, d := range names {
			p := sub + "/" + d.Name()
			if !committed[p] && !strings.HasSuffix(p, ".tmp") {
				rep.Orphans = append(rep.Orphans, p)
			}
		}
	}
	return rep, nil
}
