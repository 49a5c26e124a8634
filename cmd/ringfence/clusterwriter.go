package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/ledger"
	"ringfence/postgres"
)

// The verbs that write the disclosure ledger (alias new and call, trace
// export and attribute) work on a cluster with --store as a ledger node
// does: for the length of the command they hold the writer's lease, so
// the ledger still has one writer at a time. While a node with the ledger
// role runs, it holds the lease, and these verbs refuse, naming the API
// calls that do the same through that node.

// leaseTries is how many times a verb tries the writer's lease, a ledger
// tick apart, before it refuses: a ledger node that just stopped frees it
// within a second or two.
const leaseTries = 3

// ledgerKeyFlag adds --ledger-key to a verb that writes a cluster's
// ledger.
func ledgerKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("ledger-key", "", "with --store: the cluster's disclosure ledger key file (0600), as its nodes are given it (default $"+ledgerKeyEnv+"); created when the cluster has no ledger yet")
}

// checkLedgerKey refuses --ledger-key without --store: a data directory
// keeps its ledger's keys itself.
func checkLedgerKey(store, keyFile string) error {
	if keyFile != "" && store == "" {
		return fmt.Errorf("--ledger-key needs --store (a data directory keeps its ledger's keys in --data)")
	}
	return nil
}

// clusterWriter is a cluster's store and ledger opened by a verb that
// writes the ledger, holding the writer's lease until close.
type clusterWriter struct {
	e       *engine.Engine
	l       *ledger.Log
	closeDB func()
}

// openClusterWriter opens the cluster's store at store and its ledger with
// the key file (--ledger-key, else $RINGFENCE_LEDGER_KEY), takes the
// writer's lease and records the engine's disclosures in the ledger, after
// reconciling the store with it as a ledger node does when it leads.
func (c *cli) openClusterWriter(ctx context.Context, store, keyFile string) (*clusterWriter, error) {
	if keyFile == "" {
		keyFile = c.getenv(ledgerKeyEnv)
	}
	if keyFile == "" {
		return nil, ringfence.Errorf(ringfence.EINVALID, "--store: this writes the cluster's disclosure ledger: give its key file with --ledger-key (or $%s), as its ledger nodes are given it", ledgerKeyEnv)
	}
	e, closeDB, err := openClusterEngine(ctx, store)
	if err != nil {
		return nil, err
	}
	w := &clusterWriter{e: e, closeDB: closeDB}
	fail := func(err error) (*clusterWriter, error) {
		w.close()
		return nil, err
	}
	db, ok := e.Store().(*postgres.Store)
	if !ok {
		return fail(fmt.Errorf("ledger: the cluster store is not PostgreSQL"))
	}
	st := db.Ledger()
	logger := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	keys, err := loadLedgerKey(ctx, keyFile, st, true, logger)
	if err == nil {
		err = st.CheckKeys(ctx, keys)
		if err != nil {
			err = fmt.Errorf("ledger key file %s: %w", keyFile, err)
		}
	}
	if err != nil {
		st.Close()
		return fail(err)
	}
	if w.l, err = ledger.OpenStorage(st, keys, ledger.Options{}); err != nil {
		st.Close()
		return fail(err)
	}
	for try := 1; ; try++ {
		got, err := st.TakeLease(ctx)
		if err != nil {
			return fail(err)
		}
		if got {
			break
		}
		if try == leaseTries {
			return fail(ringfence.Errorf(ringfence.EUNAVAILABLE, "a running ledger node holds the disclosure ledger's writer lease (its /metrics show ringfence_ledger_writer 1): send this through its API instead (POST /v1/aliases, POST /v1/exports, POST /v1/attributions, POST /v1/calls), or stop the nodes with the ledger role first; see docs/deploy.md"))
		}
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(ledgerTick):
		}
	}
	if err := w.l.Lead(); err != nil {
		return fail(err)
	}
	e.SetDisclosures(ledger.NewDisclosures(w.l))
	if err := c.reconcile(e); err != nil {
		return fail(err)
	}
	return w, nil
}

// close signs a last checkpoint over what the verb appended, gives the
// lease up and closes the store. A checkpoint that fails here is signed
// by the next writer when it leads.
func (w *clusterWriter) close() error {
	var err error
	if w.l != nil {
		err = w.l.Close()
	}
	w.closeDB()
	return err
}

// openStoreWriter is openClusterWriter for a verb given --store: a bad
// URL is a usage error, a failure to open is the verb's failure; ok is
// false with the exit code in either case.
func (c *cli) openStoreWriter(fs *flag.FlagSet, verb, store, keyFile string) (w *clusterWriter, code int, ok bool) {
	if err := checkStore(fs, store); err != nil {
		return nil, c.usageError(fs, "%v", err), false
	}
	w, err := c.openClusterWriter(c.context(), store, keyFile)
	if err != nil {
		return nil, c.fail(verb, err), false
	}
	return w, exitOK, true
}

// closeWriter closes w, warning when the last checkpoint failed.
func (c *cli) closeWriter(w *clusterWriter, verb string) {
	if err := w.close(); err != nil {
		fmt.Fprintf(c.stderr, "ringfence %s: warning: closing the disclosure ledger: %s (the next writer signs the entries left unsigned)\n", verb, errorText(err))
	}
}
