package grid

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"ringfence"
	"ringfence/detect"
	"ringfence/simulate"
)

// Result is one cell's figures from the detector.
type Result struct {
	Cell     Cell
	Numbers  int           // the cell's numbers (rotated numbers each count; call-bombing targets)
	Flagged  int           // of them flagged
	KindOK   int           // flagged with the kind of their class
	Delay    time.Duration // median time from a number's first call (a burst's start) to its flag
	Others   int           // other numbers that placed calls (background, bombing sources, callback lines)
	OthersFP int           // of them flagged
	Calls    int           // records of the cell's population
	Overlaps string        // the benign cell it cannot be told from per caller, and why
	delays   []time.Duration
}

// Rate is recall for an abusive cell, false-positive rate for a benign one.
func (r Result) Rate() float64 {
	if r.Numbers == 0 {
		return 0
	}
	return float64(r.Flagged) / float64(r.Numbers)
}

// Evaluate runs one cell's population through a fresh detector with cfg.
func Evaluate(c Cell, o Options, cfg detect.Config) Result {
	pop := Generate(c, o)
	det := detect.New(cfg)
	var flags []ringfence.Flag
	det.ObserveCalls(pop.Calls, func(f ringfence.Flag) { flags = append(flags, f) })
	return score(c, pop, flags)
}

func score(c Cell, pop simulate.Result, flags []ringfence.Flag) Result {
	res := Result{Cell: c, Calls: len(pop.Calls), Overlaps: Overlap(c)}
	byNumber := make(map[string]simulate.Truth, len(pop.Truth))
	for _, t := range pop.Truth {
		byNumber[t.Number] = t
		if t.Cell == c.Name {
			res.Numbers++
		} else {
			res.Others++
		}
	}
	seen := make(map[string]bool)
	var delays []time.Duration
	for _, f := range flags {
		if seen[f.Number] {
			continue
		}
		seen[f.Number] = true
		t, ok := byNumber[f.Number]
		switch {
		case !ok:
			res.OthersFP++ // a number that placed no call: counted against the background
		case t.Cell == c.Name:
			res.Flagged++
			if string(f.Kind) == t.Class {
				res.KindOK++
			}
			delays = append(delays, f.FlaggedAt.Sub(t.FirstCall))
		case !simulate.Abusive(t.Class):
			res.OthersFP++
		}
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		res.Delay = delays[len(delays)/2]
	}
	res.delays = delays
	return res
}

// Population is cells as one population, in memory: every cell's records
// and truth merged, records sorted by start. Use StreamPopulation for
// large selections (the default grid is some 50 million records).
func Population(cells []Cell, o Options) simulate.Result {
	var all simulate.Result
	o = o.withDefaults()
	truth, _ := streamPopulation(cells, o, o.Days, func(calls []ringfence.CallRecord) error {
		all.Calls = calls
		return nil
	})
	all.Truth = truth
	return all
}

// StreamPopulation generates cells as one population and passes its
// records to emit one day at a time, sorted by start; it returns the
// truth. Memory holds one day of the population: each pass generates every
// cell again (generation is deterministic) and keeps that day's records.
// A number two cells happen to share among their callers is renumbered in
// the later cell; callees shared by chance stay shared (someone called by
// two call rooms). emit's error stops the stream and is returned.
func StreamPopulation(cells []Cell, o Options, emit func([]ringfence.CallRecord) error) ([]simulate.Truth, error) {
	return streamPopulation(cells, o.withDefaults(), 1, emit)
}

func streamPopulation(cells []Cell, o Options, window int, emit func([]ringfence.CallRecord) error) ([]simulate.Truth, error) {
	var truth []simulate.Truth
	t0 := o.Start.Unix()
	for d := 0; d < o.Days; d += window {
		lo, hi := t0+int64(d)*86400, t0+int64(d+window)*86400
		var batch []ringfence.CallRecord
		owner := make(map[uint64]bool) // numbers in the truth of the cells so far
		for i, c := range cells {
			pop := Generate(c, o)
			remap := renumber(pop.Truth, owner, o.Seed, i)
			for _, r := range pop.Calls {
				if r.Start < lo || r.Start >= hi {
					continue
				}
				if k, ok := remap[r.Caller]; ok {
					r.Caller = k
				}
				if k, ok := remap[r.Callee]; ok {
					r.Callee = k
				}
				batch = append(batch, r)
			}
			if d == 0 {
				for _, t := range pop.Truth {
					if k, ok := remap[mustKey(t.Number)]; ok {
						t.Number = simulate.E164(k)
					}
					truth = append(truth, t)
				}
			}
		}
		slices.SortStableFunc(batch, func(a, b ringfence.CallRecord) int { return cmp.Compare(a.Start, b.Start) })
		if err := emit(batch); err != nil {
			return nil, err
		}
	}
	return truth, nil
}

// renumber returns fresh numbers for the numbers of truth that an earlier
// cell's truth holds (in owner), and adds the cell's numbers to owner. Its
// draws are its own, so a cell's records are otherwise as Generate makes
// them, and the same in every pass.
func renumber(truth []simulate.Truth, owner map[uint64]bool, seed uint64, cell int) map[uint64]uint64 {
	mine := make(map[uint64]bool, len(truth))
	for _, t := range truth {
		mine[mustKey(t.Number)] = true
	}
	s1, s2 := cellSeed(seed+uint64(cell)+1, "renumber")
	g := &gen{r: newRand(s1, s2), used: make(map[uint64]bool)}
	remap := make(map[uint64]uint64)
	for _, t := range truth {
		k := mustKey(t.Number)
		if owner[k] {
			n := g.mobile()
			for owner[n] || mine[n] {
				n = g.mobile()
			}
			remap[k] = n
			k = n
		}
		owner[k] = true
	}
	return remap
}

// mustKey is the digits of an E.164 number the generator wrote.
func mustKey(e164 string) uint64 {
	k, err := parseE164(e164)
	if err != nil {
		panic("grid: bad number in truth: " + e164)
	}
	return k
}

// --- table ---

// WriteTable writes results as a Markdown table, one row per cell, then
// totals per kind and the cells that miss the targets.
func WriteTable(w io.Writer, results []Result, o Options) error {
	o = o.withDefaults()
	var b strings.Builder
	fmt.Fprintf(&b, "Scenario grid: %d cells, %d days, seed %d, %d background subscribers per cell.\n\n", len(results), o.Days, o.Seed, o.Background)
	b.WriteString("| cell | kind | axis | calls/day | answered | talk s | returned | rang first | lifetime | list | redial | retry | hours | contacts | numbers | flagged | recall / FP rate | kind ok | median delay | background FP | overlaps |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range results {
		c, p := r.Cell, r.Cell.P
		rate := fmt.Sprintf("%.3f", r.Rate())
		if !c.Abusive() {
			rate = fmt.Sprintf("FP %.4f", r.Rate())
		}
		delay, kind := "-", "-"
		if c.Abusive() && r.Flagged > 0 {
			delay = fmtDelay(r.Delay)
			kind = fmt.Sprintf("%.2f", float64(r.KindOK)/float64(r.Flagged))
		}
		perDay, talk, returned, lifetime, list, redial, retry, hours, contacts := paramCells(c)
		if c.Kind == simulate.SectorCallBombing {
			perDay = fmt.Sprintf("%d calls / %d callers / %g min", p.BurstCalls, p.BurstCallers, p.BurstMinutes)
		}
		bg := fmt.Sprintf("%d/%d", r.OthersFP, r.Others)
		prior := fmt.Sprintf("%.2f", p.Prior)
		if c.Kind == simulate.SectorCallBombing {
			prior = "-"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %s | %s | %s | %s | %s |\n",
			c.Name, c.Kind, c.Axis, perDay, p.Answer, talk, returned, prior, lifetime, list, redial, retry, hours, contacts,
			r.Numbers, r.Flagged, rate, kind, delay, bg, orDash(r.Overlaps))
	}
	b.WriteString("\nPer kind (all cells of the kind):\n\n")
	b.WriteString("| kind | cells | numbers | flagged | recall / FP rate | kind ok | median delay | cells under target |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	kinds := []string{}
	for _, r := range results {
		if !slices.Contains(kinds, r.Cell.Kind) {
			kinds = append(kinds, r.Cell.Kind)
		}
	}
	for _, k := range kinds {
		var cells, n, f, ok, under int
		var delays []time.Duration
		for _, r := range results {
			if r.Cell.Kind != k {
				continue
			}
			cells++
			n += r.Numbers
			f += r.Flagged
			ok += r.KindOK
			delays = append(delays, r.delays...)
			if !MeetsTarget(r) {
				under++
			}
		}
		abusive := slices.Contains(simulate.Sectors, k)
		rate, kind, delay := "-", "-", "-"
		if n > 0 {
			rate = fmt.Sprintf("%.3f", float64(f)/float64(n))
			if !abusive {
				rate = fmt.Sprintf("FP %.4f", float64(f)/float64(n))
			}
		}
		if abusive && f > 0 {
			kind = fmt.Sprintf("%.2f", float64(ok)/float64(f))
			slices.Sort(delays)
			delay = fmtDelay(delays[len(delays)/2])
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %d |\n", k, cells, n, f, rate, kind, delay, under)
	}
	var others, othersFP int
	for _, r := range results {
		others += r.Others
		othersFP += r.OthersFP
	}
	fmt.Fprintf(&b, "\nBackground (ordinary subscribers around every cell, call-bombing sources, callback lines): %d flagged of %d.\n", othersFP, others)
	var miss []string
	for _, r := range results {
		if !MeetsTarget(r) {
			why := fmt.Sprintf("recall %.3f", r.Rate())
			if !r.Cell.Abusive() {
				why = fmt.Sprintf("FP rate %.4f", r.Rate())
			}
			if r.Overlaps != "" {
				why += " (overlaps " + r.Overlaps + ")"
			}
			miss = append(miss, r.Cell.Name+": "+why)
		}
	}
	fmt.Fprintf(&b, "\nCells under target (recall ≥ 0.95 where ≥ 120 calls/day, FP rate ≤ 0.001): %d of %d\n", len(miss), len(results))
	for _, m := range miss {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MeetsTarget reports whether r meets the target for its cell:
// recall ≥ 0.95 for an abusive cell of ≥ 120 calls a day (every call
// bombing cell), false-positive rate ≤ 0.001 for a benign cell.
func MeetsTarget(r Result) bool {
	if !r.Cell.Abusive() {
		return r.Rate() <= 0.001
	}
	if r.Cell.Kind != simulate.SectorCallBombing && r.Cell.P.PerDay < 120 {
		return true
	}
	return r.Rate() >= 0.95
}

func paramCells(c Cell) (perDay, talk, returned, lifetime, list, redial, retry, hours, contacts string) {
	p := c.P
	perDay = fmt.Sprintf("%g", p.PerDay)
	if p.Spread > 0 {
		perDay = fmt.Sprintf("%g±%g%%", p.PerDay, p.Spread*100)
	}
	talk = fmt.Sprintf("%g", p.Talk)
	returned = fmt.Sprintf("%.2f", p.Returned)
	lifetime = "run"
	if p.Lifetime > 0 {
		lifetime = fmt.Sprintf("%dd", p.Lifetime)
	}
	list = "own"
	if p.Shared {
		list = fmt.Sprintf("shared by %d", firm)
	}
	redial = fmt.Sprintf("%.2f", p.Redial)
	retry = "-"
	if retries(c) {
		retry = fmt.Sprintf("%.2f", p.Retry)
	}
	hours = fmt.Sprintf("%g–%g", p.From, p.To)
	contacts = "-"
	if c.Kind == simulate.SectorDebt {
		contacts = fmt.Sprintf("%.2f", p.Contacts)
	}
	if c.Kind == simulate.SectorCallBombing {
		returned, lifetime, list, redial, retry, hours = "-", "-", "-", "-", "-", "-"
	}
	if !c.Abusive() {
		lifetime, list, redial = "-", "-", "-"
	}
	return
}

func fmtDelay(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return d.Round(time.Second).String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
