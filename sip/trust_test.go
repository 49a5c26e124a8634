package sip

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
	"github.com/prometheus/client_golang/prometheus"
)

// recordingAliases is fakeAliases that remembers every route asked for, as
// "callee caller": a leak event is written by the route of a stranger's
// call, so a route never asked for is a leak never recorded.
type recordingAliases struct {
	mu     sync.Mutex
	routes []string
}

func (r *recordingAliases) Route(ctx context.Context, callee, caller string) (AliasRoute, bool, error) {
	r.mu.Lock()
	r.routes = append(r.routes, callee+" "+caller)
	r.mu.Unlock()
	return fakeAliases{}.Route(ctx, callee, caller)
}

func (r *recordingAliases) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.routes
	r.routes = nil
	return out
}

// TestAssertedIdentityNamesTheCaller: when a P-Asserted-Identity is present
// the caller is the number it asserts, never From, which the calling party
// writes itself; a spoofed From must not make a leak against the number it
// names, nor hide one.
func TestAssertedIdentityNamesTheCaller(t *testing.T) {
	routes := &recordingAliases{}
	srv := startServer(t, Config{Aliases: routes})
	p := newPeer(t, srv.udp)
	const alias, merchant = "17100009999", "+862088888888"
	tests := []struct {
		name    string
		req     *msg
		route   string // the caller the alias was routed for; "" for no route
		verdict string // substring of X-Ringfence-Verdict
	}{
		{name: "PAI names the merchant, From spoofed", route: merchant, verdict: "alias=merchant",
			req: p.invite(allowedCaller, alias).with("P-Asserted-Identity: <tel:" + merchant + ">")},
		{name: "PAI names a stranger, From spoofed as the merchant", route: "+86" + allowedCaller, verdict: "alias=leak",
			req: p.invite(merchant, alias).with("P-Asserted-Identity: <sip:+86" + allowedCaller + "@carrier.test;user=phone>")},
		{name: "PAI anonymous: withheld, From ignored", verdict: "unscreened",
			req: p.invite(allowedCaller, alias).with("P-Asserted-Identity: <sip:anonymous@anonymous.invalid>")},
		{name: "PAI names a user, not a number", verdict: "unscreened",
			req: p.invite(allowedCaller, alias).with(`P-Asserted-Identity: "Alice" <sip:alice@carrier.test>`)},
		{name: "PAI unreadable", verdict: "unscreened",
			req: p.invite(allowedCaller, alias).with("P-Asserted-Identity: <<not an address")},
		{name: "no PAI: From is the caller", route: "+86" + allowedCaller, verdict: "alias=leak",
			req: p.invite(allowedCaller, alias)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.do(tt.req)
			if got := header(res, "X-Ringfence-Verdict"); res.StatusCode != 302 || !strings.Contains(got, tt.verdict) {
				t.Errorf("%d %q, want 302 with %q", res.StatusCode, got, tt.verdict)
			}
			var want []string
			if tt.route != "" {
				want = []string{"+86" + alias + " " + tt.route}
			}
			if got := routes.take(); !slices.Equal(got, want) {
				t.Errorf("alias routed for %q, want %q", got, want)
			}
		})
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestParseTrust(t *testing.T) {
	tests := []struct {
		in, want string // want "" for an error
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"192.0.2.7", "192.0.2.7/32"},
		{"2001:db8::/32", "2001:db8::/32"},
		{"::1", "::1/128"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
		{" 127.0.0.0/8 ", "127.0.0.0/8"},
		{"notacidr", ""},
		{"10.0.0.0/33", ""},
		{"10.0.0.0/", ""},
		{"fe80::1%eth0/64", ""},
		{"", ""},
	}
	for _, tt := range tests {
		p, err := ParseTrust(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%q: %s, want an error", tt.in, p)
		case tt.want == "" && !strings.Contains(err.Error(), strconv.Quote(tt.in)):
			t.Errorf("%q: error %q does not name the value", tt.in, err)
		case tt.want != "" && (err != nil || p.String() != tt.want):
			t.Errorf("%q: %s %v, want %s", tt.in, p, err, tt.want)
		}
	}
}

func TestTrustedSources(t *testing.T) {
	e := newEngine(t)
	def, err := NewServer(e, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer def.Close()
	carrier, err := NewServer(e, Config{Trust: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}})
	if err != nil {
		t.Fatal(err)
	}
	defer carrier.Close()
	tests := []struct {
		addr              string
		byDefault, carrie bool
	}{
		{"127.0.0.1", true, false},
		{"127.3.4.5", true, false},
		{"::1", true, false},
		{"10.9.8.7", false, true},
		{"11.0.0.1", false, false},
		{"2001:db8::5", false, true},
		{"fe80::1%eth0", false, false},
		{"192.0.2.1", false, false},
	}
	for _, tt := range tests {
		a := netip.MustParseAddr(tt.addr)
		if got := def.trusted(a); got != tt.byDefault {
			t.Errorf("default trust, %s: %v", a, got)
		}
		if got := carrier.trusted(a); got != tt.carrie {
			t.Errorf("10.0.0.0/8 and 2001:db8::/32, %s: %v", a, got)
		}
	}
	if _, err := NewServer(e, Config{Trust: []netip.Prefix{{}}}); err == nil {
		t.Error("an invalid prefix in Trust: no error")
	}
}

// TestUntrustedSourceGetsNoVerdict: a source outside the trusted networks
// gets no verdict and makes no leak event: over UDP its datagrams are
// dropped unanswered, over TCP it gets 403 and the connection is closed.
// Each is counted.
func TestUntrustedSourceGetsNoVerdict(t *testing.T) {
	routes := &recordingAliases{}
	// Only 127.0.0.2 is trusted: the tests' usual 127.0.0.1 is a stranger.
	srv := startServer(t, Config{Trust: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}, Aliases: routes})
	p := newPeer(t, srv.udp)
	udp := []struct {
		name string
		req  *msg
	}{
		{"a stranger's call to an alias number", p.invite(allowedCaller, "17100009999")},
		{"a verdict with the callee's rules", p.invite(salesCaller, "13800138000")},
		{"OPTIONS", p.request("OPTIONS", "sip:ringfence.test", allowedCaller, "ringfence")},
		{"CANCEL", p.invite(allowedCaller, "13800138000").as("CANCEL")},
	}
	for i, tt := range udp {
		t.Run("udp/"+tt.name, func(t *testing.T) {
			p.send(tt.req.String())
			waitFor(t, "the datagram to be counted", func() bool { return srv.Stats().UntrustedUDP == int64(i+1) })
			if res := p.recv(100 * time.Millisecond); res != nil {
				t.Errorf("answered:\n%s", res)
			}
		})
	}
	t.Run("tcp", func(t *testing.T) {
		c, err := net.Dial("tcp", srv.tcp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		m := p.invite(allowedCaller, "17100009999")
		m.headers[0] = strings.Replace(m.headers[0], "UDP", "TCP", 1)
		raw := m.String() + m.String()
		c.Write([]byte(raw[:40])) // the first request straddles reads
		time.Sleep(20 * time.Millisecond)
		c.Write([]byte(raw[40:]))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		all, err := io.ReadAll(c) // the server closes the connection
		if err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("read: %v", err)
		}
		res, err := sipmsg.ParseMessage(all)
		if err != nil {
			t.Fatalf("answer %q: %v", all, err)
		}
		r := res.(*sipmsg.Response)
		if r.StatusCode != 403 || header(r, "X-Ringfence-Verdict") != "" || r.CallID().Value() != m.header("Call-ID") {
			t.Errorf("answer:\n%s", r)
		}
	})
	st := srv.Stats()
	if st.UntrustedUDP != int64(len(udp)) || st.UntrustedTCP != 1 || st.Invites != 0 || st.Options != 0 || st.Cancels != 0 {
		t.Errorf("stats %+v", st)
	}
	if got := routes.take(); len(got) != 0 {
		t.Errorf("untrusted calls routed through the alias table: %q", got)
	}
	if evs := srv.recorded(); len(evs) != 0 {
		t.Errorf("untrusted calls recorded: %+v", evs)
	}

	// The trusted source is screened as before, on both transports.
	q := newPeerFrom(t, "127.0.0.2", srv.udp)
	if res := q.do(q.invite(allowedCaller, "17100009999")); res.StatusCode != 302 || !strings.Contains(header(res, "X-Ringfence-Verdict"), "alias=leak") {
		t.Errorf("trusted UDP:\n%s", res)
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	c, err := d.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if res := tcpDo(t, c, q.invite(salesCaller, "13800138000")); res.StatusCode != 608 {
		t.Errorf("trusted TCP:\n%s", res)
	}
	if got := routes.take(); !slices.Equal(got, []string{"+8617100009999 +86" + allowedCaller, subscriber + " +86" + salesCaller}) {
		t.Errorf("routes %q", got)
	}
}

// tcpDo sends m over c and reads one answer.
func tcpDo(t *testing.T, c net.Conn, m *msg) *sipmsg.Response {
	t.Helper()
	m.headers[0] = strings.Replace(m.headers[0], "SIP/2.0/UDP", "SIP/2.0/TCP", 1)
	if _, err := c.Write([]byte(m.String())); err != nil {
		t.Fatal(err)
	}
	ps := sipmsg.NewParser().NewSIPStream()
	buf := make([]byte, 4096)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var res *sipmsg.Response
		if err := ps.ParseSIPStream(buf[:n], func(m sipmsg.Message) { res = m.(*sipmsg.Response) }); err != nil && !errors.Is(err, sipmsg.ErrParseSipPartial) {
			t.Fatal(err)
		}
		if res != nil {
			return res
		}
	}
}

// TestTCPConnectionsPerSource: one source holds at most MaxConnsPerSource
// connections; more are closed at once and counted, other sources are not
// affected, and a closed connection frees its place.
func TestTCPConnectionsPerSource(t *testing.T) {
	srv := startServer(t, Config{MaxConnsPerSource: 2})
	p := newPeer(t, srv.udp)
	options := func() *msg { return p.request("OPTIONS", "sip:ringfence.test", allowedCaller, "ringfence") }
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", srv.tcp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if res := tcpDo(t, c, options()); res.StatusCode != 200 {
			t.Fatalf("connection %d: %d", len(held)+1, res.StatusCode)
		}
		held = append(held, c)
	}
	over, err := net.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	over.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := over.Read(make([]byte, 100)); n != 0 || !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("third connection: read %d %v, want it closed", n, err)
	}
	if st := srv.Stats(); st.ConnsOverSource != 1 {
		t.Errorf("stats %+v", st)
	}

	// Another source has its own allowance.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	other, err := d.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if res := tcpDo(t, other, p.invite(salesCaller, "13800138000")); res.StatusCode != 608 {
		t.Errorf("other source: %d", res.StatusCode)
	}

	// Closing one frees its place (once the server has seen it close).
	held[0].Close()
	waitFor(t, "the closed connection to be released", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.perSource[netip.MustParseAddr("127.0.0.1")] == 1
	})
	again, err := net.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if res := tcpDo(t, again, options()); res.StatusCode != 200 {
		t.Errorf("after a close: %d", res.StatusCode)
	}
	if st := srv.Stats(); st.ConnsOverSource != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestCollector: the server's counters reach Prometheus, the untrusted and
// refused ones by transport and reason.
func TestCollector(t *testing.T) {
	srv := startServer(t, Config{Trust: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}, MaxConnsPerSource: 1})
	reg := prometheus.NewRegistry()
	if err := reg.Register(srv.Collector()); err != nil {
		t.Fatal(err)
	}
	p := newPeer(t, srv.udp)
	for range 2 {
		p.send(p.invite(allowedCaller, "13800138000").String())
	}
	q := newPeerFrom(t, "127.0.0.2", srv.udp)
	q.do(q.invite(salesCaller, "13800138000"))
	untrusted, err := net.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer untrusted.Close()
	untrusted.Write([]byte(p.invite(allowedCaller, "13800138000").String()))
	untrusted.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.ReadAll(untrusted) // 403, then closed
	// The trusted source holds its one connection; a second is refused.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	held, err := d.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	tcpDo(t, held, q.request("OPTIONS", "sip:ringfence.test", allowedCaller, "ringfence"))
	over, err := d.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	waitFor(t, "the counters", func() bool {
		st := srv.Stats()
		return st.UntrustedUDP == 2 && st.UntrustedTCP == 1 && st.ConnsOverSource == 1
	})

	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			name := mf.GetName()
			for _, l := range m.GetLabel() {
				name += "," + l.GetName() + "=" + l.GetValue()
			}
			got[name] = m.GetCounter().GetValue()
		}
	}
	for name, want := range map[string]float64{
		"ringfence_sip_untrusted_total,transport=udp":         2,
		"ringfence_sip_untrusted_total,transport=tcp":         1,
		"ringfence_sip_conns_refused_total,reason=per_source": 1,
		"ringfence_sip_conns_refused_total,reason=total":      0,
		"ringfence_sip_verdicts_total,action=block":           1,
		"ringfence_sip_verdicts_total,action=allow":           0,
		"ringfence_sip_rate_limited_total":                    0,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
}

// TestUntrustedConnectionsCapped: connections from outside the trusted
// networks share a small allowance, so untrusted hosts holding connections
// open cannot use up the places the trusted proxies need.
func TestUntrustedConnectionsCapped(t *testing.T) {
	srv := startServer(t, Config{Trust: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}})
	srv.mu.Lock()
	srv.maxUntrusted = 1
	srv.mu.Unlock()
	held, err := net.Dial("tcp", srv.tcp) // untrusted, sends nothing
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	waitFor(t, "the first untrusted connection", func() bool { return srv.Stats().UntrustedTCP == 1 })
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.3")}} // another untrusted host
	over, err := d.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	waitFor(t, "the second to be refused", func() bool { return srv.Stats().ConnsOverUntrusted == 1 })
	over.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := over.Read(make([]byte, 100)); n != 0 || !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("second untrusted connection: read %d %v, want it closed", n, err)
	}
	// The trusted proxy is still served.
	q := newPeer(t, srv.udp)
	trusted, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer trusted.Close()
	if res := tcpDo(t, trusted, q.invite(salesCaller, "13800138000")); res.StatusCode != 608 {
		t.Errorf("trusted: %d", res.StatusCode)
	}
	if st := srv.Stats(); st.UntrustedTCP != 1 || st.ConnsOverUntrusted != 1 || st.ConnsOverSource != 0 {
		t.Errorf("stats %+v", st)
	}
}
