package trace

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"ringfence"
	"ringfence/number"
)

// ExportRef is a disclosure as attribution needs it.
type ExportRef struct {
	Disclosure
	Entry    int64 // ledger entry index
	Time     time.Time
	Rows     int     // data rows, canaries included
	Canaries []Print // prints of the canary rows
}

// AliasRef is an alias number bound to a merchant.
type AliasRef struct {
	Alias    string // E.164
	Merchant string
	Entry    int64 // ledger entry index of the binding
	Time     time.Time
	// ExportID is the export the number was planted in (a canary, or a
	// per-recipient alias replacing a real number); empty for an alias a
	// subscriber gave a merchant. A hit on it is evidence against that
	// export, counted in the export's candidate.
	ExportID string `json:"export_id,omitempty"`
}

// Source gives attribution the disclosures to compare a found list with.
type Source interface {
	// Exports lists every recorded disclosure.
	Exports() ([]ExportRef, error)
	// Prints returns the encoded print list of an export (see
	// EncodePrints), reusing buf when it is large enough.
	Prints(exportID string, buf []byte) ([]byte, error)
	// Aliases lists every alias binding.
	Aliases() ([]AliasRef, error)
}

// Baseline is the null model a candidate is compared with: a recipient of
// the same size whose records were drawn at random from all disclosures.
type Baseline struct {
	Found     int     `json:"found_records"` // distinct records in the found list
	Disclosed int64   `json:"disclosed"`     // records disclosed across all exports, canaries excluded
	Strong    int64   `json:"strong_pairs"`  // (export, found record) pairs matching on a whole number or ID
	Weak      int64   `json:"weak_pairs"`    // pairs matching on a masked number only
	RateS     float64 `json:"strong_rate"`   // Strong / Disclosed
	RateW     float64 `json:"weak_rate"`     // Weak / Disclosed
	Unmatched int     `json:"unmatched"`     // found records matching no disclosure
	Elsewhere float64 `json:"elsewhere"`     // Unmatched/Found within [0.01, 0.99]: the chance a record came from elsewhere

	// The null-alias baseline: null aliases are pool numbers never
	// disclosed to anyone, so the share of them in the found list is the
	// chance that a number turns up in it without any disclosure (range
	// enumeration, random generation).
	NullAliases int     `json:"null_aliases"` // null aliases checked
	NullHits    int     `json:"null_hits"`    // of them in the found list
	NullRate    float64 `json:"null_rate"`    // (NullHits+½)/(NullAliases+1); Found/10^10 without null aliases

	// The guilt model (see GuiltGiven): the list is taken as one leak, by
	// one of the Candidates matching it, each equally likely beforehand, or
	// from elsewhere with chance Elsewhere.
	Candidates int     `json:"candidates"`   // candidates matching the found list, ranked or not
	LogLRSum   float64 `json:"log10_lr_sum"` // log10 of the sum of their likelihood ratios
}

// numberSpace is the count of 11-digit Chinese mobile numbers, for the
// null rate when no null aliases are known: a list of m random numbers holds
// a given number with chance m/10^10.
const numberSpace = 1e10

// NullRate is the chance that a never-disclosed number appears in a found
// list of found records in which hits of aliases null aliases turned up.
func NullRate(aliases, hits, found int) float64 {
	if aliases > 0 {
		return (float64(hits) + 0.5) / (float64(aliases) + 1)
	}
	return min(1, float64(max(found, 1))/numberSpace)
}

// DecisiveLog10 is the log10 likelihood ratio of one canary or alias hit: a
// canary record or an alias number exists nowhere but in the copy it was
// given in, so it turns up elsewhere only as a never-disclosed number would,
// with the null rate. It is never less than 1.
func (b *Baseline) DecisiveLog10() float64 {
	return max(1, -math.Log10(b.NullRate))
}

// Rates are the background rates the overlap of a candidate is compared
// with: the whole-value and masked-only match rates, floored at the null
// rate.
func (b *Baseline) Rates() (strong, weak float64) {
	return max(b.RateS, b.NullRate), max(b.RateW, b.NullRate)
}

// Candidate is a possible source of a found list.
type Candidate struct {
	Kind      string   `json:"kind"` // "export" or "alias"
	Org       string   `json:"org"`
	Recipient string   `json:"recipient"`
	ExportID  string   `json:"export_id"`
	Entry     int64    `json:"entry"` // ledger entry of the export or of the first alias binding
	Score     float64  `json:"score"` // log10 of the likelihood ratio
	Evidence  []string `json:"evidence"`

	Rows       int `json:"rows"`        // records disclosed, canaries excluded
	Matched    int `json:"matched"`     // found records matching a disclosed record
	Weak       int `json:"weak"`        // found records matching only by masked number
	Exclusive  int `json:"exclusive"`   // matching records disclosed to this export only
	CanaryHits int `json:"canary_hits"` // canary records found
	AliasHits  int `json:"alias_hits"`  // alias numbers found (of an export: those its canaries do not already count)
	// Guilt is the chance that this candidate is the source, given all
	// the evidence (GuiltGiven); nil when the list combines leaks from
	// more than one source, which the model does not describe.
	Guilt *float64 `json:"guilt,omitempty"`
	// The score is conditional on the candidates ranked above it: their
	// records are set aside, and only what this candidate explains beyond
	// them counts.
	Given       []int64 `json:"given,omitempty"` // entries of those candidates
	CondRows    int     `json:"cond_rows"`
	CondMatched int     `json:"cond_matched"`
	CondWeak    int     `json:"cond_weak"`

	Detail *Detail `json:"detail,omitempty"`
}

// Detail lists the prints behind a candidate's counts, for evidence: every
// disclosed print that matched, canaries included, and the alias bindings
// found.
type Detail struct {
	Matched  []Print    `json:"matched"`
	Weak     []Print    `json:"weak"`
	Canaries []Print    `json:"canaries"`
	Holders  []int      `json:"holders"` // per Matched print, how many exports hold it
	Aliases  []AliasRef `json:"aliases,omitempty"`
}

// Attribution ranks the possible sources of a found list, best first.
type Attribution struct {
	Exports    int         `json:"exports"`
	Baseline   Baseline    `json:"baseline"`
	Candidates []Candidate `json:"candidates"`
	// Undecided is set when no candidate stands out: the leading ones have
	// no canary or alias in the list and tie, or score no better than
	// chance; Verdict then says so and the candidates are not a ranking.
	Undecided bool   `json:"undecided"`
	Verdict   string `json:"verdict,omitempty"`
}

// AttributeOptions configure Attribute.
type AttributeOptions struct {
	Top     int // candidates reported; 10 when 0
	Details int // leading candidates given a Detail; 3 when 0, none when negative
	Workers int // GOMAXPROCS when 0
	// MinScore is the log10 likelihood ratio a candidate needs, given those
	// ranked above it, to be ranked as a further source; 2 when 0.
	MinScore float64
	// NullAliases are the alias pool's null aliases (E.164): numbers never
	// disclosed, whose presence in the found list sets the null baseline.
	NullAliases []string
}

// OverlapLog10 is the log10 likelihood ratio of k of a recipient's n
// records appearing in a found list if the recipient is a source (each
// record then appears with the maximum-likelihood rate k/n) against the null
// baseline, under which each appears with the background rate b. It is 0
// when k/n does not exceed b.
func OverlapLog10(k, n int, b float64) float64 {
	if n <= 0 || k <= 0 {
		return 0
	}
	k = min(k, n)
	q := float64(k) / float64(n)
	if q <= b {
		return 0
	}
	b = min(max(b, 1e-12), 1-1e-12)
	ll := float64(k) * math.Log(q/b)
	if k < n {
		ll += float64(n-k) * math.Log((1-q)/(1-b))
	}
	return ll / math.Ln10
}

// GuiltGiven is the chance that a candidate is the source of a found list,
// given all the evidence: the list is taken as one leak, by one of n
// candidates, each equally likely beforehand, or from elsewhere with chance
// p; a candidate's likelihood ratio against the null baseline is
// 10^log10LR, and log10Sum is log10 of the sum of all n ratios. So
// P = (1−p)/n·LR / (p + (1−p)/n·ΣLR). Candidates with equal evidence share
// the guilt; one without a canary and with likelihood ratio 1 beside one
// with canaries gets almost none.
func GuiltGiven(p float64, n int, log10LR, log10Sum float64) float64 {
	if n <= 0 || log10LR > log10Sum+1e-9 {
		return math.NaN()
	}
	prior := math.Log10(1-p) - math.Log10(float64(n))
	s := prior + log10Sum
	return math.Pow(10, log10LR-log10Sum) / (1 + p*math.Pow(10, -s))
}

// log10Sum returns log10 of the sum of 10^x over xs.
func log10Sum(xs []float64) float64 {
	if len(xs) == 0 {
		return math.Inf(-1)
	}
	top := slices.Max(xs)
	sum := 0.0
	for _, x := range xs {
		sum += math.Pow(10, x-top)
	}
	return top + math.Log10(sum)
}

// exportScan is what one export matched.
type exportScan struct {
	strong []uint32 // found records matching on a whole number or ID, or masked number and name
	weak   []uint32 // found records matching only on a masked number or ID
	canary []uint32 // found records that are canaries of this export
	detail *Detail
}

// scanner matches print lists against a found list.
type scanner struct {
	ix      *foundIndex
	records []FoundRecord
}

// scan matches one print list. stamp is per-worker scratch (one slot per
// found record) and seq a number unique to this call among those sharing it.
func (sc *scanner) scan(list []byte, ref *ExportRef, stamp []uint32, seq uint32, collect bool) (exportScan, error) {
	if err := checkPrintHeader(list); err != nil {
		return exportScan{}, fmt.Errorf("export %s: %w", ref.ExportID, err)
	}
	var es exportScan
	if collect {
		es.detail = &Detail{}
	}
	t := &sc.ix.tables
	isCanary := func(p Print) bool { return slices.Contains(ref.Canaries, p) }
	const strongMark, weakMark = 1 << 31, 1 << 30
	body := list[16:]
	for o := 0; o+printSize <= len(body); o += printSize {
		p := Print{
			binary.LittleEndian.Uint64(body[o:]),
			binary.LittleEndian.Uint64(body[o+8:]),
			binary.LittleEndian.Uint64(body[o+16:]),
		}
		strongHit := func(rec uint32) {
			if isCanary(p) {
				if slices.Contains(es.canary, rec) {
					return
				}
				es.canary = append(es.canary, rec)
				if collect {
					es.detail.Canaries = append(es.detail.Canaries, p)
				}
				return
			}
			if stamp[rec] == seq|strongMark {
				return
			}
			stamp[rec] = seq | strongMark
			es.strong = append(es.strong, rec)
			if collect {
				es.detail.Matched = append(es.detail.Matched, p)
			}
		}
		weakHit := func(rec uint32) {
			if stamp[rec] == seq|strongMark || stamp[rec] == seq|weakMark || isCanary(p) {
				return
			}
			stamp[rec] = seq | weakMark
			es.weak = append(es.weak, rec)
			if collect {
				es.detail.Weak = append(es.detail.Weak, p)
			}
		}
		if p.Phone != 0 {
			if t[keyPhone] != nil {
				for _, k := range t[keyPhone].lookup(p.Phone) {
					strongHit(k.rec)
				}
			}
			if t[keyPhoneMask] != nil {
				for _, k := range t[keyPhoneMask].lookup(maskKey(p.Phone)) {
					sc.maskedHit(k.rec, p.Name, strongHit, weakHit)
				}
			}
		}
		if p.ID != 0 {
			if t[keyID] != nil {
				for _, k := range t[keyID].lookup(p.ID) {
					strongHit(k.rec)
				}
			}
			if t[keyIDMask] != nil {
				for _, k := range t[keyIDMask].lookup(maskKey(p.ID)) {
					sc.maskedHit(k.rec, p.Name, strongHit, weakHit)
				}
			}
		}
	}
	// A record first seen weakly and later strongly counts as strong only.
	w := es.weak[:0]
	for i, rec := range es.weak {
		if stamp[rec] != seq|strongMark {
			w = append(w, rec)
			if collect {
				es.detail.Weak[len(w)-1] = es.detail.Weak[i]
			}
		}
	}
	es.weak = w
	if collect {
		es.detail.Weak = es.detail.Weak[:len(w)]
	}
	return es, nil
}

// maskedHit judges a masked match: with both names known it is strong when
// they agree and no match when they differ; otherwise it is weak.
func (sc *scanner) maskedHit(rec uint32, name uint64, strong, weak func(uint32)) {
	fn := sc.records[rec].Name
	switch {
	case fn != 0 && name != 0 && fn == name:
		strong(rec)
	case fn != 0 && name != 0:
	default:
		weak(rec)
	}
}

// Attribute ranks the disclosures in src by how likely each is a source of
// the found list f.
//
// Canary and alias hits are decisive (Baseline.DecisiveLog10 each). Otherwise a
// candidate's score is the log10 likelihood ratio of its overlap with the
// found list against the null baseline (OverlapLog10), computed separately
// for whole-value and masked-only matches and added. Candidates are ranked
// greedily: the best goes first, then the records it explains are set aside
// and every other candidate is scored again on what it explains beyond the
// candidates already ranked, so that a recipient who merely shares
// customers with the leaker drops away while a second real source stays.
func Attribute(ctx context.Context, f *Found, src Source, opt AttributeOptions) (*Attribution, error) {
	if opt.Top <= 0 {
		opt.Top = 10
	}
	if opt.Details == 0 {
		opt.Details = 3
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MinScore == 0 {
		opt.MinScore = 2
	}
	refs, err := src.Exports()
	if err != nil {
		return nil, fmt.Errorf("attribute: %w", err)
	}
	aliases, err := src.Aliases()
	if err != nil {
		return nil, fmt.Errorf("attribute: %w", err)
	}
	sc := &scanner{ix: newFoundIndex(f), records: f.Records}
	scans, err := scanAll(ctx, sc, src, refs, opt.Workers)
	if err != nil {
		return nil, err
	}

	m := len(f.Records)
	// Alias numbers in the list. A number planted in a recorded export
	// (a canary, or an alias replacing a real number) is evidence against
	// that export and goes to its candidate: when its canary already counts
	// the record it is not counted again; otherwise it counts as an alias
	// hit instead of a record match. Other aliases are evidence against the
	// merchant they were given to.
	type aliasHit struct {
		rec uint32
		ref AliasRef
	}
	byExport := make(map[string]int, len(refs))
	for i := range refs {
		byExport[refs[i].ExportID] = i
	}
	exportAliases := map[int][]aliasHit{}
	aliasRecs := map[int]map[uint32]bool{} // per export, the records its alias hits count
	var merchantAliases []aliasHit
	for _, a := range aliases {
		k, ok := number.Key(a.Alias)
		if !ok {
			continue
		}
		rec, ok := f.numbers.get(k)
		if !ok {
			continue
		}
		i, ok := byExport[a.ExportID]
		if a.ExportID == "" || !ok {
			merchantAliases = append(merchantAliases, aliasHit{rec, a})
			continue
		}
		if slices.Contains(scans[i].canary, rec) || aliasRecs[i][rec] {
			continue
		}
		if aliasRecs[i] == nil {
			aliasRecs[i] = map[uint32]bool{}
		}
		aliasRecs[i][rec] = true
		exportAliases[i] = append(exportAliases[i], aliasHit{rec, a})
	}
	for i, recs := range aliasRecs {
		s := &scans[i]
		s.strong = slices.DeleteFunc(s.strong, func(r uint32) bool { return recs[r] })
		s.weak = slices.DeleteFunc(s.weak, func(r uint32) bool { return recs[r] })
	}

	res := &Attribution{Exports: len(refs)}
	bl := &res.Baseline
	bl.Found = m
	strongHolders := make([]int32, m)
	weakHolders := make([]int32, m)
	matchedAny := make([]bool, m)
	for i := range refs {
		bl.Disclosed += int64(max(refs[i].Rows-len(refs[i].Canaries), 0))
		bl.Strong += int64(len(scans[i].strong))
		bl.Weak += int64(len(scans[i].weak))
		for _, r := range scans[i].strong {
			strongHolders[r]++
			matchedAny[r] = true
		}
		for _, r := range scans[i].weak {
			weakHolders[r]++
		}
		for _, r := range scans[i].canary {
			matchedAny[r] = true
		}
		for _, h := range exportAliases[i] {
			matchedAny[h.rec] = true
		}
	}
	if bl.Disclosed > 0 {
		bl.RateS = float64(bl.Strong) / float64(bl.Disclosed)
		bl.RateW = float64(bl.Weak) / float64(bl.Disclosed)
	}
	nMatched := 0
	for _, ok := range matchedAny {
		if ok {
			nMatched++
		}
	}
	bl.Unmatched = m - nMatched
	bl.Elsewhere = 1
	if m > 0 {
		bl.Elsewhere = min(max(1-float64(nMatched)/float64(m), 0.01), 0.99)
	}
	bl.NullAliases = len(opt.NullAliases)
	for _, n := range opt.NullAliases {
		if k, ok := number.Key(n); ok {
			if _, in := f.numbers.get(k); in {
				bl.NullHits++
			}
		}
	}
	bl.NullRate = NullRate(bl.NullAliases, bl.NullHits, m)
	decisive := bl.DecisiveLog10()
	rateS, rateW := bl.Rates()

	// Candidates: every export with a match, every merchant whose alias is in the list.
	type cand struct {
		Candidate
		ref    *ExportRef
		scan   *exportScan
		score1 float64
		keys   []uint64 // identity keys of its real records (exports in the conditioned set)
		recs   []uint32 // alias hits: found records
		alias  []AliasRef
	}
	var cands []*cand
	for i := range refs {
		s := &scans[i]
		if len(s.strong)+len(s.weak)+len(s.canary)+len(exportAliases[i]) == 0 {
			continue
		}
		r := &refs[i]
		c := &cand{ref: r, scan: s}
		c.Kind, c.Org, c.Recipient, c.ExportID, c.Entry = "export", r.Org, r.Recipient, r.ExportID, r.Entry
		c.Rows = max(r.Rows-len(r.Canaries), 0)
		c.Matched, c.Weak, c.CanaryHits, c.AliasHits = len(s.strong), len(s.weak), len(s.canary), len(exportAliases[i])
		for _, h := range exportAliases[i] {
			c.recs = append(c.recs, h.rec)
			c.alias = append(c.alias, h.ref)
		}
		for _, rec := range s.strong {
			if strongHolders[rec] == 1 {
				c.Exclusive++
			}
		}
		c.score1 = float64(c.CanaryHits+c.AliasHits)*decisive + OverlapLog10(c.Matched, c.Rows, rateS) + OverlapLog10(c.Weak, c.Rows, rateW)
		cands = append(cands, c)
	}
	byMerchant := map[string]*cand{}
	for _, h := range merchantAliases {
		a, rec := h.ref, h.rec
		c := byMerchant[a.Merchant]
		if c == nil {
			c = &cand{}
			c.Kind, c.Org, c.Recipient, c.Entry = "alias", a.Merchant, a.Merchant, a.Entry
			c.Detail = &Detail{}
			byMerchant[a.Merchant] = c
			cands = append(cands, c)
		}
		c.AliasHits++
		c.recs = append(c.recs, rec)
		c.Detail.Aliases = append(c.Detail.Aliases, a)
		c.score1 = float64(c.AliasHits) * decisive
	}
	// The guilt model weighs every candidate, the cut ones too.
	bl.Candidates = len(cands)
	bl.LogLRSum = log10Sum(func() []float64 {
		xs := make([]float64, len(cands))
		for i, c := range cands {
			xs[i] = c.score1
		}
		return xs
	}())
	slices.SortStableFunc(cands, func(a, b *cand) int {
		if a.score1 != b.score1 {
			if a.score1 > b.score1 {
				return -1
			}
			return 1
		}
		return cmpU64(uint64(a.Entry), uint64(b.Entry))
	})
	limit := max(opt.Top, 50)
	if len(cands) > limit {
		cands = cands[:limit]
	}

	// Identity keys of each export in the conditioned set.
	var buf []byte
	for _, c := range cands {
		if c.ref == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		buf, err = src.Prints(c.ref.ExportID, buf)
		if err != nil {
			return nil, fmt.Errorf("attribute: export %s: %w", c.ref.ExportID, err)
		}
		pl, err := DecodePrints(buf)
		if err != nil {
			return nil, fmt.Errorf("attribute: export %s: %w", c.ref.ExportID, err)
		}
		c.keys = make([]uint64, 0, pl.Len())
		for i := 0; i < pl.Len(); i++ {
			p := pl.At(i)
			if !slices.Contains(c.ref.Canaries, p) && !p.IsZero() {
				c.keys = append(c.keys, p.Key())
			}
		}
	}

	// Greedy ranking, conditioning each candidate on those ranked above it.
	explained := make([]bool, m)
	union := map[uint64]struct{}{}
	var given []int64
	condScore := func(c *cand) float64 {
		c.Given = slices.Clone(given)
		if c.ref == nil {
			return c.score1
		}
		n := 0
		for _, k := range c.keys {
			if _, ok := union[k]; !ok {
				n++
			}
		}
		ks, kw := 0, 0
		for _, r := range c.scan.strong {
			if !explained[r] {
				ks++
			}
		}
		for _, r := range c.scan.weak {
			if !explained[r] {
				kw++
			}
		}
		if len(given) == 0 {
			n = c.Rows // nothing set aside
		}
		c.CondRows, c.CondMatched, c.CondWeak = n, ks, kw
		return float64(c.CanaryHits+c.AliasHits)*decisive + OverlapLog10(ks, n, rateS) + OverlapLog10(kw, n, rateW)
	}
	var ranked []*cand
	rest := slices.Clone(cands)
	for len(rest) > 0 {
		best := -1
		for i, c := range rest {
			c.Score = condScore(c)
			if best < 0 || c.Score > rest[best].Score {
				best = i
			}
		}
		c := rest[best]
		if len(ranked) > 0 && c.Score < opt.MinScore {
			break
		}
		ranked = append(ranked, c)
		rest = slices.Delete(rest, best, best+1)
		given = append(given, c.Entry)
		for _, k := range c.keys {
			union[k] = struct{}{}
		}
		if c.scan != nil {
			for _, list := range [][]uint32{c.scan.strong, c.scan.weak, c.scan.canary} {
				for _, r := range list {
					explained[r] = true
				}
			}
		}
		for _, r := range c.recs {
			explained[r] = true
		}
	}
	sources := len(ranked)
	slices.SortStableFunc(rest, func(a, b *cand) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	ranked = append(ranked, rest...)
	if len(ranked) > opt.Top {
		ranked = ranked[:opt.Top]
	}

	// Details for the leading candidates.
	for i, c := range ranked {
		if i >= opt.Details {
			break
		}
		if c.ref == nil {
			continue
		}
		buf, err = src.Prints(c.ref.ExportID, buf)
		if err != nil {
			return nil, fmt.Errorf("attribute: export %s: %w", c.ref.ExportID, err)
		}
		stamp := make([]uint32, m)
		es, err := sc.scan(buf, c.ref, stamp, 1, true)
		if err != nil {
			return nil, err
		}
		// Records counted as alias hits are not record matches.
		if recs := aliasRecs[byExport[c.ref.ExportID]]; len(recs) > 0 {
			es.strong, es.detail.Matched = dropRecs(es.strong, es.detail.Matched, recs)
			es.weak, es.detail.Weak = dropRecs(es.weak, es.detail.Weak, recs)
		}
		es.detail.Aliases = c.alias
		es.detail.Holders = make([]int, len(es.strong))
		for j, rec := range es.strong {
			es.detail.Holders[j] = int(strongHolders[rec])
		}
		c.Detail = es.detail
	}

	// No recipient stands out when the leading candidate has no canary or
	// alias in the list and ties with another, or scores below MinScore:
	// say so instead of ranking one first, and split the guilt among them.
	var tied []*cand
	if len(ranked) > 0 && ranked[0].CanaryHits == 0 && ranked[0].AliasHits == 0 {
		top := ranked[0].score1
		for _, c := range ranked {
			if c.CanaryHits == 0 && c.AliasHits == 0 && (c.score1 == top || top < opt.MinScore && c.score1 < opt.MinScore) {
				tied = append(tied, c)
			}
		}
		if len(tied) < 2 && top >= opt.MinScore {
			tied = nil
		}
	}
	if len(tied) > 0 {
		res.Undecided = true
		names := make([]string, 0, len(tied))
		same := len(tied) > 1
		sorted := func(c *cand) []uint32 {
			return slices.Sorted(slices.Values(append(slices.Clone(c.scan.strong), c.scan.weak...)))
		}
		for _, c := range tied {
			names = append(names, c.Recipient)
			same = same && slices.Equal(sorted(c), sorted(tied[0]))
		}
		res.Verdict = undecidedVerdict(names, same)
		for _, c := range tied {
			// Not ranked: none is conditioned on the others.
			c.Score, c.Given = c.score1, nil
			c.CondRows, c.CondMatched, c.CondWeak = c.Rows, c.Matched, c.Weak
		}
		sources = 1
	}

	for _, c := range ranked {
		if sources <= 1 {
			g := GuiltGiven(bl.Elsewhere, bl.Candidates, c.score1, bl.LogLRSum)
			c.Guilt = &g
		}
		c.Evidence = evidenceLines(&c.Candidate, bl, sources)
		res.Candidates = append(res.Candidates, c.Candidate)
	}
	return res, nil
}

// dropRecs removes the records in drop from recs and their prints (one per
// record, in the same order) from prints.
func dropRecs(recs []uint32, prints []Print, drop map[uint32]bool) ([]uint32, []Print) {
	n := 0
	for i, r := range recs {
		if !drop[r] {
			recs[n], prints[n] = r, prints[i]
			n++
		}
	}
	return recs[:n], prints[:n]
}

// undecidedVerdict says plainly why none of the tied candidates stands out.
// same says they matched the same found records.
func undecidedVerdict(names []string, same bool) string {
	who := names[0]
	switch {
	case len(names) == 2:
		who = names[0] + " and " + names[1]
	case len(names) > 4:
		who = strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d others", len(names)-3)
	case len(names) > 2:
		who = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	of := map[int]string{1: "it", 2: "either"}[len(names)]
	if of == "" {
		of = "any of them"
	}
	switch {
	case same:
		return fmt.Sprintf("no recipient stands out: %s received the same records; no canary of %s is in the list", who, of)
	case len(names) == 1:
		return fmt.Sprintf("no recipient stands out: the list matches the records of %s no better than chance would; no canary of %s is in the list", who, of)
	}
	return fmt.Sprintf("no recipient stands out: the list matches the records of %s about equally, no better than chance would tell apart; no canary of %s is in the list", who, of)
}

// scanAll scans every export's print list on workers goroutines.
func scanAll(ctx context.Context, sc *scanner, src Source, refs []ExportRef, workers int) ([]exportScan, error) {
	scans := make([]exportScan, len(refs))
	jobs := make(chan int)
	errc := make(chan error, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stamp := make([]uint32, len(sc.records))
			var buf []byte
			seq := uint32(0)
			for i := range jobs {
				var err error
				buf, err = src.Prints(refs[i].ExportID, buf)
				if err != nil {
					errc <- fmt.Errorf("attribute: export %s: %w", refs[i].ExportID, err)
					cancel()
					return
				}
				seq++
				if seq == 1<<30 {
					clear(stamp)
					seq = 1
				}
				scans[i], err = sc.scan(buf, &refs[i], stamp, seq, false)
				if err != nil {
					errc <- fmt.Errorf("attribute: %w", err)
					cancel()
					return
				}
			}
		}()
	}
feed:
	for i := range refs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, errors.Join(err, context.Cause(ctx))
	}
	return scans, nil
}

// evidenceLines explains a candidate's score in English.
func evidenceLines(c *Candidate, bl *Baseline, sources int) []string {
	decisive := bl.DecisiveLog10()
	rateS, rateW := bl.Rates()
	var ev []string
	if c.AliasHits > 0 && c.Kind == "alias" {
		ev = append(ev, fmt.Sprintf("%s given only to merchant %s %s in the found list (%s %s)",
			ringfence.Plural(c.AliasHits, "alias number"), c.Recipient, isAre(c.AliasHits), each(c.AliasHits), FormatLR(decisive)))
		return append(ev, guiltLine(c, bl, sources))
	}
	if c.AliasHits > 0 {
		ev = append(ev, fmt.Sprintf("%s issued for this copy only %s in the found list (%s %s)",
			ringfence.Plural(c.AliasHits, "alias number"), isAre(c.AliasHits), each(c.AliasHits), FormatLR(decisive)))
	}
	if c.CanaryHits > 0 {
		ev = append(ev, fmt.Sprintf("%s planted only in this copy %s in the found list (%s %s)",
			ringfence.Plural(c.CanaryHits, "canary record"), isAre(c.CanaryHits), each(c.CanaryHits), FormatLR(decisive)))
	}
	if c.Matched > 0 {
		ev = append(ev, fmt.Sprintf("%d of %d records disclosed to %s (%s) are in the found list; a null recipient of the same size would have %s (likelihood ratio %s)",
			c.Matched, c.Rows, c.Recipient, pct(c.Matched, c.Rows), pctF(rateS), FormatLR(OverlapLog10(c.Matched, c.Rows, rateS))))
	}
	if c.Exclusive > 0 {
		ev = append(ev, fmt.Sprintf("%d of the matching records were disclosed to this export alone", c.Exclusive))
	}
	if c.Weak > 0 {
		ev = append(ev, fmt.Sprintf("%d further records match only by a masked number (null rate %s)", c.Weak, pctF(rateW)))
	}
	if len(c.Given) > 0 {
		ev = append(ev, fmt.Sprintf("setting aside the records of the %s ranked above: %d of its %d other records are in the found list (likelihood ratio %s)",
			ringfence.Plural(len(c.Given), "candidate"), c.CondMatched, c.CondRows, FormatLR(c.Score)))
	}
	return append(ev, guiltLine(c, bl, sources))
}

// guiltLine states a candidate's guilt probability and the model behind it,
// or why there is none.
func guiltLine(c *Candidate, bl *Baseline, sources int) string {
	if c.Guilt == nil {
		return fmt.Sprintf("no guilt probability: each of %d ranked sources explains records the others do not, so the list combines more than one leak, and the guilt model takes a list as one leak", sources)
	}
	if bl.Candidates == 1 {
		return fmt.Sprintf("guilt probability %.6g (the list taken as one leak by this recipient, or from elsewhere with chance %.2f)", *c.Guilt, bl.Elsewhere)
	}
	return fmt.Sprintf("guilt probability %.6g (the list taken as one leak by one of the %d candidates, each equally likely beforehand and weighed by its likelihood ratio, or from elsewhere with chance %.2f)", *c.Guilt, bl.Candidates, bl.Elsewhere)
}

// FormatLR writes a likelihood ratio given as its log10: "10^652.1", or the
// plain number when small.
func FormatLR(log10 float64) string {
	if log10 < 4 {
		return fmt.Sprintf("%.3g", math.Pow(10, log10))
	}
	return fmt.Sprintf("10^%.1f", log10)
}

// isAre is the verb agreeing with a count of n.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// each introduces the likelihood ratio of one of n hits.
func each(n int) string {
	if n == 1 {
		return "likelihood ratio"
	}
	return "each: likelihood ratio"
}

func pct(k, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(k)/float64(n))
}

func pctF(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }
