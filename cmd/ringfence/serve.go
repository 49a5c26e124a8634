package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ringfence"
	"ringfence/deid"
	"ringfence/engine"
	rfhttp "ringfence/http"
	"ringfence/ledger"
	"ringfence/web"
)

func (c *cli) runServe(args []string) int {
	fs := newFlagSet("serve", "[--data DIR | --store postgres://... [--log nats://...[,nats://...]] [--log-replicas N] [--node NAME] [--roles api,sip,detect,ledger]] [--http ADDR] [--demo] [--sip udp://HOST:PORT]... [--sip-next-hop HOST:PORT] [--sip-trust CIDR]... [--sip-rate N]", c.stderr)
	var o serveOptions
	data := c.dataDir(fs)
	fs.Var(natsURLs{&o.log}, "log", "NATS servers of the JetStream event log the nodes follow (nats://h1:4222,nats://h2:4222); without it nodes follow PostgreSQL's event log")
	fs.IntVar(&o.logReplicas, "log-replicas", 3, "replicas of the JetStream event log's streams (3 over three NATS servers or more, 1 for one server)")
	fs.StringVar(&o.node, "node", "", "this node's name, for logs (default: the host name)")
	fs.Var(&o.roles, "roles", "the work this cluster node takes, comma-separated among api, sip, detect, ledger (default: all)")
	fs.Int64Var(&o.readyLag, "ready-lag", engine.DefaultReadyLag, "events behind the log's head a node may be and still answer GET /readyz with 200")
	fs.StringVar(&o.addr, "http", "127.0.0.1:8080", "HTTP listen address")
	fs.BoolVar(&o.demo, "demo", false, "load the demo dataset first if the data directory has none")
	fs.BoolVar(&o.noLimits, "no-rate-limits", false, "disable per-key rate limits (benchmarks only)")
	fs.BoolVar(&o.secureCookies, "secure-cookies", false, "mark the web console's cookies Secure: set it behind a proxy that terminates TLS")
	fs.IntVar(&o.canaryQuota, "org-canary-quota", 0, "alias pool numbers one organisation's exports may hold as canaries (0: a quarter of the pool, at least 10; -1: no quota)")
	fs.IntVar(&o.aliasCap, "subscriber-alias-cap", engine.DefaultSubscriberAliasCap, "aliases one subscriber may hold (-1: no cap)")
	o.sip = c.sipFlags(fs)
	ledgerFlags(fs, &o)
	store := storeFlag(fs)
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return c.usageError(fs, "unexpected argument %q", pos[0])
	}
	if err := o.sip.check(); err != nil {
		return c.usageError(fs, "%v", err)
	}
	o.data, o.store = *data, *store
	if err := o.checkCluster(fs); err != nil {
		return c.usageError(fs, "%v", err)
	}
	if err := o.checkRoles(); err != nil {
		return c.usageError(fs, "%v", err)
	}
	if err := o.checkLedgerFlags(); err != nil {
		return c.usageError(fs, "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := c.serve(ctx, o, nil); err != nil {
		return c.fail("serve", err)
	}
	return exitOK
}

// serveOptions are serve's flags.
type serveOptions struct {
	data                  string // embedded store's data directory, unless store
	store, log, node      string // cluster mode (cluster.go)
	readyLag              int64
	logReplicas           int // replicas of the JetStream streams (with log)
	addr                  string
	demo, noLimits        bool
	secureCookies         bool // the console's cookies are Secure (TLS ends at a proxy)
	canaryQuota, aliasCap int
	sip                   *sipOptions
	roles                 roleSet // cluster mode: the node's roles (roles.go)
	ledgerKey, spool      string  // cluster mode: ledger key file, export spool (clusterledger.go)
}

// serve runs a node until ctx is done: over the data directory's SQLite
// store, or (o.store) as a cluster node over PostgreSQL. listening, when
// not nil, learns the API's address once it listens.
func (c *cli) serve(ctx context.Context, o serveOptions, listening func(addr string)) error {
	logger := slog.New(slog.NewTextHandler(c.stderr, nil))
	if o.store != "" {
		logger = logger.With("node", o.nodeName())
		for _, w := range o.idleRoles() {
			logger.Warn(w)
		}
	}
	var (
		e   *engine.Engine
		led *ledger.Log
		cl  *clusterLedger
	)
	if o.store != "" {
		var closeDB func()
		var err error
		if e, closeDB, err = openClusterEngine(ctx, o.store); err != nil {
			return err
		}
		defer closeDB()
		if cl, err = c.openClusterLedger(ctx, e, o, logger); err != nil {
			return err
		}
		if cl != nil {
			defer cl.close() // before the store closes
			led = cl.log
			e.SetDisclosures(clusterDisclosures{ledger.NewDisclosures(led), led})
		}
	} else {
		release, err := lockData(o.data, true)
		if err != nil {
			return err
		}
		defer release()
		var closeDB func()
		if e, closeDB, err = c.createEngine(o.data); err != nil {
			return err
		}
		defer closeDB()
		if o.demo {
			if err := loadDemo(ctx, e, o.data, c.stderr); err != nil {
				return err
			}
		}
		if led, err = openLedger(o.data); err != nil {
			return err
		}
		defer led.Close()
		e.SetDisclosures(ledger.NewDisclosures(led))
	}
	limits := rfhttp.DefaultLimits()
	if o.noLimits {
		limits = nil
	}
	e.SetLogger(logger)
	e.SetAliasLimits(engine.AliasLimits{OrgCanaryQuota: o.canaryQuota, SubscriberAliasCap: o.aliasCap})
	if led != nil && o.store == "" {
		if err := c.reconcile(e); err != nil {
			return err
		}
		// Lists and copies left by exports the last run did not finish go.
		if err := cleanExportTmp(o.data); err != nil {
			return err
		}
	}
	// A cluster node follows the store's log: the writes of other nodes
	// reach its memory. An embedded node is its data directory's only
	// writer (it holds the directory's lock), so there is nothing to
	// follow, and /readyz always answers ready.
	var svc rfhttp.Service = e
	var detects *clusterDetect // call records through the JetStream log (with --log)
	if o.store != "" {
		node := engine.NewNode(e, logger)
		node.SetReadyLag(o.readyLag)
		runCtx, endRun := context.WithCancel(ctx)
		if o.log != "" {
			// A log this node must not use (streams with other
			// replicas) stops the node, with that error.
			var refuse context.CancelCauseFunc
			ctx, refuse = context.WithCancelCause(ctx)
			detects = &clusterDetect{}
			defer followJetStream(runCtx, o, node, logger, refuse, detects)()
		}
		followed := make(chan struct{})
		go func() {
			defer close(followed)
			if err := node.Run(runCtx); err != nil && runCtx.Err() == nil {
				logger.Error("stopped following the event log", "err", err)
			}
		}()
		defer func() { endRun(); <-followed }()
		svc = node
		if detects != nil {
			svc = ingestNode{node, detects}
		}
	}
	go trimEvents(ctx, e.Store().Events(), logger)
	srv := rfhttp.NewServer(svc, logger, limits)
	if detects != nil {
		if err := srv.Register(newDetectCollector(detects)); err != nil {
			return err
		}
	}
	if led != nil {
		srv.Ledger = led
		srv.TempDir = exportTmp(o.data)
		for _, m := range ledgerMetrics(led) {
			srv.Register(m)
		}
	}
	if cl != nil {
		var err error
		if srv.TempDir, err = spoolDir(o.spool); err != nil {
			return fmt.Errorf("--spool: %w", err)
		}
		lctx, endLedger := context.WithCancel(ctx)
		ledgerDone := make(chan struct{})
		go func() { defer close(ledgerDone); cl.run(lctx, e) }()
		defer func() { endLedger(); <-ledgerDone }()
	}
	// The web console at / on the same port; /v1/... stays the API.
	console, err := web.New(web.Config{API: srv, Auth: e, Flags: e.Store(), Events: e.Store().Events(),
		Calls: e.Store(), Pool: e, Limit: srv, Logger: logger, Done: ctx, Secure: o.secureCookies})
	if err != nil {
		return err
	}
	for _, p := range web.Patterns {
		srv.Mount(p, console)
	}
	stopSIP, err := c.startSIP(ctx, e, o.sip, logger, srv.Register)
	if err != nil {
		return err
	}
	defer stopSIP() // before the store closes, so the call log flushes
	if hexKey := c.getenv("RINGFENCE_DEID_KEY"); hexKey != "" {
		if srv.DeidKey, err = deid.ParseKey([]byte(hexKey)); err != nil {
			return fmt.Errorf("RINGFENCE_DEID_KEY: %w", err)
		}
	} else if o.store == "" {
		if _, serr := os.Stat(filepath.Join(o.data, demoDeidKeyFile)); o.demo || serr == nil {
			// The demo keeps a key of its own, so pseudonym and fpe work,
			// also when serving what "ringfence demo" loaded.
			if srv.DeidKey, err = demoDeidKey(o.data); err != nil {
				return fmt.Errorf("demo de-identification key: %w", err)
			}
			logger.Info("de-identification key of the demo (RINGFENCE_DEID_KEY is not set)", "file", filepath.Join(o.data, demoDeidKeyFile))
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	st := e.IndexStats()
	if o.store != "" {
		logger.Info("ringfence serving", "http", "http://"+ln.Addr().String(), "store", redactURL(o.store), "log_position", e.Position(), "reputed_numbers", st.Numbers)
	} else {
		logger.Info("ringfence serving", "http", "http://"+ln.Addr().String(), "data", o.data, "reputed_numbers", st.Numbers)
	}
	if o.demo {
		printDemoHelp(c.stderr, ln.Addr().String(), o.data)
	}
	if listening != nil {
		listening(ln.Addr().String())
	}
	if o.roles.has(roleAPI) {
		err = srv.Serve(ctx, ln)
	} else {
		err = serveGated(ctx, ln, apiGate(&o.roles, srv), logger)
	}
	if err != nil {
		return err
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	logger.Info("ringfence stopped")
	return nil
}

func printDemoHelp(w interface{ Write([]byte) (int, error) }, addr, data string) {
	keys, err := os.ReadFile(filepath.Join(data, demoKeysFile))
	if err != nil {
		return
	}
	var carrier, sub string
	var signIns strings.Builder
	for _, line := range strings.Split(string(keys), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		fmt.Fprintf(&signIns, "  %-10s %s\n", f[0], f[1])
		switch ringfence.Role(f[0]) {
		case ringfence.RoleCarrier:
			carrier = f[1]
		case ringfence.RoleSubscriber:
			sub = f[1]
		}
	}
	fmt.Fprintf(w, `
Demo keys are in %s; the de-identification key (unless RINGFENCE_DEID_KEY is set) in %s. Try:
  curl -s -H 'Authorization: Bearer %s' http://%s/v1/numbers/17100001234
  curl -s -H 'Authorization: Bearer %s' http://%s/v1/numbers/95588
  curl -s -H 'Authorization: Bearer %s' http://%s/v1/numbers/16512340000
  curl -s -H 'Authorization: Bearer %s' http://%s/v1/numbers/17100001234   (as subscriber %s, whose rules apply)
The web console is at http://%s/ : sign in with the key of a role (also in %s):
%s`, filepath.Join(data, demoKeysFile), filepath.Join(data, demoDeidKeyFile), carrier, addr, carrier, addr, carrier, addr, sub, addr, demoSubscriber, addr, demoKeysFile, signIns.String())
}

// trimEvents keeps the event log to ringfence.EventRetention: at start,
// then every few hours until ctx ends. Events hold personal data (rules,
// leak callers) and nothing here reads them after that long.
func trimEvents(ctx context.Context, log ringfence.EventLog, logger *slog.Logger) {
	failed := 0
	for {
		n, err := log.Trim(ctx, time.Now().Add(-ringfence.EventRetention))
		next := 6 * time.Hour
		switch {
		case err != nil && ctx.Err() == nil:
			// A store or NATS server restarting fails a trim for a
			// moment; nothing is lost by trimming a minute later.
			failed++
			next = trimRetry
			if failed < 3 {
				logger.Warn("trimming the event log failed; trying again in a minute", "err", err)
			} else {
				logger.Error("trimming the event log keeps failing; trying again in a minute", "err", err, "attempts", failed)
			}
		case err == nil:
			failed = 0
			if n > 0 {
				logger.Info("trimmed the event log", "events", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(next):
		}
	}
}

// trimRetry is how long trimEvents waits after a failed trim.
var trimRetry = time.Minute
