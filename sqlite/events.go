package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ringfence"
)

// Events returns the store's event log. Every write that changes what
// other nodes must see appends its event in its own transaction; Append is
// for events without a state change of their own here.
func (d *DB) Events() ringfence.EventLog { return eventLog{d} }

type eventLog struct{ d *DB }

// Append implements ringfence.EventLog.
func (l eventLog) Append(ctx context.Context, evs ...ringfence.Event) (int64, error) {
	var pos int64
	err := l.d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		pos, err = appendEvents(ctx, tx, evs...)
		return err
	})
	return pos, err
}

// appendEvents appends evs inside tx and returns the position of the last.
// It records each event, with its position, for the writer
// (ringfence.RecordAppended), which counts them only if the write as a
// whole succeeds.
func appendEvents(ctx context.Context, tx *sql.Tx, evs ...ringfence.Event) (int64, error) {
	var pos int64
	for i, ev := range evs {
		if ev.Type == "" {
			return 0, fmt.Errorf("event %d: no type", i)
		}
		body, err := json.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("event %d (%s): %w", i, ev.Type, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO events (type, body, at) VALUES (?, ?, ?)`, string(ev.Type), string(body), ms(ev.At))
		if err != nil {
			return 0, fmt.Errorf("event %d (%s): %w", i, ev.Type, err)
		}
		if pos, err = res.LastInsertId(); err != nil {
			return 0, err
		}
		ev.Position = pos
		ringfence.RecordAppended(ctx, ev)
	}
	return pos, nil
}

// Read implements ringfence.EventLog.
func (l eventLog) Read(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	var first sql.NullInt64
	if err := l.d.db.QueryRowContext(ctx, `SELECT MIN(position) FROM events`).Scan(&first); err != nil {
		return err
	}
	if first.Valid && first.Int64 > after+1 {
		return ringfence.Errorf(ringfence.ECONFLICT, "events after position %d were trimmed (the log starts at %d): reload a snapshot", after, first.Int64)
	}
	rows, err := l.d.db.QueryContext(ctx, `SELECT position, body FROM events WHERE position > ? ORDER BY position`, after)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pos int64
		var body string
		if err := rows.Scan(&pos, &body); err != nil {
			return err
		}
		var ev ringfence.Event
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			return fmt.Errorf("event %d: %w", pos, err)
		}
		ev.Position = pos
		if err := fn(ev); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pollEvery is how often a subscriber looks for events written by another
// process, which cannot wake it.
const pollEvery = time.Second

// Subscribe implements ringfence.EventLog.
func (l eventLog) Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		// Take the waiter before reading, so that a commit after the read
		// is not missed.
		w := l.d.waiter()
		if err := l.Read(ctx, after, func(ev ringfence.Event) error {
			if err := fn(ev); err != nil {
				return err
			}
			after = ev.Position
			return nil
		}); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w:
		case <-t.C:
		}
	}
}

// Head implements ringfence.EventLog.
func (l eventLog) Head(ctx context.Context) (int64, error) {
	var pos sql.NullInt64
	err := l.d.db.QueryRowContext(ctx, `SELECT MAX(position) FROM events`).Scan(&pos)
	return pos.Int64, err
}

// Trim implements ringfence.EventLog. The latest event stays, so that
// positions go on from it.
func (l eventLog) Trim(ctx context.Context, before time.Time) (int64, error) {
	res, err := l.d.db.ExecContext(ctx, `DELETE FROM events WHERE at < ? AND position < (SELECT MAX(position) FROM events)`, ms(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
