package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ringfence"
	"ringfence/alias"
)

// AddPool implements ringfence.AliasStore.
func (d *DB) AddPool(ctx context.Context, ps []alias.PoolNumber, audit ringfence.AuditEntry) (added, nulls int, err error) {
	err = d.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO alias_pool (number, added_at, available_at, null_alias, state) VALUES (?, ?, ?, ?, 'pool') ON CONFLICT (number) DO NOTHING`)
		if err != nil {
			return err
		}
		defer st.Close()
		var fresh []alias.PoolNumber
		for _, p := range ps {
			res, err := st.ExecContext(ctx, p.Number, ms(p.AddedAt), ms(p.AvailableAt), boolInt(p.Null))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
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
			if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventPool, At: audit.At, Pool: fresh}); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return 0, 0, err
	}
	return added, nulls, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Pool implements ringfence.AliasStore.
func (d *DB) Pool(ctx context.Context, fn func(alias.PoolNumber) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT `+poolCols+` FROM alias_pool ORDER BY number`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BindAlias implements ringfence.AliasStore.
func (d *DB) BindAlias(ctx context.Context, b *alias.Binding, now time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var num string
		err := tx.QueryRowContext(ctx, `SELECT number FROM alias_pool WHERE state = 'pool' AND null_alias = 0 AND available_at <= ? AND calls <= ? ORDER BY RANDOM() LIMIT 1`,
			now.UnixMilli(), alias.MaxQuarantineCalls).Scan(&num)
		if isNoRows(err) {
			return ringfence.Errorf(ringfence.ENOTFOUND, "no alias number available: add numbers with 'alias pool add' or wait for quarantine to end")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alias_pool SET state = 'bound' WHERE number = ?`, num); err != nil {
			return err
		}
		b.Alias = num
		mn, _ := json.Marshal(b.MerchantNumbers)
		if b.Purpose == "" {
			b.Purpose = alias.PurposeAlias
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO alias_bindings (alias, subscriber, merchant, merchant_numbers, block_strangers, created_at, ledger_index, purpose, export_id, org) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			num, b.Subscriber, b.Merchant, string(mn), boolInt(b.BlockStrangers), ms(b.CreatedAt), b.LedgerIndex, b.Purpose, b.ExportID, b.Org); err != nil {
			return err
		}
		return bindingEvent(ctx, tx, num, now)
	})
}

// BindAliases implements ringfence.AliasStore.
func (d *DB) BindAliases(ctx context.Context, bs []*alias.Binding, audit []ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		up, err := tx.PrepareContext(ctx, `UPDATE alias_pool SET state = 'bound' WHERE number = ? AND state = 'pool' AND null_alias = 0`)
		if err != nil {
			return err
		}
		defer up.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO alias_bindings (alias, subscriber, merchant, merchant_numbers, block_strangers, created_at, ledger_index, purpose, export_id, org) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, b := range bs {
			res, err := up.ExecContext(ctx, b.Alias)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return ringfence.Errorf(ringfence.ECONFLICT, "alias pool: %s is no longer free", b.Alias)
			}
			if b.Purpose == "" {
				b.Purpose = alias.PurposeAlias
			}
			mn, _ := json.Marshal(b.MerchantNumbers)
			if _, err := ins.ExecContext(ctx, b.Alias, b.Subscriber, b.Merchant, string(mn), boolInt(b.BlockStrangers), ms(b.CreatedAt), b.LedgerIndex, b.Purpose, b.ExportID, b.Org); err != nil {
				return err
			}
			if err := bindingEvent(ctx, tx, b.Alias, b.CreatedAt); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, audit...)
	})
}

// UnbindAliases implements ringfence.AliasStore.
func (d *DB) UnbindAliases(ctx context.Context, nums []string, audit []ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		for _, n := range nums {
			res, err := tx.ExecContext(ctx, `DELETE FROM alias_bindings WHERE alias = ? AND ledger_index < 0`, n)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return ringfence.Errorf(ringfence.ECONFLICT, "alias %s: not an unrecorded binding, not released", n)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE alias_pool SET state = 'pool' WHERE number = ? AND state = 'bound'`, n); err != nil {
				return err
			}
			if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventAliasBinding, At: time.Now().UTC(), Binding: &alias.Binding{Alias: n}, Unbound: true}); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, audit...)
	})
}

// SetBindingsLedger implements ringfence.AliasStore.
func (d *DB) SetBindingsLedger(ctx context.Context, index map[string]int64) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		for a, i := range index {
			res, err := tx.ExecContext(ctx, `UPDATE alias_bindings SET ledger_index = ? WHERE alias = ?`, i, a)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := bindingEvent(ctx, tx, a, time.Now().UTC()); err != nil {
				return err
			}
		}
		return nil
	})
}

// UnrecordedLeaks implements ringfence.AliasStore.
func (d *DB) UnrecordedLeaks(ctx context.Context) ([]ringfence.AliasEvent, error) {
	return d.aliasEvents(ctx, `WHERE outcome = 'stranger' AND ledger_index < 0 ORDER BY id`)
}

// LeakByLedger implements ringfence.AliasStore.
func (d *DB) LeakByLedger(ctx context.Context, index int64) (ringfence.AliasEvent, error) {
	evs, err := d.aliasEvents(ctx, `WHERE ledger_index = ? AND outcome = 'stranger' ORDER BY id DESC LIMIT 1`, index)
	if err != nil {
		return ringfence.AliasEvent{}, err
	}
	if len(evs) == 0 {
		return ringfence.AliasEvent{}, notFound("no recorded call for ledger entry %d", index)
	}
	return evs[0], nil
}

// SetBindingLedger implements ringfence.AliasStore.
func (d *DB) SetBindingLedger(ctx context.Context, num string, index int64) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE alias_bindings SET ledger_index = ? WHERE alias = ?`, index, num)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return bindingEvent(ctx, tx, num, time.Now().UTC())
	})
}

const bindingCols = `alias, subscriber, merchant, merchant_numbers, block_strangers, created_at, ledger_index, purpose, export_id, org`

func scanBinding(s interface{ Scan(...any) error }) (alias.Binding, error) {
	var b alias.Binding
	var mn string
	var block int
	var at int64
	if err := s.Scan(&b.Alias, &b.Subscriber, &b.Merchant, &mn, &block, &at, &b.LedgerIndex, &b.Purpose, &b.ExportID, &b.Org); err != nil {
		return b, err
	}
	b.BlockStrangers, b.CreatedAt = block == 1, fromMS(at)
	err := json.Unmarshal([]byte(mn), &b.MerchantNumbers)
	return b, err
}

// bindingEvent appends, inside tx, the event of the binding of num as it
// now stands there.
func bindingEvent(ctx context.Context, tx *sql.Tx, num string, at time.Time) error {
	b, err := scanBinding(tx.QueryRowContext(ctx, `SELECT `+bindingCols+` FROM alias_bindings WHERE alias = ?`, num))
	if err != nil {
		return fmt.Errorf("binding %s: %w", num, err)
	}
	_, err = appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventAliasBinding, At: at, Binding: &b})
	return err
}

// Bindings implements ringfence.AliasStore.
func (d *DB) Bindings(ctx context.Context, fn func(alias.Binding) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT `+bindingCols+` FROM alias_bindings ORDER BY created_at, alias`)
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
func (d *DB) AddAliasEvent(ctx context.Context, ev *ringfence.AliasEvent) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO alias_events (at, alias, caller, outcome, merchant, subscriber, duration_s, answered, ledger_index, sequential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ms(ev.At), ev.Alias, ev.Caller, ev.Outcome, ev.Merchant, ev.Subscriber, ev.Duration, boolInt(ev.Answered), ev.LedgerIndex, boolInt(ev.Sequential))
		if err != nil {
			return err
		}
		if ev.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if ev.Outcome == alias.Stranger {
			leak := *ev
			leak.Subscriber = ""
			if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventLeak, At: ev.At, Leak: &leak}); err != nil {
				return err
			}
		}
		if ev.Outcome == alias.Quarantine || ev.Outcome == alias.Null {
			res, err := tx.ExecContext(ctx, `UPDATE alias_pool SET calls = calls + 1, state = CASE WHEN state = 'pool' AND null_alias = 0 AND calls + 1 > ? THEN 'retired' ELSE state END WHERE number = ?`,
				alias.MaxQuarantineCalls, ev.Alias)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return poolEvent(ctx, tx, ev.Alias, ev.At)
			}
		}
		return nil
	})
}

// poolEvent appends, inside tx, the event of pool number num as it now
// stands there.
func poolEvent(ctx context.Context, tx *sql.Tx, num string, at time.Time) error {
	p, err := scanPool(tx.QueryRowContext(ctx, `SELECT `+poolCols+` FROM alias_pool WHERE number = ?`, num))
	if err != nil {
		return fmt.Errorf("pool number %s: %w", num, err)
	}
	_, err = appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventPool, At: at, Pool: []alias.PoolNumber{p}})
	return err
}

const poolCols = `number, added_at, available_at, null_alias, state, calls`

func scanPool(s interface{ Scan(...any) error }) (alias.PoolNumber, error) {
	var p alias.PoolNumber
	var added, avail int64
	var null int
	if err := s.Scan(&p.Number, &added, &avail, &null, &p.State, &p.Calls); err != nil {
		return p, err
	}
	p.AddedAt, p.AvailableAt, p.Null = fromMS(added), time.UnixMilli(avail).UTC(), null == 1
	return p, nil
}

// SetAliasEventLedger implements ringfence.AliasStore.
func (d *DB) SetAliasEventLedger(ctx context.Context, id, index int64) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE alias_events SET ledger_index = ? WHERE id = ?`, index, id)
		return err
	})
}

// AliasEvents implements ringfence.AliasStore.
func (d *DB) AliasEvents(ctx context.Context, num string) ([]ringfence.AliasEvent, error) {
	return d.aliasEvents(ctx, `WHERE alias = ? ORDER BY id`, num)
}

func (d *DB) aliasEvents(ctx context.Context, where string, args ...any) ([]ringfence.AliasEvent, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, alias, caller, outcome, merchant, subscriber, duration_s, answered, ledger_index, sequential FROM alias_events `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ringfence.AliasEvent
	for rows.Next() {
		var ev ringfence.AliasEvent
		var at int64
		var answered, seq int
		if err := rows.Scan(&ev.ID, &at, &ev.Alias, &ev.Caller, &ev.Outcome, &ev.Merchant, &ev.Subscriber, &ev.Duration, &answered, &ev.LedgerIndex, &seq); err != nil {
			return nil, err
		}
		ev.At, ev.Answered, ev.Sequential = fromMS(at), answered == 1, seq == 1
		out = append(out, ev)
	}
	return out, rows.Err()
}

// SetBlockStrangers implements ringfence.AliasStore.
func (d *DB) SetBlockStrangers(ctx context.Context, num string, block bool, audit ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE alias_bindings SET block_strangers = ? WHERE alias = ?`, boolInt(block), num)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("%s is not a bound alias", num)
		}
		if err := bindingEvent(ctx, tx, num, audit.At); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}
