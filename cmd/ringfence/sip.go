package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"sync"

	"ringfence/engine"
	"ringfence/sip"
)

// sipOptions are the serve flags of the SIP front.
type sipOptions struct {
	listen    stringList
	nextHop   string
	blockCode int
	redress   string
	rate      float64
	retention string
}

// sipFlags registers the SIP front's flags on fs (the serve command's).
func (c *cli) sipFlags(fs *flag.FlagSet) *sipOptions {
	o := &sipOptions{}
	fs.Var(&o.listen, "sip", "screen calls on a SIP listener: udp://HOST:PORT or tcp://HOST:PORT (repeatable)")
	fs.StringVar(&o.nextHop, "sip-next-hop", "", "HOST:PORT screened calls are redirected to (default: their Request-URI)")
	fs.IntVar(&o.blockCode, "sip-block-code", 608, "answer to blocked calls: 608 (Rejected, with a redress jCard) or 603 (Decline)")
	fs.StringVar(&o.redress, "sip-redress", sip.DefaultRedress, "where wrongly rejected callers appeal, for the 608 jCard: a tel:, mailto: or https: URI")
	fs.Float64Var(&o.rate, "sip-rate", 10000, "new INVITEs per second allowed from one source address (0 = no limit)")
	fs.StringVar(&o.retention, "call-retention", "30d", "how long screened calls are kept, e.g. 30d or 720h (0 = forever)")
	return o
}

// startSIP starts every --sip listener, screening with e and recording calls
// in e's store, and returns a function that stops them and flushes the call
// log. It fails if a listener cannot bind. Without --sip it does nothing.
// The listeners also stop when ctx ends.
func (c *cli) startSIP(ctx context.Context, e *engine.Engine, o *sipOptions, logger *slog.Logger) (stop func(), err error) {
	if len(o.listen) == 0 {
		return func() {}, nil
	}
	retention, err := engine.ParseDays(o.retention)
	if err != nil {
		return nil, fmt.Errorf("--call-retention: %w", err)
	}
	logCtx, endLog := context.WithCancel(context.Background())
	calls := engine.NewCallLog(logCtx, e.Store(), retention, logger)
	srv, err := sip.NewServer(e, sip.Config{
		NextHop:   o.nextHop,
		BlockCode: o.blockCode,
		Redress:   o.redress,
		Rate:      o.rate,
		Aliases:   engineAliases{e},
		Calls:     calls,
		Logger:    logger,
		Now:       e.Now,
	})
	if err != nil {
		endLog()
		calls.Wait()
		return nil, fmt.Errorf("sip: %w", err)
	}
	stop = sync.OnceFunc(func() {
		srv.Close()
		endLog() // after the listeners: every screened call is flushed
		calls.Wait()
		st := srv.Stats()
		logger.Info("ringfence SIP stopped", "invites", st.Invites, "allowed", st.Allowed, "labelled", st.Labelled,
			"blocked", st.Blocked, "limited", st.Limited, "malformed", st.Malformed, "calls_not_recorded", calls.Dropped())
	})
	for _, l := range o.listen {
		addr, err := srv.Listen(l)
		if err != nil {
			stop()
			return nil, fmt.Errorf("sip listener %s: %w", l, err)
		}
		network, _, _ := sip.ParseListen(l)
		logger.Info("ringfence SIP screening", "listen", network+"://"+addr.String(), "next_hop", o.nextHop, "block_code", o.blockCode)
	}
	context.AfterFunc(ctx, stop)
	return stop, nil
}

// engineAliases routes alias numbers through the engine's alias table.
type engineAliases struct{ e *engine.Engine }

func (a engineAliases) Route(ctx context.Context, callee, caller string) (sip.AliasRoute, bool, error) {
	d, _, handled, err := a.e.RouteAlias(ctx, engine.AliasCall{Callee: callee, Caller: caller})
	return sip.AliasRoute{Target: d.Target, Leak: d.Leak, Reason: d.Reason}, handled, err
}
