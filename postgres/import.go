package postgres

import (
	"context"
	"fmt"
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
		im := &importer{tx: tx, ReportBatch: ringfence.NewReportBatch()}
		var err error
		im.n, im.lastAt, err = im.Import(ctx, next, importChunk, boost, judge,
			func(rs []ringfence.Report) error { return im.load(ctx, rs) },
			func(rs []ringfence.Report) error { return im.copyEvents(ctx, rs) })
		if err != nil {
			return err
		}
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

type importer struct {
	tx pgx.Tx
	*ringfence.ReportBatch
	n      int
	lastAt time.Time
}

// load locks the numbers of rs that no earlier chunk loaded and reads
// their stored state, and that of rs's new reporters.
func (im *importer) load(ctx context.Context, rs []ringfence.Report) error {
	var nums, reps []string
	seenN, seenR := map[string]bool{}, map[string]bool{}
	for _, r := range rs {
		if _, ok := im.Numbers[r.Number]; !ok && !seenN[r.Number] {
			seenN[r.Number] = true
			nums = append(nums, r.Number)
		}
		if _, ok := im.Tracks[r.Reporter]; !ok && !seenR[r.Reporter] {
			seenR[r.Reporter] = true
			reps = append(reps, r.Reporter)
		}
	}
	for _, n := range nums {
		im.Numbers[n] = &ringfence.BatchNumber{Order: -1}
	}
	for _, id := range reps {
		im.Tracks[id] = &ringfence.BatchTrack{}
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
			ns := im.Numbers[n]
			ns.Tallies = append(ns.Tallies, t)
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
			p := &ringfence.StoredReport{}
			var c, corr string
			var rep, rec, called int64
			if err := rows.Scan(&p.Report.Number, &p.Report.Reporter, &c, &p.Report.Source, &rep, &rec, &called, &p.Report.Note, &p.Report.Weight, &p.Ref, &p.Cleared, &p.Report.Complaints, &corr); err != nil {
				rows.Close()
				return err
			}
			p.Report.Category, p.Report.Corroboration = ringfence.Category(c), ringfence.Corroboration(corr)
			p.Report.ReportedAt, p.Report.ReceivedAt, p.Report.CalledAt = fromMS(rep), fromMS(rec), fromMS(called)
			im.Pairs[ringfence.ReportKey{Number: p.Report.Number, Reporter: p.Report.Reporter}] = p
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
			im.Tracks[id].Track = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
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
	for _, p := range im.Pairs {
		if !p.Dirty {
			continue
		}
		num, rep, cat, src, note, corr = append(num, p.Report.Number), append(rep, p.Report.Reporter), append(cat, string(p.Report.Category)), append(src, p.Report.Source), append(note, p.Report.Note), append(corr, string(p.Report.Corroboration))
		repAt, recAt, calledAt = append(repAt, ms(p.Report.ReportedAt)), append(recAt, ms(p.Report.ReceivedAt)), append(calledAt, ms(p.Report.CalledAt))
		weight, ref, complaints = append(weight, p.Report.Weight), append(ref, p.Ref), append(complaints, int32(p.Report.Complaints))
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
	for id, t := range im.Tracks {
		if t.Dirty {
			ids, reports, agreed, disagreed = append(ids, id), append(reports, int32(t.Track.Reports)), append(agreed, int32(t.Track.Agreed)), append(disagreed, int32(t.Track.Disagreed))
		}
	}
	if len(ids) > 0 {
		if _, err := im.tx.Exec(ctx, `INSERT INTO reporters (id, reports, agreed, disagreed) SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[])
			ON CONFLICT (id) DO UPDATE SET reports = excluded.reports, agreed = excluded.agreed, disagreed = excluded.disagreed`, ids, reports, agreed, disagreed); err != nil {
			return nil, fmt.Errorf("reporters: %w", err)
		}
	}
	if len(im.Touched) == 0 {
		return nil, nil
	}
	if _, err := im.tx.Exec(ctx, `DELETE FROM tallies WHERE number = ANY($1)`, im.Touched); err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	var rows [][]any
	out := make([]ringfence.NumberTallies, 0, len(im.Touched))
	for _, n := range im.Touched {
		ts := im.Numbers[n].Tallies
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
