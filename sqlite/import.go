package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"ringfence"
)

// importChunk is how many reports ImportReports reads before it loads the
// stored state of their numbers and reporters and writes their
// report_events rows (all inside the import's one transaction).
const importChunk = 20000

// ImportReports stores every report next yields (until io.EOF) in ONE
// transaction, with the same outcome as AddReports called report by
// report in that order — the same weights, tallies, reporters' tracks and
// stored reports — but without a statement per report: the stored state of
// the numbers and reporters a chunk of reports touches is loaded once, the
// reports are applied to it in memory (through judge and boost, as
// AddReports applies them), and the state after the whole file is written
// with multi-row statements. One event per touched number carries its
// tallies after the import, and audit(n), given how many reports were
// stored, is the import's one audit entry; both commit with the reports.
// An error from next (or ctx) rolls everything back: nothing is written
// for an import that did not complete.
func (d *DB) ImportReports(ctx context.Context, next func() (ringfence.Report, error), boost func(ringfence.Report) float64, judge ringfence.Judge, audit func(n int) ringfence.AuditEntry) ([]ringfence.NumberTallies, error) {
	var out []ringfence.NumberTallies
	err := d.bulkTx(ctx, func(tx *sql.Tx) error {
		im := &importer{tx: tx, ReportBatch: ringfence.NewReportBatch()}
		// The report_events rows of a chunk are written by a goroutine of
		// their own while the next chunk is loaded and applied (on the same
		// transaction, whose statements database/sql runs one at a time).
		ew := startEventWriter(ctx, tx)
		var err error
		im.n, im.lastAt, err = im.Import(ctx, next, importChunk, boost, judge,
			func(rs []ringfence.Report) error { return im.load(ctx, rs) },
			ew.write)
		if werr := ew.wait(); err == nil {
			err = werr
		}
		if err != nil {
			return err
		}
		if out, err = im.flush(ctx); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit(im.n))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type importer struct {
	tx *sql.Tx
	*ringfence.ReportBatch
	n      int
	lastAt time.Time
}

// load reads the stored state of the numbers and reporters in rs that no
// earlier chunk loaded: their reports, tallies and tracks.
func (im *importer) load(ctx context.Context, rs []ringfence.Report) error {
	var nums, reps []string
	for _, r := range rs {
		if _, ok := im.Numbers[r.Number]; !ok {
			im.Numbers[r.Number] = &ringfence.BatchNumber{Order: -1}
			nums = append(nums, r.Number)
		}
		if _, ok := im.Tracks[r.Reporter]; !ok {
			im.Tracks[r.Reporter] = &ringfence.BatchTrack{}
			reps = append(reps, r.Reporter)
		}
	}
	if len(nums) > 0 {
		list, _ := json.Marshal(nums)
		rows, err := im.tx.QueryContext(ctx, `SELECT number, category, reporters, weight, corroborated FROM tallies WHERE number IN (SELECT value FROM json_each(?)) ORDER BY number, category`, string(list))
		if err != nil {
			return err
		}
		for rows.Next() {
			var n, c string
			var t ringfence.Tally
			if err := rows.Scan(&n, &c, &t.Reporters, &t.Weight, &t.Corroborated); err != nil {
				rows.Close()
				return err
			}
			t.Category = ringfence.Category(c)
			ns := im.Numbers[n]
			ns.Tallies = append(ns.Tallies, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = im.tx.QueryContext(ctx, `SELECT number, reporter, category, source, reported_at, received_at, called_at, note, weight, ref_weight, cleared, complaints, corroboration
			FROM reports WHERE number IN (SELECT value FROM json_each(?))`, string(list))
		if err != nil {
			return err
		}
		for rows.Next() {
			p := &ringfence.StoredReport{}
			var c, corr string
			var rep, rec, called int64
			var cleared int
			if err := rows.Scan(&p.Report.Number, &p.Report.Reporter, &c, &p.Report.Source, &rep, &rec, &called, &p.Report.Note, &p.Report.Weight, &p.Ref, &cleared, &p.Report.Complaints, &corr); err != nil {
				rows.Close()
				return err
			}
			p.Report.Category, p.Report.Corroboration = ringfence.Category(c), ringfence.Corroboration(corr)
			p.Report.ReportedAt, p.Report.ReceivedAt, p.Report.CalledAt = fromMS(rep), fromMS(rec), fromMS(called)
			p.Cleared = cleared != 0
			im.Pairs[ringfence.ReportKey{Number: p.Report.Number, Reporter: p.Report.Reporter}] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(reps) > 0 {
		list, _ := json.Marshal(reps)
		rows, err := im.tx.QueryContext(ctx, `SELECT id, reports, agreed, disagreed FROM reporters WHERE id IN (SELECT value FROM json_each(?))`, string(list))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var t ringfence.Track
			if err := rows.Scan(&id, &t.Reports, &t.Agreed, &t.Disagreed); err != nil {
				rows.Close()
				return err
			}
			im.Tracks[id].Track = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// eventRow is a report_events row.
type eventRow struct {
	number, category, source string
	receivedAt               int64
}

// eventWriter inserts report_events rows, chunk after chunk in the order
// given, in a goroutine of its own.
type eventWriter struct {
	ch   chan []eventRow
	done chan struct{}
	err  error // why the goroutine stopped early; read once done is closed
	ctx  context.Context
}

func startEventWriter(ctx context.Context, tx *sql.Tx) *eventWriter {
	ew := &eventWriter{ch: make(chan []eventRow, 1), done: make(chan struct{}), ctx: ctx}
	go func() {
		defer close(ew.done)
		for rows := range ew.ch {
			ew.err = insertRows(ctx, tx, `INSERT INTO report_events (number, category, source, received_at) VALUES `, "", 4, len(rows), func(i int, args []any) []any {
				r := &rows[i]
				return append(args, r.number, r.category, r.source, r.receivedAt)
			})
			if ew.err != nil {
				return // write says so from now on
			}
		}
	}()
	return ew
}

// write queues the report_events rows of a chunk of reports; an error is
// the writer's (of an earlier chunk) or ctx's.
func (ew *eventWriter) write(rs []ringfence.Report) error {
	select {
	case <-ew.done:
		return ew.err
	default:
	}
	rows := make([]eventRow, len(rs))
	for i := range rs {
		r := &rs[i]
		rows[i] = eventRow{r.Number, string(r.Category), r.Source, ms(r.ReceivedAt)}
	}
	select {
	case ew.ch <- rows:
		return nil
	case <-ew.done:
		return ew.err
	case <-ew.ctx.Done():
		return ew.ctx.Err()
	}
}

// wait ends the writer once it has written what was queued and returns
// its error. It must be called before the transaction ends.
func (ew *eventWriter) wait() error {
	close(ew.ch)
	<-ew.done
	return ew.err
}

// flush writes the state after the import: the reports, tallies and
// tracks it changed, and one event per touched number.
func (im *importer) flush(ctx context.Context) ([]ringfence.NumberTallies, error) {
	var pairs []*ringfence.StoredReport
	for _, p := range im.Pairs {
		if p.Dirty {
			pairs = append(pairs, p)
		}
	}
	// In key order: the table's order, so the B-tree fills in order.
	slices.SortFunc(pairs, func(a, b *ringfence.StoredReport) int {
		if c := strings.Compare(a.Report.Number, b.Report.Number); c != 0 {
			return c
		}
		return strings.Compare(a.Report.Reporter, b.Report.Reporter)
	})
	err := insertRows(ctx, im.tx, `INSERT INTO reports (number, reporter, category, source, reported_at, received_at, called_at, note, weight, ref_weight, cleared, complaints, corroboration) VALUES `,
		` ON CONFLICT (number, reporter) DO UPDATE SET category = excluded.category, source = excluded.source, reported_at = excluded.reported_at,
			received_at = excluded.received_at, called_at = excluded.called_at, note = excluded.note, weight = excluded.weight,
			ref_weight = excluded.ref_weight, cleared = 0, complaints = excluded.complaints, corroboration = excluded.corroboration`,
		13, len(pairs), func(i int, args []any) []any {
			p := pairs[i]
			return append(args, p.Report.Number, p.Report.Reporter, string(p.Report.Category), p.Report.Source, ms(p.Report.ReportedAt), ms(p.Report.ReceivedAt), ms(p.Report.CalledAt), p.Report.Note, p.Report.Weight, p.Ref, 0, p.Report.Complaints, string(p.Report.Corroboration))
		})
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	var tracks []string
	for id, t := range im.Tracks {
		if t.Dirty {
			tracks = append(tracks, id)
		}
	}
	slices.Sort(tracks)
	err = insertRows(ctx, im.tx, `INSERT INTO reporters (id, reports, agreed, disagreed) VALUES `,
		` ON CONFLICT (id) DO UPDATE SET reports = excluded.reports, agreed = excluded.agreed, disagreed = excluded.disagreed`,
		4, len(tracks), func(i int, args []any) []any {
			t := im.Tracks[tracks[i]].Track
			return append(args, tracks[i], t.Reports, t.Agreed, t.Disagreed)
		})
	if err != nil {
		return nil, fmt.Errorf("reporters: %w", err)
	}
	if len(im.Touched) == 0 {
		return nil, nil
	}
	list, _ := json.Marshal(im.Touched)
	if _, err := im.tx.ExecContext(ctx, `DELETE FROM tallies WHERE number IN (SELECT value FROM json_each(?))`, string(list)); err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	type row struct {
		number string
		t      ringfence.Tally
	}
	var rows []row
	for _, n := range im.Touched {
		for _, t := range im.Numbers[n].Tallies {
			rows = append(rows, row{n, t})
		}
	}
	err = insertRows(ctx, im.tx, `INSERT INTO tallies (number, category, reporters, weight, corroborated) VALUES `, "", 5, len(rows), func(i int, args []any) []any {
		r := rows[i]
		return append(args, r.number, string(r.t.Category), r.t.Reporters, r.t.Weight, r.t.Corroborated)
	})
	if err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	out := make([]ringfence.NumberTallies, 0, len(im.Touched))
	evs := make([]ringfence.Event, 0, len(im.Touched))
	for _, n := range im.Touched {
		ts := im.Numbers[n].Tallies
		if len(ts) == 0 {
			ts = nil // as tallies() reads a number without any
		}
		out = append(out, ringfence.NumberTallies{Number: n, Tallies: ts})
	}
	for i := range out {
		evs = append(evs, ringfence.Event{Type: ringfence.EventReport, At: im.lastAt, Tallies: &out[i]})
	}
	if err := appendEventsBulk(ctx, im.tx, evs); err != nil {
		return nil, err
	}
	return out, nil
}

// importCacheKiB is the page cache of the connection that imports a file,
// in KiB, for the import's transaction only (SQLite's default is 2 MiB):
// what a large import writes then stays in memory until it commits rather
// than spilling to the WAL and being read back while the transaction
// runs. It is a bound, not an allocation.
const importCacheKiB = 64 << 10

// bulkTx is tx on a connection of its own with a page cache of
// importCacheKiB for the transaction, put back to what it was once the
// transaction ended (committed or rolled back): the same transaction,
// commit and durability (synchronous=FULL) as tx.
func (d *DB) bulkTx(ctx context.Context, f func(*sql.Tx) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return unavailable(err)
	}
	defer conn.Close()
	var was int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&was); err != nil {
		return unavailable(err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importCacheKiB)); err != nil {
		return unavailable(err)
	}
	// Put back even when ctx is done: the connection goes back to the pool.
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, was))
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	return d.commit(tx, f)
}

// appendEventsBulk is appendEvents with one prepared statement for all of
// evs (an import appends one event per number it touched).
func appendEventsBulk(ctx context.Context, tx *sql.Tx, evs []ringfence.Event) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO events (type, body, at) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, ev := range evs {
		if ev.Type == "" {
			return fmt.Errorf("event %d: no type", i)
		}
		body, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("event %d (%s): %w", i, ev.Type, err)
		}
		res, err := stmt.ExecContext(ctx, string(ev.Type), string(body), ms(ev.At))
		if err != nil {
			return fmt.Errorf("event %d (%s): %w", i, ev.Type, err)
		}
		if ev.Position, err = res.LastInsertId(); err != nil {
			return err
		}
		ringfence.RecordAppended(ctx, ev)
	}
	return nil
}

// insertRows inserts n rows of cols columns with multi-row statements of
// up to rowsPerStatement rows: head is "INSERT … VALUES ", tail what
// follows the values (an ON CONFLICT clause); row appends row i's values.
func insertRows(ctx context.Context, tx *sql.Tx, head, tail string, cols, n int, row func(i int, args []any) []any) error {
	const maxParams = 2000
	per := max(maxParams/cols, 1)
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	var full *sql.Stmt
	args := make([]any, 0, per*cols)
	for start := 0; start < n; start += per {
		k := min(per, n-start)
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = row(i, args)
		}
		stmt := full
		if k < per || full == nil {
			s, err := tx.PrepareContext(ctx, head+strings.TrimSuffix(strings.Repeat(one+",", k), ",")+tail)
			if err != nil {
				return err
			}
			if k == per {
				full = s
				defer full.Close()
			} else {
				defer s.Close()
			}
			stmt = s
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}
