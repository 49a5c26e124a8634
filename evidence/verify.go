package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"ringfence/ledger"
	"ringfence/trace"
)

// Result describes a bundle that verified.
type Result struct {
	Case          string    `json:"case"`
	Kind          string    `json:"kind"`
	Ledger        string    `json:"ledger"` // the key's name, which is the log's origin
	KeyFromBundle bool      `json:"key_from_bundle"`
	TreeSize      int64     `json:"tree_size"`
	Checkpoint    time.Time `json:"checkpoint"`
	Entries       []int64   `json:"entries"`
	Score         float64   `json:"score"` // log10 likelihood ratio stated
	Statement     string    `json:"-"`     // the English statement
}

// Verify checks a bundle offline. key is the ledger's verifier key,
// obtained independently of the bundle; when it is empty the key in the
// bundle's key.txt is used, which proves only that the bundle is
// internally consistent (Result.KeyFromBundle says so). The error names the
// file and the check that failed.
func Verify(bundle []byte, key string) (*Result, error) {
	files, err := decodeZip(bundle)
	if err != nil {
		return nil, err
	}
	byName := map[string][]byte{}
	for _, f := range files {
		byName[f.name] = f.data
	}
	res := &Result{}
	bundleKey := strings.TrimSpace(string(byName["key.txt"]))
	key = strings.TrimSpace(key)
	if key == "" {
		if bundleKey == "" {
			return nil, errors.New("key.txt: missing, and no key was given")
		}
		key = bundleKey
		res.KeyFromBundle = true
	} else if bundleKey != key {
		return nil, fmt.Errorf("key.txt: the bundle names the key %q, not the key given", bundleKey)
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	res.Ledger = v.Name()

	msg, ok := byName["manifest.txt"]
	if !ok {
		return nil, errors.New("manifest.txt: missing")
	}
	text, err := openSigned("manifest.txt", msg, v)
	if err != nil {
		return nil, err
	}
	m, err := parseManifest(text)
	if err != nil {
		return nil, err
	}
	if m.text() != text {
		return nil, errors.New("manifest.txt: signed, but not written as ringfence writes a manifest")
	}
	var names []string
	for _, f := range files {
		if f.name == "manifest.txt" {
			continue
		}
		names = append(names, f.name)
		want, listed := m.Digests[f.name]
		if !listed {
			return nil, fmt.Errorf("%s: not listed in the signed manifest (added to the bundle)", f.name)
		}
		if sha256Hex(f.data) != want {
			return nil, fmt.Errorf("%s: content altered (its SHA-256 differs from the signed manifest)", f.name)
		}
	}
	for _, name := range m.Files {
		if _, ok := byName[name]; !ok {
			return nil, fmt.Errorf("%s: listed in the signed manifest but missing from the bundle", name)
		}
	}
	if !slices.Equal(names, m.Files) {
		return nil, errors.New("bundle: files are not in the order of the signed manifest")
	}
	if files[len(files)-1].name != "manifest.txt" {
		return nil, errors.New("manifest.txt: not the last file of the bundle")
	}

	view, err := readView(files[:len(files)-1], v, key, m.Case, m.Kind)
	if err != nil {
		return nil, err
	}
	if view.cp.Size != m.TreeSize {
		return nil, fmt.Errorf("manifest.txt: names a tree of %d entries, checkpoint.txt one of %d", m.TreeSize, view.cp.Size)
	}
	en, zh, err := view.statements()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(byName["statement.en.txt"], []byte(en)) {
		return nil, errors.New("statement.en.txt: does not say what the bundle's entries and case say")
	}
	if !bytes.Equal(byName["statement.zh.txt"], []byte(zh)) {
		return nil, errors.New("statement.zh.txt: does not say what the bundle's entries and case say")
	}
	if err := canonical(bundle, files); err != nil {
		return nil, err
	}
	res.Case, res.Kind, res.TreeSize, res.Checkpoint, res.Statement = m.Case, m.Kind, view.cp.Size, view.cp.Time, en
	for i := range view.entries {
		res.Entries = append(res.Entries, i)
	}
	slices.Sort(res.Entries)
	switch m.Kind {
	case KindAliasLeak:
		ev := view.entries[view.leak].LeakEvent
		res.Score = LeakLog10(ev, view.entries[ev.Binding].Time)
	case KindAttribution:
		res.Score = view.tcase.Attribution.Candidates[0].Score
	}
	return res, nil
}

// readView checks the ledger material of a bundle (checkpoints, entries,
// proofs, case and print list) and returns what statements are written
// from. files excludes the statements' and manifest's own checks.
func readView(files []file, v note.Verifier, key, caseID, kind string) (*view, error) {
	byName := map[string][]byte{}
	for _, f := range files {
		byName[f.name] = f.data
	}
	vw := &view{caseID: caseID, kind: kind, key: key, origin: v.Name(), entries: map[int64]*ledger.Entry{}}
	cpData, ok := byName["checkpoint.txt"]
	if !ok {
		return nil, errors.New("checkpoint.txt: missing")
	}
	if _, err := openSigned("checkpoint.txt", cpData, v); err != nil {
		return nil, err
	}
	cp, err := ledger.ParseCheckpoint(cpData, v)
	if err != nil {
		return nil, fmt.Errorf("checkpoint.txt: %w", err)
	}
	vw.cp = cp

	raw := map[int64][]byte{}
	for _, f := range files {
		name, ok := strings.CutPrefix(f.name, "entries/")
		if !ok {
			continue
		}
		i, err := strconv.ParseInt(strings.TrimSuffix(name, ".json"), 10, 64)
		if err != nil || !strings.HasSuffix(name, ".json") || strconv.FormatInt(i, 10)+".json" != name {
			return nil, fmt.Errorf("%s: not named entries/N.json", f.name)
		}
		e, err := ledger.DecodeEntry(f.data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		pname := fmt.Sprintf("proofs/%d.json", i)
		pdata, ok := byName[pname]
		if !ok {
			return nil, fmt.Errorf("%s: missing (the inclusion proof of entries/%d.json)", pname, i)
		}
		var p inclusion
		if err := strictJSON(pdata, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", pname, err)
		}
		if p.Index != i || p.TreeSize != cp.Size {
			return nil, fmt.Errorf("%s: proves entry %d in a tree of %d, want entry %d in checkpoint.txt's tree of %d", pname, p.Index, p.TreeSize, i, cp.Size)
		}
		if i < 0 || i >= cp.Size {
			return nil, fmt.Errorf("%s: entry %d is outside the tree of %d entries signed in checkpoint.txt", f.name, i, cp.Size)
		}
		if err := tlog.CheckRecord(p.Proof, cp.Size, cp.Root, i, tlog.RecordHash(f.data)); err != nil {
			return nil, fmt.Errorf("%s: entry %d is not in the tree signed by checkpoint.txt (%v)", pname, i, err)
		}
		vw.entries[i] = e
		raw[i] = f.data
	}
	for _, f := range files {
		if name, ok := strings.CutPrefix(f.name, "proofs/"); ok {
			if _, ok := byName["entries/"+name]; !ok {
				return nil, fmt.Errorf("%s: proves an entry the bundle does not hold", f.name)
			}
		}
	}
	if len(vw.entries) == 0 {
		return nil, errors.New("entries/: the bundle holds no ledger entry")
	}
	last := int64(-1)
	for i := range vw.entries {
		last = max(last, i)
	}

	oldData, hasOld := byName["checkpoint.old.txt"]
	cj, hasCons := byName["consistency.json"]
	if hasOld != hasCons {
		return nil, errors.New("consistency.json: must come with checkpoint.old.txt")
	}
	if hasOld {
		if _, err := openSigned("checkpoint.old.txt", oldData, v); err != nil {
			return nil, err
		}
		old, err := ledger.ParseCheckpoint(oldData, v)
		if err != nil {
			return nil, fmt.Errorf("checkpoint.old.txt: %w", err)
		}
		var c consistency
		if err := strictJSON(cj, &c); err != nil {
			return nil, fmt.Errorf("consistency.json: %w", err)
		}
		if c.OldSize != old.Size || c.TreeSize != cp.Size {
			return nil, fmt.Errorf("consistency.json: relates trees of %d and %d entries, the checkpoints sign %d and %d", c.OldSize, c.TreeSize, old.Size, cp.Size)
		}
		if old.Size <= last || old.Size >= cp.Size {
			return nil, fmt.Errorf("checkpoint.old.txt: a tree of %d entries does not cover entry %d, or is not older than checkpoint.txt", old.Size, last)
		}
		if old.Time.After(cp.Time) {
			return nil, errors.New("checkpoint.old.txt: signed after checkpoint.txt")
		}
		if err := tlog.CheckTree(c.Proof, cp.Size, cp.Root, old.Size, old.Root); err != nil {
			return nil, fmt.Errorf("consistency.json: the tree of checkpoint.old.txt (%d entries) is not a prefix of the tree of checkpoint.txt (%v)", old.Size, err)
		}
		vw.old = &old
	}

	switch kind {
	case KindAliasLeak:
		s, ok := strings.CutPrefix(caseID, "leak-")
		i, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil || LeakCaseID(i) != caseID {
			return nil, fmt.Errorf("manifest.txt: case %q is not an alias leak case", caseID)
		}
		if vw.entries[i] == nil {
			return nil, fmt.Errorf("entries/%d.json: missing (the leak event of the case)", i)
		}
		vw.leak = i
		if err := vw.readCaller(byName); err != nil {
			return nil, err
		}
	case KindAttribution:
		if err := vw.readCase(byName); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("manifest.txt: unknown case kind %q", kind)
	}
	return vw, nil
}

// readCase checks the case file against its ledger entry and the best
// candidate's counts against the print list, and recomputes its score.
func (vw *view) readCase(byName map[string][]byte) error {
	data, ok := byName["case.json"]
	if !ok {
		return errors.New("case.json: missing")
	}
	vw.caseAt = -1
	for i, e := range vw.entries {
		if e.Attribution != nil && e.Attribution.Case == vw.caseID {
			vw.caseAt = i
		}
	}
	if vw.caseAt < 0 {
		return fmt.Errorf("entries/: no attribution entry for case %s", vw.caseID)
	}
	a := vw.entries[vw.caseAt].Attribution
	sum := sha256.Sum256(data)
	if "sha256:"+hex.EncodeToString(sum[:]) != a.CaseFile {
		return fmt.Errorf("case.json: its SHA-256 differs from the one committed in entries/%d.json", vw.caseAt)
	}
	var c trace.Case
	if err := json.Unmarshal(data, &c); err != nil {
		return fmt.Errorf("case.json: %w", err)
	}
	if c.ID != vw.caseID || c.Attribution == nil || len(c.Attribution.Candidates) == 0 {
		return fmt.Errorf("case.json: not case %s, or no candidate", vw.caseID)
	}
	vw.tcase = &c
	at := c.Attribution
	bl := at.Baseline
	best := at.Candidates[0]
	if best.Entry != a.BestEntry || best.Score != a.Score {
		return fmt.Errorf("case.json: best candidate (entry %d, score %g) differs from entries/%d.json (entry %d, score %g)", best.Entry, best.Score, vw.caseAt, a.BestEntry, a.Score)
	}
	if bl.Disclosed > 0 && (!near(bl.RateS, float64(bl.Strong)/float64(bl.Disclosed)) || !near(bl.RateW, float64(bl.Weak)/float64(bl.Disclosed))) {
		return errors.New("case.json: the baseline rates do not follow from its counts")
	}
	if bl.Found > 0 && !near(bl.Elsewhere, min(max(float64(bl.Unmatched)/float64(bl.Found), 0.01), 0.99)) {
		return errors.New("case.json: the chance a record came from elsewhere does not follow from its counts")
	}
	if bl.NullHits < 0 || bl.NullHits > bl.NullAliases || !near(bl.NullRate, trace.NullRate(bl.NullAliases, bl.NullHits, bl.Found)) {
		return errors.New("case.json: the null-alias rate does not follow from its counts")
	}
	if best.Detail == nil {
		return errors.New("case.json: the best candidate has no detail")
	}
	d := best.Detail
	dec := bl.DecisiveLog10()
	rateS, rateW := bl.Rates()
	if bl.Candidates < len(at.Candidates) || bl.LogLRSum < best.Score-1e-9 {
		return errors.New("case.json: the guilt model does not cover the candidates")
	}
	if best.Guilt != nil {
		if g := trace.GuiltGiven(bl.Elsewhere, bl.Candidates, best.Score, bl.LogLRSum); !near(g, *best.Guilt) {
			return fmt.Errorf("case.json: guilt %g does not follow from the likelihood ratios (recomputed %g)", *best.Guilt, g)
		}
	}
	switch best.Kind {
	case "alias":
		if len(d.Aliases) != best.AliasHits || best.AliasHits == 0 {
			return fmt.Errorf("case.json: %d alias hits, %d listed", best.AliasHits, len(d.Aliases))
		}
		for _, al := range d.Aliases {
			e := vw.entries[al.Entry]
			if e == nil || e.AliasBinding == nil || e.AliasBinding.Alias != al.Alias || e.AliasBinding.Merchant != best.Recipient {
				return fmt.Errorf("entries/%d.json: does not bind alias %s to %s", al.Entry, al.Alias, best.Recipient)
			}
		}
		if !near(best.Score, float64(best.AliasHits)*dec) {
			return fmt.Errorf("case.json: score %g does not follow from %d alias hits", best.Score, best.AliasHits)
		}
		return nil
	case "export":
	default:
		return fmt.Errorf("case.json: unknown candidate kind %q", best.Kind)
	}
	xe := vw.entries[best.Entry]
	if xe == nil || xe.Export == nil || xe.Export.ExportID != best.ExportID {
		return fmt.Errorf("entries/%d.json: missing or not export %s", best.Entry, best.ExportID)
	}
	x := xe.Export
	pname := "prints/" + x.ExportID + ".prints"
	pdata, ok := byName[pname]
	if !ok {
		return fmt.Errorf("%s: missing", pname)
	}
	if trace.Digest(pdata) != x.Prints {
		return fmt.Errorf("%s: its digest differs from the one committed in entries/%d.json", pname, best.Entry)
	}
	pl, err := trace.DecodePrints(pdata)
	if err != nil {
		return fmt.Errorf("%s: %w", pname, err)
	}
	if best.Rows != x.Rows-len(x.Canaries) || best.Org != x.Org || best.Recipient != x.Recipient {
		return fmt.Errorf("case.json: the best candidate does not describe export %s as entries/%d.json does", x.ExportID, best.Entry)
	}
	check := func(what string, prints []trace.Print, want int, ok func(trace.Print) bool) error {
		if len(prints) != want {
			return fmt.Errorf("case.json: %d %s prints listed for %d counted", len(prints), what, want)
		}
		for _, p := range prints {
			if !ok(p) {
				return fmt.Errorf("case.json: %s print %s is not in %s", what, p, pname)
			}
		}
		return nil
	}
	isCanary := func(p trace.Print) bool { return slices.Contains(x.Canaries, p) }
	if err := check("matched", d.Matched, best.Matched, func(p trace.Print) bool { return pl.Contains(p) && !isCanary(p) }); err != nil {
		return err
	}
	if err := check("weak", d.Weak, best.Weak, pl.Contains); err != nil {
		return err
	}
	if err := check("canary", d.Canaries, best.CanaryHits, func(p trace.Print) bool { return pl.Contains(p) && isCanary(p) }); err != nil {
		return err
	}
	if len(d.Holders) != len(d.Matched) {
		return errors.New("case.json: holders do not match the matched prints")
	}
	// Numbers planted in this export that its canaries do not already count.
	if len(d.Aliases) != best.AliasHits {
		return fmt.Errorf("case.json: %d alias hits, %d listed", best.AliasHits, len(d.Aliases))
	}
	for _, al := range d.Aliases {
		e := vw.entries[al.Entry]
		if e == nil || e.AliasBinding == nil || e.AliasBinding.Alias != al.Alias || e.AliasBinding.ExportID != x.ExportID {
			return fmt.Errorf("entries/%d.json: does not bind alias %s to export %s", al.Entry, al.Alias, x.ExportID)
		}
	}
	exclusive := 0
	for _, h := range d.Holders {
		if h < 1 {
			return errors.New("case.json: a matched print is held by no export")
		}
		if h == 1 {
			exclusive++
		}
	}
	if exclusive != best.Exclusive {
		return fmt.Errorf("case.json: %d exclusive matches stated, %d follow from the holders", best.Exclusive, exclusive)
	}
	score := float64(best.CanaryHits+best.AliasHits)*dec + trace.OverlapLog10(best.Matched, best.Rows, rateS) + trace.OverlapLog10(best.Weak, best.Rows, rateW)
	if !near(score, best.Score) {
		return fmt.Errorf("case.json: score %g does not follow from the counts (recomputed %g)", best.Score, score)
	}
	return nil
}

// openSigned checks a note signed by the ledger and returns its text. The
// ledger writes a note as its text, a blank line and exactly one signature
// line, its own, in canonical base64; anything else fails with the line
// named. note.Open alone is too lenient for evidence: it keeps signatures by
// unknown keys aside, skips (without checking) repeats of a known key's
// signature, and decodes base64 whose unused bits are set, so a bundle
// could carry lines no one signed ("— someone/approved …") and still verify.
func openSigned(name string, msg []byte, v note.Verifier) (string, error) {
	split := bytes.LastIndex(msg, []byte("\n\n"))
	if split < 0 {
		return "", fmt.Errorf("%s: no signature block (a blank line, then the signature of %s)", name, v.Name())
	}
	text, block := msg[:split+1], string(msg[split+2:])
	first := bytes.Count(msg[:split+2], []byte("\n")) + 1 // the line number of the signature
	if block == "" {
		return "", fmt.Errorf("%s: line %d: missing, want the signature of %s", name, first, v.Name())
	}
	lines := strings.SplitAfter(block, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	line, ok := strings.CutSuffix(lines[0], "\n")
	rest, signed := strings.CutPrefix(line, "— "+v.Name()+" ")
	if !signed {
		return "", fmt.Errorf("%s: line %d: %s is not the signature of %s", name, first, quoteLine(line), v.Name())
	}
	if !ok {
		return "", fmt.Errorf("%s: line %d: the signature line does not end with a newline", name, first)
	}
	if len(lines) > 1 {
		return "", fmt.Errorf("%s: line %d: an extra signature line %s; a bundle carries exactly one signature, that of %s", name, first+1, quoteLine(lines[1]), v.Name())
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(rest)
	if err != nil || base64.StdEncoding.EncodeToString(sig) != rest {
		return "", fmt.Errorf("%s: line %d: the signature is not in canonical base64", name, first)
	}
	if len(sig) != 4+ed25519.SignatureSize || binary.BigEndian.Uint32(sig) != v.KeyHash() {
		return "", fmt.Errorf("%s: line %d: the signature is not one made by the key of %s", name, first, v.Name())
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return "", fmt.Errorf("%s: line %d: the signature does not verify with the key of %s: %w", name, first, v.Name(), err)
	}
	if n.Text != string(text) || len(n.Sigs) != 1 || len(n.UnverifiedSigs) != 0 {
		return "", fmt.Errorf("%s: not exactly one signature, that of %s", name, v.Name())
	}
	return n.Text, nil
}

// quoteLine quotes a line for an error message, shortened.
func quoteLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}
