package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ringfence"
	"ringfence/alias"
)

// AddPool implements ringfence.AliasStore.
func (s *Store) AddPool(ctx context.Context, ps []alias.PoolNumber, audit ringfence.AuditEntry) (added, nulls int, err error) {
	_, err = s.tx(ctx, func(tx *wtx) error {
		added, nulls = 0, 0
		var fresh []alias.PoolNumber
		for _, p := range ps {
			tag, err := tx.Exec(ctx, `INSERT INTO alias_pool (number, added_at, available_at, null_alias, state) VALUES ($1, $2, $3, $4, 'pool') ON CONFLICT (number) DO NOTHING`,
				p.Number, ms(p.AddedAt), ms(p.AvailableAt), p.Null)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				added++
				if p.Null {
					nulls++
				}
				// As Pool reads it back.
				p.AddedAt, p.AvailableAt = fromMS(ms(p.AddedAt)), time.UnixMilli(ms(p.AvailableAt)).UTC()
				p.State, p.Calls = alias.StatePool, 0
				fresh = append(fresh, p)
			}
		}
		if len(fresh) > 0 {
			tx.event(ringfence.Event{Type: ringfence.EventPool, At: audit.At, Pool: fresh})
		}
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return 0, 0, err
	}
	return added, nulls, nil
}

// Pool implements ringfence.AliasStore.
func (s *Store) Pool(ctx context.Context, fn func(alias.PoolNumber) error) error {
	rows, err := s.pool.Query(ctx, `SELECT number, added_at, available_at, null_alias, state, calls FROM alias_pool ORDER BY number`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p alias.PoolNumber
		var added, avail int64
		if err := rows.Scan(&p.Number, &added, &avail, &p.Null, &p.State, &p.Calls); err != nil {
			return err
		}
		p.AddedAt, p.AvailableAt = fromMS(added), time.UnixMilli(avail).UTC()
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

const insertBinding = `INSERT INTO alias_bindings (alias, subscriber, merchant, merchant_numbers, block_strangers, created_at, ledger_index, purpose, export_id, org) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

// BindAlias implements ringfence.AliasStore. The number is taken with
// FOR UPDATE SKIP LOCKED, so that two nodes binding at once never pick the
// same one.
func (s *Store) BindAlias(ctx context.Context, b *alias.Binding, now time.Time) error {
	var num string
	_, err := s.tx(ctx, func(tx *wtx) error {
		err := tx.QueryRow(ctx, `SELECT number FROM alias_pool WHERE state = 'pool' AND NOT null_alias AND available_at <= $1 AND calls <= $2 ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED`,
			now.UnixMilli(), alias.MaxQuarantineCalls).Scan(&num)
		if isNoRows(err) {
			return ringfence.Errorf(ringfence.ENOTFOUND, "no alias number available: add numbers with 'alias pool add' or wait for quarantine to end")
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE alias_pool SET state = 'bound' WHERE number = $1`, num); err != nil {
			return err
		}
		mn, _ := json.Marshal(b.MerchantNumbers)
		purpose := b.Purpose
		if purpose == "" {
			purpose = alias.PurposeAlias
		}
		if _, err = tx.Exec(ctx, insertBinding, num, b.Subscriber, b.Merchant, string(mn), b.BlockStrangers, ms(b.CreatedAt), b.LedgerIndex, purpose, b.ExportID, b.Org); err != nil {
			return err
		}
		return bindingEvent(ctx, tx, num, now)
	})
	if err != nil {
		return err
	}
	b.Alias = num
	if b.Purpose == "" {
		b.Purpose = alias.PurposeAlias
	}
	return nil
}

// BindAliases implements ringfence.AliasStore.
func (s *Store) BindAliases(ctx context.Context, bs []*alias.Binding, audit []ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		for _, b := range bs {
			tag, err := tx.Exec(ctx, `UPDATE alias_pool SET state = 'bound' WHERE number = $1 AND state = 'pool' AND NOT null_alias`, b.Alias)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return ringfence.Errorf(ringfence.ECONFLICT, "alias pool: %s is no longer free", b.Alias)
			}
			if b.Purpose == "" {
				b.Purpose = alias.PurposeAlias
			}
			mn, _ := json.Marshal(b.MerchantNumbers)
			if _, err := tx.Exec(ctx, insertBinding, b.Alias, b.Subscriber, b.Merchant, string(mn), b.BlockStrangers, ms(b.CreatedAt), b.LedgerIndex, b.Purpose, b.ExportID, b.Org); err != nil {
				return err
			}
			if err := bindingEvent(ctx, tx, b.Alias, b.CreatedAt); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, audit...)
	})
	return err
}

// UnbindAliases implements ringfence.AliasStore.
func (s *Store) UnbindAliases(ctx context.Context, nums []string, audit []ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		for _, n := range nums {
			tag, err := tx.Exec(ctx, `DELETE FROM alias_bindings WHERE alias = $1 AND ledger_index < 0`, n)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return ringfence.Errorf(ringfence.ECONFLICT, "alias %s: not an unrecorded binding, not released", n)
			}
			if _, err := tx.Exec(ctx, `UPDATE alias_pool SET state = 'pool' WHERE number = $1 AND state = 'bound'`, n); err != nil {
				return err
			}
			tx.event(ringfence.Event{Type: ringfence.EventAliasBinding, At: time.Now().UTC(), Binding: &alias.Binding{Alias: n}, Unbound: true})
		}
		return insertAudit(ctx, tx, audit...)
	})
	return err
}

// SetBindingsLedger implements ringfence.AliasStore.
func (s *Store) SetBindingsLedger(ctx context.Context, index map[string]int64) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		for a, i := range index {
			tag, err := tx.Exec(ctx, `UPDATE alias_bindings SET ledger_index = $1 WHERE alias = $2`, i, a)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			if err := bindingEvent(ctx, tx, a, time.Now().UTC()); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// UnrecordedLeaks implements ringfence.AliasStore.
func (s *Store) UnrecordedLeaks(ctx context.Context) ([]ringfence.AliasEvent, error) {
	return s.aliasEvents(ctx, `WHERE outcome = 'stranger' AND ledger_index < 0 ORDER BY id`)
}

// LeakByLedger implements ringfence.AliasStore.
func (s *Store) LeakByLedger(ctx context.Context, index int64) (ringfence.AliasEvent, error) {
	evs, err := s.aliasEvents(ctx, `WHERE ledger_index = $1 AND outcome = 'stranger' ORDER BY id DESC LIMIT 1`, index)
	if err != nil {
		return ringfence.AliasEvent{}, err
	}
	if len(evs) == 0 {
		return ringfence.AliasEvent{}, notFound("no recorded call for ledger entry %d", index)
	}
	return evs[0], nil
}

// SetBindingLedger implements ringfence.AliasStore.
func (s *Store) SetBindingLedger(ctx context.Context, num string, index int64) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		tag, err := tx.Exec(ctx, `UPDATE alias_bindings SET ledger_index = $1 WHERE alias = $2`, index, num)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		return bindingEvent(ctx, tx, num, time.Now().UTC())
	})
	return err
}

const bindingCols = `alias, subscriber, merchant, merchant_numbers, block_strangers, created_at, ledger_index, purpose, export_id, org`

func scanBinding(s interface{ Scan(...any) error }) (alias.Binding, error) {
	var b alias.Binding
	var mn string
	var at int64
	if err := s.Scan(&b.Alias, &b.Subscriber, &b.Merchant, &mn, &b.BlockStrangers, &at, &b.LedgerIndex, &b.Purpose, &b.ExportID, &b.Org); err != nil {
		return b, err
	}
	b.CreatedAt = fromMS(at)
	err := json.Unmarshal([]byte(mn), &b.MerchantNumbers)
	return b, err
}

// bindingEvent queues, inside tx, the event of the binding of num as it
// now stands there.
func bindingEvent(ctx context.Context, tx *wtx, num string, at time.Time) error {
	b, err := scanBinding(tx.QueryRow(ctx, `SELECT `+bindingCols+` FROM alias_bindings WHERE alias = $1`, num))
	if err != nil {
		return fmt.Errorf("binding %s: %w", num, err)
	}
	tx.event(ringfence.Event{Type: ringfence.EventAliasBinding, At: at, Binding: &b})
	return nil
}

// Bindings implements ringfence.AliasStore.
func (s *Store) Bindings(ctx context.Context, fn func(alias.Binding) error) error {
	rows, err := s.pool.Query(ctx, `SELECT `+bindingCols+` FROM alias_bindings ORDER BY created_at, alias`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AddAliasEvent implements ringfence.AliasStore.
func (s *Store) AddAliasEvent(ctx context.Context, ev *ringfence.AliasEvent) error {
	var id int64
	_, err := s.tx(ctx, func(tx *wtx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO alias_events (at, alias, caller, outcome, merchant, subscriber, duration_s, answered, ledger_index, sequential) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			ms(ev.At), ev.Alias, ev.Caller, ev.Outcome, ev.Merchant, ev.Subscriber, ev.Duration, ev.Answered, ev.LedgerIndex, ev.Sequential).Scan(&id); err != nil {
			return err
		}
		if ev.Outcome == alias.Stranger {
			leak := *ev
			leak.ID, leak.Subscriber = id, ""
			tx.event(ringfence.Event{Type: ringfence.EventLeak, At: ev.At, Leak: &leak})
		}
		if ev.Outcome == alias.Quarantine || ev.Outcome == alias.Null {
			var p alias.PoolNumber
			var added, avail int64
			err := tx.QueryRow(ctx, `UPDATE alias_pool SET calls = calls + 1, state = CASE WHEN state = 'pool' AND NOT null_alias AND calls + 1 > $1 THEN 'retired' ELSE state END WHERE number = $2
				RETURNING number, added_at, available_at, null_alias, state, calls`,
				alias.MaxQuarantineCalls, ev.Alias).Scan(&p.Number, &added, &avail, &p.Null, &p.State, &p.Calls)
			if isNoRows(err) {
				return nil
			} else if err != nil {
				return err
			}
			// The pool number as it now stands, for other nodes.
			p.AddedAt, p.AvailableAt = fromMS(added), time.UnixMilli(avail).UTC()
			tx.event(ringfence.Event{Type: ringfence.EventPool, At: ev.At, Pool: []alias.PoolNumber{p}})
		}
		return nil
	})
	if err == nil {
		ev.ID = id
	}
	return err
}

// SetAliasEventLedger implements ringfence.AliasStore.
func (s *Store) SetAliasEventLedger(ctx context.Context, id, index int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE alias_events SET ledger_index = $1 WHERE id = $2`, index, id)
	return err
}

// AliasEvents implements ringfence.AliasStore.
func (s *Store) AliasEvents(ctx context.Context, num string) ([]ringfence.AliasEvent, error) {
	return s.aliasEvents(ctx, `WHERE alias = $1 ORDER BY id`, num)
}

func (s *Store) aliasEvents(ctx context.Context, where string, args ...any) ([]ringfence.AliasEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, alias, caller, outcome, merchant, subscriber, duration_s, answered, ledger_index, sequential FROM alias_events `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ringfence.AliasEvent
	for rows.Next() {
		var ev ringfence.AliasEvent
		var at int64
		if err := rows.Scan(&ev.ID, &at, &ev.Alias, &ev.Caller, &ev.Outcome, &ev.Merchant, &ev.Subscriber, &ev.Duration, &ev.Answered, &ev.LedgerIndex, &ev.Sequential); err != nil {
			return nil, err
		}
		ev.At = fromMS(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// SetBlockStrangers implements ringfence.AliasStore.
func (s *Store) SetBlockStrangers(ctx context.Context, num string, block bool, audit ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		tag, err := tx.Exec(ctx, `UPDATE alias_bindings SET block_strangers = $1 WHERE alias = $2`, block, num)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound("%s is not a bound alias", num)
		}
		if err := bindingEvent(ctx, tx, num, audit.At); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	return err
}
