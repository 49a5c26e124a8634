package engine

import (
	"context"
	"errors"
	"fmt"
	"io"

	"ringfence"
	"ringfence/number"
)

// ReportImporter is a store that imports a file of reports in one
// transaction, with the outcome of AddReports report by report (both
// package sqlite's DB and package postgres's Store are). A store without it
// imports in batches.
type ReportImporter interface {
	ImportReports(ctx context.Context, next func() (ringfence.Report, error), boost func(ringfence.Report) float64, judge ringfence.Judge, audit func(n int) ringfence.AuditEntry) ([]ringfence.NumberTallies, error)
}

// ImportBatch is how many reports go in one transaction when the store
// cannot import a file in one (see ReportImporter).
const ImportBatch = 1000

// maxImportMemo bounds the numbers an import remembers the parse of.
const maxImportMemo = 1 << 20

// Import is the outcome of ImportReports.
type Import struct {
	Imported int  // reports stored (committed)
	Atomic   bool // the file went in one transaction: on error nothing was stored
}

// ImportReports stores the reports next yields until io.EOF: a file of
// crowd or official reports. A report that fails validation goes to
// reject (called before next is called again, so the caller knows its
// line) and the others go in. On a store that is a ReportImporter the
// whole file is one transaction with one audit entry (action "import
// reports", target file, detail the count and digest(), e.g. the file's
// SHA-256, read once next has returned io.EOF), and an error — from next,
// the store, or ctx — stores nothing; elsewhere reports go in batches of
// ImportBatch, and the batches committed before an error stay (Import
// says how many). Either way memory ends as AddReports report by report
// would leave it.
func (e *ReportService) ImportReports(ctx context.Context, actor, file string, next func() (ringfence.Report, error), reject func(ringfence.Report, error), digest func() string) (Import, error) {
	type parsed struct {
		e164 string
		err  error
	}
	// Numbers written "+" and digits (as a feed maps them) are remembered
	// by their number.Key, a cheaper map key than the string; number.Key
	// is one-to-one on them.
	memo, memoKey := map[string]parsed{}, map[uint64]parsed{}
	e164 := func(s string) (string, error) {
		k, isKey := number.Key(s)
		var p parsed
		var ok bool
		if isKey {
			p, ok = memoKey[k]
		} else {
			p, ok = memo[s]
		}
		if ok {
			return p.e164, p.err
		}
		n, err := number.E164(s)
		switch {
		case len(memo)+len(memoKey) >= maxImportMemo:
		case isKey:
			memoKey[k] = parsed{n, err}
		default:
			memo[s] = parsed{n, err}
		}
		return n, err
	}
	valid := func() (ringfence.Report, error) {
		for {
			r, err := next()
			if err != nil {
				return r, err
			}
			if err := e.normalizeReport(&r, e164); err != nil {
				reject(r, err)
				continue
			}
			c, err := e.corroboration(ctx, r)
			if err != nil {
				return r, err
			}
			r.Corroboration = c
			return r, nil
		}
	}
	im, ok := e.store.(ReportImporter)
	if !ok {
		return e.importBatches(ctx, valid)
	}
	e.reportMu.Lock()
	defer e.reportMu.Unlock()
	ctx, app := ringfence.WithAppended(ctx)
	// Reading and validating the file (one goroutine) overlaps storing
	// it (this one).
	pipe := readAhead(ctx, valid)
	defer pipe.stop()
	n := 0
	out, err := im.ImportReports(ctx, pipe.next, e.boost, e.judge, func(k int) ringfence.AuditEntry {
		n = k
		return e.entry(actor, "import reports", file, fmt.Sprintf("%s, sha256 %s", ringfence.Plural(k, "report"), digest()))
	})
	if err != nil {
		return Import{Atomic: true}, err
	}
	for i := range out {
		e.apply(ringfence.Event{Type: ringfence.EventReport, Tallies: &out[i]})
	}
	e.wrote(app)
	return Import{Imported: n, Atomic: true}, nil
}

// importBatches is ImportReports on a store that is no ReportImporter.
func (e *ReportService) importBatches(ctx context.Context, next func() (ringfence.Report, error)) (Import, error) {
	var res Import
	batch := make([]ringfence.Report, 0, ImportBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := e.addNormalized(ctx, batch); err != nil {
			return err
		}
		res.Imported += len(batch)
		batch = batch[:0]
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		r, err := next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return res, err
		}
		batch = append(batch, r)
		if len(batch) == ImportBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	return res, flush()
}

// pipeline runs a reader of reports in a goroutine of its own, a chunk
// ahead of the one that consumes them.
type pipeline struct {
	ch     chan []ringfence.Report
	free   chan []ringfence.Report // chunks consumed, for the reader to fill again
	cancel context.CancelFunc
	done   chan struct{}
	err    error // the reader's error other than io.EOF; read after ch closed
	cur    []ringfence.Report
	i      int
}

const pipeChunk = 1024

func readAhead(ctx context.Context, next func() (ringfence.Report, error)) *pipeline {
	ctx, cancel := context.WithCancel(ctx)
	p := &pipeline{ch: make(chan []ringfence.Report, 4), free: make(chan []ringfence.Report, 8), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer close(p.ch)
		buf := make([]ringfence.Report, 0, pipeChunk)
		send := func() bool {
			select {
			case p.ch <- buf:
				select {
				case buf = <-p.free:
					buf = buf[:0]
				default:
					buf = make([]ringfence.Report, 0, pipeChunk)
				}
				return true
			case <-ctx.Done():
				p.err = ctx.Err()
				return false
			}
		}
		for {
			if err := ctx.Err(); err != nil {
				p.err = err
				return
			}
			r, err := next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				p.err = err
				return
			}
			buf = append(buf, r)
			if len(buf) == pipeChunk && !send() {
				return
			}
		}
		if len(buf) > 0 {
			send()
		}
	}()
	return p
}

// next is the pipeline's next report, io.EOF after the last, or the
// reader's error.
func (p *pipeline) next() (ringfence.Report, error) {
	for p.i >= len(p.cur) {
		if p.cur != nil {
			select {
			case p.free <- p.cur:
			default:
			}
			p.cur = nil
		}
		b, ok := <-p.ch
		if !ok {
			if p.err != nil {
				return ringfence.Report{}, p.err
			}
			return ringfence.Report{}, io.EOF
		}
		p.cur, p.i = b, 0
	}
	r := p.cur[p.i]
	p.i++
	return r, nil
}

// stop ends the reader and waits for it, so that it calls none of its
// callbacks after ImportReports returned.
func (p *pipeline) stop() {
	p.cancel()
	for range p.ch {
	}
	<-p.done
}
