package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ringfence"
	"ringfence/reputation"
)

// AddReports implements ringfence.ReportStore. All reports go in one
// transaction: either every one of them is stored or none is.
func (d *DB) AddReports(ctx context.Context, rs []ringfence.Report, boost func(ringfence.Report) float64, judge ringfence.Judge) ([]ringfence.NumberTallies, error) {
	touched := map[string]bool{}
	var order []string
	var out []ringfence.NumberTallies
	err := d.tx(ctx, func(tx *sql.Tx) error {
		for i := range rs {
			r := &rs[i]
			if err := addReport(ctx, tx, r, boost, judge); err != nil {
				return fmt.Errorf("report %d of %d: %w", i+1, len(rs), err)
			}
			if !touched[r.Number] {
				touched[r.Number] = true
				order = append(order, r.Number)
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
			if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventReport, At: at, Tallies: &nt}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func addReport(ctx context.Context, tx *sql.Tx, r *ringfence.Report, boost func(ringfence.Report) float64, judge ringfence.Judge) error {
	var oldCat, oldSource, oldCorr string
	var oldRef, oldWeight float64
	var cleared, complaints int
	var oldAt int64
	err := tx.QueryRowContext(ctx, `SELECT category, source, ref_weight, cleared, complaints, corroboration, reported_at, weight FROM reports WHERE number = ? AND reporter = ?`, r.Number, r.Reporter).Scan(&oldCat, &oldSource, &oldRef, &cleared, &complaints, &oldCorr, &oldAt, &oldWeight)
	hadOld := err == nil
	if err != nil && !isNoRows(err) {
		return err
	}
	if hadOld && r.Repeats(ringfence.Report{Category: ringfence.Category(oldCat), Source: oldSource, ReportedAt: fromMS(oldAt)}) {
		r.Weight, r.Complaints = oldWeight, complaints
		return nil
	}
	if hadOld && cleared == 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE tallies SET reporters = reporters - 1, weight = MAX(weight - ?, 0), corroborated = MAX(corroborated - ?, 0) WHERE number = ? AND category = ?`,
			oldRef, ringfence.Corroboration(oldCorr).ConfirmedCount(), r.Number, oldCat); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tallies WHERE number = ? AND reporters <= 0`, r.Number); err != nil {
			return err
		}
	}
	var track reputation.Track
	err = tx.QueryRowContext(ctx, `SELECT reports, agreed, disagreed FROM reporters WHERE id = ?`, r.Reporter).Scan(&track.Reports, &track.Agreed, &track.Disagreed)
	if err != nil && !isNoRows(err) {
		return err
	}
	before, err := tallies(ctx, tx, r.Number)
	if err != nil {
		return err
	}
	r.Complaints = 1
	if hadOld && cleared == 0 && r.Source != ringfence.SourceCrowd && r.Source == oldSource {
		r.Complaints = complaints + 1
	}
	w, agree := judge(*r, track, before)
	r.Weight = w
	ref := w * boost(*r)
	if _, err := tx.ExecContext(ctx, `INSERT INTO reports (number, reporter, category, source, reported_at, received_at, called_at, note, weight, ref_weight, cleared, complaints, corroboration)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
		ON CONFLICT (number, reporter) DO UPDATE SET category = excluded.category, source = excluded.source, reported_at = excluded.reported_at,
			received_at = excluded.received_at, called_at = excluded.called_at, note = excluded.note, weight = excluded.weight,
			ref_weight = excluded.ref_weight, cleared = 0, complaints = excluded.complaints, corroboration = excluded.corroboration`,
		r.Number, r.Reporter, string(r.Category), r.Source, ms(r.ReportedAt), ms(r.ReceivedAt), ms(r.CalledAt), r.Note, w, ref, r.Complaints, string(r.Corroboration)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tallies (number, category, reporters, weight, corroborated) VALUES (?, ?, 1, ?, ?)
		ON CONFLICT (number, category) DO UPDATE SET reporters = reporters + 1, weight = weight + excluded.weight, corroborated = corroborated + excluded.corroborated`,
		r.Number, string(r.Category), ref, r.Corroboration.ConfirmedCount()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO report_events (number, category, source, received_at) VALUES (?, ?, ?, ?)`,
		r.Number, string(r.Category), r.Source, ms(r.ReceivedAt)); err != nil {
		return err
	}
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
	_, err = tx.ExecContext(ctx, `INSERT INTO reporters (id, reports, agreed, disagreed) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET reports = reports + excluded.reports, agreed = agreed + excluded.agreed, disagreed = disagreed + excluded.disagreed`, r.Reporter, n, a, dis)
	return err
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func tallies(ctx context.Context, q querier, number string) ([]reputation.Tally, error) {
	rows, err := q.QueryContext(ctx, `SELECT category, reporters, weight, corroborated FROM tallies WHERE number = ? ORDER BY category`, number)
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
func (d *DB) TallyOf(ctx context.Context, number string) ([]reputation.Tally, error) {
	return tallies(ctx, d.db, number)
}

// Tallies implements ringfence.ReportStore.
func (d *DB) Tallies(ctx context.Context, fn func(string, []reputation.Tally) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT number, category, reporters, weight, corroborated FROM tallies ORDER BY number`)
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
func (d *DB) ClearReports(ctx context.Context, number string, before time.Time) ([]reputation.Tally, error) {
	var ts []reputation.Tally
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if err := clearReports(ctx, tx, number, ms(before)); err != nil {
			return err
		}
		var err error
		if ts, err = tallies(ctx, tx, number); err != nil {
			return err
		}
		_, err = appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventReport, At: before, Tallies: &ringfence.NumberTallies{Number: number, Tallies: ts}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return ts, nil
}

// clearReports sets aside the reports on number received before beforeMS
// and recomputes its tallies from the rest, inside tx.
func clearReports(ctx context.Context, tx *sql.Tx, number string, beforeMS int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE reports SET cleared = 1 WHERE number = ? AND received_at < ?`, number, beforeMS); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tallies WHERE number = ?`, number); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tallies (number, category, reporters, weight, corroborated)
		SELECT number, category, COUNT(*), SUM(ref_weight), SUM(corroboration = 'confirmed') FROM reports WHERE number = ? AND cleared = 0 GROUP BY number, category`, number)
	return err
}

// ReportEvents implements ringfence.ReportStore.
func (d *DB) ReportEvents(ctx context.Context, from, to time.Time, fn func(ringfence.ReportEvent) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT number, category, source, received_at FROM report_events WHERE received_at >= ? AND received_at < ? ORDER BY id`, ms(from), ms(to))
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
func (d *DB) CountReports(ctx context.Context) (int64, error) {
	var n int64
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&n)
	return n, err
}
