// Package postgres is ringfence's store on PostgreSQL, for a deployment of
// several nodes that share one system of record: the same ringfence.Store
// as package sqlite, table for table, over a pgx connection pool. Its
// schema migrations are embedded and applied at Open under an advisory
// lock, so that nodes starting together apply each once. Every write runs
// in one transaction with its audit entry and its events; the event log is
// a table in the same database (see events.go for how positions stay in
// commit order).
//
// It imports the root package and its value packages (alias, reputation,
// screen) and pgx; nothing imports it but the command that wires a node.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"ringfence"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys (pg_advisory_lock's two-int form: class, object).
const (
	lockClass    = 0x52460001 // "RF" 1: ringfence's advisory locks
	lockMigrate  = 1          // held while migrations are applied
	numberLocks  = 0x52460002 // class of the per-number transaction locks
	eventChannel = "ringfence_events"
)

// Store is an open ringfence database on PostgreSQL.
type Store struct {
	// pool is the connection pool, every error of which is classified
	// (pool.go): the store's methods use nothing else to reach
	// PostgreSQL, but for the ledger writer's lease.
	pool  db
	rules rulesGroup // rules writes waiting for their group commit
}

var _ ringfence.Store = (*Store)(nil)

// Open connects to the database at url (postgres://user:pass@host:port/db)
// and applies pending migrations under an advisory lock.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message leaves the password out.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect to %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	s := &Store{pool: db{pool}}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, openError(cfg.ConnConfig, err)
	}
	return s, nil
}

// openError says why Open failed, naming the server as host:port/database
// (never the password) and the cause once (pgx tells each connection
// attempt's, and with sslmode=prefer it makes two): PostgreSQL cannot be
// reached (EUNAVAILABLE), refused the login or has no such database, or a
// migration failed.
func openError(cc *pgx.ConnConfig, err error) error {
	where := fmt.Sprintf("%s:%d/%s", cc.Host, cc.Port, cc.Database)
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "28") || pe.Code == "3D000") {
		// Invalid authorization (28xxx), no such database (3D000).
		return ringfence.Errorf(ringfence.EINVALID, "PostgreSQL at %s refused the connection: %s: are the user, password and database of the URL right?", where, pe.Message)
	}
	if isUnavailable(err) {
		return ringfence.Errorf(ringfence.EUNAVAILABLE, "cannot reach PostgreSQL at %s (%s): is the server running, and is the URL right?", where, unreachableCause(err))
	}
	return fmt.Errorf("postgres: migrate %s: %w", where, err)
}

// unreachableCause is the one cause of an error that says PostgreSQL
// cannot be reached, in a few words.
func unreachableCause(err error) string {
	var errno syscall.Errno
	var dns *net.DNSError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &dns):
		return "host " + dns.Name + " not found"
	case errors.As(err, &errno):
		return errno.Error()
	case errors.As(err, &pe):
		return pe.Message
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	}
	return "the connection failed"
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.p.Close()
	return nil
}

// migrate applies the embedded migrations not yet applied, in name order,
// each in its own transaction, holding a session advisory lock so that
// nodes starting together apply each migration once.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.p.Acquire(ctx) // unclassified: Open says what failed
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, lockClass, lockMigrate); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, $2)`, lockClass, lockMigrate)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// wtx is a write transaction: its events are appended last, just before
// it commits (see appendPending).
type wtx struct {
	pgx.Tx
	events []ringfence.Event
}

// event queues ev to be appended when the transaction commits.
func (t *wtx) event(ev ringfence.Event) { t.events = append(t.events, ev) }

// tx runs f in a write transaction, appends the events f queued and
// commits. It returns the position of the last event appended (0 when
// none).
func (s *Store) tx(ctx context.Context, f func(*wtx) error) (int64, error) {
	var pos int64
	var w *wtx
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		w = &wtx{Tx: tx}
		if err := f(w); err != nil {
			return err
		}
		var err error
		pos, err = appendPending(ctx, tx, w.events)
		return err
	})
	if err != nil {
		return 0, unavailable(err)
	}
	// Committed: the writer learns where its events landed.
	for i, ev := range w.events {
		ev.Position = pos - int64(len(w.events)-1-i)
		ringfence.RecordAppended(ctx, ev)
	}
	return pos, nil
}

// lockNumbers takes, inside tx, the transaction locks of numbers, in the
// order of their keys, so that two writes of the same number's reports run
// one after the other (as every write does in SQLite) and no two writes
// deadlock. The locks go at commit.
func lockNumbers(ctx context.Context, tx pgx.Tx, numbers ...string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(n) AS h FROM unnest($2::text[]) AS n ORDER BY h) AS s`, numberLocks, numbers)
	return err
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

func notFound(what string, args ...any) error {
	return ringfence.Errorf(ringfence.ENOTFOUND, what, args...)
}
