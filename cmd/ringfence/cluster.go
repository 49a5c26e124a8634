package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"ringfence/engine"
	"ringfence/natslog"
	"ringfence/postgres"
	"ringfence/reputation"
)

// A cluster node (serve --store postgres://...) keeps its state in
// PostgreSQL, the system of record, and follows PostgreSQL's event log:
// every write appends its event to the events table in its own
// transaction, and every node applies, from the position its snapshot was
// loaded at, what any node appended (LISTEN/NOTIFY wakes it; it reads by
// position, so a lost notification costs at most a second). See
// docs/deploy.md for the topology and for what is not built yet.
//
// With --log nats://..., the store's events also go through a NATS
// JetStream stream: one node at a time (under a lease) relays them from
// PostgreSQL into the stream, with the stream's sequence equal to the
// position, and every node follows the stream instead of the database,
// reading the database only while the stream cannot serve it
// (natslog.Relay, natslog.Follower).

// checkCluster checks the cluster flags against the others: --store and
// an explicit --data are exclusive, --store takes a PostgreSQL URL, and
// the flags that need a data directory or a JetStream log are refused.
func (o *serveOptions) checkCluster(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.store == "" {
		for _, name := range []string{"log", "node", "log-replicas"} {
			if set[name] {
				return errors.New("--" + name + " needs --store (a cluster node's PostgreSQL store)")
			}
		}
		return nil
	}
	if err := checkStore(fs, o.store); err != nil {
		return err
	}
	if set["log-replicas"] && o.log == "" {
		return errors.New("--log-replicas needs --log (the NATS JetStream event log)")
	}
	if o.log != "" {
		for _, u := range strings.Split(o.log, ",") {
			if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
				return errors.New("--log wants NATS server URLs, comma-separated (nats://h1:4222,nats://h2:4222)")
			}
		}
	}
	switch {
	case o.logReplicas < 1 || o.logReplicas > 5:
		return errors.New("--log-replicas must be 1 to 5 (3 in a cluster of three NATS servers, 1 for one server)")
	case o.demo:
		return errors.New("--demo loads a data directory; with --store load data with the API")
	case o.readyLag < 0:
		return errors.New("--ready-lag must be 0 or more")
	}
	return nil
}

// storeFlag adds --store, the PostgreSQL store of a cluster, to a verb
// that otherwise works on --data.
func storeFlag(fs *flag.FlagSet) *string {
	s := new(string)
	fs.Var(storeURL{s}, "store", "PostgreSQL store of a cluster (postgres://user:pass@host:port/db), instead of --data's embedded store")
	if fs.Lookup("log") == nil {
		// serve has a --log of its own; a verb's takes the same URLs.
		fs.Var(cliLog{natsURLs{new(string)}}, "log", "the cluster's NATS servers (nats://h1:4222,...), as serve is given them: accepted with --store; the change commits to PostgreSQL with its event, and the nodes' relay carries the event into the JetStream stream (the verb itself does not connect to NATS)")
	}
	return s
}

// cliLog is a state-changing verb's --log: the cluster's NATS URLs, so that
// a verb takes the flags its cluster's nodes take. A verb writes to
// PostgreSQL only (its change and the change's event in one transaction);
// the relay that every --log node runs publishes that event to the stream,
// so running nodes see it at once without the verb reaching NATS.
type cliLog struct{ natsURLs }

func (l cliLog) Set(v string) error {
	if err := l.natsURLs.Set(v); err != nil {
		return err
	}
	for _, u := range strings.Split(v, ",") {
		if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			return errors.New("wants NATS server URLs, comma-separated (nats://h1:4222,nats://h2:4222)")
		}
	}
	return nil
}

// checkCLILog refuses a verb's --log without --store: the URLs name a
// cluster, and without --store the verb would write a data directory.
func checkCLILog(fs *flag.FlagSet) error {
	l, ok := fs.Lookup("log").Value.(cliLog)
	if !ok || l.String() == "" {
		return nil
	}
	if st := fs.Lookup("store"); st == nil || st.Value.String() == "" {
		return errors.New("--log needs --store (the cluster's PostgreSQL, which the change is written to)")
	}
	return nil
}

// storeURL is --store's value. An empty one is refused when the flag is
// read: `--store $S` with S unset would otherwise fall back to the data
// directory and write there, away from the cluster the user meant.
type storeURL struct{ s *string }

func (u storeURL) String() string {
	if u.s == nil {
		return ""
	}
	return *u.s
}

func (u storeURL) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty: give the cluster's PostgreSQL URL (postgres://user:pass@host:port/db)")
	}
	*u.s = v
	return nil
}

// natsURLs is --log's value. An empty one is refused when the flag is
// read, like --store's: `--log $L` with L unset would otherwise run the
// node without the event stream, unnoticed.
type natsURLs struct{ s *string }

func (u natsURLs) String() string {
	if u.s == nil {
		return ""
	}
	return *u.s
}

func (u natsURLs) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty: give the NATS servers' URLs (nats://h1:4222,nats://h2:4222), or leave --log out to follow PostgreSQL's event log")
	}
	*u.s = v
	return nil
}

// checkStore checks a --store URL against the other flags: --store and an
// explicit --data are exclusive, and --store takes a PostgreSQL URL.
func checkStore(fs *flag.FlagSet, store string) error {
	dataSet := false
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "data" })
	switch {
	case dataSet:
		return errors.New("--store and --data are exclusive: the state is either in PostgreSQL (--store) or in a data directory's SQLite (--data)")
	case !strings.HasPrefix(store, "postgres://") && !strings.HasPrefix(store, "postgresql://"):
		return errors.New("--store wants a PostgreSQL URL (postgres://user:pass@host:port/db)")
	}
	return nil
}

// nodeName is --node, else the host name.
func (o *serveOptions) nodeName() string {
	if o.node != "" {
		return o.node
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "ringfence"
}

// openClusterEngine opens the PostgreSQL store at storeURL (applying its
// migrations) and loads the engine's memory from it, tagged with the
// log's head at the time (engine.Open).
func openClusterEngine(ctx context.Context, storeURL string) (*engine.Engine, func(), error) {
	db, err := postgres.Open(ctx, storeURL)
	if err != nil {
		return nil, nil, err
	}
	e, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return e, func() { db.Close() }, nil
}

// redactURL drops the password from a store URL, for logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(store URL)"
	}
	u.RawQuery = ""
	return u.Redacted()
}

// openFor opens the engine a verb works on: over --store, a cluster's
// PostgreSQL, when it is given (checked against --data: usage is set when
// they conflict), else over the data directory, to write when write is
// set. Written through --store, a change commits with its event in
// PostgreSQL's event log, so running nodes apply it at once.
func (c *cli) openFor(fs *flag.FlagSet, data, store string, write bool) (e *engine.Engine, closeDB func(), usage, err error) {
	if store == "" {
		e, closeDB, err = c.openEngineFor(data, write)
		return e, closeDB, nil, err
	}
	if usage = checkStore(fs, store); usage != nil {
		return nil, nil, usage, nil
	}
	e, closeDB, err = openClusterEngine(c.context(), store)
	return e, closeDB, nil, err
}

// followJetStream makes node follow the JetStream event log at o.log
// instead of polling PostgreSQL, and relays the store's events into it
// while this node holds the relay lease. NATS need not be reachable at
// start: it connects in the background, retrying, and the node reads the
// store meanwhile. The returned function waits for the background work
// to end once ctx is done. cd, when not nil, learns the log once it is
// open and runs the node's detectors over it (clusterdetect.go).
func followJetStream(ctx context.Context, o serveOptions, node *engine.Node, logger *slog.Logger, refuse func(error), cd *clusterDetect) (wait func()) {
	var conn atomic.Pointer[natslog.Log]
	store := node.Store().Events()
	node.SetLog(&natslog.Follower{Store: store, NATS: conn.Load, Logger: logger})
	done := make(chan struct{})
	go func() {
		defer close(done)
		cfg := natslog.Config{URLs: o.log, Replicas: o.logReplicas, Name: o.nodeName(), Logger: logger}
		var l *natslog.Log
		for failing := false; ; {
			octx, cancel := context.WithTimeout(ctx, 10*time.Second)
			var err error
			l, err = natslog.Open(octx, cfg)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, natslog.ErrReplicas) {
				// Retrying does not help, and following PostgreSQL
				// for good would hide it: the node stops.
				logger.Error("the JetStream event log's streams have other replicas than --log-replicas; stopping", "err", err)
				refuse(err)
				return
			}
			if !failing {
				logger.Warn("connecting to the JetStream event log failed; following PostgreSQL's meanwhile, retrying", "err", err)
				failing = true
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
		}
		defer l.Close()
		logger.Info("connected to the JetStream event log", "replicas", cfg.Replicas)
		conn.Store(l)
		if cd != nil {
			defer cd.run(ctx, l, o, node, logger)() // before l closes
		}
		trimmed := make(chan struct{})
		go func() { defer close(trimmed); trimEvents(ctx, l, logger) }()
		l.Relay(ctx, store, o.nodeName(), logger)
		<-trimmed
	}()
	return func() { <-done }
}
