package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"ringfence/alias"
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
	trust     stringList
	maxConns  int
	retention string

	trustNets []netip.Prefix // trust, parsed by check
}

// sipFlags registers the SIP front's flags on fs (the serve command's).
func (c *cli) sipFlags(fs *flag.FlagSet) *sipOptions {
	o := &sipOptions{}
	fs.Var(&o.listen, "sip", "screen calls on a SIP listener: udp://HOST:PORT or tcp://HOST:PORT (repeatable)")
	fs.StringVar(&o.nextHop, "sip-next-hop", "", "HOST:PORT screened calls are redirected to (default: their Request-URI)")
	fs.IntVar(&o.blockCode, "sip-block-code", 608, "answer to blocked calls: 608 (Rejected, with a redress jCard) or 603 (Decline)")
	fs.StringVar(&o.redress, "sip-redress", sip.DefaultRedress, "where wrongly rejected callers appeal, for the 608 jCard: a tel:, mailto: or https: URI")
	fs.Float64Var(&o.rate, "sip-rate", sip.DefaultRate, "new INVITEs per second allowed from one source address (0 = no limit); raise it for an SBC carrying many calls")
	fs.Var(&o.trust, "sip-trust", "network whose proxies may ask for verdicts, as a CIDR prefix or an address (repeatable; default 127.0.0.0/8 and ::1/128); others get no answer over UDP and 403 over TCP")
	fs.IntVar(&o.maxConns, "sip-max-conns-per-source", sip.DefaultMaxConnsPerSource, "TCP connections one source address may hold open; more are closed")
	fs.StringVar(&o.retention, "call-retention", "30d", "how long screened calls are kept, e.g. 30d or 720h (0 = forever)")
	return o
}

// check validates the SIP protection flags and parses --sip-trust; serve
// calls it before it opens the data directory.
func (o *sipOptions) check() error {
	o.trustNets = o.trustNets[:0]
	for _, s := range o.trust {
		p, err := sip.ParseTrust(s)
		if err != nil {
			return fmt.Errorf("--sip-trust: %w", err)
		}
		o.trustNets = append(o.trustNets, p)
	}
	if o.maxConns < 1 {
		return fmt.Errorf("--sip-max-conns-per-source %d: must be at least 1", o.maxConns)
	}
	if o.rate < 0 {
		return fmt.Errorf("--sip-rate %g: must not be negative (0 means no limit)", o.rate)
	}
	return nil
}

// startSIP starts every --sip listener, screening with e and recording calls
// in e's store, and returns a function that stops them and flushes the call
// log. It fails if a flag is invalid or a listener cannot bind. Without
// --sip it does nothing. The listeners also stop when ctx ends. register,
// when not nil, adds the SIP counters to /metrics.
func (c *cli) startSIP(ctx context.Context, e *engine.Engine, o *sipOptions, logger *slog.Logger, register func(prometheus.Collector) error) (stop func(), err error) {
	if err := o.check(); err != nil {
		return nil, err
	}
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
		NextHop:           o.nextHop,
		BlockCode:         o.blockCode,
		Redress:           o.redress,
		Rate:              o.rate,
		Trust:             o.trustNets,
		MaxConnsPerSource: o.maxConns,
		Aliases:           engineAliases{e},
		Calls:             calls,
		Logger:            logger,
		Now:               e.Now,
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
			"blocked", st.Blocked, "limited", st.Limited, "malformed", st.Malformed, "untrusted", st.UntrustedUDP+st.UntrustedTCP,
			"conns_refused", st.ConnsOverSource+st.ConnsOverTotal+st.ConnsOverUntrusted, "calls_not_recorded", calls.Dropped())
	})
	if register != nil {
		if err := register(srv.Collector()); err != nil {
			stop()
			return nil, fmt.Errorf("sip metrics: %w", err)
		}
	}
	nets := o.trustNets
	if len(nets) == 0 {
		nets = sip.DefaultTrust()
	}
	var trusted strings.Builder
	for i, p := range nets {
		if i > 0 {
			trusted.WriteByte(',')
		}
		trusted.WriteString(p.String())
	}
	for _, l := range o.listen {
		addr, err := srv.Listen(l)
		if err != nil {
			stop()
			return nil, fmt.Errorf("sip listener %s: %w", l, err)
		}
		network, _, _ := sip.ParseListen(l)
		logger.Info("ringfence SIP screening", "listen", network+"://"+addr.String(), "next_hop", o.nextHop, "block_code", o.blockCode,
			"trust", trusted.String(), "rate_per_source", o.rate, "max_conns_per_source", o.maxConns)
	}
	context.AfterFunc(ctx, stop)
	return stop, nil
}

// engineAliases routes alias numbers through the engine's alias table.
type engineAliases struct{ e *engine.Engine }

func (a engineAliases) Route(ctx context.Context, callee, caller string) (sip.AliasRoute, bool, error) {
	d, _, handled, err := a.e.RouteAlias(ctx, engine.AliasCall{Callee: callee, Caller: caller})
	return sip.AliasRoute{Target: d.Target, Leak: d.Leak, Stranger: d.Outcome == alias.Stranger && !d.Leak, Reason: d.Reason}, handled, err
}
