// Package sip is ringfence's SIP front: a redirect server that screens every
// call at setup. An INVITE comes in; the verdict for (caller, callee) goes
// back as a redirect or a rejection, and the proxy that asked routes the call
// accordingly:
//
//   - allow: 302 Moved Temporarily, Contact = the callee at the next hop (or
//     the original Request-URI when no next hop is configured);
//   - label: the same 302, with the From display name prefixed for the
//     terminating side (for example "[骚扰·贷款] ", see displayPrefix);
//   - block: 608 Rejected with a Reason header naming the category and a
//     Call-Info header carrying a jCard with the operator's redress contact
//     (RFC 8688), or 603 Decline when so configured.
//
// Every answer to a screened INVITE carries X-Ringfence-Verdict, e.g.
// "label; category=loan; score=0.93" (a block shows no score).
//
// The caller is taken from P-Asserted-Identity when the request has one (an
// asserted identity naming no number makes the caller withheld: From is
// then not read), else From; the callee from the Request-URI user part,
// else To; both are normalised by package number.
// A failed STIR/SHAKEN verification (verstat=TN-Validation-Failed, or an
// Identity header whose PASSporT is unreadable, stale or names another
// caller) is a block signal; a pass is never an automatic allow. A caller
// that is not a telephone number (withheld) is redirected unscreened. Calls
// to alias numbers are routed by an Aliases table.
//
// The server is stateless in the sense of RFC 3261 §8.2.7, with a memory of
// recent INVITE decisions: a retransmitted INVITE gets the same answer again
// (same To tag) without being screened or recorded twice; ACK is absorbed;
// CANCEL gets 200 when it matches a recent INVITE and 481 otherwise; a
// re-INVITE gets 481 (there are no dialogs); OPTIONS gets 200; other methods
// 405. Malformed requests get 400 when they can be answered at all and are
// dropped otherwise; nothing a peer sends makes the server panic.
//
// Only the proxies trusted to ask are answered: a verdict reveals the
// callee's personal rules and a call to an alias number may write a signed
// leak event, so a source outside Config.Trust (loopback by default) gets
// nothing over UDP (its datagrams are dropped unread) and 403 Forbidden
// over TCP, counted on /metrics. The source is the datagram's or the
// connection's address, never Via. Each trusted source address has a packet
// budget (excess is dropped), an INVITE budget (excess gets 503 with
// Retry-After) and a cap on open TCP connections (more are closed at
// accept).
//
// Nothing is logged per call: screened calls go to a Recorder (the engine's
// call log) for statistics and policy simulation.
package sip

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// Screener decides calls (the engine is one). The caller is already
// parsed and the callee is E.164 or "" (a plain check of the caller).
type Screener interface {
	Decide(v *screen.Verdict, caller number.Info, input, callee string, at time.Time, attestation string)
}

// Recorder keeps screened calls (the engine's CallLog is one). Record must not
// block.
type Recorder interface {
	Record(ringfence.CallEvent)
}

// AliasRoute is where a call to an alias number goes.
type AliasRoute struct {
	Target string // the subscriber's real number (E.164); "" refuses the call
	Leak   bool   // the caller is not one the alias was given to: a leak
	// Stranger is a caller the alias was not given to whose call is not
	// claimed as a leak (it dials sequential blocks): screened as any
	// caller, not labelled a leak.
	Stranger bool
	Reason   string // for people, recorded with the call
}

// Aliases routes calls to alias numbers. Route reports handled=false when
// callee is not an alias (or pool) number; callee and caller are E.164.
//
// The server applies the route as follows: a call the alias was meant for
// (handled, not a leak, with a target) is redirected to the target without
// screening; a stranger's call that the tracing rules still put through
// (a leak with a target) is screened as a call to the target and labelled
// at least; a refused call is blocked when it is a leak, and answered 404
// (a vacant number) otherwise.
type Aliases interface {
	Route(ctx context.Context, callee, caller string) (r AliasRoute, handled bool, err error)
}

// Config configures a Server. The zero value answers loopback sources only,
// screens calls, redirects them to their Request-URI, blocks with 608 and
// applies no rate limit.
type Config struct {
	// NextHop is HOST:PORT where allowed and labelled calls are sent
	// (Contact: sip:CALLEE@NextHop); "" keeps the Request-URI.
	NextHop string
	// BlockCode is 608 (the default) or 603.
	BlockCode int
	// Redress is the operator's contact for wrongly rejected callers, put in
	// the jCard of 608 responses: a tel:, mailto:, http: or https: URI, a
	// phone number or an e-mail address. Empty means DefaultRedress.
	Redress string
	// Rate is each source address's budget of new INVITEs per second
	// (burst: one second's worth); 0 means unlimited. A source may send
	// four times as many packets of any kind before they are dropped.
	// Serve's default is DefaultRate.
	Rate float64
	// Trust is the networks whose requests are answered; empty means
	// DefaultTrust (loopback only). The source is the datagram's or the
	// connection's remote address, never a header. From elsewhere, UDP
	// datagrams are dropped unread and unanswered (nothing is reflected to
	// a spoofed source) and a TCP connection gets 403 Forbidden to its
	// first request and is closed; both are counted (Stats.Untrusted*).
	Trust []netip.Prefix
	// MaxConnsPerSource caps the TCP connections one source address holds
	// open at once; 0 means DefaultMaxConnsPerSource. More are closed as
	// they are accepted and counted (Stats.ConnsOverSource).
	MaxConnsPerSource int
	// Aliases routes calls to alias numbers; nil means none.
	Aliases Aliases
	// Calls records every screened call, in batches at most 100 ms apart;
	// nil records nothing.
	Calls Recorder
	// Logger gets listener errors, never per-call data; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultRedress is the redress contact when none is configured: 12321, the
// national centre that takes complaints and label appeals about calls.
const DefaultRedress = "tel:12321"

// Stats counts what the server has seen since it started.
type Stats struct {
	Invites         int64 // new INVITEs answered (screened or not)
	Allowed         int64
	Labelled        int64
	Blocked         int64
	Retransmissions int64 // INVITE retransmissions answered from memory
	Acks            int64
	Cancels         int64
	Options         int64
	Rejected        int64 // other answers: 405, 416, 420, 481, 500 and 404 of alias numbers
	Malformed       int64 // messages that did not parse or lacked mandatory headers
	Limited         int64 // INVITEs answered 503 by the per-source rate limit
	Dropped         int64 // packets dropped by the per-source packet budget
	Panics          int64 // messages whose handling panicked (recovered and dropped)
	UntrustedUDP    int64 // datagrams from outside the trusted networks, dropped
	UntrustedTCP    int64 // TCP connections from outside the trusted networks, answered 403 and closed
	ConnsOverSource int64 // TCP connections closed at accept: their source already held MaxConnsPerSource
	ConnsOverTotal  int64 // TCP connections closed at accept: the server already held its maximum
	// TCP connections from outside the trusted networks closed at accept:
	// as many untrusted ones were already open as are allowed at once.
	ConnsOverUntrusted int64
}

// Server is a SIP redirect server screening calls. Create it with NewServer,
// add listeners with Listen, stop it with Close.
type Server struct {
	screener Screener
	cfg      Config
	now      func() time.Time
	log      *slog.Logger
	parser   *sipmsg.Parser

	blockCode   int
	blockPhrase string
	nextHost    string // for Contact, with brackets for IPv6
	nextPort    int
	callInfo    string // Call-Info value of 608 answers

	calls    *batcher // cfg.Calls, batched; nil records nothing
	limits   *limiter
	trust    []netip.Prefix
	maxConns int // per source
	txs      *txTable
	seed     maphash.Seed
	work     sync.Pool

	stats struct {
		invites, allowed, labelled, blocked, retrans, acks, cancels, options,
		rejected, malformed, limited, dropped, panics,
		untrustedUDP, untrustedTCP, overSource, overTotal, overUntrusted atomic.Int64
	}

	mu        sync.Mutex
	closed    bool
	listeners []net.Listener
	packets   []net.PacketConn
	conns     map[net.Conn]struct{}
	perSource map[netip.Addr]int // open TCP connections by source
	untrusted int                // open TCP connections from outside the trusted networks
	// maxUntrusted is how many of those may be open at once.
	maxUntrusted int
	wg           sync.WaitGroup
}

// NewServer returns a server screening calls with s.
func NewServer(s Screener, cfg Config) (*Server, error) {
	srv := &Server{screener: s, cfg: cfg, now: cfg.Now, log: cfg.Logger, parser: sipmsg.NewParser(),
		seed: maphash.MakeSeed(), conns: map[net.Conn]struct{}{}, perSource: map[netip.Addr]int{}, maxUntrusted: maxUntrustedConns}
	if srv.now == nil {
		srv.now = time.Now
	}
	if srv.log == nil {
		srv.log = slog.New(slog.DiscardHandler)
	}
	switch cfg.BlockCode {
	case 0, 608:
		srv.blockCode, srv.blockPhrase = 608, "Rejected"
	case 603:
		srv.blockCode, srv.blockPhrase = 603, "Decline"
	default:
		return nil, fmt.Errorf("block code %d: want 608 or 603", cfg.BlockCode)
	}
	if cfg.NextHop != "" {
		host, port, err := splitHostPort(cfg.NextHop)
		if err != nil {
			return nil, fmt.Errorf("next hop %q: %w", cfg.NextHop, err)
		}
		srv.nextHost, srv.nextPort = host, port
	}
	redress := cfg.Redress
	if redress == "" {
		redress = DefaultRedress
	}
	ci, err := callInfo(redress)
	if err != nil {
		return nil, fmt.Errorf("redress contact %q: %w", redress, err)
	}
	srv.callInfo = ci
	if cfg.Rate < 0 {
		return nil, fmt.Errorf("rate %g: must not be negative", cfg.Rate)
	}
	if cfg.Rate > 0 {
		srv.limits = newLimiter(cfg.Rate, 4*cfg.Rate)
	}
	srv.trust = DefaultTrust()
	if len(cfg.Trust) > 0 {
		srv.trust = make([]netip.Prefix, len(cfg.Trust))
		for i, p := range cfg.Trust {
			if srv.trust[i], err = normPrefix(p); err != nil {
				return nil, fmt.Errorf("trusted network %d (%s): %w", i+1, p, err)
			}
		}
	}
	switch srv.maxConns = cfg.MaxConnsPerSource; {
	case srv.maxConns < 0:
		return nil, fmt.Errorf("connections per source %d: must not be negative", cfg.MaxConnsPerSource)
	case srv.maxConns == 0:
		srv.maxConns = DefaultMaxConnsPerSource
	}
	srv.txs = newTxTable(txSpan, txMaxPerShard)
	srv.work.New = func() any { return new(work) }
	// Load the numbering plan now, not on the first call.
	_, _ = number.Parse("13800138000")
	if cfg.Calls != nil {
		srv.calls = newBatcher(cfg.Calls)
	}
	return srv, nil
}

// splitHostPort parses HOST:PORT (a bracketed IPv6 host allowed).
func splitHostPort(s string) (string, int, error) {
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %q is not a port number", p)
	}
	if host == "" {
		return "", 0, errors.New("no host")
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host, port, nil
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		Invites: c.invites.Load(), Allowed: c.allowed.Load(), Labelled: c.labelled.Load(), Blocked: c.blocked.Load(),
		Retransmissions: c.retrans.Load(), Acks: c.acks.Load(), Cancels: c.cancels.Load(), Options: c.options.Load(),
		Rejected: c.rejected.Load(), Malformed: c.malformed.Load(), Limited: c.limited.Load(), Dropped: c.dropped.Load(),
		Panics: c.panics.Load(), UntrustedUDP: c.untrustedUDP.Load(), UntrustedTCP: c.untrustedTCP.Load(),
		ConnsOverSource: c.overSource.Load(), ConnsOverTotal: c.overTotal.Load(), ConnsOverUntrusted: c.overUntrusted.Load(),
	}
}

// ParseListen parses a listener address: udp://HOST:PORT or tcp://HOST:PORT
// (a bare HOST:PORT means UDP). It returns the network and the address.
func ParseListen(s string) (network, addr string, err error) {
	network, addr = "udp", s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", "", fmt.Errorf("listen address %q: %w", s, err)
		}
		network, addr = strings.ToLower(u.Scheme), u.Host
		if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil {
			return "", "", fmt.Errorf("listen address %q: want udp://HOST:PORT or tcp://HOST:PORT", s)
		}
	}
	if network != "udp" && network != "tcp" {
		return "", "", fmt.Errorf("listen address %q: transport %q is not udp or tcp", s, network)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", "", fmt.Errorf("listen address %q: %w", s, err)
	}
	return network, addr, nil
}

// Listen binds a listener (see ParseListen) and serves it in the background
// until Close. It returns the bound address, so a port of 0 can be used.
func (s *Server) Listen(listen string) (net.Addr, error) {
	network, addr, err := ParseListen(listen)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("sip server closed")
	}
	switch network {
	case "udp":
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, err
		}
		uc := pc.(*net.UDPConn)
		// A larger socket buffer rides out bursts; failure is harmless.
		_ = uc.SetReadBuffer(4 << 20)
		_ = uc.SetWriteBuffer(4 << 20)
		s.packets = append(s.packets, pc)
		for range udpReaders() {
			s.wg.Add(1)
			go s.serveUDP(uc)
		}
		return pc.LocalAddr(), nil
	default:
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
		s.listeners = append(s.listeners, ln)
		s.wg.Add(1)
		go s.serveTCP(ln)
		return ln.Addr(), nil
	}
}

// Close stops every listener and connection, waits for them to finish and
// hands the last call events to the Recorder.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	var errs []error
	for _, pc := range s.packets {
		errs = append(errs, pc.Close())
	}
	for _, ln := range s.listeners {
		errs = append(errs, ln.Close())
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	if s.calls != nil {
		s.calls.close() // every screened call reaches the Recorder
	}
	return errors.Join(errs...)
}

// source is where a message came from.
type source struct {
	addr      netip.AddrPort
	transport string // "UDP" or "TCP"
}
