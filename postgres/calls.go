package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"ringfence"
)

// AddCalls implements ringfence.CallStore. The calls go in one COPY, in
// one transaction.
func (s *Store) AddCalls(ctx context.Context, cs []ringfence.CallEvent) error {
	if len(cs) == 0 {
		return nil
	}
	_, err := s.tx(ctx, func(tx *wtx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"call_events"}, []string{"at", "caller", "callee", "action", "category", "score", "reasons", "source"},
			pgx.CopyFromSlice(len(cs), func(i int) ([]any, error) {
				c := cs[i]
				reasons, err := json.Marshal(c.Reasons)
				if err != nil {
					return nil, err
				}
				return []any{ms(c.At), c.Caller, c.Callee, string(c.Action), string(c.Category), c.Score, string(reasons), c.Source}, nil
			}))
		return err
	})
	return err
}

// Calls implements ringfence.CallStore.
func (s *Store) Calls(ctx context.Context, from, to time.Time, fn func(ringfence.CallEvent) error) error {
	rows, err := s.pool.Query(ctx, `SELECT at, caller, callee, action, category, score, reasons, source FROM call_events WHERE at >= $1 AND at < $2 ORDER BY at, id`, ms(from), ms(to))
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
func (s *Store) PruneCalls(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM call_events WHERE at < $1`, ms(before))
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
