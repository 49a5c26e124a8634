package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"ringfence"
)

// AddCalls implements ringfence.CallStore.
func (d *DB) AddCalls(ctx context.Context, cs []ringfence.CallEvent) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO call_events (at, caller, callee, action, category, score, reasons, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, c := range cs {
			reasons, _ := json.Marshal(c.Reasons)
			if _, err := st.ExecContext(ctx, ms(c.At), c.Caller, c.Callee, string(c.Action), string(c.Category), c.Score, string(reasons), c.Source); err != nil {
				return err
			}
		}
		return nil
	})
}

// Calls implements ringfence.CallStore.
func (d *DB) Calls(ctx context.Context, from, to time.Time, fn func(ringfence.CallEvent) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT at, caller, callee, action, category, score, reasons, source FROM call_events WHERE at >= ? AND at < ? ORDER BY at, id`, ms(from), ms(to))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c ringfence.CallEvent
		var at int64
		var action, cat, reasons string
		if err := rows.Scan(&at, &c.Caller, &c.Callee, &action, &cat, &c.Score, &reasons, &c.Source); err != nil {
			return err
		}
		c.At, c.Action, c.Category = fromMS(at), ringfence.Action(action), ringfence.Category(cat)
		if err := json.Unmarshal([]byte(reasons), &c.Reasons); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PruneCalls implements ringfence.CallStore.
func (d *DB) PruneCalls(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM call_events WHERE at < ?`, ms(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
