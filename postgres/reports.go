package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"ringfence"
	"ringfence/reputation"
)

// AddReports implements ringfence.ReportStore. All reports go in one
// transaction: either every one of them is stored or none is. The
// transaction first locks the numbers it touches, so that concurrent
// writes of one number's reports see each other's tallies as SQLite's
// single writer does.
func (s *Store) AddReports(ctx context.Context, rs []ringfence.Report, boost func(ringfence.Report) float64, judge ringfence.Judge) ([]ringfence.NumberTallies, error) {
	var out []ringfence.NumberTallies
	_, err := s.tx(ctx, func(tx *wtx) error {
		out = nil
		touched := map[string]bool{}
		var order []string
		for _, r := range rs {
			if !touched[r.Number] {
				touched[r.Number] = true
				order = append(order, r.Number)
			}
		}
		if err := lockNumbers(ctx, tx, order...); err != nil {
			return err
		}
		for i := range rs {
			if err := addReport(ctx, tx, &rs[i], boost, judge); err != nil {
				return fmt.Errorf("report %d of %d: %w", i+1, len(rs), err)
			}
		}
		// The tallies after the batch, read in its transaction, are what it
		// returns and what its events carry.
		at := time.Now().UTC()
		if len(rs) > 0 {
			at = rs[len(rs)-1].ReceivedAt
		}
		for _, n := range order {
			ts, err := tallies(ctx, tx, n)
			if err != nil {
				return err
			}
			nt := ringfence.NumberTallies{Number: n, Tallies: ts}
			out = append(out, nt)
			tx.event(ringfence.Event{Type: ringfence.EventReport, At: at, Tallies: &nt})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addReport stores one report inside tx in two round trips: one batch
// reads what the judge needs (the reporter's earlier report on the
// number, its track, the number's tallies), the other writes the report
// and its tallies.
func addReport(ctx context.Context, tx *wtx, r *ringfence.Report, boost func(ringfence.Report) float64, judge ringfence.Judge) error {
	var oldCat, oldSource, oldCorr string
	var oldRef, oldWeight float64
	var cleared bool
	var complaints int
	var oldAt int64
	var hadOld bool
	var track reputation.Track
	var before []reputation.Tally
	b := &pgx.Batch{}
	b.Queue(`SELECT category, source, ref_weight, cleared, complaints, corroboration, reported_at, weight FROM reports WHERE number = $1 AND reporter = $2`, r.Number, r.Reporter).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&oldCat, &oldSource, &oldRef, &cleared, &complaints, &oldCorr, &oldAt, &oldWeight)
		hadOld = err == nil
		if isNoRows(err) {
			return nil
		}
		return err
	})
	b.Queue(`SELECT reports, agreed, disagreed FROM reporters WHERE id = $1`, r.Reporter).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&track.Reports, &track.Agreed, &track.Disagreed)
		if isNoRows(err) {
			return nil
		}
		return err
	})
	b.Queue(`SELECT category, reporters, weight, corroborated FROM tallies WHERE number = $1 ORDER BY category`, r.Number).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var t reputation.Tally
			var c string
			if err := rows.Scan(&c, &t.Reporters, &t.Weight, &t.Corroborated); err != nil {
				return err
			}
			t.Category = ringfence.Category(c)
			before = append(before, t)
		}
		return rows.Err()
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if hadOld && r.Repeats(ringfence.Report{Category: ringfence.Category(oldCat), Source: oldSource, ReportedAt: fromMS(oldAt)}) {
		r.Weight, r.Complaints = oldWeight, complaints
		return nil
	}
	w := &pgx.Batch{}
	if hadOld && !cleared {
		// The reporter's earlier report leaves the tallies, as the
		// statements queued here do in the table.
		oldConfirmed := ringfence.Corroboration(oldCorr).ConfirmedCount()
		w.Queue(`UPDATE tallies SET reporters = reporters - 1, weight = GREATEST(weight - $1, 0), corroborated = GREATEST(corroborated - $2, 0) WHERE number = $3 AND category = $4`,
			oldRef, oldConfirmed, r.Number, oldCat)
		w.Queue(`DELETE FROM tallies WHERE number = $1 AND reporters <= 0`, r.Number)
		kept := before[:0]
		for _, t := range before {
			if t.Category == ringfence.Category(oldCat) {
				t.Reporters--
				t.Weight = math.Max(t.Weight-oldRef, 0)
				t.Corroborated = max(t.Corroborated-oldConfirmed, 0)
			}
			if t.Reporters > 0 {
				kept = append(kept, t)
			}
		}
		before = kept
	}
	r.Complaints = 1
	if hadOld && !cleared && r.Source != ringfence.SourceCrowd && r.Source == oldSource {
		r.Complaints = complaints + 1
	}
	weight, agree := judge(*r, track, before)
	r.Weight = weight
	ref := weight * boost(*r)
	w.Queue(`INSERT INTO reports (number, reporter, category, source, reported_at, received_at, called_at, note, weight, ref_weight, cleared, complaints, corroboration)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, $11, $12)
		ON CONFLICT (number, reporter) DO UPDATE SET category = excluded.category, source = excluded.source, reported_at = excluded.reported_at,
			received_at = excluded.received_at, called_at = excluded.called_at, note = excluded.note, weight = excluded.weight,
			ref_weight = excluded.ref_weight, cleared = FALSE, complaints = excluded.complaints, corroboration = excluded.corroboration`,
		r.Number, r.Reporter, string(r.Category), r.Source, ms(r.ReportedAt), ms(r.ReceivedAt), ms(r.CalledAt), r.Note, weight, ref, r.Complaints, string(r.Corroboration))
	w.Queue(`INSERT INTO tallies (number, category, reporters, weight, corroborated) VALUES ($1, $2, 1, $3, $4)
		ON CONFLICT (number, category) DO UPDATE SET reporters = tallies.reporters + 1, weight = tallies.weight + excluded.weight,
			corroborated = tallies.corroborated + excluded.corroborated`, r.Number, string(r.Category), ref, r.Corroboration.ConfirmedCount())
	w.Queue(`INSERT INTO report_events (number, category, source, received_at) VALUES ($1, $2, $3, $4)`,
		r.Number, string(r.Category), r.Source, ms(r.ReceivedAt))
	// The track counts the numbers a reporter has reported: a changed
	// report (another category or time) replaces the earlier one and earns
	// no second count or agreement.
	var n, a, dis int
	if !hadOld {
		n = 1
		switch {
		case agree > 0:
			a = 1
		case agree < 0:
			dis = 1
		}
	}
	w.Queue(`INSERT INTO reporters (id, reports, agreed, disagreed) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET reports = reporters.reports + excluded.reports, agreed = reporters.agreed + excluded.agreed, disagreed = reporters.disagreed + excluded.disagreed`, r.Reporter, n, a, dis)
	return tx.SendBatch(ctx, w).Close()
}

type querier interface {
	Query(ctx context.Context, q string, args ...any) (pgx.Rows, error)
}

func tallies(ctx context.Context, q querier, number string) ([]reputation.Tally, error) {
	rows, err := q.Query(ctx, `SELECT category, reporters, weight, corroborated FROM tallies WHERE number = $1 ORDER BY category`, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []reputation.Tally
	for rows.Next() {
		var t reputation.Tally
		var c string
		if err := rows.Scan(&c, &t.Reporters, &t.Weight, &t.Corroborated); err != nil {
			return nil, err
		}
		t.Category = ringfence.Category(c)
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// TallyOf implements ringfence.ReportStore.
func (s *Store) TallyOf(ctx context.Context, number string) ([]reputation.Tally, error) {
	return tallies(ctx, s.pool, number)
}

// Tallies implements ringfence.ReportStore.
func (s *Store) Tallies(ctx context.Context, fn func(string, []reputation.Tally) error) error {
	rows, err := s.pool.Query(ctx, `SELECT number, category, reporters, weight, corroborated FROM tallies ORDER BY number, category`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur string
	var ts []reputation.Tally
	for rows.Next() {
		var n, c string
		var t reputation.Tally
		if err := rows.Scan(&n, &c, &t.Reporters, &t.Weight, &t.Corroborated); err != nil {
			return err
		}
		if n != cur && len(ts) > 0 {
			if err := fn(cur, ts); err != nil {
				return err
			}
			ts = ts[:0]
		}
		cur = n
		t.Category = ringfence.Category(c)
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ts) > 0 {
		return fn(cur, ts)
	}
	return nil
}

// ClearReports implements ringfence.ReportStore.
func (s *Store) ClearReports(ctx context.Context, number string, before time.Time) ([]reputation.Tally, error) {
	var ts []reputation.Tally
	_, err := s.tx(ctx, func(tx *wtx) error {
		if err := clearReports(ctx, tx, number, ms(before)); err != nil {
			return err
		}
		var err error
		if ts, err = tallies(ctx, tx, number); err != nil {
			return err
		}
		tx.event(ringfence.Event{Type: ringfence.EventReport, At: before, Tallies: &ringfence.NumberTallies{Number: number, Tallies: ts}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ts, nil
}

// clearReports sets aside the reports on number received before beforeMS
// and recomputes its tallies from the rest, inside tx, holding the
// number's lock.
func clearReports(ctx context.Context, tx *wtx, number string, beforeMS int64) error {
	if err := lockNumbers(ctx, tx, number); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE reports SET cleared = TRUE WHERE number = $1 AND received_at < $2`, number, beforeMS); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM tallies WHERE number = $1`, number); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO tallies (number, category, reporters, weight, corroborated)
		SELECT number, category, COUNT(*), SUM(ref_weight), COUNT(*) FILTER (WHERE corroboration = 'confirmed')
		FROM reports WHERE number = $1 AND NOT cleared GROUP BY number, category`, number)
	return err
}

// ReportEvents implements ringfence.ReportStore.
func (s *Store) ReportEvents(ctx context.Context, from, to time.Time, fn func(ringfence.ReportEvent) error) error {
	rows, err := s.pool.Query(ctx, `SELECT number, category, source, received_at FROM report_events WHERE received_at >= $1 AND received_at < $2 ORDER BY id`, ms(from), ms(to))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e ringfence.ReportEvent
		var c string
		var at int64
		if err := rows.Scan(&e.Number, &c, &e.Source, &at); err != nil {
			return err
		}
		e.Category, e.ReceivedAt = ringfence.Category(c), fromMS(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountReports implements ringfence.ReportStore.
func (s *Store) CountReports(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM reports`).Scan(&n)
	return n, err
}
