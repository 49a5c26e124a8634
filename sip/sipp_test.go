package sip

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// These tests drive the server with SIPp (Debian package sip-tester), the
// standard SIP traffic generator, through the scenario files in
// testdata/sipp. They are skipped when sipp is not installed.

// sippBinary returns the sipp executable or skips the test.
func sippBinary(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp is not installed (Debian package sip-tester): skipping the SIPp end-to-end test")
	}
	return path
}

// SippRun is one SIPp run: a scenario, an injection file of callers, the
// called number, how many calls at what rate, over which transport.
type SippRun struct {
	Scenario  string // file in testdata/sipp
	Callers   string // injection file in testdata/sipp
	Callee    string
	Calls     int
	Rate      int    // calls per second
	Transport string // "u1" (UDP, one socket) or "t1" (TCP, one connection)
	// Failures allows failed calls (sipp's exit status 1), for floods.
	Failures bool
	// WantFailures requires failed calls: the scenario must reject the
	// answers it gets.
	WantFailures bool
	RecvTimeout  string // per answer; default 3s
}

// runSipp runs SIPp against target (HOST:PORT) and fails the test unless
// every call succeeded, i.e. every answer matched the scenario.
func runSipp(t *testing.T, target string, r SippRun) {
	t.Helper()
	sipp := sippBinary(t)
	dir := t.TempDir()
	if r.Transport == "" {
		r.Transport = "u1"
	}
	if r.Rate == 0 {
		r.Rate = 50
	}
	if r.RecvTimeout == "" {
		r.RecvTimeout = "3s"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := []string{target,
		"-sf", filepath.Join("testdata/sipp", r.Scenario),
		"-inf", filepath.Join("testdata/sipp", r.Callers),
		"-s", r.Callee,
		"-m", strconv.Itoa(r.Calls), "-r", strconv.Itoa(r.Rate),
		"-t", r.Transport, "-i", "127.0.0.1", "-p", strconv.Itoa(freePort(t, r.Transport)),
		"-nostdin", "-timeout", "30s", "-timeout_error", "-recv_timeout", r.RecvTimeout,
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log"),
		"-trace_screen", "-screen_file", filepath.Join(dir, "screen.log"),
	}
	cmd := exec.CommandContext(ctx, sipp, args...)
	cmd.Dir = "."
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	failed := errors.As(err, &exit) && exit.ExitCode() == 1
	if r.WantFailures {
		if !failed {
			t.Fatalf("sipp %s with %s: %v, want failed calls\n%s", r.Scenario, r.Callers, err, out.Bytes())
		}
		return
	}
	if r.Failures && failed {
		return
	}
	if err != nil {
		screen, _ := os.ReadFile(filepath.Join(dir, "screen.log"))
		errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
		t.Fatalf("sipp %s (%d calls of %s): %v\n%s\n--- screen\n%s\n--- unexpected messages\n%s", r.Scenario, r.Calls, r.Callers, err, out.Bytes(), screen, errs)
	}
}

// freePort returns a port free on loopback for sipp's own socket.
func freePort(t *testing.T, transport string) int {
	t.Helper()
	if transport[0] == 't' {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func TestSippVerdicts(t *testing.T) {
	sippBinary(t)
	srv := startServer(t, Config{NextHop: "127.0.0.1:5080"})
	for _, tt := range []SippRun{
		{Scenario: "uac-allow.xml", Callers: "allowed.csv", Calls: 9},
		{Scenario: "uac-label.xml", Callers: "labelled.csv", Calls: 6},
		{Scenario: "uac-block.xml", Callers: "blocked.csv", Calls: 6},
		{Scenario: "uac-allow.xml", Callers: "allowed.csv", Calls: 6, Transport: "t1"},
		{Scenario: "uac-label.xml", Callers: "labelled.csv", Calls: 4, Transport: "t1"},
		{Scenario: "uac-block.xml", Callers: "blocked.csv", Calls: 4, Transport: "t1"},
	} {
		name := tt.Scenario + "/udp"
		if tt.Transport == "t1" {
			name = tt.Scenario + "/tcp"
		}
		t.Run(name, func(t *testing.T) {
			target := srv.udp
			if tt.Transport == "t1" {
				target = srv.tcp
			}
			tt.Callee = "13800138000"
			runSipp(t, target, tt)
		})
	}
	st := srv.Stats()
	if st.Invites != 35 || st.Allowed != 15 || st.Labelled != 10 || st.Blocked != 10 || st.Acks != 35 || st.Malformed != 0 {
		t.Errorf("stats %+v", st)
	}
	if n := len(srv.recorded()); n != 35 {
		t.Errorf("%d call events, want 35", n)
	}
}

// TestSippScenariosCheck shows the scenarios' checks bite: each scenario
// fails calls whose answers are another verdict's.
func TestSippScenariosCheck(t *testing.T) {
	sippBinary(t)
	srv := startServer(t, Config{})
	for _, tt := range []SippRun{
		{Scenario: "uac-allow.xml", Callers: "labelled.csv"},  // 302, but labelled
		{Scenario: "uac-label.xml", Callers: "allowed.csv"},   // 302, but not labelled
		{Scenario: "uac-block.xml", Callers: "allowed.csv"},   // 302, not 608
		{Scenario: "uac-decline.xml", Callers: "blocked.csv"}, // 608, not 603
	} {
		t.Run(tt.Scenario, func(t *testing.T) {
			tt.Callee, tt.Calls, tt.WantFailures, tt.RecvTimeout = "13800138000", 1, true, "1s"
			runSipp(t, srv.udp, tt)
		})
	}
}

func TestSippDecline(t *testing.T) {
	sippBinary(t)
	srv := startServer(t, Config{BlockCode: 603})
	runSipp(t, srv.udp, SippRun{Scenario: "uac-decline.xml", Callers: "blocked.csv", Callee: "13800138000", Calls: 4})
}

// TestSippMalformed sends a request without Call-ID's partner headers and
// one with a CSeq of another method; each must get 400, and the server must
// go on answering calls.
func TestSippMalformed(t *testing.T) {
	sippBinary(t)
	srv := startServer(t, Config{})
	runSipp(t, srv.udp, SippRun{Scenario: "uac-malformed.xml", Callers: "allowed.csv", Callee: "13800138000", Calls: 3})
	runSipp(t, srv.udp, SippRun{Scenario: "uac-block.xml", Callers: "blocked.csv", Callee: "13800138000", Calls: 2})
	if st := srv.Stats(); st.Malformed != 6 || st.Blocked != 2 {
		t.Errorf("stats %+v", st)
	}
}

// TestSippFlood runs SIPp far above the per-source rate limit: the server
// sheds the excess with 503 and still answers a normal run afterwards.
func TestSippFlood(t *testing.T) {
	sippBinary(t)
	srv := startServer(t, Config{Rate: 100})
	runSipp(t, srv.udp, SippRun{Scenario: "uac-flood.xml", Callers: "allowed.csv", Callee: "13800138000", Calls: 3000, Rate: 3000, Failures: true, RecvTimeout: "1s"})
	st := srv.Stats()
	if st.Limited == 0 || st.Dropped == 0 || st.Invites == 0 || st.Invites > 1500 {
		t.Errorf("flood not limited: %+v", st)
	}
	time.Sleep(1100 * time.Millisecond) // the source's budget refills
	runSipp(t, srv.udp, SippRun{Scenario: "uac-block.xml", Callers: "blocked.csv", Callee: "13800138000", Calls: 5})
}
