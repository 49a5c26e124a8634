package ledger

import (
	"context"
	"io"
	"time"

	"ringfence"
	"ringfence/trace"
)

// AttributionResult is an attribution case as recorded: what the command line
// prints with --json and the API answers.
type AttributionResult struct {
	Case       string             `json:"case"`
	Entry      int64              `json:"entry"` // the case's ledger entry
	Found      trace.FoundSummary `json:"found"`
	Exports    int                `json:"exports"`
	Baseline   trace.Baseline     `json:"baseline"`
	Candidates []trace.Candidate  `json:"candidates"`
	Undecided  bool               `json:"undecided"`         // no candidate stands out: Verdict says why
	Verdict    string             `json:"verdict,omitempty"` // and the candidates are not a ranking
	Evidence   string             `json:"evidence_bundle,omitempty"`
}

// Attribute reads a found list, ranks the exports in l most likely to be
// its source, and records the case in l so its evidence can be exported.
func Attribute(ctx context.Context, l *Log, found io.Reader, opt trace.AttributeOptions) (*AttributionResult, *trace.Found, error) {
	fp, err := trace.NewFingerprinter(l.FingerprintKey())
	if err != nil {
		return nil, nil, err
	}
	f, err := trace.ReadFound(found, fp)
	if err != nil {
		return nil, nil, err
	}
	if f.Summary().Records == 0 {
		return nil, f, ringfence.Errorf(ringfence.EINVALID, "the found list holds no phone number, ID number or name to match: nothing recorded")
	}
	a, err := trace.Attribute(ctx, f, l, opt)
	if err != nil {
		return nil, f, err
	}
	now := time.Now().UTC()
	cs := &trace.Case{ID: NewCaseID(now), Time: now, Found: f.Summary(), Attribution: a}
	idx, err := l.RecordCase(ctx, cs)
	if err != nil {
		return nil, f, err
	}
	out := &AttributionResult{Case: cs.ID, Entry: idx, Found: cs.Found, Exports: a.Exports, Baseline: a.Baseline, Candidates: []trace.Candidate{},
		Undecided: a.Undecided, Verdict: a.Verdict}
	for _, c := range a.Candidates {
		c.Detail = nil
		out.Candidates = append(out.Candidates, c)
	}
	return out, f, nil
}

// ReservedRange draws canary numbers from reserved blocks (prefixes, or
// trace.DefaultCanaryPrefixes when none), skipping numbers planted in
// earlier exports recorded in l.
func (l *Log) ReservedRange(prefixes []string) trace.NumberSource {
	fp, _ := trace.NewFingerprinter(l.FingerprintKey())
	used := map[uint64]bool{}
	refs, _ := l.Exports()
	for _, r := range refs {
		for _, p := range r.Canaries {
			if p.Phone != 0 {
				used[p.Phone] = true
			}
		}
	}
	return trace.ReservedRange{Prefixes: prefixes, Taken: func(e164 string) bool { return used[fp.Phone(e164)] }}
}
