package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The store's methods reach PostgreSQL only through db (Store.pool) and
// the transactions, rows, rows of a batch and connections it hands out.
// Every error they return from the driver goes through unavailable, so
// that a store method answers EUNAVAILABLE (HTTP 503) when PostgreSQL
// cannot be reached, whichever statement met the outage first: a method
// written later cannot forget it. Other errors (a unique violation, no
// rows, a serialization failure) pass unchanged, so the callers' checks of
// them keep working. The ledger writer's lease connection (ledger.go) is
// the one connection outside db; its methods classify their errors
// themselves, as they must also drop the lease.

// db is the store's connection pool, classifying every error.
type db struct{ p *pgxpool.Pool }

func (d db) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := d.p.Exec(ctx, sql, args...)
	return tag, unavailable(err)
}

func (d db) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := d.p.Query(ctx, sql, args...)
	if err != nil {
		return nil, unavailable(err)
	}
	return classRows{rows}, nil
}

func (d db) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return classRow{d.p.QueryRow(ctx, sql, args...)}
}

// Begin starts a transaction (for pgx.BeginFunc).
func (d db) Begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := d.p.Begin(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return classTx{tx}, nil
}

// BeginTx starts a transaction with options (for pgx.BeginTxFunc).
func (d db) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	tx, err := d.p.BeginTx(ctx, opts)
	if err != nil {
		return nil, unavailable(err)
	}
	return classTx{tx}, nil
}

// Acquire takes a connection of the pool; what the caller does with it
// (a hijacked LISTEN connection) it classifies itself.
func (d db) Acquire(ctx context.Context) (*pgxpool.Conn, error) {
	c, err := d.p.Acquire(ctx)
	return c, unavailable(err)
}

// Config is the pool's configuration.
func (d db) Config() *pgxpool.Config { return d.p.Config() }

// classTx is a transaction whose errors are classified.
type classTx struct{ pgx.Tx }

func (t classTx) Begin(ctx context.Context) (pgx.Tx, error) {
	tx, err := t.Tx.Begin(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return classTx{tx}, nil
}

func (t classTx) Commit(ctx context.Context) error   { return unavailable(t.Tx.Commit(ctx)) }
func (t classTx) Rollback(ctx context.Context) error { return unavailable(t.Tx.Rollback(ctx)) }

func (t classTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	n, err := t.Tx.CopyFrom(ctx, table, cols, src)
	return n, unavailable(err)
}

func (t classTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return classBatch{t.Tx.SendBatch(ctx, b)}
}

func (t classTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	sd, err := t.Tx.Prepare(ctx, name, sql)
	return sd, unavailable(err)
}

func (t classTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.Tx.Exec(ctx, sql, args...)
	return tag, unavailable(err)
}

func (t classTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := t.Tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, unavailable(err)
	}
	return classRows{rows}, nil
}

func (t classTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return classRow{t.Tx.QueryRow(ctx, sql, args...)}
}

// classBatch is a batch's results, classified.
type classBatch struct{ pgx.BatchResults }

func (b classBatch) Exec() (pgconn.CommandTag, error) {
	tag, err := b.BatchResults.Exec()
	return tag, unavailable(err)
}

func (b classBatch) Query() (pgx.Rows, error) {
	rows, err := b.BatchResults.Query()
	if err != nil {
		return nil, unavailable(err)
	}
	return classRows{rows}, nil
}

func (b classBatch) QueryRow() pgx.Row { return classRow{b.BatchResults.QueryRow()} }
func (b classBatch) Close() error      { return unavailable(b.BatchResults.Close()) }

// classRows are rows whose errors are classified.
type classRows struct{ pgx.Rows }

func (r classRows) Err() error             { return unavailable(r.Rows.Err()) }
func (r classRows) Scan(dest ...any) error { return unavailable(r.Rows.Scan(dest...)) }

func (r classRows) Values() ([]any, error) {
	v, err := r.Rows.Values()
	return v, unavailable(err)
}

// classRow is a row whose error is classified (pgx.ErrNoRows passes).
type classRow struct{ pgx.Row }

func (r classRow) Scan(dest ...any) error { return unavailable(r.Row.Scan(dest...)) }
