package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/postgres/pgtest"
)

// natsProc is one nats-server process of a test's JetStream cluster.
type natsProc struct {
	name, url string
	cmd       *exec.Cmd
	logs      *lockedBuffer
	done      chan struct{} // closed when the process has exited
}

// buildNATSServer builds nats-server from the module go.mod requires, into
// dir: the Go toolchain is all the test needs.
func buildNATSServer(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "nats-server")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/nats-io/nats-server/v2").CombinedOutput()
	if err != nil {
		t.Fatalf("go build nats-server: %v\n%s", err, out)
	}
	return bin
}

// startNATSCluster starts n nats-server processes with JetStream, routed
// to each other on 127.0.0.1 free ports, each storing in a directory of
// t's, and stops them (SIGKILL) when t ends.
// postgresAndNATS starts what a cluster test's nodes run over: a
// PostgreSQL database (its URL) and three NATS servers with JetStream
// (their processes, and the --log that names them all).
func postgresAndNATS(t *testing.T) (url string, nats []*natsProc, logURLs string) {
	t.Helper()
	url = pgtest.URL(t)
	nats = startNATSCluster(t, buildNATSServer(t, t.TempDir()), 3)
	return url, nats, joinURLs(nats)
}

// joinURLs is the --log of nodes over the servers.
func joinURLs(servers []*natsProc) string {
	var urls []string
	for _, p := range servers {
		urls = append(urls, p.url)
	}
	return strings.Join(urls, ",")
}

func startNATSCluster(t *testing.T, bin string, n int) []*natsProc {
	t.Helper()
	clientPorts, clusterPorts := make([]string, n), make([]string, n)
	var routes []string
	for i := range n {
		clientPorts[i], clusterPorts[i] = port(t), port(t)
		routes = append(routes, "nats://127.0.0.1:"+clusterPorts[i])
	}
	base := t.TempDir()
	start := func(i int) *natsProc {
		name := fmt.Sprintf("rf-%d", i+1)
		cmd := exec.Command(bin, "-js", "-n", name, "-a", "127.0.0.1", "-p", clientPorts[i],
			"-sd", filepath.Join(base, name), "--cluster_name", "rf",
			"--cluster", "nats://127.0.0.1:"+clusterPorts[i], "--routes", strings.Join(routes, ","))
		p := &natsProc{name: name, url: "nats://127.0.0.1:" + clientPorts[i], cmd: cmd, logs: &lockedBuffer{}, done: make(chan struct{})}
		cmd.Stdout, cmd.Stderr = p.logs, p.logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { cmd.Wait(); close(p.done) }()
		t.Cleanup(p.kill)
		return p
	}
	procs := make([]*natsProc, n)
	for i := range n {
		procs[i] = start(i)
	}
	for i := range n {
		// A port chosen free may be taken by another test's process
		// before the server binds it: the server then exits at once, and
		// is started again on new ports (it routes to the others, whose
		// ports are unchanged).
		for try := 0; ; try++ {
			p := procs[i]
			_, ok := waitFor(20*time.Second, func() bool {
				if p.exited() {
					return true
				}
				c, err := net.Dial("tcp", strings.TrimPrefix(p.url, "nats://"))
				if err == nil {
					c.Close()
				}
				return err == nil
			})
			if ok && !p.exited() {
				break
			}
			if !p.exited() || try == 2 {
				t.Fatalf("nats-server %s does not accept connections\n%s", p.name, p.logs)
			}
			t.Logf("nats-server %s exited at start (try %d), starting it on other ports:\n%s", p.name, try+1, p.logs)
			clientPorts[i], clusterPorts[i] = port(t), port(t)
			routes[i] = "nats://127.0.0.1:" + clusterPorts[i]
			procs[i] = start(i)
		}
	}
	return procs
}

// exited reports whether the server's process has ended.
func (p *natsProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill stops the server with SIGKILL and waits for it to end.
func (p *natsProc) kill() {
	if !p.exited() {
		p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

func port(t *testing.T) string {
	_, p, _ := net.SplitHostPort(freeAddr(t))
	return p
}

// procNode is "ringfence serve --store … --log …" as a process of its own.
type procNode struct {
	*clusterNode
	cmd  *exec.Cmd
	args []string
}

func startProcNode(t *testing.T, args []string, name string) *procNode {
	t.Helper()
	n := &procNode{clusterNode: &clusterNode{name: name, addr: freeAddr(t), log: &lockedBuffer{}}, args: args}
	n.start(t)
	return n
}

func (n *procNode) start(t *testing.T) {
	t.Helper()
	n.cmd = exec.Command(os.Args[0], append(append([]string{"serve"}, n.args...), "--node", n.name, "--http", n.addr, "--no-rate-limits", "--ready-lag", "0")...)
	n.cmd.Env = append(os.Environ(), "RINGFENCE_TEST_MAIN=1")
	n.cmd.Stderr = n.log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd := n.cmd
	t.Cleanup(func() { n.killCmd(cmd) })
	if _, ok := waitFor(30*time.Second, func() bool {
		c, err := net.Dial("tcp", n.addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}); !ok {
		t.Fatalf("node %s does not listen within 30 s\n%s", n.name, n.log)
	}
}

func (n *procNode) killCmd(cmd *exec.Cmd) {
	if cmd.ProcessState == nil {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
}

// TestClusterJetStream runs the cluster as issue 14 deploys it, every part
// a real process: three nats-server processes (JetStream, routes, R3),
// PostgreSQL from pgtest, and three "ringfence serve --store … --log …"
// nodes. Every node follows the events stream a relay fills from
// PostgreSQL. A rule change on node a changes node b's verdict within
// 1 s; one NATS server (the stream's leader) killed with SIGKILL during
// report traffic on all nodes loses no acknowledged report on any node;
// the relay's node killed with SIGKILL loses the lease to another node,
// and started again catches up.
func TestClusterJetStream(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, three NATS servers and three nodes")
	}
	started := time.Now()
	url, nats, logURLs := postgresAndNATS(t)

	keys := clusterKeys(t, url, ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleReporter, ringfence.RoleReporter, ringfence.RoleReporter)
	carrier, operator, reporters := keys[0], keys[1], keys[2:]

	args := []string{"--store", url, "--log", logURLs, "--log-replicas", "3"}
	a, b, c := startProcNode(t, args, "a"), startProcNode(t, args, "b"), startProcNode(t, args, "c")
	nodes := []*procNode{a, b, c}
	for _, n := range nodes {
		if _, ok := waitFor(40*time.Second, func() bool { return strings.Contains(n.log.String(), "following the events stream") }); !ok {
			t.Fatalf("node %s does not follow the events stream within 40 s\n%s", n.name, n.log)
		}
		if _, ok := waitFor(10*time.Second, func() bool {
			code, m := n.call(t, "GET", "/readyz", "", nil)
			return code == 200 && m["source"] == "stream"
		}); !ok {
			_, m := n.call(t, "GET", "/readyz", "", nil)
			t.Fatalf("node %s not ready and reading the stream within 10 s: %v\n%s", n.name, m, n.log)
		}
	}
	relays := 0
	for _, n := range nodes {
		relays += strings.Count(n.log.String(), "relay: holding the lease")
	}
	if relays != 1 {
		t.Fatalf("%d nodes took the relay lease, want 1", relays)
	}
	t.Logf("3 NATS servers, PostgreSQL and 3 nodes following the stream in %v", time.Since(started).Round(time.Millisecond))

	// A rule change on a reaches b's verdict within 1 s, through the stream.
	const subscriber, caller = "13800138000", "13912345678"
	writes := 100
	if testing.Verbose() {
		writes = 300 // more figures for the lag percentiles
	}
	var lags []time.Duration
	for i := range writes {
		if i == 0 {
			warmUp(t, a.clusterNode, b.clusterNode, operator, carrier)
		}
		lag := ruleWriteLag(t, a.clusterNode, b.clusterNode, i, operator, carrier, subscriber, caller)
		lags = append(lags, lag)
	}
	slices.Sort(lags)
	t.Logf("rule change on node a → verdict on node b through JetStream, %d writes one at a time: p50 %v, p99 %v, max %v",
		len(lags), lags[len(lags)/2], lags[len(lags)*99/100], lags[len(lags)-1])

	// Report traffic on every node; the events stream's leader is killed
	// mid-way.
	probe, err := natslog.Open(context.Background(), natslog.Config{URLs: logURLs, Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	leader, err := probe.StreamLeader(context.Background())
	probe.Close()
	if err != nil || leader == "" {
		t.Fatalf("the events stream's leader: %q, %v", leader, err)
	}
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w, n := range nodes {
		for k := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					number := fmt.Sprintf("171%02d%06d", w*10+k, i)
					if postReport(n.addr, reporters[w], number) == 201 {
						mu.Lock()
						acked = append(acked, number)
						mu.Unlock()
					}
				}
			}()
		}
	}
	time.Sleep(1500 * time.Millisecond)
	killed := false
	for _, p := range nats {
		if p.name == leader {
			p.kill()
			killed = true
		}
	}
	if !killed {
		t.Fatalf("no NATS server named %q", leader)
	}
	// While reports go on, each node's lag behind PostgreSQL's head: a
	// follower whose consumer died reads PostgreSQL after ~2 s.
	killedAt := time.Now()
	maxLag := map[string]float64{}
	behind := map[string]time.Duration{} // when a node was last seen 100 events or more behind
	for time.Since(killedAt) < 5*time.Second {
		for _, n := range nodes {
			if code, m := n.call(t, "GET", "/readyz", "", nil); code != 0 {
				if l, ok := m["lag_events"].(float64); ok {
					maxLag[n.name] = max(maxLag[n.name], l)
					if l >= 100 {
						behind[n.name] = time.Since(killedAt).Round(100 * time.Millisecond)
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d reports acknowledged", len(acked))
	}
	// The relay's node is killed too: another node takes the lease over
	// (once it expires) and goes on after the stream's last event; the
	// killed node misses reports and is started again.
	var victim, writer *procNode
	for _, n := range nodes {
		if strings.Contains(n.log.String(), "relay: holding the lease") {
			victim = n
		}
	}
	if victim == nil {
		t.Fatal("no node holds the relay lease")
	}
	victim.killCmd(victim.cmd)
	for _, n := range nodes {
		if n != victim {
			writer = n
		}
	}
	for i := range 20 {
		number := fmt.Sprintf("17199%06d", i)
		if code, m := writer.call(t, "POST", "/v1/reports", reporters[0], map[string]string{"number": number, "category": "fraud"}); code != 201 {
			t.Fatalf("report on node %s after node %s died: %d %v", writer.name, victim.name, code, m)
		}
		acked = append(acked, number)
	}
	if _, ok := waitFor(natslog.LeaseTTL+10*time.Second, func() bool {
		for _, n := range nodes {
			if n != victim && strings.Contains(n.log.String(), "relay: holding the lease") {
				return true
			}
		}
		return false
	}); !ok {
		t.Fatalf("no node took the relay lease over from %s", victim.name)
	}
	victim.start(t)
	// Every acknowledged report is on every node, with the same verdict.
	for _, n := range nodes {
		if _, ok := waitFor(20*time.Second, func() bool {
			code, m := n.call(t, "GET", "/readyz", "", nil)
			return code == 200 && m["lag_events"] == 0.0
		}); !ok {
			_, m := n.call(t, "GET", "/readyz", "", nil)
			n.cmd.Process.Signal(syscall.SIGQUIT) // its goroutines, into its log
			time.Sleep(time.Second)
			t.Fatalf("node %s did not catch up within 20 s: %v\n%s", n.name, m, n.log)
		}
	}
	for _, number := range acked {
		want := fmt.Sprint(a.verdict(t, carrier, number, ""))
		if !strings.Contains(want, "crowd reports: fraud 1") {
			t.Fatalf("acknowledged report on %s missing on node a: %s", number, want)
		}
		for _, n := range nodes[1:] {
			if got := fmt.Sprint(n.verdict(t, carrier, number, "")); got != want {
				t.Fatalf("node %s answers %s for %s, node a %s", n.name, got, number, want)
			}
		}
	}
	// The surviving nodes went on through the stream (c, restarted, too).
	for _, n := range nodes {
		if !strings.Contains(n.log.String(), "following the events stream") {
			t.Errorf("node %s never followed the events stream\n%s", n.name, n.log)
		}
		if strings.Contains(n.log.String(), "level=ERROR") {
			t.Errorf("node %s logged an error:\n%s", n.name, n.log)
		}
	}
	fallbacks := map[string]int{}
	for _, n := range nodes {
		fallbacks[n.name] = strings.Count(n.log.String(), "reading the store's event log instead of the events stream")
	}
	t.Logf("%d reports acknowledged on 3 nodes while NATS server %s and the relay's node %s were killed, all on every node; times a node read PostgreSQL instead of the stream: %v; highest lag (events) in the 5 s after the NATS kill: %v, last seen ≥ 100 behind at %v after it; test took %v",
		len(acked), leader, victim.name, fallbacks, maxLag, behind, time.Since(started).Round(time.Millisecond))
}

// postReport sends a fraud report on number and returns the status (0
// when no answer came), for goroutines other than the test's.
func postReport(addr, secret, number string) int {
	req, err := http.NewRequest("POST", "http://"+addr+"/v1/reports", strings.NewReader(`{"number":"`+number+`","category":"fraud"}`))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
