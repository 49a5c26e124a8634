package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
	"ringfence/ledger"
	"ringfence/trace"
)

// lockLedger is the advisory lock (in lockClass) of the ledger writer's
// lease.
const lockLedger = 2

// ledgerTimeout bounds one ledger read or write.
const ledgerTimeout = 30 * time.Second

// LedgerStorage keeps a cluster's disclosure ledger in PostgreSQL (it
// implements ledger.Storage; tables in migrations/0005_ledger.sql). Every
// node reads it; one at a time writes it, the holder of the writer's
// lease: a session advisory lock held on a connection of its own, on
// which every append runs, so that a writer whose session PostgreSQL ended
// (its lease gone to another node) cannot append. The entries' primary key
// and the check of the next index in each append's transaction keep even
// a writer that lost its lease unnoticed from forking the log.
type LedgerStorage struct {
	s *Store

	leaseMu sync.Mutex // guards lease and serialises its use
	lease   *pgx.Conn

	hmu    sync.Mutex
	hcache map[int64]tlog.Hash // committed stored hashes read or written
}

var _ ledger.Storage = (*LedgerStorage)(nil)

// Ledger returns the store's ledger storage. Call it once per node.
func (s *Store) Ledger() *LedgerStorage {
	return &LedgerStorage{s: s, hcache: map[int64]tlog.Hash{}}
}

func ledgerCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), ledgerTimeout)
}

// CheckKeys checks the public half of keys against what the ledger stores
// (its verifier key and a check of its fingerprint key), storing them
// when the ledger has none yet. A node with other keys is refused: it
// would sign checkpoints no one can verify against the ledger's key.
func (l *LedgerStorage) CheckKeys(ctx context.Context, k ledger.Keys) error {
	check := k.FingerprintCheck()
	if _, err := l.s.pool.Exec(ctx, `INSERT INTO ledger_keys (id, verifier, fingerprint_check) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, k.Verifier, check); err != nil {
		return unavailable(err)
	}
	var v, c string
	if err := l.s.pool.QueryRow(ctx, `SELECT verifier, fingerprint_check FROM ledger_keys WHERE id = 1`).Scan(&v, &c); err != nil {
		return unavailable(err)
	}
	switch {
	case v != k.Verifier:
		return ringfence.Errorf(ringfence.EINVALID, "ledger key file: its verifier key is not the cluster ledger's (%s)", v)
	case c != check:
		return ringfence.Errorf(ringfence.EINVALID, "ledger key file: its fingerprint key is not the cluster ledger's")
	}
	return nil
}

// HasKeys reports whether the ledger's keys are registered (a first node
// made them).
func (l *LedgerStorage) HasKeys(ctx context.Context) (bool, error) {
	var n int
	if err := l.s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_keys`).Scan(&n); err != nil {
		return false, unavailable(err)
	}
	return n > 0, nil
}

// TakeLease tries to take the writer's lease, without waiting; it reports
// whether this storage holds it.
func (l *LedgerStorage) TakeLease(ctx context.Context) (bool, error) {
	l.leaseMu.Lock()
	defer l.leaseMu.Unlock()
	if l.lease != nil {
		return true, nil
	}
	cfg := l.s.pool.Config().ConnConfig.Copy()
	// The server drops a session whose client vanished without closing
	// (a partition, a dead host) within about 10 s, which frees the lease.
	cfg.RuntimeParams["tcp_keepalives_idle"] = "4"
	cfg.RuntimeParams["tcp_keepalives_interval"] = "2"
	cfg.RuntimeParams["tcp_keepalives_count"] = "3"
	cfg.RuntimeParams["application_name"] = "ringfence ledger writer"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, unavailable(err)
	}
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockClass, lockLedger).Scan(&got); err != nil || !got {
		conn.Close(context.Background())
		return false, unavailable(err)
	}
	l.lease = conn
	return true, nil
}

// CheckLease checks that the lease's session is alive; when it is not the
// lease is dropped (another node may hold it now) and the error says why.
func (l *LedgerStorage) CheckLease(ctx context.Context) error {
	l.leaseMu.Lock()
	defer l.leaseMu.Unlock()
	if l.lease == nil {
		return ringfence.Errorf(ringfence.EUNAVAILABLE, "this node does not hold the ledger writer's lease")
	}
	if err := l.lease.Ping(ctx); err != nil {
		l.dropLocked()
		return ringfence.Errorf(ringfence.EUNAVAILABLE, "the ledger writer's lease was lost (its PostgreSQL session failed)")
	}
	return nil
}

// DropLease gives the lease up.
func (l *LedgerStorage) DropLease() {
	l.leaseMu.Lock()
	defer l.leaseMu.Unlock()
	l.dropLocked()
}

func (l *LedgerStorage) dropLocked() {
	if l.lease != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		l.lease.Close(ctx) // ends the session, and with it the lock
		cancel()
		l.lease = nil
	}
}

// Shared implements ledger.Storage: every node of the cluster reads it.
func (l *LedgerStorage) Shared() bool { return true }

// Close gives the lease up.
func (l *LedgerStorage) Close() error {
	l.DropLease()
	return nil
}

// Entries implements ledger.Storage.
func (l *LedgerStorage) Entries(from, to int64, fn func(i int64, data []byte) error) error {
	const page = 4096
	next := from
	for {
		ctx, cancel := ledgerCtx()
		q := `SELECT idx, data, hashes FROM ledger_entries WHERE idx >= $1 ORDER BY idx LIMIT $2`
		args := []any{next, page}
		if to >= 0 {
			q = `SELECT idx, data, hashes FROM ledger_entries WHERE idx >= $1 AND idx < $3 ORDER BY idx LIMIT $2`
			args = append(args, to)
		}
		rows, err := l.s.pool.Query(ctx, q, args...)
		if err != nil {
			cancel()
			return unavailable(err)
		}
		type rec struct {
			i            int64
			data, hashes []byte
		}
		var got []rec
		for rows.Next() {
			var r rec
			if err := rows.Scan(&r.i, &r.data, &r.hashes); err != nil {
				rows.Close()
				cancel()
				return err
			}
			got = append(got, r)
		}
		err = rows.Err()
		cancel()
		if err != nil {
			return unavailable(err)
		}
		for _, r := range got {
			if r.i != next {
				return fmt.Errorf("ledger_entries: entry %d is missing (the next is %d)", next, r.i)
			}
			if err := fn(r.i, r.data); err != nil {
				return fmt.Errorf("entry %d: %w", r.i, err)
			}
			next++
		}
		if len(got) < page {
			if to >= 0 && next < to {
				return fmt.Errorf("ledger_entries holds %d entries, expected %d", next, to)
			}
			return nil
		}
	}
}

// Entry implements ledger.Storage.
func (l *LedgerStorage) Entry(i int64) ([]byte, error) {
	ctx, cancel := ledgerCtx()
	defer cancel()
	var data []byte
	if err := l.s.pool.QueryRow(ctx, `SELECT data FROM ledger_entries WHERE idx = $1`, i).Scan(&data); err != nil {
		if isNoRows(err) {
			return nil, notFound("ledger has no entry %d", i)
		}
		return nil, unavailable(err)
	}
	return data, nil
}

// hashHome is the entry whose append stored the hash at stored index x,
// and the hash's place among that entry's.
func hashHome(x int64) (entry int64, at int) {
	level, n := tlog.SplitStoredHashIndex(x)
	return (n+1)<<level - 1, level
}

// Hashes implements ledger.Storage: a hash is read from the entry that
// stored it, and kept in memory (stored hashes never change).
func (l *LedgerStorage) Hashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	l.hmu.Lock()
	for i, x := range indexes {
		h, ok := l.hcache[x]
		if !ok {
			e, _ := hashHome(x)
			missing = append(missing, e)
		}
		out[i] = h
	}
	l.hmu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	ctx, cancel := ledgerCtx()
	defer cancel()
	rows, err := l.s.pool.Query(ctx, `SELECT idx, hashes FROM ledger_entries WHERE idx = ANY($1)`, missing)
	if err != nil {
		return nil, unavailable(err)
	}
	got := map[int64][]byte{}
	for rows.Next() {
		var i int64
		var hs []byte
		if err := rows.Scan(&i, &hs); err != nil {
			rows.Close()
			return nil, err
		}
		got[i] = hs
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	l.hmu.Lock()
	defer l.hmu.Unlock()
	if len(l.hcache) > 1<<20 {
		clear(l.hcache)
	}
	for i, x := range indexes {
		if h, ok := l.hcache[x]; ok {
			out[i] = h
			continue
		}
		e, at := hashHome(x)
		hs, ok := got[e]
		if !ok || len(hs) < (at+1)*tlog.HashSize {
			return nil, fmt.Errorf("ledger: stored hash %d (of entry %d) is missing", x, e)
		}
		copy(out[i][:], hs[at*tlog.HashSize:])
		l.hcache[x] = out[i]
	}
	return out, nil
}

// Append implements ledger.Storage: one transaction on the lease's
// connection, which checks that the entries follow the last one stored.
func (l *LedgerStorage) Append(first int64, recs []ledger.Record) error {
	l.leaseMu.Lock()
	defer l.leaseMu.Unlock()
	if l.lease == nil {
		return ringfence.Errorf(ringfence.EUNAVAILABLE, "this node does not hold the ledger writer's lease")
	}
	idx := make([]int64, len(recs))
	data := make([][]byte, len(recs))
	hashes := make([][]byte, len(recs))
	for j, r := range recs {
		idx[j], data[j] = first+int64(j), r.Data
		var b bytes.Buffer
		for _, h := range r.Hashes {
			b.Write(h[:])
		}
		hashes[j] = b.Bytes()
	}
	ctx, cancel := ledgerCtx()
	defer cancel()
	err := pgx.BeginFunc(ctx, l.lease, func(tx pgx.Tx) error {
		var next int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entries`).Scan(&next); err != nil {
			return err
		}
		if next != first {
			return fmt.Errorf("ledger: append at entry %d, but the stored log holds %d entries (another writer appended)", first, next)
		}
		_, err := tx.Exec(ctx, `INSERT INTO ledger_entries (idx, data, hashes) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[])`, idx, data, hashes)
		return err
	})
	if err != nil {
		if isUnavailable(err) {
			// The outcome is unknown and the session may be gone: the
			// lease is given up, and whoever leads next reads what
			// PostgreSQL holds.
			l.dropLocked()
			return errUnavailable
		}
		return fmt.Errorf("ledger: append entries %d..%d: %w", first, first+int64(len(recs))-1, err)
	}
	l.hmu.Lock()
	for j, r := range recs {
		base := tlog.StoredHashIndex(0, first+int64(j))
		for k, h := range r.Hashes {
			l.hcache[base+int64(k)] = h
		}
	}
	l.hmu.Unlock()
	return nil
}

// Checkpoints implements ledger.Storage.
func (l *LedgerStorage) Checkpoints(from int) ([][]byte, error) {
	ctx, cancel := ledgerCtx()
	defer cancel()
	rows, err := l.s.pool.Query(ctx, `SELECT seq, note FROM ledger_checkpoints WHERE seq >= $1 ORDER BY seq`, from)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var seq int
		var msg []byte
		if err := rows.Scan(&seq, &msg); err != nil {
			return nil, err
		}
		if seq != from+len(out) {
			return nil, fmt.Errorf("ledger_checkpoints: checkpoint %d is missing", from+len(out))
		}
		out = append(out, msg)
	}
	return out, unavailable(rows.Err())
}

// AppendCheckpoint implements ledger.Storage, on the lease's connection.
func (l *LedgerStorage) AppendCheckpoint(seq int, msg []byte) error {
	l.leaseMu.Lock()
	defer l.leaseMu.Unlock()
	if l.lease == nil {
		return ringfence.Errorf(ringfence.EUNAVAILABLE, "this node does not hold the ledger writer's lease")
	}
	ctx, cancel := ledgerCtx()
	defer cancel()
	if _, err := l.lease.Exec(ctx, `INSERT INTO ledger_checkpoints (seq, note) VALUES ($1, $2)`, seq, msg); err != nil {
		if isUnavailable(err) {
			l.dropLocked()
			return errUnavailable
		}
		return fmt.Errorf("ledger: store checkpoint %d: %w", seq, err)
	}
	return nil
}

// PutPrints implements ledger.Storage.
func (l *LedgerStorage) PutPrints(exportID string, prints []trace.Print) (string, error) {
	var b bytes.Buffer
	if err := trace.WritePrints(&b, prints); err != nil {
		return "", err
	}
	ctx, cancel := ledgerCtx()
	defer cancel()
	if _, err := l.s.pool.Exec(ctx, `INSERT INTO ledger_prints (export_id, data) VALUES ($1, $2)`, exportID, b.Bytes()); err != nil {
		if isUnique(err) {
			return "", ringfence.Errorf(ringfence.ECONFLICT, "export %s already has a print list", exportID)
		}
		return "", unavailable(err)
	}
	sum := sha256.Sum256(b.Bytes())
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// Prints implements ledger.Storage.
func (l *LedgerStorage) Prints(exportID string, buf []byte) ([]byte, error) {
	ctx, cancel := ledgerCtx()
	defer cancel()
	var data []byte
	if err := l.s.pool.QueryRow(ctx, `SELECT data FROM ledger_prints WHERE export_id = $1`, exportID).Scan(&data); err != nil {
		if isNoRows(err) {
			return nil, fmt.Errorf("ledger: prints of export %s: missing", exportID)
		}
		return nil, unavailable(err)
	}
	return append(buf[:0], data...), nil
}

// PutCase implements ledger.Storage.
func (l *LedgerStorage) PutCase(id string, data []byte) error {
	ctx, cancel := ledgerCtx()
	defer cancel()
	if _, err := l.s.pool.Exec(ctx, `INSERT INTO ledger_cases (id, data) VALUES ($1, $2)`, id, data); err != nil {
		if isUnique(err) {
			return ringfence.Errorf(ringfence.ECONFLICT, "case %s is already stored", id)
		}
		return unavailable(err)
	}
	return nil
}

// Case implements ledger.Storage.
func (l *LedgerStorage) Case(id string) ([]byte, error) {
	ctx, cancel := ledgerCtx()
	defer cancel()
	var data []byte
	if err := l.s.pool.QueryRow(ctx, `SELECT data FROM ledger_cases WHERE id = $1`, id).Scan(&data); err != nil {
		if isNoRows(err) {
			return nil, fmt.Errorf("ledger: case %s: missing", id)
		}
		return nil, unavailable(err)
	}
	return data, nil
}

// Remove implements ledger.Storage.
func (l *LedgerStorage) Remove(name string) error {
	ctx, cancel := ledgerCtx()
	defer cancel()
	var err error
	switch kind, id := splitAttachment(name); kind {
	case "prints":
		_, err = l.s.pool.Exec(ctx, `DELETE FROM ledger_prints WHERE export_id = $1`, id)
	case "cases":
		_, err = l.s.pool.Exec(ctx, `DELETE FROM ledger_cases WHERE id = $1`, id)
	default:
		return fmt.Errorf("ledger: no attachment %q", name)
	}
	return unavailable(err)
}

func splitAttachment(name string) (kind, id string) {
	switch {
	case len(name) > len("prints/.prints") && name[:7] == "prints/" && name[len(name)-7:] == ".prints":
		return "prints", name[7 : len(name)-7]
	case len(name) > len("cases/.json") && name[:6] == "cases/" && name[len(name)-5:] == ".json":
		return "cases", name[6 : len(name)-5]
	}
	return "", ""
}

// Attachments implements ledger.Storage.
func (l *LedgerStorage) Attachments() ([]string, error) {
	ctx, cancel := ledgerCtx()
	defer cancel()
	rows, err := l.s.pool.Query(ctx, `SELECT 'prints/' || export_id || '.prints' FROM ledger_prints UNION ALL SELECT 'cases/' || id || '.json' FROM ledger_cases`)
	if err != nil {
		return nil, unavailable(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return names, unavailable(err)
}
