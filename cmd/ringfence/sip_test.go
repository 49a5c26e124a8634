package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"

	"ringfence/alias"
	"ringfence/engine"
	rfhttp "ringfence/http"
)

// The SIP scenarios shared with the sip package's end-to-end tests.
const sippDir = "../../sip/testdata/sipp"

// seedSIPData fills dir so that, for callee 13800138000, 13912345678 is
// allowed, 17100001234 labelled (loan), 16512340000 blocked (sales, a
// category the subscriber blocks) and 17000000001 blocked by the
// subscriber's list: the verdicts the SIPp injection files expect.
func seedSIPData(t *testing.T, dir string) {
	t.Helper()
	var csv strings.Builder
	now := time.Now().UTC().Format(time.RFC3339)
	for i := range 8 {
		fmt.Fprintf(&csv, "17100001234,loan,1390000%04d,%s\n16512340000,sales,1391111%04d,%s\n", i, now, i, now)
	}
	file := filepath.Join(t.TempDir(), "reports.csv")
	if err := os.WriteFile(file, []byte("number,category,reporter,reported_at\n"+csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"import", "reports", file},
		{"rules", "13800138000", "set", "--min-weight", "1", "--block-category", "sales"},
		{"rules", "13800138000", "block", "17000000001"},
	} {
		if code, out, errs := runCLI(t, "", append(args, "--data", dir)...); code != 0 {
			t.Fatalf("%q: %d\n%s%s", args, code, out, errs)
		}
	}
}

// freeUDPPort returns a loopback port free for both UDP and TCP (at the
// time of asking).
func freeUDPPort(t *testing.T) int {
	t.Helper()
	for range 20 {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		c.Close()
		if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// sipInvite sends one INVITE over UDP and returns the answer.
func sipInvite(t *testing.T, server, caller, callee string) *sipmsg.Response {
	t.Helper()
	c, err := net.Dial("udp", server)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	req := fmt.Sprintf("INVITE sip:%s@ringfence.test SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d\r\nMax-Forwards: 70\r\n"+
		"From: <sip:%s@caller.test>;tag=t1\r\nTo: <sip:%s@ringfence.test>\r\nCall-ID: %d@test\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
		callee, local, time.Now().UnixNano(), caller, callee, time.Now().UnixNano())
	buf := make([]byte, 65535)
	for range 3 {
		c.Write([]byte(req))
		c.SetReadDeadline(time.Now().Add(time.Second))
		n, err := c.Read(buf)
		if err != nil {
			continue // not listening yet, or lost: retransmit
		}
		m, err := sipmsg.ParseMessage(buf[:n])
		if err != nil {
			t.Fatalf("answer: %v\n%s", err, buf[:n])
		}
		return m.(*sipmsg.Response)
	}
	t.Fatalf("no answer from %s", server)
	return nil
}

// runSIPScenario runs a SIPp scenario against target and fails the test
// unless every call passed its checks.
func runSIPScenario(t *testing.T, target, transport, scenario, callers string, calls int) {
	t.Helper()
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp is not installed (Debian package sip-tester): skipping the SIPp end-to-end test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	screen := filepath.Join(t.TempDir(), "screen.log")
	cmd := exec.CommandContext(ctx, sipp, target,
		"-sf", filepath.Join(sippDir, scenario), "-inf", filepath.Join(sippDir, callers), "-s", "13800138000",
		"-m", strconv.Itoa(calls), "-r", "50", "-t", transport, "-i", "127.0.0.1", "-p", strconv.Itoa(freeUDPPort(t)),
		"-nostdin", "-timeout", "30s", "-timeout_error", "-recv_timeout", "3s",
		"-trace_screen", "-screen_file", screen)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		s, _ := os.ReadFile(screen)
		t.Fatalf("sipp %s with %s: %v\n%s\n%s", scenario, callers, err, out.Bytes(), s)
	}
}

func TestStartSIP(t *testing.T) {
	dir := t.TempDir()
	seedSIPData(t, dir)
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	fs := newFlagSet("serve", "", io.Discard)
	o := c.sipFlags(fs)
	port := freeUDPPort(t)
	udp := "127.0.0.1:" + strconv.Itoa(port)
	if err := fs.Parse([]string{"--sip", "udp://" + udp, "--sip", "tcp://" + udp, "--sip-next-hop", "10.0.0.9:5060", "--call-retention", "7d"}); err != nil {
		t.Fatal(err)
	}
	e, closeDB, err := c.createEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	var logs bytes.Buffer
	stop, err := c.startSIP(context.Background(), e, o, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	want := map[string]int{"13912345678": 302, "17100001234": 302, "16512340000": 608, "17000000001": 608}
	for caller, code := range want {
		res := sipInvite(t, udp, caller, "13800138000")
		if res.StatusCode != code {
			t.Errorf("%s: %d, want %d\n%s", caller, res.StatusCode, code, res)
		}
		if code == 302 {
			if h := res.GetHeader("Contact"); h == nil || h.Value() != "<sip:13800138000@10.0.0.9:5060>" {
				t.Errorf("%s: Contact %v", caller, h)
			}
		}
	}
	calls := len(want)
	if _, err := exec.LookPath("sipp"); err == nil {
		for _, transport := range []string{"u1", "t1"} {
			runSIPScenario(t, udp, transport, "uac-allow.xml", "allowed.csv", 3)
			runSIPScenario(t, udp, transport, "uac-label.xml", "labelled.csv", 2)
			runSIPScenario(t, udp, transport, "uac-block.xml", "blocked.csv", 2)
			calls += 7
		}
	}
	stop()

	// Every screened call is recorded, with no number in the logs.
	n := 0
	err = e.Store().Calls(context.Background(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour), func(ev engine.CallEvent) error {
		n++
		if ev.Source != "sip" || !strings.HasPrefix(ev.Caller, "+86") || ev.Callee != "+8613800138000" || ev.Action == "" {
			t.Errorf("call event %+v", ev)
		}
		return nil
	})
	if err != nil || n != calls {
		t.Errorf("%d call events (%v), want %d", n, err, calls)
	}
	for _, num := range []string{"13912345678", "17100001234", "16512340000", "13800138000"} {
		if strings.Contains(logs.String(), num) {
			t.Errorf("logs name %s:\n%s", num, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "udp://"+udp) || !strings.Contains(logs.String(), "tcp://"+udp) {
		t.Errorf("listeners not logged:\n%s", logs.String())
	}
	// The defaults: loopback alone is trusted, 100 INVITEs/s per source.
	for _, want := range []string{"trust=127.0.0.0/8,::1/128", "rate_per_source=100 ", "max_conns_per_source=64"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

func TestStartSIPErrors(t *testing.T) {
	dir := t.TempDir()
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	e, closeDB, err := c.createEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	logger := slog.New(slog.DiscardHandler)
	for _, args := range [][]string{
		{"--sip", "udp://" + busy.LocalAddr().String()},
		{"--sip", "udp://127.0.0.1:0", "--sip", "sctp://127.0.0.1:5060"},
		{"--sip", "udp://127.0.0.1:0", "--sip-block-code", "486"},
		{"--sip", "udp://127.0.0.1:0", "--sip-next-hop", "nohost"},
		{"--sip", "udp://127.0.0.1:0", "--sip-redress", "call us"},
		{"--sip", "udp://127.0.0.1:0", "--sip-rate", "-5"},
		{"--sip", "udp://127.0.0.1:0", "--call-retention", "forever"},
		{"--sip", "udp://127.0.0.1:0", "--sip-trust", "notacidr"},
		{"--sip", "udp://127.0.0.1:0", "--sip-trust", "10.0.0.0/8", "--sip-trust", "10.0.0.0/33"},
		{"--sip", "udp://127.0.0.1:0", "--sip-max-conns-per-source", "0"},
		{"--sip", "udp://127.0.0.1:0", "--sip-max-conns-per-source", "-3"},
	} {
		fs := newFlagSet("serve", "", io.Discard)
		o := c.sipFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if stop, err := c.startSIP(context.Background(), e, o, logger, nil); err == nil {
			stop()
			t.Errorf("%q: no error", args)
		}
	}
	// Without --sip there is nothing to start.
	fs := newFlagSet("serve", "", io.Discard)
	stop, err := c.startSIP(context.Background(), e, c.sipFlags(fs), logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()
}

// TestSIPAliases routes calls to an alias number through the engine's
// alias table: the merchant reaches the subscriber, a stranger is labelled
// and recorded as a leak.
func TestSIPAliases(t *testing.T) {
	c, e, b := aliasEngine(t)
	ctx := context.Background()
	fs := newFlagSet("serve", "", io.Discard)
	o := c.sipFlags(fs)
	udp := "127.0.0.1:" + strconv.Itoa(freeUDPPort(t))
	fs.Parse([]string{"--sip", "udp://" + udp, "--sip-next-hop", "10.0.0.9:5060"})
	stop, err := c.startSIP(ctx, e, o, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	alias := strings.TrimPrefix(b.Alias, "+86")
	res := sipInvite(t, udp, "02088888888", alias)
	if v := res.GetHeader("X-Ringfence-Verdict"); res.StatusCode != 302 || res.GetHeader("Contact").Value() != "<sip:+8613800138000@10.0.0.9:5060>" ||
		v == nil || !strings.Contains(v.Value(), "alias=merchant") {
		t.Errorf("merchant:\n%s", res)
	}
	res = sipInvite(t, udp, "13912345678", alias)
	if v := res.GetHeader("X-Ringfence-Verdict"); res.StatusCode != 302 || v == nil || !strings.HasPrefix(v.Value(), "label") || !strings.Contains(v.Value(), "alias=leak") {
		t.Errorf("stranger:\n%s", res)
	}
	evs, err := e.AliasEvents(ctx, b.Alias)
	if err != nil || len(evs) != 2 {
		t.Fatalf("alias events %+v %v", evs, err)
	}
}

// sipLogs collects a process's log output while the test reads it.
type sipLogs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *sipLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *sipLogs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeSIP runs "ringfence serve --sip" as a process and places calls
// with SIPp; it is skipped until serve takes the SIP flags.
func TestServeSIP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	seedSIPData(t, dir)
	udp := "127.0.0.1:" + strconv.Itoa(freeUDPPort(t))
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--http", "127.0.0.1:0", "--sip", "udp://"+udp, "--sip", "tcp://"+udp)
	cmd.Env = append(os.Environ(), "RINGFENCE_TEST_MAIN=1")
	var logs sipLogs
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "udp://"+udp) {
		select {
		case err := <-done:
			done <- err // for the deferred stop
			if strings.Contains(logs.String(), "flag provided but not defined: -sip") {
				t.Skip("serve does not take --sip yet")
			}
			t.Fatalf("serve exited: %v\n%s", err, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIP front did not start:\n%s", logs.String())
		}
	}
	if res := sipInvite(t, udp, "16512340000", "13800138000"); res.StatusCode != 608 {
		t.Fatalf("blocked caller: %d", res.StatusCode)
	}
	for _, transport := range []string{"u1", "t1"} {
		runSIPScenario(t, udp, transport, "uac-allow.xml", "allowed.csv", 3)
		runSIPScenario(t, udp, transport, "uac-label.xml", "labelled.csv", 2)
		runSIPScenario(t, udp, transport, "uac-block.xml", "blocked.csv", 2)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		done <- err
		if err != nil {
			t.Fatalf("serve exited %v:\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if !strings.Contains(logs.String(), "ringfence SIP stopped") {
		t.Errorf("SIP front not stopped cleanly:\n%s", logs.String())
	}
}

// TestServeSIPFlagErrors: serve refuses bad SIP protection flags before it
// touches the data directory, naming the flag and the value.
func TestServeSIPFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--sip-trust", "notacidr"}, `--sip-trust: trusted network "notacidr": want a CIDR prefix`},
		{[]string{"--sip-trust", "10.0.0.0/8", "--sip-trust", "192.168.1.0/40"}, `--sip-trust: trusted network "192.168.1.0/40"`},
		{[]string{"--sip-max-conns-per-source", "0"}, "--sip-max-conns-per-source 0: must be at least 1"},
		{[]string{"--sip-rate", "-1"}, "--sip-rate -1: must not be negative"},
	}
	for _, tt := range tests {
		dir := filepath.Join(t.TempDir(), "data")
		args := append([]string{"serve", "--data", dir, "--http", "127.0.0.1:0", "--sip", "udp://127.0.0.1:0"}, tt.args...)
		code, _, errs := runCLI(t, "", args...)
		if code != exitUsage || !strings.Contains(errs, tt.want) {
			t.Errorf("%q: exit %d, want %d with %q:\n%s", tt.args, code, exitUsage, tt.want, errs)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%q: data directory created (%v)", tt.args, err)
		}
	}
}

// TestSIPTrust runs the SIP front trusting only 127.0.0.2: calls from
// 127.0.0.1 get no verdict and write no leak event, and are counted on
// /metrics; from the trusted source the caller is the asserted identity.
func TestSIPTrust(t *testing.T) {
	c, e, b := aliasEngine(t)
	ctx := context.Background()
	api := rfhttp.NewServer(e, slog.New(slog.DiscardHandler), nil)
	fs := newFlagSet("serve", "", io.Discard)
	o := c.sipFlags(fs)
	udp := "127.0.0.1:" + strconv.Itoa(freeUDPPort(t))
	if err := fs.Parse([]string{"--sip", "udp://" + udp, "--sip-trust", "127.0.0.2/32"}); err != nil {
		t.Fatal(err)
	}
	stop, err := c.startSIP(ctx, e, o, slog.New(slog.DiscardHandler), api.Register)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	alias := strings.TrimPrefix(b.Alias, "+86")
	invite := func(local, from, pai string) *sipmsg.Response {
		t.Helper()
		conn, err := net.DialUDP("udp", &net.UDPAddr{IP: net.ParseIP(local)}, net.UDPAddrFromAddrPort(netip.MustParseAddrPort(udp)))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		req := fmt.Sprintf("INVITE sip:%s@ringfence.test SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d\r\nMax-Forwards: 70\r\n"+
			"From: <sip:%s@caller.test>;tag=t1\r\nTo: <sip:%s@ringfence.test>\r\nCall-ID: %d@test\r\nCSeq: 1 INVITE\r\n%sContent-Length: 0\r\n\r\n",
			alias, conn.LocalAddr(), time.Now().UnixNano(), from, alias, time.Now().UnixNano(), pai)
		conn.Write([]byte(req))
		conn.SetReadDeadline(time.Now().Add(time.Second))
		buf := make([]byte, 65535)
		n, err := conn.Read(buf)
		if err != nil {
			return nil
		}
		m, err := sipmsg.ParseMessage(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		return m.(*sipmsg.Response)
	}
	metric := func(name string) string {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for line := range strings.Lines(rec.Body.String()) {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}

	if res := invite("127.0.0.1", "13912345678", ""); res != nil {
		t.Errorf("untrusted source answered:\n%s", res)
	}
	deadline := time.Now().Add(10 * time.Second)
	for metric(`ringfence_sip_untrusted_total{transport="udp"}`) != "1" {
		if time.Now().After(deadline) {
			t.Fatalf("untrusted INVITE not counted: %q", metric(`ringfence_sip_untrusted_total{transport="udp"}`))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if evs, err := e.AliasEvents(ctx, b.Alias); err != nil || len(evs) != 0 {
		t.Fatalf("untrusted call made alias events %+v %v", evs, err)
	}

	// Trusted: a From spoofed behind an anonymous asserted identity is no
	// leak against the From number; the merchant asserted behind a spoofed
	// From is the merchant.
	res := invite("127.0.0.2", "13912345678", "P-Asserted-Identity: <sip:anonymous@anonymous.invalid>\r\n")
	if res == nil || res.StatusCode != 302 || !strings.Contains(res.GetHeader("X-Ringfence-Verdict").Value(), "unscreened") {
		t.Errorf("anonymous asserted identity:\n%s", res)
	}
	res = invite("127.0.0.2", "13912345678", "P-Asserted-Identity: <tel:+862088888888>\r\n")
	if res == nil || res.StatusCode != 302 || !strings.Contains(res.GetHeader("X-Ringfence-Verdict").Value(), "alias=merchant") {
		t.Errorf("merchant asserted:\n%s", res)
	}
	evs, err := e.AliasEvents(ctx, b.Alias)
	if err != nil || len(evs) != 1 || evs[0].Caller != "+862088888888" || evs[0].LedgerIndex != -1 {
		t.Fatalf("alias events %+v %v, want the merchant's call alone", evs, err)
	}
	if got := metric(`ringfence_sip_verdicts_total{action="allow"}`); got != "2" { // the unscreened call and the merchant's
		t.Errorf("allow verdicts %q", got)
	}
}

// aliasEngine opens an engine over a new data directory whose pool holds
// one alias, given to a merchant calling from +862088888888.
func aliasEngine(t *testing.T) (*cli, *engine.Engine, alias.Binding) {
	t.Helper()
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	e, closeDB, err := c.createEngine(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB() })
	ctx := context.Background()
	if _, _, err := e.AddAliasPool(ctx, "test", []string{"+8617100009999"}, 0, 0); err != nil {
		t.Fatal(err)
	}
	b, err := e.NewAlias(ctx, "test", "13800138000", "某4S店", []string{"+862088888888"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return c, e, b
}
