package postgres

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ringfence"
)

// importChunk is how many reports ImportReports reads before it locks and
// loads the stored state of their numbers and reporters and copies their
// report_events rows (all inside the import's one transaction).
const importChunk = 20000

// ImportReports stores every report next yields (until io.EOF) in ONE
// transaction, with the same outcome as AddReports called report by
// report in that order, as package sqlite's ImportReports does (see
// there): the stored state of each chunk's numbers and reporters is
// loaded once (the numbers' transaction locks taken first, as AddReports
// takes them), the reports are applied to it in memory, report_events go
// in by COPY, and the state after the whole file is written with one
// statement a table. One event per touched number and audit(n) commit
// with it; an error from next (or ctx) rolls everything back.
func (s *Store) ImportReports(ctx context.Context, next func() (ringfence.Report, error), boost func(ringfence.Report) float64, judge ringfence.Judge, audit func(n int) ringfence.AuditEntry) ([]ringfence.NumberTallies, error) {
	var out []ringfence.NumberTallies
	_, err := s.tx(ctx, func(tx *wtx) error {
		im := &importer{tx: tx, pairs: map[pairKey]*pairState{}, numbers: map[string]*numberState{}, tracks: map[string]*trackState{}}
		buf := make([]ringfence.Report, 0, importChunk)
		for done := false; !done; {
			buf = buf[:0]
			for len(buf) < importChunk {
				r, err := next()
				if err == io.EOF {
					done = true
					break
				} else if err != nil {
					return err
				}
				buf = append(buf, r)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := im.load(ctx, buf); err != nil {
				return err
			}
			im.n += len(buf)
			if len(buf) > 0 {
				im.lastAt = buf[len(buf)-1].ReceivedAt
			}
			// A repeat (ringfence.Report.Repeats) is applied as nothing:
			// no report event either.
			applied := buf[:0]
			for i := range buf {
				if im.add(&buf[i], boost, judge) {
					applied = append(applied, buf[i])
				}
			}
			if err := im.copyEvents(ctx, applied); err != nil {
				return err
			}
		}
		var err error
		if out, err = im.flush(ctx); err != nil {
			return err
		}
		for i := range out {
			tx.event(ringfence.Event{Type: ringfence.EventReport, At: im.lastAt, Tallies: &out[i]})
		}
		return insertAudit(ctx, tx, audit(im.n))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type pairKey struct{ number, reporter string }

// pairState is a stored report (one per number and reporter).
type pairState struct {
	r     ringfence.Report // Number, Reporter, Category, Source, times, Note, Weight, Complaints, Corroboration
	ref   float64
	clear bool // cleared by an accepted appeal
	dirty bool
}

type numberState struct {
	tallies []ringfence.Tally // by category, as tallies() reads them
	order   int               // when the import first touched it; -1 if not yet
}

type trackState struct {
	t     ringfence.Track
	dirty bool
}

type importer struct {
	tx      pgx.Tx
	pairs   map[pairKey]*pairState
	numbers map[string]*numberState
	tracks  map[string]*trackState
	touched []string // numbers in the order first touched
	n       int
	lastAt  time.Time
	scratch []ringfence.Tally // the tallies judge is shown
}

// load locks the numbers of rs that no earlier chunk loaded and reads
// their stored state, and that of rs's new reporters.
func (im *importer) load(ctx context.Context, rs []ringfence.Report) error {
	var nums, reps []string
	seenN, seenR := map[string]bool{}, map[string]bool{}
	for _, r := range rs {
		if _, ok := im.numbers[r.Number]; !ok && !seenN[r.Number] {
			seenN[r.Number] = true
			nums = append(nums, r.Number)
		}
		if _, ok := im.tracks[r.Reporter]; !ok && !seenR[r.Reporter] {
			seenR[r.Reporter] = true
			reps = append(reps, r.Reporter)
		}
	}
	for _, n := range nums {
		im.numbers[n] = &numberState{order: -1}
	}
	for _, id := range reps {
		im.tracks[id] = &trackState{}
	}
	if len(nums) > 0 {
		if err := lockNumbers(ctx, im.tx, nums...); err != nil {
			return err
		}
		rows, err := im.tx.Query(ctx, `SELECT number, category, reporters, weight, corroborated FROM tallies WHERE number = ANY($1) ORDER BY number, category COLLATE "C"`, nums)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n, c string
			var t ringfence.Tally
			if err := rows.Scan(&n, &c, &t.Reporters, &t.Weight, &t.Corroborated); err != nil {
				rows.Close()
				return err
			}
			t.Category = ringfence.Category(c)
			ns := im.numbers[n]
			ns.tallies = append(ns.tallies, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = im.tx.Query(ctx, `SELECT number, reporter, category, source, reported_at, received_at, called_at, note, weight, ref_weight, cleared, complaints, corroboration
			FROM reports WHERE number = ANY($1)`, nums)
		if err != nil {
			return err
		}
		for rows.Next() {
			p := &pairState{}
			var c, corr string
			var rep, rec, called int64
			if err := rows.Scan(&p.r.Number, &p.r.Reporter, &c, &p.r.Source, &rep, &rec, &called, &p.r.Note, &p.r.Weight, &p.ref, &p.clear, &p.r.Complaints, &corr); err != nil {
				rows.Close()
				return err
			}
			p.r.Category, p.r.Corroboration = ringfence.Category(c), ringfence.Corroboration(corr)
			p.r.ReportedAt, p.r.ReceivedAt, p.r.CalledAt = fromMS(rep), fromMS(rec), fromMS(called)
			im.pairs[pairKey{p.r.Number, p.r.Reporter}] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(reps) > 0 {
		rows, err := im.tx.Query(ctx, `SELECT id, reports, agreed, disagreed FROM reporters WHERE id = ANY($1)`, reps)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var t ringfence.Track
			if err := rows.Scan(&id, &t.Reports, &t.Agreed, &t.Disagreed); err != nil {
				rows.Close()
				return err
			}
			im.tracks[id].t = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// add applies one report to the state in memory exactly as addReport
// applies it to the tables, and reports whether it changed anything (a
// repeat does not).
func (im *importer) add(r *ringfence.Report, boost func(ringfence.Report) float64, judge ringfence.Judge) bool {
	ns := im.numbers[r.Number]
	if ns.order < 0 {
		ns.order = len(im.touched)
		im.touched = append(im.touched, r.Number)
	}
	key := pairKey{r.Number, r.Reporter}
	old, hadOld := im.pairs[key]
	if hadOld && r.Repeats(old.r) {
		r.Weight, r.Complaints = old.r.Weight, old.r.Complaints
		return false
	}
	if hadOld && !old.clear {
		if i := tallyAt(ns.tallies, old.r.Category); i >= 0 {
			t := &ns.tallies[i]
			t.Reporters--
			t.Weight = max(t.Weight-old.ref, 0)
			t.Corroborated = max(t.Corroborated-confirmed(old.r.Corroboration), 0)
		}
		ns.tallies = slices.DeleteFunc(ns.tallies, func(t ringfence.Tally) bool { return t.Reporters <= 0 })
	}
	tr := im.tracks[r.Reporter]
	var before []ringfence.Tally // reused report after report: the engine's judge reads it during the call only
	if len(ns.tallies) > 0 {
		im.scratch = append(im.scratch[:0], ns.tallies...)
		before = im.scratch
	}
	r.Complaints = 1
	if hadOld && !old.clear && r.Source != ringfence.SourceCrowd && r.Source == old.r.Source {
		r.Complaints = old.r.Complaints + 1
	}
	w, agree := judge(*r, tr.t, before)
	r.Weight = w
	ref := w * boost(*r)
	if old != nil {
		*old = pairState{r: *r, ref: ref, dirty: true}
	} else {
		im.pairs[key] = &pairState{r: *r, ref: ref, dirty: true}
	}
	if i := tallyAt(ns.tallies, r.Category); i >= 0 {
		t := &ns.tallies[i]
		t.Reporters++
		t.Weight += ref
		t.Corroborated += confirmed(r.Corroboration)
	} else {
		i, _ := slices.BinarySearchFunc(ns.tallies, r.Category, func(t ringfence.Tally, c ringfence.Category) int {
			return strings.Compare(string(t.Category), string(c))
		})
		ns.tallies = slices.Insert(ns.tallies, i, ringfence.Tally{Category: r.Category, Reporters: 1, Weight: ref, Corroborated: confirmed(r.Corroboration)})
	}
	// The track counts the numbers a reporter has reported: a changed
	// report (another category or time) replaces the earlier one and earns
	// no second count or agreement.
	if !hadOld {
		tr.t.Reports++
		switch {
		case agree > 0:
			tr.t.Agreed++
		case agree < 0:
			tr.t.Disagreed++
		}
	}
	tr.dirty = true
	return true
}

func tallyAt(ts []ringfence.Tally, c ringfence.Category) int {
	for i := range ts {
		if ts[i].Category == c {
			return i
		}
	}
	return -1
}

// copyEvents copies the report_events rows of a chunk.
func (im *importer) copyEvents(ctx context.Context, rs []ringfence.Report) error {
	_, err := im.tx.CopyFrom(ctx, pgx.Identifier{"report_events"}, []string{"number", "category", "source", "received_at"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			r := &rs[i]
			return []any{r.Number, string(r.Category), r.Source, ms(r.ReceivedAt)}, nil
		}))
	return err
}

// flush writes the state after the import: the reports, tallies and
// tracks it changed. It returns the touched numbers' tallies, in the order
// first touched.
func (im *importer) flush(ctx context.Context) ([]ringfence.NumberTallies, error) {
	var (
		num, rep, cat, src, note, corr []string
		repAt, recAt, calledAt         []int64
		weight, ref                    []float64
		complaints                     []int32
	)
	for _, p := range im.pairs {
		if !p.dirty {
			continue
		}
		num, rep, cat, src, note, corr = append(num, p.r.Number), append(rep, p.r.Reporter), append(cat, string(p.r.Category)), append(src, p.r.Source), append(note, p.r.Note), append(corr, string(p.r.Corroboration))
		repAt, recAt, calledAt = append(repAt, ms(p.r.ReportedAt)), append(recAt, ms(p.r.ReceivedAt)), append(calledAt, ms(p.r.CalledAt))
		weight, ref, complaints = append(weight, p.r.Weight), append(ref, p.ref), append(complaints, int32(p.r.Complaints))
	}
	if len(num) > 0 {
		if _, err := im.tx.Exec(ctx, `INSERT INTO reports (number, reporter, category, source, reported_at, received_at, called_at, note, weight, ref_weight, cleared, complaints, corroboration)
			SELECT n, r, c, s, ra, rc, ca, nt, w, rw, FALSE, cp, co FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::float8[], $10::float8[], $11::int[], $12::text[])
				AS u(n, r, c, s, ra, rc, ca, nt, w, rw, cp, co)
			ON CONFLICT (number, reporter) DO UPDATE SET category = excluded.category, source = excluded.source, reported_at = excluded.reported_at,
				received_at = excluded.received_at, called_at = excluded.called_at, note = excluded.note, weight = excluded.weight,
				ref_weight = excluded.ref_weight, cleared = FALSE, complaints = excluded.complaints, corroboration = excluded.corroboration`,
			num, rep, cat, src, repAt, recAt, calledAt, note, weight, ref, complaints, corr); err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
	}
	var ids []string
	var reports, agreed, disagreed []int32
	for id, t := range im.tracks {
		if t.dirty {
			ids, reports, agreed, disagreed = append(ids, id), append(reports, int32(t.t.Reports)), append(agreed, int32(t.t.Agreed)), append(disagreed, int32(t.t.Disagreed))
		}
	}
	if len(ids) > 0 {
		if _, err := im.tx.Exec(ctx, `INSERT INTO reporters (id, reports, agreed, disagreed) SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[])
			ON CONFLICT (id) DO UPDATE SET reports = excluded.reports, agreed = excluded.agreed, disagreed = excluded.disagreed`, ids, reports, agreed, disagreed); err != nil {
			return nil, fmt.Errorf("reporters: %w", err)
		}
	}
	if len(im.touched) == 0 {
		return nil, nil
	}
	if _, err := im.tx.Exec(ctx, `DELETE FROM tallies WHERE number = ANY($1)`, im.touched); err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	var rows [][]any
	out := make([]ringfence.NumberTallies, 0, len(im.touched))
	for _, n := range im.touched {
		ts := im.numbers[n].tallies
		for _, t := range ts {
			rows = append(rows, []any{n, string(t.Category), t.Reporters, t.Weight, t.Corroborated})
		}
		if len(ts) == 0 {
			ts = nil
		}
		out = append(out, ringfence.NumberTallies{Number: n, Tallies: ts})
	}
	if _, err := im.tx.CopyFrom(ctx, pgx.Identifier{"tallies"}, []string{"number", "category", "reporters", "weight", "corroborated"}, pgx.CopyFromRows(rows)); err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	return out, nil
}
