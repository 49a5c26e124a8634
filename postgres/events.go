package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ringfence"
)

// Events returns the store's event log. Every write that changes what
// other nodes must see appends its event in its own transaction; Append is
// for events without a state change of their own here.
//
// Positions are handed out from the one row of event_head, whose row lock
// a transaction takes as its last step before committing: appenders
// commit one at a time, in position order, and the positions are gapless
// (a transaction that rolls back gives its positions back). A reader's
// snapshot therefore holds a prefix of the log, never position n+1
// without n, so reading "after p" skips nothing committed late. The lock
// is held only for the inserts of the events and the commit, after the
// write's own row locks, so it adds no deadlock.
func (s *Store) Events() ringfence.EventLog { return eventLog{s} }

type eventLog struct{ s *Store }

// Append implements ringfence.EventLog.
func (l eventLog) Append(ctx context.Context, evs ...ringfence.Event) (int64, error) {
	return l.s.tx(ctx, func(w *wtx) error {
		for _, ev := range evs {
			w.event(ev)
		}
		return nil
	})
}

// appendPending appends evs inside tx, with positions from event_head, and
// tells listeners at commit. It returns the position of the last.
func appendPending(ctx context.Context, tx pgx.Tx, evs []ringfence.Event) (int64, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	types := make([]string, len(evs))
	bodies := make([]string, len(evs))
	ats := make([]int64, len(evs))
	for i, ev := range evs {
		if ev.Type == "" {
			return 0, fmt.Errorf("event %d: no type", i)
		}
		body, err := json.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("event %d (%s): %w", i, ev.Type, err)
		}
		types[i], bodies[i], ats[i] = string(ev.Type), string(body), ms(ev.At)
	}
	var last int64
	if err := tx.QueryRow(ctx, `UPDATE event_head SET position = position + $1 RETURNING position`, len(evs)).Scan(&last); err != nil {
		return 0, fmt.Errorf("event log head: %w", err)
	}
	first := last - int64(len(evs)) + 1
	if _, err := tx.Exec(ctx, `INSERT INTO events (position, type, body, at)
		SELECT $1 + i - 1, t, b, a FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS e(t, b, a, i)`,
		first, types, bodies, ats); err != nil {
		return 0, fmt.Errorf("events %d–%d: %w", first, last, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, eventChannel, fmt.Sprint(last)); err != nil {
		return 0, err
	}
	return last, nil
}

// Read implements ringfence.EventLog. It reads in one snapshot, so the
// check for trimmed events and the events read agree.
func (l eventLog) Read(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	return pgx.BeginTxFunc(ctx, l.s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var first *int64
		if err := tx.QueryRow(ctx, `SELECT MIN(position) FROM events`).Scan(&first); err != nil {
			return err
		}
		if first != nil && *first > after+1 {
			return ringfence.Errorf(ringfence.ECONFLICT, "events after position %d were trimmed (the log starts at %d): reload a snapshot", after, *first)
		}
		rows, err := tx.Query(ctx, `SELECT position, body FROM events WHERE position > $1 ORDER BY position`, after)
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
	})
}

// pollEvery bounds how long a subscriber waits when a notification is
// lost (LISTEN is not durable across a dropped connection).
const pollEvery = time.Second

// Subscribe implements ringfence.EventLog. It listens for the
// notification every append sends at commit, from any node, and reads
// again when one comes (or every pollEvery).
func (l eventLog) Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	conn, err := l.s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection has a LISTEN and may be cut mid-wait: it does not go
	// back to the pool. Being outside the pool's classifying wrapper
	// (pool.go), its errors are classified here.
	pc := conn.Hijack()
	defer func() { pc.Close(context.WithoutCancel(ctx)) }()
	if _, err := pc.Exec(ctx, `LISTEN `+eventChannel); err != nil {
		return unavailable(err)
	}
	for {
		if err := l.Read(ctx, after, func(ev ringfence.Event) error {
			if err := fn(ev); err != nil {
				return err
			}
			after = ev.Position
			return nil
		}); err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, pollEvery)
		_, err := pc.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && wctx.Err() == nil {
			return fmt.Errorf("event log: wait for events: %w", unavailable(err))
		}
		if pc.IsClosed() {
			// A timed-out wait closes the connection: listen again.
			pc.Close(context.WithoutCancel(ctx))
			if conn, err = l.s.pool.Acquire(ctx); err != nil {
				return err
			}
			pc = conn.Hijack()
			if _, err := pc.Exec(ctx, `LISTEN `+eventChannel); err != nil {
				return unavailable(err)
			}
		}
	}
}

// Head implements ringfence.EventLog.
func (l eventLog) Head(ctx context.Context) (int64, error) {
	var pos int64
	err := l.s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM events`).Scan(&pos)
	return pos, err
}

// Trim implements ringfence.EventLog. The latest event stays, so that
// positions go on from it (event_head keeps them going in any case).
func (l eventLog) Trim(ctx context.Context, before time.Time) (int64, error) {
	tag, err := l.s.pool.Exec(ctx, `DELETE FROM events WHERE at < $1 AND position < (SELECT MAX(position) FROM events)`, ms(before))
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
