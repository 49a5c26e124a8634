package evidence

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
	"ringfence/ledger"
	"ringfence/trace"
)

// inclusion is the JSON form of an inclusion proof (proofs/N.json).
type inclusion struct {
	Index    int64       `json:"index"`
	TreeSize int64       `json:"tree_size"`
	Proof    []tlog.Hash `json:"proof"`
}

// consistency is the JSON form of a consistency proof (consistency.json).
type consistency struct {
	OldSize  int64       `json:"old_size"`
	TreeSize int64       `json:"tree_size"`
	Proof    []tlog.Hash `json:"proof"`
}

// LeakCaseID is the case id of the alias leak recorded at ledger entry i.
func LeakCaseID(i int64) string { return "leak-" + strconv.FormatInt(i, 10) }

// Callers returns the number in clear that made the stranger's call
// recorded at a ledger entry (the ledger holds only its fingerprint), or
// an ENOTFOUND error when it is not known.
type Callers func(entry int64) (string, error)

// Export builds the bundle of a case: LeakCaseID(i) for an alias leak, or
// the id of a recorded attribution case. A leak bundle names the caller
// only when callers is given and knows it.
func Export(l *ledger.Log, caseID string) ([]byte, error) { return ExportWith(l, caseID, nil) }

// ExportWith is Export with the callers of leak events.
func ExportWith(l *ledger.Log, caseID string, callers Callers) ([]byte, error) {
	if s, ok := strings.CutPrefix(caseID, "leak-"); ok {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, ringfence.Errorf(ringfence.EINVALID, "bad case id %q: leak- must be followed by a ledger entry number", caseID)
		}
		return buildAliasLeak(l, i, callers)
	}
	return Attribution(l, caseID)
}

// callerFile is caller.json: the number that made a leak's call and the
// key of its fingerprint in the leak event, so anyone can check the one
// against the other.
type callerFile struct {
	Entry  int64  `json:"entry"`
	Caller string `json:"caller"`
	Key    string `json:"caller_key"`
}

func buildAliasLeak(l *ledger.Log, leak int64, callers Callers) ([]byte, error) {
	e, err := l.Entry(leak)
	if err != nil {
		return nil, err
	}
	if e.LeakEvent == nil {
		return nil, ringfence.Errorf(ringfence.EINVALID, "ledger entry %d is %s, not a leak event", leak, ledger.TypeName(e.Type))
	}
	var extra []file
	if ev := e.LeakEvent; ev.CallerPrint != "" && callers != nil {
		caller, err := callers(leak)
		switch {
		case ringfence.ErrorCode(err) == ringfence.ENOTFOUND:
			// The bundle proves the leak without naming the caller.
		case err != nil:
			return nil, err
		default:
			key := l.LeakCallerKey(ev.Alias, ev.CallTime)
			if ledger.CallerPrint(key, caller) != ev.CallerPrint {
				return nil, fmt.Errorf("evidence: the stored caller of ledger entry %d does not match its fingerprint", leak)
			}
			cj, _ := json.MarshalIndent(callerFile{Entry: leak, Caller: caller, Key: key}, "", "  ")
			extra = append(extra, file{"caller.json", append(cj, '\n')})
		}
	}
	return build(l, LeakCaseID(leak), KindAliasLeak, []int64{e.LeakEvent.Binding, leak}, extra)
}

// Attribution builds the bundle of a recorded attribution case for its best
// candidate: the attribution and export entries, the case file, the export's
// print list, their proofs and the statement.
func Attribution(l *ledger.Log, caseID string) ([]byte, error) {
	data, at, err := l.Case(caseID)
	if err != nil {
		return nil, err
	}
	var c trace.Case
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("case %s: %w", caseID, err)
	}
	if c.Attribution == nil || len(c.Attribution.Candidates) == 0 {
		return nil, ringfence.Errorf(ringfence.EINVALID, "case %s found no source: there is nothing to prove", caseID)
	}
	if c.Attribution.Undecided {
		return nil, ringfence.Errorf(ringfence.EINVALID, "case %s: %s: there is no source to prove", caseID, c.Attribution.Verdict)
	}
	best := c.Attribution.Candidates[0]
	entries := []int64{at}
	extra := []file{{"case.json", data}}
	switch best.Kind {
	case "export":
		entries = append(entries, best.Entry)
		pl, err := l.Prints(best.ExportID, nil)
		if err != nil {
			return nil, err
		}
		extra = append(extra, file{"prints/" + best.ExportID + ".prints", pl})
		if best.Detail != nil {
			for _, a := range best.Detail.Aliases {
				entries = append(entries, a.Entry)
			}
		}
	case "alias":
		if best.Detail == nil {
			return nil, fmt.Errorf("case %s: the alias candidate has no detail", caseID)
		}
		for _, a := range best.Detail.Aliases {
			entries = append(entries, a.Entry)
		}
	default:
		return nil, fmt.Errorf("case %s: unknown candidate kind %q", caseID, best.Kind)
	}
	return build(l, caseID, KindAttribution, entries, extra)
}

// build assembles, signs and encodes a bundle.
func build(l *ledger.Log, caseID, kind string, entries []int64, extra []file) ([]byte, error) {
	slices.Sort(entries)
	entries = slices.Compact(entries)
	cp, err := l.Checkpoint()
	if err != nil {
		return nil, err
	}
	last := entries[len(entries)-1]
	if last >= cp.Size {
		return nil, fmt.Errorf("evidence: entry %d is not covered by the latest checkpoint (%d entries)", last, cp.Size)
	}
	files := []file{
		{"key.txt", []byte(l.VerifierKey() + "\n")},
		{"checkpoint.txt", cp.Note},
	}
	for _, c := range l.Checkpoints() {
		if c.Size > last {
			if c.Size < cp.Size {
				p, err := l.ProveConsistency(c.Size, cp.Size)
				if err != nil {
					return nil, err
				}
				cj, _ := json.MarshalIndent(consistency{OldSize: c.Size, TreeSize: cp.Size, Proof: p}, "", "  ")
				files = append(files, file{"checkpoint.old.txt", c.Note}, file{"consistency.json", append(cj, '\n')})
			}
			break
		}
	}
	for _, i := range entries {
		data, err := l.EntryData(i)
		if err != nil {
			return nil, err
		}
		p, err := l.ProveInclusion(i, cp.Size)
		if err != nil {
			return nil, err
		}
		pj, _ := json.MarshalIndent(inclusion{Index: i, TreeSize: cp.Size, Proof: p}, "", "  ")
		files = append(files, file{fmt.Sprintf("entries/%d.json", i), data}, file{fmt.Sprintf("proofs/%d.json", i), append(pj, '\n')})
	}
	files = append(files, extra...)

	// Statements are written from the bundle's own contents, exactly as
	// Verify will read them.
	v, err := readView(files, l.Verifier(), l.VerifierKey(), caseID, kind)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	en, zh, err := v.statements()
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	files = append(files, file{"statement.en.txt", []byte(en)}, file{"statement.zh.txt", []byte(zh)})

	m := &manifest{Case: caseID, Kind: kind, TreeSize: cp.Size, Created: time.Now().UTC().Truncate(time.Second), Digests: map[string]string{}}
	for _, f := range files {
		m.Files = append(m.Files, f.name)
		m.Digests[f.name] = sha256Hex(f.data)
	}
	signed, err := l.Sign(m.text())
	if err != nil {
		return nil, err
	}
	files = append(files, file{"manifest.txt", signed})
	b, _, _, err := encodeZip(files)
	return b, err
}
