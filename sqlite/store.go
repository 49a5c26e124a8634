package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ringfence"
	"ringfence/reputation"
	"ringfence/screen"
)

// Rules implements ringfence.RuleStore.
func (d *DB) Rules(ctx context.Context, subscriber string) (*screen.Rules, error) {
	var doc string
	err := d.db.QueryRowContext(ctx, `SELECT doc FROM rules WHERE subscriber = ?`, subscriber).Scan(&doc)
	if isNoRows(err) {
		return nil, notFound("no rules for subscriber")
	} else if err != nil {
		return nil, err
	}
	var r screen.Rules
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// PutRules implements ringfence.RuleStore: the stored version is compared
// and moved on in the write's own statement.
func (d *DB) PutRules(ctx context.Context, r *screen.Rules, audit ringfence.AuditEntry) error {
	base := r.Version
	next := *r
	next.Version = base + 1
	doc, err := json.Marshal(&next)
	if err != nil {
		return err
	}
	err = d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rules SET doc = ?, version = ? WHERE subscriber = ? AND version = ?`, string(doc), next.Version, r.Subscriber, base)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if base != 0 {
				return rulesConflict(base)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO rules (subscriber, doc, version) VALUES (?, ?, ?) ON CONFLICT (subscriber) DO NOTHING`, r.Subscriber, string(doc), next.Version)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return rulesConflict(base)
			}
		}
		var ev screen.Rules
		if err := json.Unmarshal(doc, &ev); err != nil {
			return err
		}
		if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventRules, At: audit.At, Rules: &ev}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return err
	}
	r.Version = next.Version
	return nil
}

// rulesConflict is PutRules' answer to a write based on a version that is
// no longer the stored one.
func rulesConflict(base int64) error {
	return ringfence.Errorf(ringfence.ECONFLICT, "rules: changed since version %d by another write; read them again and retry", base)
}

// AllRules implements ringfence.RuleStore.
func (d *DB) AllRules(ctx context.Context, fn func(*screen.Rules) error) error {
	rows, err := d.db.QueryContext(ctx, `SELECT doc FROM rules ORDER BY subscriber`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		var r screen.Rules
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AddBusiness implements ringfence.RegistryStore.
func (d *DB) AddBusiness(ctx context.Context, b *ringfence.Business, audit ringfence.AuditEntry) error {
	var id int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO businesses (pattern, name, added_by, created_at) VALUES (?, ?, ?, ?)`, b.Pattern, b.Name, b.AddedBy, ms(b.CreatedAt))
		if isUnique(err) {
			return ringfence.Errorf(ringfence.ECONFLICT, "%s is already registered", b.Pattern)
		} else if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		added := *b
		added.ID = id
		if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventRegistry, At: audit.At, Business: &added}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	if err == nil {
		b.ID = id
	}
	return err
}

// RemoveBusiness implements ringfence.RegistryStore.
func (d *DB) RemoveBusiness(ctx context.Context, id int64, audit ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM businesses WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("no business %d", id)
		}
		if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventRegistry, At: audit.At, Removed: id}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// Businesses implements ringfence.RegistryStore.
func (d *DB) Businesses(ctx context.Context) ([]ringfence.Business, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, pattern, name, added_by, created_at FROM businesses ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ringfence.Business
	for rows.Next() {
		var b ringfence.Business
		var at int64
		if err := rows.Scan(&b.ID, &b.Pattern, &b.Name, &b.AddedBy, &at); err != nil {
			return nil, err
		}
		b.CreatedAt = fromMS(at)
		out = append(out, b)
	}
	return out, rows.Err()
}

const appealCols = `id, number, business, contact, reason, status, filed_by, decided_by, decision, created_at, decided_at`

func scanAppeal(s interface{ Scan(...any) error }) (ringfence.Appeal, error) {
	var a ringfence.Appeal
	var c, dd int64
	err := s.Scan(&a.ID, &a.Number, &a.Business, &a.Contact, &a.Reason, &a.Status, &a.FiledBy, &a.DecidedBy, &a.Decision, &c, &dd)
	a.CreatedAt, a.DecidedAt = fromMS(c), fromMS(dd)
	return a, err
}

// FileAppeal implements ringfence.AppealStore.
func (d *DB) FileAppeal(ctx context.Context, a *ringfence.Appeal, audit func(ringfence.Appeal) ringfence.AuditEntry) error {
	stored := *a
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO appeals (number, business, contact, reason, status, filed_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			a.Number, a.Business, a.Contact, a.Reason, a.Status, a.FiledBy, ms(a.CreatedAt))
		if err != nil {
			return err
		}
		if stored.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit(stored))
	})
	if err == nil {
		a.ID = stored.ID
	}
	return err
}

// Appeal implements ringfence.AppealStore.
func (d *DB) Appeal(ctx context.Context, id int64) (ringfence.Appeal, error) {
	a, err := scanAppeal(d.db.QueryRowContext(ctx, `SELECT `+appealCols+` FROM appeals WHERE id = ?`, id))
	if isNoRows(err) {
		return a, notFound("no appeal %d", id)
	}
	return a, err
}

// Appeals implements ringfence.AppealStore.
func (d *DB) Appeals(ctx context.Context, status ringfence.AppealStatus) ([]ringfence.Appeal, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+appealCols+` FROM appeals WHERE ? = '' OR status = ? ORDER BY id`, status, status)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ringfence.Appeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DecideAppeal implements ringfence.AppealStore.
func (d *DB) DecideAppeal(ctx context.Context, id int64, status ringfence.AppealStatus, by, decision string, at time.Time, audit func(ringfence.Appeal) ringfence.AuditEntry) (ringfence.Appeal, []reputation.Tally, error) {
	var a ringfence.Appeal
	var ts []reputation.Tally
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE appeals SET status = ?, decided_by = ?, decision = ?, decided_at = ? WHERE id = ? AND status = ?`,
			status, by, decision, ms(at), id, ringfence.AppealPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM appeals WHERE id = ?`, id).Scan(&cur); isNoRows(err) {
				return notFound("no appeal %d", id)
			} else if err != nil {
				return err
			}
			return ringfence.Errorf(ringfence.ECONFLICT, "appeal %d is already %s", id, cur)
		}
		if a, err = scanAppeal(tx.QueryRowContext(ctx, `SELECT `+appealCols+` FROM appeals WHERE id = ?`, id)); err != nil {
			return err
		}
		if status == ringfence.AppealAccepted {
			if err := clearReports(ctx, tx, a.Number, ms(at)+1); err != nil {
				return err
			}
			if ts, err = tallies(ctx, tx, a.Number); err != nil {
				return err
			}
		}
		ev := ringfence.Event{Type: ringfence.EventAppeal, At: at, Appeal: &a}
		if status == ringfence.AppealAccepted {
			ev.Tallies = &ringfence.NumberTallies{Number: a.Number, Tallies: ts}
		}
		if _, err := appendEvents(ctx, tx, ev); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit(a))
	})
	if err != nil {
		return ringfence.Appeal{}, nil, err
	}
	return a, ts, nil
}

// CreateKey implements ringfence.KeyStore.
func (d *DB) CreateKey(ctx context.Context, k ringfence.Key, hash []byte, audit ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, secret_hash, role, subscriber, org, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			k.ID, hash, string(k.Role), k.Subscriber, k.Org, ms(k.CreatedAt))
		if isUnique(err) {
			return ringfence.Errorf(ringfence.ECONFLICT, "key %s exists", k.ID)
		} else if err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// KeyByHash implements ringfence.KeyStore.
func (d *DB) KeyByHash(ctx context.Context, hash []byte) (ringfence.Key, error) {
	var k ringfence.Key
	var role string
	var at int64
	err := d.db.QueryRowContext(ctx, `SELECT id, role, subscriber, org, created_at FROM api_keys WHERE secret_hash = ? AND revoked_at = 0`, hash).Scan(&k.ID, &role, &k.Subscriber, &k.Org, &at)
	if isNoRows(err) {
		return k, notFound("unknown key")
	}
	k.Role, k.CreatedAt = ringfence.Role(role), fromMS(at)
	return k, err
}

// Keys implements ringfence.KeyStore.
func (d *DB) Keys(ctx context.Context) ([]ringfence.Key, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, role, subscriber, org, created_at FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ringfence.Key
	for rows.Next() {
		var k ringfence.Key
		var role string
		var at int64
		if err := rows.Scan(&k.ID, &role, &k.Subscriber, &k.Org, &at); err != nil {
			return nil, err
		}
		k.Role, k.CreatedAt = ringfence.Role(role), fromMS(at)
		out = append(out, k)
	}
	return out, rows.Err()
}

// Audit implements ringfence.AuditStore.
func (d *DB) Audit(ctx context.Context, e ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error { return insertAudit(ctx, tx, e) })
}

// insertAudit appends entries to the audit trail inside tx, so that an
// action and the entries that record it commit together or not at all.
func insertAudit(ctx context.Context, tx *sql.Tx, entries ...ringfence.AuditEntry) error {
	for _, e := range entries {
		if e.Action == "" {
			return fmt.Errorf("audit entry without an action")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`, ms(e.At), e.Actor, e.Action, e.Target, e.Detail); err != nil {
			return err
		}
	}
	return nil
}

// AuditLog implements ringfence.AuditStore.
func (d *DB) AuditLog(ctx context.Context, limit int) ([]ringfence.AuditEntry, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ringfence.AuditEntry
	for rows.Next() {
		var e ringfence.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveFlags implements ringfence.FlagStore.
func (d *DB) SaveFlags(ctx context.Context, fs []ringfence.Flag) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		for _, f := range fs {
			reasons, _ := json.Marshal(f.Reasons)
			if _, err := tx.ExecContext(ctx, `INSERT INTO flags (number, kind, score, flagged_at, reasons, campaign, account, trunk) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (number, kind) DO UPDATE SET score = excluded.score, flagged_at = excluded.flagged_at, reasons = excluded.reasons, campaign = excluded.campaign,
					account = excluded.account, trunk = excluded.trunk`,
				f.Number, f.Kind, f.Score, ms(f.FlaggedAt), string(reasons), f.Campaign, f.Account, f.Trunk); err != nil {
				return err
			}
			if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventFlag, At: f.FlaggedAt, Flag: &f}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Flags implements ringfence.FlagStore.
func (d *DB) Flags(ctx context.Context, fn func(ringfence.Flag) error) error {
	return d.flags(ctx, `SELECT number, kind, score, flagged_at, reasons, campaign, account, trunk FROM flags ORDER BY number, kind`, fn)
}

// FlagsBetween calls fn for each flag raised in [from, to), in the order
// they were raised.
func (d *DB) FlagsBetween(ctx context.Context, from, to time.Time, fn func(ringfence.Flag) error) error {
	return d.flags(ctx, `SELECT number, kind, score, flagged_at, reasons, campaign, account, trunk FROM flags
		WHERE flagged_at >= ? AND flagged_at < ? ORDER BY flagged_at, number, kind`, fn, ms(from), ms(to))
}

func (d *DB) flags(ctx context.Context, query string, fn func(ringfence.Flag) error, args ...any) error {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f ringfence.Flag
		var at int64
		var reasons string
		if err := rows.Scan(&f.Number, &f.Kind, &f.Score, &at, &reasons, &f.Campaign, &f.Account, &f.Trunk); err != nil {
			return err
		}
		f.FlaggedAt = fromMS(at)
		if err := json.Unmarshal([]byte(reasons), &f.Reasons); err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RevokeKey implements ringfence.KeyStore.
func (d *DB) RevokeKey(ctx context.Context, id string, at time.Time, audit ringfence.AuditEntry) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, ms(at), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("no active key %s", id)
		}
		if _, err := appendEvents(ctx, tx, ringfence.Event{Type: ringfence.EventKeyRevoked, At: at, KeyID: id}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}
