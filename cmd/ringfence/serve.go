package main

import (
	"context"
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
	fs := newFlagSet("serve", "[--data DIR] [--http ADDR] [--demo] [--sip udp://HOST:PORT]... [--sip-next-hop HOST:PORT] [--sip-trust CIDR]... [--sip-rate N]", c.stderr)
	data := c.dataDir(fs)
	addr := fs.String("http", "127.0.0.1:8080", "HTTP listen address")
	demo := fs.Bool("demo", false, "load the demo dataset first if the data directory has none")
	noLimits := fs.Bool("no-rate-limits", false, "disable per-key rate limits (benchmarks only)")
	canaryQuota := fs.Int("org-canary-quota", 0, "alias pool numbers one organisation's exports may hold as canaries (0: a quarter of the pool, at least 10; -1: no quota)")
	aliasCap := fs.Int("subscriber-alias-cap", engine.DefaultSubscriberAliasCap, "aliases one subscriber may hold (-1: no cap)")
	sipOpts := c.sipFlags(fs)
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return c.usageError(fs, "unexpected argument %q", pos[0])
	}
	if err := sipOpts.check(); err != nil {
		return c.usageError(fs, "%v", err)
	}
	logger := slog.New(slog.NewTextHandler(c.stderr, nil))
	release, err := lockData(*data, true)
	if err != nil {
		return c.fail("serve", err)
	}
	defer release()
	e, closeDB, err := c.createEngine(*data)
	if err != nil {
		return c.fail("serve", err)
	}
	defer closeDB()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *demo {
		if err := loadDemo(ctx, e, *data, c.stderr); err != nil {
			return c.fail("serve", err)
		}
	}
	limits := rfhttp.DefaultLimits()
	if *noLimits {
		limits = nil
	}
	led, err := openLedger(*data)
	if err != nil {
		return c.fail("serve", err)
	}
	defer led.Close()
	e.SetDisclosures(ledger.NewDisclosures(led))
	e.SetLogger(logger)
	e.SetAliasLimits(engine.AliasLimits{OrgCanaryQuota: *canaryQuota, SubscriberAliasCap: *aliasCap})
	if err := c.reconcile(e); err != nil {
		return c.fail("serve", err)
	}
	// Lists and copies left by exports the last run did not finish go.
	if err := cleanExportTmp(*data); err != nil {
		return c.fail("serve", err)
	}
	go trimEvents(ctx, e.Store().Events(), logger)
	srv := rfhttp.NewServer(e, logger, limits)
	srv.Ledger = led
	srv.TempDir = exportTmp(*data)
	// The web console at / on the same port; /v1/... stays the API.
	console, err := web.New(web.Config{API: srv, Auth: e, Flags: e.Store(), Events: e.Store().Events(),
		Calls: e.Store(), Pool: e, Limit: srv, Logger: logger, Done: ctx})
	if err != nil {
		return c.fail("serve", err)
	}
	for _, p := range web.Patterns {
		srv.Mount(p, console)
	}
	stopSIP, err := c.startSIP(ctx, e, sipOpts, logger, srv.Register)
	if err != nil {
		return c.fail("serve", err)
	}
	defer stopSIP() // before the store closes, so the call log flushes
	if hexKey := c.getenv("RINGFENCE_DEID_KEY"); hexKey != "" {
		if srv.DeidKey, err = deid.ParseKey([]byte(hexKey)); err != nil {
			return c.fail("serve", fmt.Errorf("RINGFENCE_DEID_KEY: %w", err))
		}
	} else if _, serr := os.Stat(filepath.Join(*data, demoDeidKeyFile)); *demo || serr == nil {
		// The demo keeps a key of its own, so pseudonym and fpe work,
		// also when serving what "ringfence demo" loaded.
		if srv.DeidKey, err = demoDeidKey(*data); err != nil {
			return c.fail("serve", fmt.Errorf("demo de-identification key: %w", err))
		}
		logger.Info("de-identification key of the demo (RINGFENCE_DEID_KEY is not set)", "file", filepath.Join(*data, demoDeidKeyFile))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return c.fail("serve", err)
	}
	st := e.IndexStats()
	logger.Info("ringfence serving", "http", "http://"+ln.Addr().String(), "data", *data, "reputed_numbers", st.Numbers)
	if *demo {
		printDemoHelp(c.stderr, ln.Addr().String(), *data)
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return c.fail("serve", err)
	}
	logger.Info("ringfence stopped")
	return exitOK
}

func printDemoHelp(w interface{ Write([]byte) (int, error) }, addr, data string) {
	keys, err := os.ReadFile(filepath.Join(data, demoKeysFile))
	if err != nil {
		return
	}
	var carrier, sub string
	for _, line := range strings.Split(string(keys), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
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
The web console is at http://%s/ : sign in with any key of %s (one per role).
`, filepath.Join(data, demoKeysFile), filepath.Join(data, demoDeidKeyFile), carrier, addr, carrier, addr, carrier, addr, sub, addr, demoSubscriber, addr, demoKeysFile)
}

// trimEvents keeps the event log to ringfence.EventRetention: at start,
// then every few hours until ctx ends. Events hold personal data (rules,
// leak callers) and nothing here reads them after that long.
func trimEvents(ctx context.Context, log ringfence.EventLog, logger *slog.Logger) {
	t := time.NewTicker(6 * time.Hour)
	defer t.Stop()
	for {
		n, err := log.Trim(ctx, time.Now().Add(-ringfence.EventRetention))
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("trimming the event log", "err", err)
		case n > 0:
			logger.Info("trimmed the event log", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
