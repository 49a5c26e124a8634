package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ringfence"
	"ringfence/reputation"
	"ringfence/screen"
)

// Rules implements ringfence.RuleStore.
func (s *Store) Rules(ctx context.Context, subscriber string) (*screen.Rules, error) {
	var doc string
	err := s.pool.QueryRow(ctx, `SELECT doc FROM rules WHERE subscriber = $1`, subscriber).Scan(&doc)
	if isNoRows(err) {
		return nil, notFound("no rules for subscriber")
	} else if err != nil {
		return nil, unavailable(err)
	}
	var r screen.Rules
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// PutRules implements ringfence.RuleStore: the stored version is compared
// and moved on in the write's own statement (the row's lock orders two
// writers of one document; the second finds the version moved on).
// Writes that come together commit together (rulesgroup.go).
func (s *Store) PutRules(ctx context.Context, r *screen.Rules, audit ringfence.AuditEntry) error {
	w, err := newRulesWrite(ctx, r, audit)
	if err != nil {
		return err
	}
	return s.putRulesGrouped(w)
}

// rulesConflict is PutRules' answer to a write based on a version that is
// no longer the stored one.
func rulesConflict(base int64) error {
	return ringfence.Errorf(ringfence.ECONFLICT, "rules: changed since version %d by another write; read them again and retry", base)
}

// AllRules implements ringfence.RuleStore.
func (s *Store) AllRules(ctx context.Context, fn func(*screen.Rules) error) error {
	rows, err := s.pool.Query(ctx, `SELECT doc FROM rules ORDER BY subscriber`)
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
func (s *Store) AddBusiness(ctx context.Context, b *ringfence.Business, audit ringfence.AuditEntry) error {
	var id int64
	_, err := s.tx(ctx, func(tx *wtx) error {
		err := tx.QueryRow(ctx, `INSERT INTO businesses (pattern, name, added_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, b.Pattern, b.Name, b.AddedBy, ms(b.CreatedAt)).Scan(&id)
		if isUnique(err) {
			return ringfence.Errorf(ringfence.ECONFLICT, "%s is already registered", b.Pattern)
		} else if err != nil {
			return err
		}
		added := *b
		added.ID = id
		tx.event(ringfence.Event{Type: ringfence.EventRegistry, At: audit.At, Business: &added})
		return insertAudit(ctx, tx, audit)
	})
	if err == nil {
		b.ID = id
	}
	return err
}

// RemoveBusiness implements ringfence.RegistryStore.
func (s *Store) RemoveBusiness(ctx context.Context, id int64, audit ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM businesses WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound("no business %d", id)
		}
		tx.event(ringfence.Event{Type: ringfence.EventRegistry, At: audit.At, Removed: id})
		return insertAudit(ctx, tx, audit)
	})
	return err
}

// Businesses implements ringfence.RegistryStore.
func (s *Store) Businesses(ctx context.Context) ([]ringfence.Business, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, pattern, name, added_by, created_at FROM businesses ORDER BY id`)
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
	var status string
	err := s.Scan(&a.ID, &a.Number, &a.Business, &a.Contact, &a.Reason, &status, &a.FiledBy, &a.DecidedBy, &a.Decision, &c, &dd)
	a.Status, a.CreatedAt, a.DecidedAt = ringfence.AppealStatus(status), fromMS(c), fromMS(dd)
	return a, err
}

// FileAppeal implements ringfence.AppealStore.
func (s *Store) FileAppeal(ctx context.Context, a *ringfence.Appeal, audit func(ringfence.Appeal) ringfence.AuditEntry) error {
	stored := *a
	_, err := s.tx(ctx, func(tx *wtx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO appeals (number, business, contact, reason, status, filed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			a.Number, a.Business, a.Contact, a.Reason, string(a.Status), a.FiledBy, ms(a.CreatedAt)).Scan(&stored.ID); err != nil {
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
func (s *Store) Appeal(ctx context.Context, id int64) (ringfence.Appeal, error) {
	a, err := scanAppeal(s.pool.QueryRow(ctx, `SELECT `+appealCols+` FROM appeals WHERE id = $1`, id))
	if isNoRows(err) {
		return a, notFound("no appeal %d", id)
	}
	return a, err
}

// Appeals implements ringfence.AppealStore.
func (s *Store) Appeals(ctx context.Context, status ringfence.AppealStatus) ([]ringfence.Appeal, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+appealCols+` FROM appeals WHERE $1 = '' OR status = $1 ORDER BY id`, string(status))
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
func (s *Store) DecideAppeal(ctx context.Context, id int64, status ringfence.AppealStatus, by, decision string, at time.Time, audit func(ringfence.Appeal) ringfence.AuditEntry) (ringfence.Appeal, []reputation.Tally, error) {
	var a ringfence.Appeal
	var ts []reputation.Tally
	_, err := s.tx(ctx, func(tx *wtx) error {
		tag, err := tx.Exec(ctx, `UPDATE appeals SET status = $1, decided_by = $2, decision = $3, decided_at = $4 WHERE id = $5 AND status = $6`,
			string(status), by, decision, ms(at), id, string(ringfence.AppealPending))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var cur string
			if err := tx.QueryRow(ctx, `SELECT status FROM appeals WHERE id = $1`, id).Scan(&cur); isNoRows(err) {
				return notFound("no appeal %d", id)
			} else if err != nil {
				return err
			}
			return ringfence.Errorf(ringfence.ECONFLICT, "appeal %d is already %s", id, cur)
		}
		if a, err = scanAppeal(tx.QueryRow(ctx, `SELECT `+appealCols+` FROM appeals WHERE id = $1`, id)); err != nil {
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
		tx.event(ev)
		return insertAudit(ctx, tx, audit(a))
	})
	if err != nil {
		return ringfence.Appeal{}, nil, err
	}
	return a, ts, nil
}

// CreateKey implements ringfence.KeyStore.
func (s *Store) CreateKey(ctx context.Context, k ringfence.Key, hash []byte, audit ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		_, err := tx.Exec(ctx, `INSERT INTO api_keys (id, secret_hash, role, subscriber, org, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			k.ID, hash, string(k.Role), k.Subscriber, k.Org, ms(k.CreatedAt))
		if isUnique(err) {
			return ringfence.Errorf(ringfence.ECONFLICT, "key %s exists", k.ID)
		} else if err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
	return err
}

// KeyByHash implements ringfence.KeyStore.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (ringfence.Key, error) {
	var k ringfence.Key
	var role string
	var at int64
	err := s.pool.QueryRow(ctx, `SELECT id, role, subscriber, org, created_at FROM api_keys WHERE secret_hash = $1 AND revoked_at = 0`, hash).Scan(&k.ID, &role, &k.Subscriber, &k.Org, &at)
	if isNoRows(err) {
		return ringfence.Key{}, notFound("unknown key")
	} else if err != nil {
		return ringfence.Key{}, unavailable(err)
	}
	k.Role, k.CreatedAt = ringfence.Role(role), fromMS(at)
	return k, nil
}

// Keys implements ringfence.KeyStore.
func (s *Store) Keys(ctx context.Context) ([]ringfence.Key, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, role, subscriber, org, created_at FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, unavailable(err)
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

// RevokeKey implements ringfence.KeyStore.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time, audit ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at = 0`, ms(at), id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notFound("no active key %s", id)
		}
		tx.event(ringfence.Event{Type: ringfence.EventKeyRevoked, At: at, KeyID: id})
		return insertAudit(ctx, tx, audit)
	})
	return err
}

// Audit implements ringfence.AuditStore.
func (s *Store) Audit(ctx context.Context, e ringfence.AuditEntry) error {
	_, err := s.tx(ctx, func(tx *wtx) error { return insertAudit(ctx, tx, e) })
	return err
}

// insertAudit appends entries to the audit trail inside tx, so that an
// action and the entries that record it commit together or not at all.
func insertAudit(ctx context.Context, tx *wtx, entries ...ringfence.AuditEntry) error {
	for _, e := range entries {
		if e.Action == "" {
			return fmt.Errorf("audit entry without an action")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)`, ms(e.At), e.Actor, e.Action, e.Target, e.Detail); err != nil {
			return err
		}
	}
	return nil
}

// AuditLog implements ringfence.AuditStore.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]ringfence.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT $1`, limit)
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
func (s *Store) SaveFlags(ctx context.Context, fs []ringfence.Flag) error {
	_, err := s.tx(ctx, func(tx *wtx) error {
		for _, f := range fs {
			reasons, _ := json.Marshal(f.Reasons)
			if _, err := tx.Exec(ctx, `INSERT INTO flags (number, kind, score, flagged_at, reasons, campaign, account, trunk) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (number, kind) DO UPDATE SET score = excluded.score, flagged_at = excluded.flagged_at, reasons = excluded.reasons, campaign = excluded.campaign,
					account = excluded.account, trunk = excluded.trunk`,
				f.Number, string(f.Kind), f.Score, ms(f.FlaggedAt), string(reasons), f.Campaign, f.Account, f.Trunk); err != nil {
				return err
			}
			tx.event(ringfence.Event{Type: ringfence.EventFlag, At: f.FlaggedAt, Flag: &f})
		}
		return nil
	})
	return err
}

// Flags implements ringfence.FlagStore.
func (s *Store) Flags(ctx context.Context, fn func(ringfence.Flag) error) error {
	return s.flags(ctx, `SELECT number, kind, score, flagged_at, reasons, campaign, account, trunk FROM flags ORDER BY number, kind`, fn)
}

// FlagsBetween implements ringfence.FlagStore.
func (s *Store) FlagsBetween(ctx context.Context, from, to time.Time, fn func(ringfence.Flag) error) error {
	return s.flags(ctx, `SELECT number, kind, score, flagged_at, reasons, campaign, account, trunk FROM flags
		WHERE flagged_at >= $1 AND flagged_at < $2 ORDER BY flagged_at, number, kind`, fn, ms(from), ms(to))
}

func (s *Store) flags(ctx context.Context, query string, fn func(ringfence.Flag) error, args ...any) error {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f ringfence.Flag
		var at int64
		var kind, reasons string
		if err := rows.Scan(&f.Number, &kind, &f.Score, &at, &reasons, &f.Campaign, &f.Account, &f.Trunk); err != nil {
			return err
		}
		f.Kind, f.FlaggedAt = ringfence.FlagKind(kind), fromMS(at)
		if err := json.Unmarshal([]byte(reasons), &f.Reasons); err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}
