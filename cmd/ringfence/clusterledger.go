package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ringfence"
	"ringfence/alias"
	"ringfence/engine"
	"ringfence/evidence"
	"ringfence/ledger"
	"ringfence/postgres"
)

// The disclosure ledger of a cluster is kept in PostgreSQL (package
// postgres, LedgerStorage): its entries with their tlog hashes, its signed
// checkpoints, print lists and case files. Every node given the ledger key
// file (--ledger-key, or RINGFENCE_LEDGER_KEY naming it) reads it, builds
// evidence and verifies it; one node with the ledger role at a time, the
// holder of the writer's lease (an advisory lock on a PostgreSQL session
// of its own), appends to it. Ledger writes (exports, alias bindings,
// leaks, attributions) on any other node answer 503 with Retry-After:
// they are not forwarded. When the holder dies, its session ends and
// another ledger node takes the lease within about a second (ledgerTick),
// checks the stored tree against the last signed checkpoint and goes on
// appending to the same tree.
//
// The signer and fingerprint keys never go into PostgreSQL: whoever could
// rewrite the database could otherwise re-sign it. The database holds the
// verifier key and a check of the fingerprint key, so a node given another
// key file is refused.

// ledgerKeyEnv names the ledger key file when --ledger-key is not given.
const ledgerKeyEnv = "RINGFENCE_LEDGER_KEY"

// ledgerReconcile is how often the writer records the leaks that nodes
// without the lease left unrecorded.
const ledgerReconcile = 10 * time.Second

// ledgerTick is how often a ledger node checks its lease, or tries to take
// it, and signs a checkpoint over entries not yet signed.
const ledgerTick = time.Second

// ledgerFlags adds --ledger-key and --spool to serve.
func ledgerFlags(fs *flag.FlagSet, o *serveOptions) {
	fs.StringVar(&o.ledgerKey, "ledger-key", "", "cluster node: the disclosure ledger's key file (0600; default $"+ledgerKeyEnv+"); created by the first ledger node when the cluster has no ledger yet. Without it the node keeps no ledger")
	fs.StringVar(&o.spool, "spool", "", "cluster node: directory (0700) where exports spool customer lists and salted copies; without it the node refuses exports")
}

// checkLedgerFlags checks --ledger-key and --spool against the others.
func (o *serveOptions) checkLedgerFlags() error {
	if o.store == "" && (o.ledgerKey != "" || o.spool != "") {
		return errors.New("--ledger-key and --spool need --store (an embedded node keeps its ledger and spool in --data)")
	}
	return nil
}

// clusterLedger is a cluster node's view of the ledger.
type clusterLedger struct {
	log    *ledger.Log
	st     *postgres.LedgerStorage
	writes bool // the node has the ledger role: it takes the lease when free
	logger *slog.Logger
}

// openClusterLedger opens the cluster's ledger for a node given a key
// file; nil (and no error) for a node without one.
func (c *cli) openClusterLedger(ctx context.Context, e *engine.Engine, o serveOptions, logger *slog.Logger) (*clusterLedger, error) {
	path := o.ledgerKey
	if path == "" {
		path = c.getenv(ledgerKeyEnv)
	}
	if path == "" {
		logger.Info("no ledger key file (--ledger-key): this node keeps no disclosure ledger")
		return nil, nil
	}
	db, ok := e.Store().(*postgres.Store)
	if !ok {
		return nil, fmt.Errorf("ledger: the cluster store is not PostgreSQL")
	}
	st := db.Ledger()
	writes := o.roles.has(roleLedger)
	keys, err := loadLedgerKey(ctx, path, st, writes, logger)
	if err != nil {
		return nil, err
	}
	if err := st.CheckKeys(ctx, keys); err != nil {
		return nil, fmt.Errorf("ledger key file %s: %w", path, err)
	}
	l, err := ledger.OpenStorage(st, keys, ledger.Options{})
	if err != nil {
		return nil, err
	}
	why := "this node is not the disclosure ledger's writer; send ledger writes (exports, alias bindings, attributions) to the node whose ringfence_ledger_writer is 1, or retry"
	if !writes {
		why = "this node does not take the ledger role (--roles) and never writes the disclosure ledger; send ledger writes (exports, alias bindings, attributions) to the node whose ringfence_ledger_writer is 1"
	}
	l.Follow(ringfence.Errorf(ringfence.EUNAVAILABLE, "%s", why))
	return &clusterLedger{log: l, st: st, writes: writes, logger: logger}, nil
}

// loadLedgerKey reads the key file at path, refusing one that others may
// read. A ledger node creates it when it is missing and the cluster has
// no ledger keys yet.
func loadLedgerKey(ctx context.Context, path string, st *postgres.LedgerStorage, create bool, logger *slog.Logger) (ledger.Keys, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		has, herr := st.HasKeys(ctx)
		if herr != nil {
			return ledger.Keys{}, herr
		}
		if has || !create {
			return ledger.Keys{}, fmt.Errorf("ledger key file %s: missing; copy the cluster's key file from the node that created it", path)
		}
		kf, err := ledger.NewKeyFile()
		if err != nil {
			return ledger.Keys{}, err
		}
		// Written whole beside path, then linked to it: a node starting
		// at the same time with the same path reads either no file or
		// the whole of it, never a part.
		f, err := os.CreateTemp(filepath.Dir(path), ".ledger-key-*")
		if err != nil {
			return ledger.Keys{}, fmt.Errorf("ledger key file: %w", err)
		}
		defer os.Remove(f.Name())
		_, err = f.Write(kf)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Link(f.Name(), path)
			if errors.Is(err, fs.ErrExist) {
				// Another node created it first: use that one.
				return loadLedgerKey(ctx, path, st, false, logger)
			}
		}
		if err != nil {
			return ledger.Keys{}, fmt.Errorf("ledger key file: %w", err)
		}
		logger.Info("created the disclosure ledger's key file: copy it to the other ledger and API nodes, and keep a copy offline", "file", path)
		return ledger.ParseKeyFile(kf)
	} else if err != nil {
		return ledger.Keys{}, fmt.Errorf("ledger key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return ledger.Keys{}, fmt.Errorf("ledger key file %s: mode %o lets others read it; chmod 600 it", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ledger.Keys{}, fmt.Errorf("ledger key file: %w", err)
	}
	k, err := ledger.ParseKeyFile(data)
	if err != nil {
		return ledger.Keys{}, fmt.Errorf("ledger key file %s: %w", filepath.Base(path), err)
	}
	return k, nil
}

// run keeps the lease until ctx ends: a ledger node takes it when it is
// free and leads, and a leader that loses it (or whose appends failed)
// follows until it takes it again. A node without the ledger role only
// follows.
func (cl *clusterLedger) run(ctx context.Context, e *engine.Engine) {
	if !cl.writes {
		return
	}
	t := time.NewTicker(ledgerTick)
	defer t.Stop()
	var reconciled time.Time
	for {
		cl.step(ctx, e)
		if w, _ := cl.log.Writer(); w && time.Since(reconciled) >= ledgerReconcile {
			reconciled = time.Now()
			cl.recordLeaks(ctx, e)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (cl *clusterLedger) step(ctx context.Context, e *engine.Engine) {
	if w, err := cl.log.Writer(); w {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		err := cl.st.CheckLease(cctx)
		cancel()
		if err == nil {
			if _, err = cl.log.Checkpoint(); err == nil {
				return
			}
		}
		cl.st.DropLease()
		cl.log.Follow(err)
		cl.logger.Warn("gave up the disclosure ledger's writer lease", "err", err)
		return
	} else if err != nil && ringfence.ErrorCode(err) != ringfence.EUNAVAILABLE {
		// Appends failed: the outcome of the last is unknown. Let go, so
		// that whoever leads next (maybe this node) reads PostgreSQL.
		cl.st.DropLease()
		cl.log.Follow(err)
		cl.logger.Warn("disclosure ledger append failed; lease given up", "err", err)
	}
	got, err := cl.st.TakeLease(ctx)
	if err != nil || !got {
		return
	}
	if err := cl.log.Lead(); err != nil {
		cl.st.DropLease()
		cl.log.Follow(err)
		cl.logger.Error("took the disclosure ledger's writer lease but cannot lead", "err", err)
		return
	}
	cl.logger.Info("leading the disclosure ledger", "entries", cl.log.Size())
	// Bindings and leaks that a writer which died stored without their
	// ledger entries are recorded now; bindings of its unfinished exports
	// are undone.
	cl.reconcile(ctx, e)
}

func (cl *clusterLedger) reconcile(ctx context.Context, e *engine.Engine) {
	if r, err := e.Reconcile(ctx); err != nil {
		cl.logger.Error("reconcile the store with the ledger", "err", err)
	} else if r != (engine.Reconciled{}) {
		cl.logger.Info("store reconciled with the ledger", "indexed", r.Indexed, "appended", r.Appended, "released", r.Released, "rebound", r.Rebound)
	}
}

// recordLeaks reconciles when the store holds leaks no ledger entry
// records: those seen by nodes without the lease (clusterDisclosures).
func (cl *clusterLedger) recordLeaks(ctx context.Context, e *engine.Engine) {
	evs, err := e.Store().UnrecordedLeaks(ctx)
	if err != nil || len(evs) == 0 {
		return
	}
	cl.reconcile(ctx, e)
}

// clusterDisclosures records the engine's disclosures in the cluster's
// ledger. A leak (a stranger's call to an alias, seen by a SIP or API
// node) on a node that does not write the ledger is left in the store
// without its ledger entry, and the call is screened; the writer records
// it within ledgerReconcile. Every other ledger write on such a node
// answers the ledger's 503.
type clusterDisclosures struct {
	ledger.Disclosures
	l *ledger.Log
}

func (d clusterDisclosures) Leaked(ctx context.Context, b alias.Binding, ev ringfence.AliasEvent) (int64, error) {
	if w, _ := d.l.Writer(); !w {
		return -1, nil
	}
	return d.Disclosures.Leaked(ctx, b, ev)
}

// close signs a last checkpoint (as the writer) and gives the lease up.
func (cl *clusterLedger) close() {
	if err := cl.log.Close(); err != nil {
		cl.logger.Warn("closing the disclosure ledger", "err", err)
	}
}

// ledgerMetrics are the ledger's gauges on /metrics.
func ledgerMetrics(l *ledger.Log) []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_ledger_writer", Help: "1 while this node writes the disclosure ledger (it holds the writer's lease), else 0."}, func() float64 {
			if w, _ := l.Writer(); w {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_ledger_entries", Help: "Entries in the disclosure ledger."}, func() float64 { return float64(l.Size()) }),
	}
}

// spoolDir makes a cluster node's export spool (0700) and removes what
// exports killed before they finished left there.
func spoolDir(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	stale, err := filepath.Glob(filepath.Join(dir, "export-*"))
	if err != nil {
		return "", err
	}
	for _, f := range stale {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return "", err
		}
	}
	return dir, nil
}

// openLedgerReader opens a cluster's ledger in PostgreSQL for the command
// line: read, never written (this is no writer), with the key file the
// nodes are given. closeAll closes the ledger and the store.
func openLedgerReader(ctx context.Context, store, keyFile string) (l *ledger.Log, db *postgres.Store, closeAll func(), err error) {
	db, err = postgres.Open(ctx, store)
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (*ledger.Log, *postgres.Store, func(), error) {
		db.Close()
		return nil, nil, nil, err
	}
	st := db.Ledger()
	if has, err := st.HasKeys(ctx); err != nil {
		return fail(err)
	} else if !has {
		return fail(ringfence.Errorf(ringfence.ENOTFOUND, "this cluster keeps no disclosure ledger yet (no node was started with --ledger-key)"))
	}
	keys, err := loadLedgerKey(ctx, keyFile, st, false, slog.New(slog.DiscardHandler))
	if err != nil {
		return fail(err)
	}
	if err := st.CheckKeys(ctx, keys); err != nil {
		return fail(fmt.Errorf("ledger key file %s: %w", keyFile, err))
	}
	if l, err = ledger.OpenStorage(st, keys, ledger.Options{CheckpointEvery: -1}); err != nil {
		return fail(err)
	}
	l.Follow(ringfence.Errorf(ringfence.EUNAVAILABLE, "the command line reads the disclosure ledger; it never writes it"))
	return l, db, func() { l.Close(); db.Close() }, nil
}

// clusterEvidence builds the evidence bundle of a case from a cluster's
// ledger in PostgreSQL, as any node's GET /v1/evidence/{case} does, signed
// with the key file the nodes are given.
func clusterEvidence(ctx context.Context, store, keyFile, caseID string) ([]byte, error) {
	l, db, closeAll, err := openLedgerReader(ctx, store, keyFile)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	return evidence.ExportWith(l, caseID, func(i int64) (string, error) {
		ev, err := db.LeakByLedger(ctx, i)
		return ev.Caller, err
	})
}
