// Package sqlite is ringfence's embedded store: one SQLite database in WAL
// mode in the data directory, with embedded migrations. A write returns
// only after its transaction commits with a full fsync.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"ringfence"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open ringfence database.
type DB struct {
	db   *sql.DB
	Path string

	evMu   sync.Mutex
	evWake chan struct{} // closed when a write commits; nil when nobody waits
}

// Open opens (creating if needed) the database file ringfence.db in dir and
// applies pending migrations.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, "ringfence.db")
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One writer at a time; readers share the pool.
	db.SetMaxOpenConns(4)
	d := &DB{db: db, Path: path}
	if err := d.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	// The database holds personal data: owner only, whatever the umask.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", p, err)
		}
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := d.apply(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (d *DB) apply(ctx context.Context, name string) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
			return err
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UnixMilli())
		return err
	})
}

// tx runs f in a write transaction and commits it.
func (d *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	return d.commit(tx, f)
}

// commit runs f in tx and commits it, or rolls it back when f fails; a
// commit wakes the store's subscribers.
func (d *DB) commit(tx *sql.Tx, f func(*sql.Tx) error) error {
	if err := f(tx); err != nil {
		tx.Rollback()
		return unavailable(err)
	}
	if err := tx.Commit(); err != nil {
		return unavailable(err)
	}
	d.wake()
	return nil
}

// wake tells event-log subscribers that a write committed.
func (d *DB) wake() {
	d.evMu.Lock()
	if d.evWake != nil {
		close(d.evWake)
		d.evWake = nil
	}
	d.evMu.Unlock()
}

// waiter returns a channel closed at the next commit.
func (d *DB) waiter() <-chan struct{} {
	d.evMu.Lock()
	defer d.evMu.Unlock()
	if d.evWake == nil {
		d.evWake = make(chan struct{})
	}
	return d.evWake
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
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func notFound(what string, args ...any) error {
	return ringfence.Errorf(ringfence.ENOTFOUND, what, args...)
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }

// BulkTallies fills the tallies table with n synthetic reputed numbers
// (+8617000000000 upwards, category cycling through the taxonomy), for
// measuring the start-up rebuild at scale. It is not for production data.
func (d *DB) BulkTallies(ctx context.Context, n int) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)
			INSERT INTO tallies (number, category, reporters, weight)
			SELECT '+86' || (17000000000 + i * 7), CASE i % 3 WHEN 0 THEN 'loan' WHEN 1 THEN 'sales' ELSE 'fraud' END, 1 + i % 50, 1e8 * (1 + i % 13) FROM seq`, n)
		return err
	})
}
