package ledger

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"ringfence"
	"ringfence/trace"
)

// FingerprintKey returns the key of record fingerprints, for
// trace.NewFingerprinter. Whoever holds it can test guesses against prints.
func (l *Log) FingerprintKey() []byte { return slices.Clone(l.fpKey) }

// Fingerprint returns the keyed fingerprint (hex HMAC-SHA256) of value in
// domain, for identifiers recorded but never shown, such as
// Fingerprint("subscriber", id) in an alias binding.
func (l *Log) Fingerprint(domain, value string) string {
	l.fpMu.Lock()
	defer l.fpMu.Unlock()
	return l.fp.Value(domain, value)
}

// LeakCallerKey returns the caller key of a leak event on alias at the
// call time at: the key under which its caller is fingerprinted. It is
// derived from the fingerprint key but reveals nothing about it, so an
// evidence bundle can disclose it with the caller's number.
func (l *Log) LeakCallerKey(alias string, at time.Time) string {
	return l.Fingerprint("leak-caller", alias+"\x00"+at.UTC().Format(time.RFC3339Nano))
}

// CallerPrint is the keyed fingerprint of a caller's E.164 number under a
// leak event's caller key (hex, from LeakCallerKey).
func CallerPrint(callerKey, caller string) string {
	m := hmac.New(sha256.New, []byte(callerKey))
	m.Write([]byte(caller))
	return hex.EncodeToString(m.Sum(nil))
}

// indexCommitted adds newly committed entries to the in-memory indexes;
// l.mu must be held.
func (l *Log) indexCommitted(first int64, data [][]byte) {
	for j, d := range data {
		switch entryType(d) {
		case TypeExport, TypeAttribution:
			e, err := DecodeEntry(d)
			if err == nil {
				l.index(first+int64(j), e)
			}
		}
	}
}

// AppendExport records a salted export: it stores the print list of its
// rows durably, then appends the export entry committing to it.
func (l *Log) AppendExport(ctx context.Context, rec trace.ExportRecord, prints []trace.Print) (int64, error) {
	first, err := l.AppendDisclosure(ctx, nil, &rec, slices.Clone(prints))
	return first, err
}

// BoundAlias is an alias binding to record, with the time it was made.
type BoundAlias struct {
	AliasBinding
	Time time.Time
}

// AppendDisclosure records, in one append, the alias bindings made for a
// disclosure and, when rec is not nil, the salted export itself (last, so
// that a recorded export implies its bindings are recorded). It returns
// the index of the first entry: binding i is at first+i, the export at
// first+len(bindings). prints are sorted in place.
func (l *Log) AppendDisclosure(ctx context.Context, bindings []BoundAlias, rec *trace.ExportRecord, prints []trace.Print) (int64, error) {
	es := make([]Entry, 0, len(bindings)+1)
	for _, b := range bindings {
		ab := b.AliasBinding
		es = append(es, Entry{Type: TypeAliasBinding, Time: b.Time, AliasBinding: &ab})
	}
	stored := ""
	if rec != nil {
		if !ValidID(rec.ExportID) {
			return 0, invalid("bad export id %q", rec.ExportID)
		}
		if len(prints) != rec.Rows {
			return 0, invalid("export %s: %d prints for %d rows", rec.ExportID, len(prints), rec.Rows)
		}
		if err := l.writable(); err != nil {
			return 0, err
		}
		if _, dup := l.ExportEntry(rec.ExportID); dup {
			return 0, ringfence.Errorf(ringfence.ECONFLICT, "export %s is already recorded", rec.ExportID)
		}
		digest, err := l.store.PutPrints(rec.ExportID, prints)
		if err != nil {
			return 0, fmt.Errorf("ledger: store prints of export %s: %w", rec.ExportID, err)
		}
		es = append(es, Entry{Type: TypeExport, Time: rec.Time, Export: &Export{
			Org: rec.Org, Recipient: rec.Recipient, ExportID: rec.ExportID, Rows: rec.Rows,
			Canaries: rec.Canaries, Aliased: rec.Aliased, Encoding: string(rec.Encoding),
			PhoneColumn: rec.PhoneColumn, Prints: digest,
		}})
		stored = printsName(rec.ExportID)
	}
	i, err := l.AppendBatch(ctx, es)
	if err != nil {
		if stored != "" {
			l.store.Remove(stored)
		}
		return 0, err
	}
	return i, nil
}

// writePrintsSync stores a print list durably and returns its digest.
func writePrintsSync(path string, prints []trace.Print) (string, error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<16)
	err = trace.WritePrints(bw, prints)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), syncDir(filepath.Dir(path))
}

// ExportRecorded reports whether export id is in the ledger.
func (l *Log) ExportRecorded(exportID string) bool {
	_, ok := l.ExportEntry(exportID)
	return ok
}

// BindAlias records an alias binding and returns its entry index. Set
// b.Subscriber to Fingerprint("subscriber", id), never the id itself.
func (l *Log) BindAlias(ctx context.Context, b AliasBinding, at time.Time) (int64, error) {
	return l.Append(ctx, Entry{Type: TypeAliasBinding, Time: at, AliasBinding: &b})
}

// ReleaseAlias records the end of an alias binding.
func (l *Log) ReleaseAlias(ctx context.Context, r AliasRelease, at time.Time) (int64, error) {
	return l.Append(ctx, Entry{Type: TypeAliasRelease, Time: at, AliasRelease: &r})
}

// RecordLeak records a leak event after checking it against its binding:
// the entry ev.Binding must bind ev.Alias to ev.Merchant.
func (l *Log) RecordLeak(ctx context.Context, ev LeakEvent, at time.Time) (int64, error) {
	b, err := l.Entry(ev.Binding)
	if err != nil {
		return 0, err
	}
	if b.AliasBinding == nil || b.AliasBinding.Alias != ev.Alias || b.AliasBinding.Merchant != ev.Merchant {
		return 0, invalid("leak event: entry %d does not bind %s to %s", ev.Binding, ev.Alias, ev.Merchant)
	}
	return l.Append(ctx, Entry{Type: TypeLeakEvent, Time: at, LeakEvent: &ev})
}

// Exports implements trace.Source.
func (l *Log) Exports() ([]trace.ExportRef, error) {
	// A list short of what the storage holds would mislead (an export
	// missing from it): a failed catch-up is the answer.
	if err := l.fresh(); err != nil {
		return nil, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Clone(l.exports), nil
}

// ExportEntry returns the entry index of an export.
func (l *Log) ExportEntry(exportID string) (int64, bool) {
	l.fresh()
	l.mu.RLock()
	defer l.mu.RUnlock()
	i, ok := l.exportIDs[exportID]
	return i, ok
}

// Prints implements trace.Source: it reads the print list of an export.
func (l *Log) Prints(exportID string, buf []byte) ([]byte, error) {
	if !ValidID(exportID) {
		return nil, invalid("bad export id %q", exportID)
	}
	return l.store.Prints(exportID, buf)
}

// Aliases implements trace.Source: every alias binding, in log order.
func (l *Log) Aliases() ([]trace.AliasRef, error) {
	l.fresh()
	l.mu.RLock()
	size, from := int64(len(l.types)), l.aliasesTo
	var todo []int64
	for i := from; i < size; i++ {
		if l.types[i] == TypeAliasBinding {
			todo = append(todo, i)
		}
	}
	l.mu.RUnlock()
	var add []trace.AliasRef
	for _, i := range todo {
		e, err := l.Entry(i)
		if err != nil {
			return nil, err
		}
		b := e.AliasBinding
		add = append(add, trace.AliasRef{Alias: b.Alias, Merchant: b.Merchant, Entry: i, Time: e.Time, ExportID: b.ExportID})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.aliasesTo == from {
		l.aliases = append(l.aliases, add...)
		l.aliasesTo = size
	}
	return slices.Clone(l.aliases), nil
}

// EntriesOfType returns the indexes of the entries of one type.
func (l *Log) EntriesOfType(typ string) []int64 {
	l.fresh()
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []int64
	for i, t := range l.types {
		if t == typ {
			out = append(out, int64(i))
		}
	}
	return out
}

// NewCaseID returns a fresh attribution case id.
func NewCaseID(t time.Time) string {
	var b [4]byte
	if _, err := io.ReadFull(randReader, b[:]); err != nil {
		panic(err)
	}
	return "case-" + t.UTC().Format("20060102") + "-" + hex.EncodeToString(b[:])
}

// RecordCase stores an attribution case file durably and appends the
// attribution entry committing to it.
func (l *Log) RecordCase(ctx context.Context, c *trace.Case) (int64, error) {
	if !ValidID(c.ID) {
		return 0, invalid("bad case id %q", c.ID)
	}
	if err := l.writable(); err != nil {
		return 0, err
	}
	l.fresh()
	l.mu.RLock()
	_, dup := l.cases[c.ID]
	l.mu.RUnlock()
	if dup {
		return 0, ringfence.Errorf(ringfence.ECONFLICT, "case %s is already recorded", c.ID)
	}
	data, err := json.Marshal(c)
	if err != nil {
		return 0, fmt.Errorf("ledger: encode case: %w", err)
	}
	sum := sha256.Sum256(data)
	if err := l.store.PutCase(c.ID, data); err != nil {
		return 0, fmt.Errorf("ledger: store case %s: %w", c.ID, err)
	}
	a := &Attribution{Case: c.ID, Found: c.Found.SHA256, CaseFile: "sha256:" + hex.EncodeToString(sum[:]), BestEntry: -1}
	if len(c.Attribution.Candidates) > 0 && !c.Attribution.Undecided {
		a.BestEntry = c.Attribution.Candidates[0].Entry
		a.Score = c.Attribution.Candidates[0].Score
	}
	i, err := l.Append(ctx, Entry{Type: TypeAttribution, Time: c.Time, Attribution: a})
	if err != nil {
		l.store.Remove(caseName(c.ID))
		return 0, err
	}
	return i, nil
}

// Case returns a recorded case file's bytes and the index of its
// attribution entry.
func (l *Log) Case(id string) ([]byte, int64, error) {
	l.mu.RLock()
	i, ok := l.cases[id]
	l.mu.RUnlock()
	if !ok && ValidID(id) {
		err := l.fresh()
		l.mu.RLock()
		i, ok = l.cases[id]
		l.mu.RUnlock()
		if !ok && err != nil {
			return nil, 0, err // perhaps recorded, unread: not "no case"
		}
	}
	if !ok || !ValidID(id) {
		return nil, 0, ringfence.Errorf(ringfence.ENOTFOUND, "no case %q in the ledger", id)
	}
	data, err := l.store.Case(id)
	if err != nil {
		return nil, 0, err
	}
	return data, i, nil
}

var randReader = rand.Reader
