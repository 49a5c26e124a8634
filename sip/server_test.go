package sip

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"

	"ringfence"
	"ringfence/engine"
)

func TestMain(m *testing.M) {
	// sipgo's client in these tests logs its own view of every exchange.
	sipmsg.SetDefaultLogger(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// events collects recorded calls.
type events struct {
	mu  sync.Mutex
	got []engine.CallEvent
}

func (e *events) Record(c engine.CallEvent) {
	e.mu.Lock()
	e.got = append(e.got, c)
	e.mu.Unlock()
}

func (e *events) all() []engine.CallEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]engine.CallEvent(nil), e.got...)
}

// fakeAliases routes the alias +8617100009999 of the subscriber, given to a
// merchant calling from +8602088888888; +8617100008888 is the same but
// refuses strangers; +8617100005555 is called by a sequential dialler
// (a stranger, not claimed as a leak); +8617100007777 is a reserved number; +8617100006666
// fails.
type fakeAliases struct{}

func (fakeAliases) Route(_ context.Context, callee, caller string) (AliasRoute, bool, error) {
	merchant := caller == "+862088888888"
	switch callee {
	case "+8617100009999":
		if merchant {
			return AliasRoute{Target: subscriber, Reason: "alias for 某4S店: the merchant calls"}, true, nil
		}
		return AliasRoute{Target: subscriber, Leak: true, Reason: "alias given only to 某4S店 called by another number: leaked"}, true, nil
	case "+8617100008888":
		if merchant {
			return AliasRoute{Target: subscriber, Reason: "merchant"}, true, nil
		}
		return AliasRoute{Leak: true, Reason: "leaked, strangers blocked"}, true, nil
	case "+8617100005555":
		return AliasRoute{Target: subscriber, Stranger: true, Reason: "alias given only to 某4S店 called by a number flagged for dialling sequential blocks: recorded, but not claimed as a leak"}, true, nil
	case "+8617100007777":
		return AliasRoute{Reason: "reserved number"}, true, nil
	case "+8617100006666":
		return AliasRoute{}, true, errors.New("alias table unavailable")
	}
	return AliasRoute{}, false, nil
}

// testServer starts a server over a seeded engine on UDP and TCP loopback
// ports.
type testServer struct {
	*Server
	udp, tcp string
	events   *events
}

func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	ev := &events{}
	if cfg.Calls == nil {
		cfg.Calls = ev
	}
	srv, err := NewServer(newEngine(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	u, err := srv.Listen("udp://127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tc, err := srv.Listen("tcp://127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: srv, udp: u.String(), tcp: tc.String(), events: ev}
}

// recorded flushes and returns the recorded call events.
func (ts *testServer) recorded() []engine.CallEvent {
	ts.calls.flush()
	return ts.events.all()
}

// peer is a raw UDP SIP peer: it sends requests as text and parses answers
// with sipgo.
type peer struct {
	t    testing.TB
	c    *net.UDPConn
	addr string // local host:port, the Via sent-by
	n    int
}

func newPeer(t testing.TB, server string) *peer {
	t.Helper()
	return newPeerFrom(t, "127.0.0.1", server)
}

// newPeerFrom is newPeer bound to a local address.
func newPeerFrom(t testing.TB, local, server string) *peer {
	t.Helper()
	ra, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(local)}, ra)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &peer{t: t, c: c, addr: c.LocalAddr().String()}
}

// msg is a request under construction: a request line and header lines.
type msg struct {
	line    string
	headers []string
}

// invite returns a well-formed INVITE from caller to callee from p.
func (p *peer) invite(caller, callee string) *msg {
	return p.request("INVITE", "sip:"+callee+"@ringfence.test", caller, callee)
}

func (p *peer) request(method, ruri, caller, callee string) *msg {
	p.n++
	return &msg{line: method + " " + ruri + " SIP/2.0", headers: []string{
		fmt.Sprintf("Via: SIP/2.0/UDP %s;branch=z9hG4bK-%d-%d", p.addr, time.Now().UnixNano(), p.n),
		"Max-Forwards: 70",
		`From: "Caller" <sip:` + caller + `@caller.test>;tag=f` + fmt.Sprint(p.n),
		"To: <sip:" + callee + "@ringfence.test>",
		fmt.Sprintf("Call-ID: call-%d-%d@test", time.Now().UnixNano(), p.n),
		"CSeq: 1 " + method,
	}}
}

// with adds header lines.
func (m *msg) with(lines ...string) *msg {
	m.headers = append(m.headers, lines...)
	return m
}

// without drops the header lines starting with prefix.
func (m *msg) without(prefix string) *msg {
	var keep []string
	for _, h := range m.headers {
		if !strings.HasPrefix(h, prefix) {
			keep = append(keep, h)
		}
	}
	m.headers = keep
	return m
}

// as returns a copy with another method (same Via branch, Call-ID, From).
func (m *msg) as(method string) *msg {
	out := &msg{line: method + m.line[strings.IndexByte(m.line, ' '):]}
	for _, h := range m.headers {
		if strings.HasPrefix(h, "CSeq:") {
			h = strings.Fields(h)[0] + " " + strings.Fields(h)[1] + " " + method
		}
		out.headers = append(out.headers, h)
	}
	return out
}

// header returns the value of the first header line named name.
func (m *msg) header(name string) string {
	for _, h := range m.headers {
		if v, ok := strings.CutPrefix(h, name+": "); ok {
			return v
		}
	}
	return ""
}

func (m *msg) String() string {
	return m.line + "\r\n" + strings.Join(m.headers, "\r\n") + "\r\nContent-Length: 0\r\n\r\n"
}

func (p *peer) send(raw string) {
	p.t.Helper()
	if _, err := p.c.Write([]byte(raw)); err != nil {
		p.t.Fatal(err)
	}
}

// recv reads one answer, or returns nil after wait.
func (p *peer) recv(wait time.Duration) *sipmsg.Response {
	p.t.Helper()
	buf := make([]byte, 65535)
	p.c.SetReadDeadline(time.Now().Add(wait))
	n, err := p.c.Read(buf)
	if err != nil {
		return nil
	}
	m, err := sipmsg.ParseMessage(buf[:n])
	if err != nil {
		p.t.Fatalf("answer does not parse: %v\n%s", err, buf[:n])
	}
	res, ok := m.(*sipmsg.Response)
	if !ok {
		p.t.Fatalf("answer is not a response:\n%s", buf[:n])
	}
	return res
}

// do sends m and returns its answer, failing when there is none.
func (p *peer) do(m fmt.Stringer) *sipmsg.Response {
	p.t.Helper()
	p.send(m.String())
	res := p.recv(3 * time.Second)
	if res == nil {
		p.t.Fatalf("no answer to\n%s", m)
	}
	return res
}

func header(res *sipmsg.Response, name string) string {
	if h := res.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}

func TestInviteVerdicts(t *testing.T) {
	srv := startServer(t, Config{NextHop: "10.0.0.9:5070", Redress: "https://appeals.example.cn/ringfence", Aliases: fakeAliases{}})
	p := newPeer(t, srv.udp)
	now := time.Now().Unix()
	tests := []struct {
		name    string
		req     *msg
		code    int
		verdict string            // prefix of X-Ringfence-Verdict, or all of it before a final $
		from    string            // prefix of the answer's From display name
		headers map[string]string // header → substring of its value
	}{
		{name: "allowed", req: p.invite(allowedCaller, "13800138000"), code: 302, verdict: "allow; score=0.00", from: "Caller",
			headers: map[string]string{"Contact": "<sip:13800138000@10.0.0.9:5070>"}},
		{name: "labelled", req: p.invite(loanCaller, "13800138000"), code: 302, verdict: "label; category=loan; score=0.", from: "[骚扰·贷款] Caller",
			headers: map[string]string{"Contact": "<sip:13800138000@10.0.0.9:5070>"}},
		{name: "blocked by category", req: p.invite(salesCaller, "13800138000"), code: 608, verdict: "block; category=sales",
			headers: map[string]string{"Reason": `SIP;cause=608;text="sales"`, "Call-Info": ";purpose=jwscard"}},
		{name: "blocked by the callee's list shows no rule", req: p.invite(blockedByRule, "13800138000"), code: 608, verdict: "block$",
			headers: map[string]string{"Reason": `SIP;cause=608;text="policy"`}},
		{name: "label for another callee: crowd below the label weight", req: p.invite(loanCaller, "13900139000"), code: 302, verdict: "allow; score=0.2"},
		{name: "P-Asserted-Identity before From", req: p.invite(allowedCaller, "13800138000").with("P-Asserted-Identity: <sip:+86" + salesCaller + "@carrier.test;user=phone>"), code: 608},
		{name: "P-Asserted-Identity tel URI", req: p.invite(allowedCaller, "13800138000").with("P-Asserted-Identity: \"x\" <sip:anonymous@anonymous.invalid>, <tel:+86" + salesCaller + ">"), code: 608},
		{name: "tel Request-URI", req: p.request("INVITE", "tel:+8613800138000", salesCaller, "13800138000"), code: 608},
		{name: "callee from To when the Request-URI has no user", req: p.request("INVITE", "sip:ringfence.test", salesCaller, "13800138000"), code: 608},
		{name: "callee not a number: caller screened alone", req: p.invite(salesCaller, "alice"), code: 302, verdict: "allow; score=0.2",
			headers: map[string]string{"Contact": "<sip:alice@10.0.0.9:5070>"}},
		{name: "withheld caller is not screened", req: p.invite("anonymous", "13800138000"), code: 302, verdict: "allow; score=0.00; unscreened"},
		{name: "verstat failed blocks", req: p.invite(allowedCaller, "13800138000").with("P-Asserted-Identity: <sip:+86" + allowedCaller + ";verstat=TN-Validation-Failed@carrier.test;user=phone>"), code: 608,
			headers: map[string]string{"Reason": `text="TN-Validation-Failed"`}},
		{name: "verstat failed on a tel URI", req: p.invite(allowedCaller, "13800138000").with("P-Asserted-Identity: <tel:+86" + allowedCaller + ";verstat=TN-Validation-Failed>"), code: 608},
		{name: "verstat passed is no allow", req: p.invite(salesCaller, "13800138000").with("P-Asserted-Identity: <sip:+86" + salesCaller + ";verstat=TN-Validation-Passed@carrier.test;user=phone>"), code: 608},
		{name: "verstat passed", req: p.invite(allowedCaller, "13800138000").with("P-Asserted-Identity: <sip:+86" + allowedCaller + ";verstat=TN-Validation-Passed@carrier.test;user=phone>"), code: 302},
		{name: "Identity naming another caller fails", req: p.invite(allowedCaller, "13800138000").with("Identity: " + passportToken("8613700000000", now) + ";info=<https://cert.test/x.cer>;alg=ES256;ppt=shaken"), code: 608},
		{name: "Identity naming the caller is unverified, not failed", req: p.invite(allowedCaller, "13800138000").with("Identity: " + passportToken("86"+allowedCaller, now) + ";info=<https://cert.test/x.cer>"), code: 302},
		{name: "stale Identity fails", req: p.invite(allowedCaller, "13800138000").with("Identity: " + passportToken("86"+allowedCaller, now-600)), code: 608},
		{name: "garbled Identity fails", req: p.invite(allowedCaller, "13800138000").with("Identity: not-a-passport"), code: 608},
		{name: "alias: the merchant is put through", req: p.invite("+8602088888888", "17100009999"), code: 302, verdict: "allow; score=0.00; alias=merchant",
			headers: map[string]string{"Contact": "<sip:+8613800138000@10.0.0.9:5070>"}},
		{name: "alias: a stranger is labelled", req: p.invite(allowedCaller, "17100009999"), code: 302, verdict: "label; score=0.50; alias=leak", from: "[泄露] Caller",
			headers: map[string]string{"Contact": "<sip:+8613800138000@10.0.0.9:5070>"}},
		{name: "alias: a stranger keeps the subscriber's verdict", req: p.invite(salesCaller, "17100009999"), code: 608, verdict: "block; category=sales"},
		{name: "alias: a sequential dialler is screened, not labelled a leak", req: p.invite(allowedCaller, "17100005555"), code: 302, verdict: "allow; score=0.00$", from: "Caller",
			headers: map[string]string{"Contact": "<sip:+8613800138000@10.0.0.9:5070>"}},
		{name: "alias: strangers refused", req: p.invite(allowedCaller, "17100008888"), code: 608, headers: map[string]string{"Reason": `text="policy"`}},
		{name: "alias: reserved number rings nowhere", req: p.invite(allowedCaller, "17100007777"), code: 404},
		{name: "alias: table failure", req: p.invite(allowedCaller, "17100006666"), code: 500, headers: map[string]string{"Retry-After": "5"}},
		{name: "Require is not supported", req: p.invite(allowedCaller, "13800138000").with("Require: 100rel"), code: 420, headers: map[string]string{"Unsupported": "100rel"}},
		{name: "re-INVITE in a dialog this server never made", req: p.invite(allowedCaller, "13800138000").without("To:").with("To: <sip:13800138000@ringfence.test>;tag=abc"), code: 481},
		{name: "unsupported URI scheme", req: p.request("INVITE", "mailto:someone@example.com", allowedCaller, "13800138000"), code: 416},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.do(tt.req)
			if res.StatusCode != tt.code {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tt.code, res)
			}
			got := header(res, "X-Ringfence-Verdict")
			if want, exact := strings.CutSuffix(tt.verdict, "$"); exact && got != want || !exact && !strings.HasPrefix(got, want) {
				t.Errorf("X-Ringfence-Verdict %q, want %q", got, tt.verdict)
			}
			if tt.from != "" && !strings.HasPrefix(res.From().DisplayName, tt.from) {
				t.Errorf("From display name %q, want %q…", res.From().DisplayName, tt.from)
			}
			for h, want := range tt.headers {
				if got := header(res, h); !strings.Contains(got, want) {
					t.Errorf("%s %q, want it to contain %q", h, got, want)
				}
			}
			if res.To() == nil || !res.To().Params.Has("tag") {
				t.Errorf("answer without To tag:\n%s", res)
			}
			if res.CallID().Value() != tt.req.header("Call-ID") {
				t.Errorf("Call-ID %q not copied", res.CallID().Value())
			}
		})
	}
}

// passportToken is a PASSporT with the given orig number and iat, signed
// with nothing (the server does not check signatures).
func passportToken(orig string, iat int64) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"https://cert.test/x.cer"}`))
	p := enc.EncodeToString(fmt.Appendf(nil, `{"attest":"A","dest":{"tn":["8613800138000"]},"iat":%d,"orig":{"tn":"%s"},"origid":"x"}`, iat, orig))
	return h + "." + p + ".c2lnbmF0dXJl"
}

func TestBlockAnswerCarriesRedressJCard(t *testing.T) {
	srv := startServer(t, Config{Redress: "mailto:appeals@example.cn"})
	p := newPeer(t, srv.udp)
	res := p.do(p.invite(salesCaller, "13800138000"))
	if res.StatusCode != 608 || res.Reason != "Rejected" {
		t.Fatalf("%d %s", res.StatusCode, res.Reason)
	}
	ci := header(res, "Call-Info")
	uri, params, ok := strings.Cut(ci, ">;")
	if !ok || params != "purpose=jwscard" {
		t.Fatalf("Call-Info %q", ci)
	}
	jws, ok := strings.CutPrefix(uri, "<data:application/jwt,")
	if !ok {
		t.Fatalf("Call-Info %q is not a data: URI of a JWT", ci)
	}
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("JWS %q has %d parts", jws, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var payload struct {
		JCard []json.RawMessage `json:"jcard"`
	}
	if err := json.Unmarshal(raw, &payload); err != nil || len(payload.JCard) != 2 || string(payload.JCard[0]) != `"vcard"` {
		t.Fatalf("payload %s: %v", raw, err)
	}
	var props [][]any
	if err := json.Unmarshal(payload.JCard[1], &props); err != nil {
		t.Fatal(err)
	}
	found := map[string]any{}
	for _, p := range props {
		found[p[0].(string)] = p[3]
	}
	if found["email"] != "appeals@example.cn" || found["version"] != "4.0" || found["fn"] == nil {
		t.Fatalf("jCard properties %v", found)
	}
}

func TestDeclineWhenConfigured(t *testing.T) {
	srv := startServer(t, Config{BlockCode: 603})
	p := newPeer(t, srv.udp)
	res := p.do(p.invite(salesCaller, "13800138000"))
	if res.StatusCode != 603 || res.Reason != "Decline" {
		t.Fatalf("%d %s", res.StatusCode, res.Reason)
	}
	if got := header(res, "Reason"); got != `SIP;cause=603;text="sales"` {
		t.Errorf("Reason %q", got)
	}
	if got := header(res, "Call-Info"); got != "" {
		t.Errorf("603 with Call-Info %q", got)
	}
}

func TestContactIsRequestURIWithoutNextHop(t *testing.T) {
	srv := startServer(t, Config{Aliases: fakeAliases{}})
	p := newPeer(t, srv.udp)
	for _, tt := range []struct {
		req     *msg
		contact string
	}{
		{p.request("INVITE", "sip:13800138000@ringfence.test;user=phone", allowedCaller, "13800138000"), "<sip:13800138000@ringfence.test;user=phone>"},
		{p.request("INVITE", "tel:+8613800138000", allowedCaller, "13800138000"), "<tel:+8613800138000>"},
		{p.invite("+8602088888888", "17100009999"), "<sip:+8613800138000@ringfence.test>"},
		{p.request("INVITE", "tel:17100009999", "+8602088888888", "17100009999"), "<tel:+8613800138000>"},
	} {
		res := p.do(tt.req)
		if got := header(res, "Contact"); res.StatusCode != 302 || got != tt.contact {
			t.Errorf("%s: %d Contact %q, want %q", tt.req.line, res.StatusCode, got, tt.contact)
		}
	}
}

func TestTransactions(t *testing.T) {
	srv := startServer(t, Config{})
	p := newPeer(t, srv.udp)

	inv := p.invite(loanCaller, "13800138000")
	first := p.do(inv)
	again := p.do(inv) // a retransmission
	if first.String() != again.String() {
		t.Errorf("retransmission answered differently:\n%s\n---\n%s", first, again)
	}
	tag, _ := first.To().Params.Get("tag")

	p.send(inv.as("ACK").String())
	if res := p.recv(200 * time.Millisecond); res != nil {
		t.Errorf("ACK answered:\n%s", res)
	}
	cancel := p.do(inv.as("CANCEL"))
	if got, _ := cancel.To().Params.Get("tag"); cancel.StatusCode != 200 || got != tag || cancel.CSeq().MethodName != "CANCEL" {
		t.Errorf("CANCEL of an answered INVITE: %d tag %q (INVITE's %q)\n%s", cancel.StatusCode, got, tag, cancel)
	}
	if res := p.do(p.invite(loanCaller, "13800138000").as("CANCEL")); res.StatusCode != 481 {
		t.Errorf("CANCEL of no INVITE: %d", res.StatusCode)
	}

	st := srv.Stats()
	if st.Invites != 1 || st.Retransmissions != 1 || st.Acks != 1 || st.Cancels != 2 || st.Labelled != 1 {
		t.Errorf("stats %+v", st)
	}
	evs := srv.recorded()
	if len(evs) != 1 {
		t.Fatalf("%d call events, want 1: %+v", len(evs), evs)
	}
	ev := evs[0]
	if ev.Caller != "+86"+loanCaller || ev.Callee != subscriber || ev.Action != ringfence.Label || ev.Category != "loan" ||
		ev.Source != "sip" || len(ev.Reasons) == 0 || ev.At.IsZero() || ev.Score <= 0 {
		t.Errorf("call event %+v", ev)
	}
}

func TestOtherMethods(t *testing.T) {
	srv := startServer(t, Config{})
	p := newPeer(t, srv.udp)
	res := p.do(p.request("OPTIONS", "sip:ringfence.test", allowedCaller, "ringfence"))
	if res.StatusCode != 200 || header(res, "Allow") != allowMethods {
		t.Errorf("OPTIONS: %d Allow %q", res.StatusCode, header(res, "Allow"))
	}
	for _, m := range []string{"REGISTER", "BYE", "MESSAGE", "SUBSCRIBE", "INFO"} {
		res := p.do(p.request(m, "sip:13800138000@ringfence.test", allowedCaller, "13800138000"))
		if res.StatusCode != 405 || header(res, "Allow") != allowMethods {
			t.Errorf("%s: %d Allow %q", m, res.StatusCode, header(res, "Allow"))
		}
	}
	if st := srv.Stats(); st.Invites != 0 || len(srv.recorded()) != 0 {
		t.Errorf("non-INVITEs screened: %+v", st)
	}
}

func TestRport(t *testing.T) {
	srv := startServer(t, Config{})
	p := newPeer(t, srv.udp)
	m := p.invite(allowedCaller, "13800138000")
	m.headers[0] = strings.Replace(m.headers[0], ";branch", ";rport;branch", 1)
	res := p.do(m)
	via := res.Via()
	_, port, _ := net.SplitHostPort(p.addr)
	if got, _ := via.Params.Get("rport"); got != port {
		t.Errorf("rport %q, want %q: %s", got, port, via)
	}
	if got, _ := via.Params.Get("received"); got != "127.0.0.1" {
		t.Errorf("received %q: %s", got, via)
	}
	// A second Via is copied as it is.
	m = p.invite(allowedCaller, "13800138000").with("Via: SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bKproxy;received=192.0.2.8")
	res = p.do(m)
	vias := res.GetHeaders("Via")
	if len(vias) != 2 || vias[1].Value() != "SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bKproxy;received=192.0.2.8" {
		t.Errorf("Vias %v", vias)
	}
}

func TestMalformed(t *testing.T) {
	srv := startServer(t, Config{})
	p := newPeer(t, srv.udp)
	tests := []struct {
		name string
		raw  string
		code int // 0: no answer
	}{
		// An answer without Call-ID or CSeq would match nothing at the client.
		{"no Call-ID", p.invite(allowedCaller, "13800138000").without("Call-ID").String(), 0},
		{"no CSeq", p.invite(allowedCaller, "13800138000").without("CSeq").String(), 0},
		{"CSeq method differs", p.invite(allowedCaller, "13800138000").without("CSeq").with("CSeq: 1 BYE").String(), 400},
		{"bad header after the mandatory ones", p.invite(allowedCaller, "13800138000").with("Content-Length: many").String(), 400},
		{"no Via", p.invite(allowedCaller, "13800138000").without("Via").String(), 0},
		{"bad Via", p.invite(allowedCaller, "13800138000").without("Via").with("Via: nonsense").String(), 0},
		{"malformed ACK", p.invite(allowedCaller, "13800138000").as("ACK").without("Call-ID").String(), 0},
		{"garbage", "\x00\x01hello there\r\n\r\n", 0},
		{"bad request line", "INVITE\r\nVia: SIP/2.0/UDP " + p.addr + ";branch=z9hG4bKx\r\n\r\n", 0},
		{"a response", "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP " + p.addr + ";branch=z9hG4bKx\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nContent-Length: 0\r\n\r\n", 0},
		{"keep-alive", "\r\n\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.send(tt.raw)
			wait := 3 * time.Second
			if tt.code == 0 {
				wait = 200 * time.Millisecond
			}
			res := p.recv(wait)
			switch {
			case tt.code == 0 && res != nil:
				t.Fatalf("answered %d", res.StatusCode)
			case tt.code != 0 && res == nil:
				t.Fatal("no answer")
			case tt.code != 0 && res.StatusCode != tt.code:
				t.Fatalf("status %d, want %d", res.StatusCode, tt.code)
			}
		})
	}
	if res := p.do(p.invite(salesCaller, "13800138000")); res.StatusCode != 608 {
		t.Fatalf("after malformed input: %d", res.StatusCode)
	}
	if st := srv.Stats(); st.Panics != 0 || st.Malformed == 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestRateLimit(t *testing.T) {
	srv := startServer(t, Config{Rate: 3})
	p := newPeer(t, srv.udp)
	codes := map[int]int{}
	for range 6 {
		res := p.do(p.invite(allowedCaller, "13800138000"))
		codes[res.StatusCode]++
		if res.StatusCode == 503 && header(res, "Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
	}
	if codes[302] != 3 || codes[503] != 3 {
		t.Fatalf("answers %v, want three 302 and three 503", codes)
	}
	// OPTIONS are not INVITEs: the packet budget (4×) still lets them in.
	if res := p.do(p.request("OPTIONS", "sip:ringfence.test", allowedCaller, "x")); res.StatusCode != 200 {
		t.Fatalf("OPTIONS: %d", res.StatusCode)
	}
	// Another source address has its own budget.
	other := newPeerFrom(t, "127.0.0.2", srv.udp)
	if res := other.do(other.invite(allowedCaller, "13800138000")); res.StatusCode != 302 {
		t.Fatalf("second source limited: %d", res.StatusCode)
	}
	if st := srv.Stats(); st.Limited != 3 {
		t.Errorf("limited %d", st.Limited)
	}
}

// TestFlood sends many malformed and valid packets from several sources at
// once, with a rate limit, then checks a normal call is still answered.
func TestFlood(t *testing.T) {
	srv := startServer(t, Config{Rate: 200})
	valid := newPeer(t, srv.udp)
	junk := []string{
		"\x00\xff\xfe garbage",
		"INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK\r\n\r\n",
		valid.invite(allowedCaller, "13800138000").without("Call-ID").String(),
		valid.invite(salesCaller, "13800138000").String(),
		"OPTIONS sip:x SIP/2.0\r\n" + strings.Repeat("X-Long: "+strings.Repeat("a", 1000)+"\r\n", 40) + "\r\n",
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("udp", srv.udp)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i := range 5000 {
				c.Write([]byte(junk[(i+g)%len(junk)]))
			}
		}()
	}
	// A TCP peer sending garbage is cut off without harming the others.
	if c, err := net.Dial("tcp", srv.tcp); err == nil {
		c.Write([]byte("NOT SIP AT ALL\r\n\r\n" + strings.Repeat("z", 70000)))
		c.Close()
	}
	wg.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		valid.send(valid.invite(salesCaller, "13800138000").String())
		if res := valid.recv(500 * time.Millisecond); res != nil && res.StatusCode == 608 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not answering after the flood: %+v", srv.Stats())
		}
	}
	if st := srv.Stats(); st.Panics != 0 {
		t.Errorf("panics during flood: %+v", st)
	}
}

// TestSipgoClient places calls with sipgo's own client over UDP and TCP.
func TestSipgoClient(t *testing.T) {
	srv := startServer(t, Config{NextHop: "10.0.0.9:5060"})
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("ringfence-test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	cl, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, transport := range []string{"udp", "tcp"} {
		addr := srv.udp
		if transport == "tcp" {
			addr = srv.tcp
		}
		host, port, _ := net.SplitHostPort(addr)
		for _, tt := range []struct {
			caller  string
			code    int
			verdict string
		}{
			{allowedCaller, 302, "allow"},
			{loanCaller, 302, "label; category=loan"},
			{salesCaller, 608, "block; category=sales"},
		} {
			var uri sipmsg.Uri
			if err := sipmsg.ParseUri(fmt.Sprintf("sip:13800138000@%s:%s;transport=%s", host, port, transport), &uri); err != nil {
				t.Fatal(err)
			}
			req := sipmsg.NewRequest(sipmsg.INVITE, uri)
			from := &sipmsg.FromHeader{DisplayName: "Caller", Address: sipmsg.Uri{Scheme: "sip", User: tt.caller, Host: "caller.test"}}
			from.Params.Add("tag", sipmsg.GenerateTagN(8))
			req.AppendHeader(from)
			req.AppendHeader(sipmsg.NewHeader("Content-Length", "0"))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			res, err := cl.Do(ctx, req)
			cancel()
			if err != nil {
				t.Fatalf("%s %s: %v", transport, tt.caller, err)
			}
			if res.StatusCode != tt.code || !strings.HasPrefix(header(res, "X-Ringfence-Verdict"), tt.verdict) {
				t.Errorf("%s %s: %d %q", transport, tt.caller, res.StatusCode, header(res, "X-Ringfence-Verdict"))
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var uri sipmsg.Uri
		sipmsg.ParseUri(fmt.Sprintf("sip:%s:%s;transport=%s", host, port, transport), &uri)
		opt := sipmsg.NewRequest(sipmsg.OPTIONS, uri)
		opt.AppendHeader(sipmsg.NewHeader("Content-Length", "0"))
		res, err := cl.Do(ctx, opt)
		cancel()
		if err != nil || res.StatusCode != 200 {
			t.Errorf("%s OPTIONS: %v %v", transport, res, err)
		}
	}
	// sipgo acknowledges every 3xx and 6xx answer, on both transports.
	if st := srv.Stats(); st.Acks != 6 || st.Malformed != 0 || st.Invites != 6 {
		t.Errorf("stats %+v", st)
	}
}

func TestTCPPipelining(t *testing.T) {
	srv := startServer(t, Config{})
	c, err := net.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := &peer{t: t, addr: c.LocalAddr().String()}
	var all strings.Builder
	callers := []string{allowedCaller, loanCaller, salesCaller}
	for _, caller := range callers {
		m := p.invite(caller, "13800138000")
		m.headers[0] = strings.Replace(m.headers[0], "UDP", "TCP", 1)
		all.WriteString(m.String())
	}
	// Write in small pieces so messages straddle reads.
	raw := all.String()
	for i := 0; i < len(raw); i += 100 {
		c.Write([]byte(raw[i:min(i+100, len(raw))]))
	}
	ps := sipmsg.NewParser().NewSIPStream()
	var codes []int
	buf := make([]byte, 4096)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for len(codes) < len(callers) {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("after %v: %v", codes, err)
		}
		if err := ps.ParseSIPStream(buf[:n], func(m sipmsg.Message) { codes = append(codes, m.(*sipmsg.Response).StatusCode) }); err != nil && !errors.Is(err, sipmsg.ErrParseSipPartial) {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(codes) != "[302 302 608]" {
		t.Fatalf("codes %v", codes)
	}
}

func TestTCPEndlessLineIsCut(t *testing.T) {
	srv := startServer(t, Config{})
	c, err := net.Dial("tcp", srv.tcp)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go c.Write([]byte(strings.Repeat("INVITE", 30000))) // no line end
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 10)); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read: %v, want the connection closed", err)
	}
}

func TestNewServerErrors(t *testing.T) {
	e := newEngine(t)
	for _, cfg := range []Config{{BlockCode: 486}, {NextHop: "nohost"}, {NextHop: "h:0"}, {Redress: "call us"}, {Rate: -1}} {
		if _, err := NewServer(e, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	srv, err := NewServer(e, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, l := range []string{"sctp://127.0.0.1:5060", "udp://127.0.0.1", "udp://127.0.0.1:5060/path", "tcp://256.0.0.1:1"} {
		if _, err := srv.Listen(l); err == nil {
			t.Errorf("Listen(%q): no error", l)
		}
	}
	a, err := srv.Listen("127.0.0.1:0")
	if err != nil || a.Network() != "udp" {
		t.Fatalf("bare address: %v %v", a, err)
	}
	if _, err := srv.Listen("udp://" + a.String()); err == nil {
		t.Error("second bind of the same port: no error")
	}
}
