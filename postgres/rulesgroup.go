package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ringfence"
	"ringfence/screen"
)

// Group commit of rules writes. Every write appends an event, and the
// events' head row orders all writers of the cluster, its lock held until
// the commit is on disk: one write per commit would bound a cluster's
// rules writes to one per fsync (a few hundred a second on a plain disk).
// Writes that arrive while one commits wait, and the next leader commits
// them all in one transaction, each document compared with its stored
// version in the same statement as before, each with its audit entry and
// its event: a write whose version moved on fails alone (ECONFLICT), the
// others commit; if the transaction fails, every write in it fails and
// none is acknowledged.

// rulesWrite is one PutRules waiting for its commit.
type rulesWrite struct {
	ctx   context.Context
	r     *screen.Rules
	doc   []byte // the document at its next version
	ev    *screen.Rules
	audit ringfence.AuditEntry
	done  chan error    // the write's result
	lead  chan struct{} // closed when the write is to lead the next commit
}

// rulesGroup queues rules writes for the next commit.
type rulesGroup struct {
	mu      sync.Mutex
	queue   []*rulesWrite
	leading bool
}

// maxRulesGroup bounds the writes of one commit.
const maxRulesGroup = 256

// putRulesGrouped queues w and returns its result: the caller commits the
// queue itself when no commit is under way, else waits for its write to
// be committed by another, or to be asked to lead the next commit.
func (s *Store) putRulesGrouped(w *rulesWrite) error {
	g := &s.rules
	g.mu.Lock()
	g.queue = append(g.queue, w)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if !lead {
		select {
		case err := <-w.done:
			return err
		case <-w.lead:
		}
	}
	s.commitRulesGroup()
	return <-w.done
}

// commitRulesGroup commits the queued writes (up to maxRulesGroup), then
// hands the lead to the first write still queued, if any.
func (s *Store) commitRulesGroup() {
	g := &s.rules
	g.mu.Lock()
	n := min(len(g.queue), maxRulesGroup)
	batch := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()

	s.commitRules(batch)

	g.mu.Lock()
	if len(g.queue) > 0 {
		close(g.queue[0].lead)
	} else {
		g.leading = false
		g.queue = nil
	}
	g.mu.Unlock()
}

// commitRules commits the writes of batch in one transaction and answers
// each.
func (s *Store) commitRules(batch []*rulesWrite) {
	live := batch[:0:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.done <- err
			continue
		}
		live = append(live, w)
	}
	if len(live) == 0 {
		return
	}
	// Rows are locked in the order of their subscribers, the same on
	// every node, so that two nodes' commits never wait for each other
	// in a cycle; the writes of one subscriber keep their order.
	slices.SortStableFunc(live, func(a, b *rulesWrite) int { return strings.Compare(a.r.Subscriber, b.r.Subscriber) })
	// The transaction is every write's: no one caller's cancel ends it.
	ctx, cancel := context.WithTimeout(context.Background(), rulesCommitTimeout)
	defer cancel()
	var c rulesCommit
	var err error
	for attempt := 0; ; attempt++ {
		c, err = s.commitRulesTx(ctx, live)
		if err == nil || attempt == 2 || !retryableTx(err) {
			break
		}
	}
	if retryableTx(err) {
		// Rolled back each time: nothing was written; the caller may
		// send it again.
		err = ringfence.Errorf(ringfence.EUNAVAILABLE, "rules: the database rolled the write back under contention; send it again")
	}
	if err != nil {
		err = unavailable(err)
		for _, w := range live {
			w.done <- err
		}
		return
	}
	// Committed: each writer learns its version and where its event landed.
	for k, i := range c.owners {
		ev := c.events[k]
		ev.Position = c.pos - int64(len(c.events)-1-k)
		live[i].r.Version++
		ringfence.RecordAppended(live[i].ctx, ev)
	}
	for i, w := range live {
		w.done <- c.results[i]
	}
}

// rulesCommit is what a group commit's transaction did: each write's
// result (nil, or its refusal), the events appended and the write of
// each, and the position of the last.
type rulesCommit struct {
	results []error
	events  []ringfence.Event
	owners  []int
	pos     int64
}

// retryableTx reports whether PostgreSQL rolled a transaction back for
// another's sake (a deadlock, a serialization failure), when running it
// again may succeed.
func retryableTx(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// commitRulesTx is one attempt of commitRules' transaction.
func (s *Store) commitRulesTx(ctx context.Context, live []*rulesWrite) (rulesCommit, error) {
	c := rulesCommit{results: make([]error, len(live))}
	results := c.results
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, w := range live {
			b.Queue(`UPDATE rules SET doc = $1, version = $2 WHERE subscriber = $3 AND version = $4`, string(w.doc), w.r.Version+1, w.r.Subscriber, w.r.Version)
		}
		br := tx.SendBatch(ctx, b)
		updated := make([]bool, len(live))
		for i := range live {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return err
			}
			updated[i] = tag.RowsAffected() > 0
		}
		if err := br.Close(); err != nil {
			return err
		}
		b = &pgx.Batch{}
		var inserted []int
		for i, w := range live {
			switch {
			case updated[i]:
			case w.r.Version != 0:
				results[i] = rulesConflict(w.r.Version)
			default:
				b.Queue(`INSERT INTO rules (subscriber, doc, version) VALUES ($1, $2, $3) ON CONFLICT (subscriber) DO NOTHING`, w.r.Subscriber, string(w.doc), w.r.Version+1)
				inserted = append(inserted, i)
			}
		}
		if len(inserted) > 0 {
			br := tx.SendBatch(ctx, b)
			for _, i := range inserted {
				tag, err := br.Exec()
				if err != nil {
					br.Close()
					return err
				}
				if tag.RowsAffected() == 0 {
					results[i] = rulesConflict(0)
				}
			}
			if err := br.Close(); err != nil {
				return err
			}
		}
		b = &pgx.Batch{}
		for i, w := range live {
			if results[i] != nil {
				continue
			}
			a := w.audit
			if a.Action == "" {
				results[i] = ringfence.Errorf(ringfence.EINTERNAL, "audit entry without an action")
				continue
			}
			b.Queue(`INSERT INTO audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)`, ms(a.At), a.Actor, a.Action, a.Target, a.Detail)
			c.events = append(c.events, ringfence.Event{Type: ringfence.EventRules, At: a.At, Rules: w.ev})
			c.owners = append(c.owners, i)
		}
		if b.Len() > 0 {
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return err
			}
		}
		var err error
		c.pos, err = appendPending(ctx, tx, c.events)
		return err
	})
	return c, err
}

// rulesCommitTimeout bounds a group commit of rules writes.
const rulesCommitTimeout = 15 * time.Second

// newRulesWrite prepares a PutRules for the group commit.
func newRulesWrite(ctx context.Context, r *screen.Rules, audit ringfence.AuditEntry) (*rulesWrite, error) {
	next := *r
	next.Version = r.Version + 1
	doc, err := json.Marshal(&next)
	if err != nil {
		return nil, err
	}
	var ev screen.Rules
	if err := json.Unmarshal(doc, &ev); err != nil {
		return nil, err
	}
	return &rulesWrite{ctx: ctx, r: r, doc: doc, ev: &ev, audit: audit, done: make(chan error, 1), lead: make(chan struct{})}, nil
}
