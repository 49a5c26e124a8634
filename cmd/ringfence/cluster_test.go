package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
	"ringfence/reputation"
	"ringfence/screen"
)

// lockedBuffer is a node's log, written by its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// clusterNode is one "ringfence serve --store" running in-process.
type clusterNode struct {
	name string
	addr string
	log  *lockedBuffer
	stop func() error // ends the node and returns serve's error
}

// startNode runs serve as a cluster node over storeURL, on 127.0.0.1
// port 0, and waits until it listens.
func startNode(t *testing.T, storeURL, name string) *clusterNode {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, getenv: func(string) string { return "" }}
	n := &clusterNode{name: name, log: &lockedBuffer{}}
	c.stderr = n.log
	o := serveOptions{store: storeURL, node: name, addr: "127.0.0.1:0", readyLag: 0, noLimits: true,
		aliasCap: -1, sip: c.sipFlags(fs)}
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- c.serve(ctx, o, func(a string) { addrc <- a }) }()
	select {
	case n.addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("node %s: %v\n%s", name, err, n.log)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("node %s did not listen within 30 s\n%s", name, n.log)
	}
	var once sync.Once
	var err error
	n.stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { n.stop() })
	return n
}

// call sends a request to the node and decodes the JSON answer.
func (n *clusterNode) call(t *testing.T, method, path, secret string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+n.addr+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on node %s: %v", method, path, n.name, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && json.Unmarshal(raw, &m) != nil {
		t.Fatalf("%s %s on node %s: %d %s", method, path, n.name, resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

// verdict is the node's action for caller calling subscriber (a carrier's
// check with the subscriber's rules).
func (n *clusterNode) verdict(t *testing.T, carrier, caller, subscriber string) map[string]any {
	t.Helper()
	code, v := n.call(t, "GET", "/v1/numbers/"+caller+"?callee="+subscriber, carrier, nil)
	if code != 200 {
		t.Fatalf("verdict on node %s: %d %v", n.name, code, v)
	}
	return v
}

// waitFor polls cond every millisecond until it holds or the deadline
// passes, and returns how long it took and whether it held.
func waitFor(within time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > within {
			return time.Since(start), false
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCluster runs three ringfence nodes over one PostgreSQL store, as
// "ringfence serve --store" runs them: a rule change accepted on node A
// applies on A before it answers (read-your-writes) and changes the
// verdict on node B within 1 s; a crowd report accepted on B shows on A;
// with node C stopped mid-way writes still reach B, and C started again
// loads what it missed; every node answers /healthz and /readyz.
// PostgreSQL comes from pgtest (a throwaway server; under CI=true its
// absence fails the test).
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and three nodes")
	}
	url := pgtest.URL(t)
	keys := clusterKeys(t, url, ringfence.RoleCarrier, ringfence.RoleReporter, ringfence.RoleReporter, ringfence.RoleReporter)
	carrier, reporters := keys[0], keys[1:]
	// The operator's key as an operator makes the first one: on the command line.
	code, out, stderr := runCLI(t, "", "keys", "create", "--role", "operator", "--store", url)
	operator := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(operator, "rf_") {
		t.Fatalf("keys create --store: %d %q %s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, "", "keys", "list", "--store", url); code != 0 || strings.Count(out, "\n") != 5 || !strings.Contains(out, "\toperator\t") {
		t.Fatalf("keys list --store: %d %q %s; want the 5 keys", code, out, stderr)
	}

	a, b, c := startNode(t, url, "a"), startNode(t, url, "b"), startNode(t, url, "c")
	nodes := []*clusterNode{a, b, c}
	for _, n := range nodes {
		if code, _ := n.call(t, "GET", "/healthz", "", nil); code != 200 {
			t.Fatalf("node %s /healthz: %d", n.name, code)
		}
		if _, ok := waitFor(10*time.Second, func() bool { code, _ := n.call(t, "GET", "/readyz", "", nil); return code == 200 }); !ok {
			_, m := n.call(t, "GET", "/readyz", "", nil)
			t.Fatalf("node %s not ready within 10 s: %v\n%s", n.name, m, n.log)
		}
	}

	const subscriber, caller = "13800138000", "13912345678"
	writes := 200
	if testing.Verbose() {
		writes = 400 // more figures for the lag percentiles
	}
	var lags []time.Duration
	for i := range writes {
		if i == writes/2 {
			// Node C goes away mid-way: A's writes keep reaching B.
			if err := c.stop(); err != nil {
				t.Fatalf("node c: %v\n%s", err, c.log)
			}
		}
		if i == 0 {
			warmUp(t, a, b, operator, carrier)
		}
		lag := ruleWriteLag(t, a, b, i, operator, carrier, subscriber, caller)
		lags = append(lags, lag)
	}
	slices.Sort(lags)
	t.Logf("rule change on node a → verdict on node b, %d writes one at a time: p50 %v, p99 %v, max %v",
		len(lags), lags[len(lags)/2], lags[len(lags)*99/100], lags[len(lags)-1])

	// A crowd report accepted on B shows on A.
	const reported = "17100005678"
	before := a.verdict(t, carrier, reported, "")
	for _, r := range reporters {
		if code, m := b.call(t, "POST", "/v1/reports", r, map[string]string{"number": reported, "category": "fraud"}); code != 201 {
			t.Fatalf("report on node b: %d %v", code, m)
		}
	}
	onB := b.verdict(t, carrier, reported, "")
	if fmt.Sprint(onB) == fmt.Sprint(before) {
		t.Fatalf("three reports changed nothing in node b's verdict: %v", onB)
	}
	if _, ok := waitFor(time.Second, func() bool { return fmt.Sprint(a.verdict(t, carrier, reported, "")) == fmt.Sprint(onB) }); !ok {
		t.Fatalf("node a's verdict after reports on node b: %v, want %v", a.verdict(t, carrier, reported, ""), onB)
	}

	// C, started again, loads the rules and reports it missed.
	c = startNode(t, url, "c")
	if got := c.verdict(t, carrier, caller, subscriber)["action"]; got != "allow" {
		t.Errorf("node c after restart: %v, want allow (the last write removed the block)", got)
	}
	if got := c.verdict(t, carrier, reported, ""); fmt.Sprint(got) != fmt.Sprint(onB) {
		t.Errorf("node c after restart: %v, want %v", got, onB)
	}
	for _, n := range []*clusterNode{a, b, c} {
		code, m := n.call(t, "GET", "/readyz", "", nil)
		if _, ok := waitFor(5*time.Second, func() bool {
			code, m = n.call(t, "GET", "/readyz", "", nil)
			return code == 200 && m["lag_events"] == 0.0
		}); !ok {
			t.Errorf("node %s /readyz: %d %v, want 200 with no lag", n.name, code, m)
		}
		if strings.Contains(n.log.String(), "level=ERROR") {
			t.Errorf("node %s logged an error:\n%s", n.name, n.log)
		}
	}
}

// TestServeClusterFlags: --store and an explicit --data are exclusive,
// --store takes a PostgreSQL URL, --log NATS URLs, and the flags a
// cluster node cannot honour are usage errors that say why.
func TestServeClusterFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--store", "postgres://h/db", "--data", dir}, "--store and --data are exclusive"},
		{[]string{"--store", "mysql://h/db"}, "--store wants a PostgreSQL URL"},
		{[]string{"--store", ""}, "flag -store: empty"},
		{[]string{"--store", "postgres://h/db", "--log", "127.0.0.1:4222"}, "--log wants NATS server URLs"},
		{[]string{"--store", "postgres://h/db", "--log", "nats://127.0.0.1:4222,127.0.0.1:4223"}, "--log wants NATS server URLs"},
		{[]string{"--store", "postgres://h/db", "--log", ""}, "flag -log: empty"},
		{[]string{"--store", "postgres://h/db", "--log", " "}, "flag -log: empty"},
		{[]string{"--store", "postgres://h/db", "--log-replicas", "1"}, "--log-replicas needs --log"},
		{[]string{"--store", "postgres://h/db", "--log", "nats://127.0.0.1:4222", "--log-replicas", "0"}, "--log-replicas must be 1 to 5"},
		{[]string{"--data", dir, "--log-replicas", "1"}, "--log-replicas needs --store"},
		{[]string{"--store", "postgres://h/db", "--demo"}, "--demo loads a data directory"},
		{[]string{"--store", "postgres://h/db", "--ready-lag", "-1"}, "--ready-lag must be 0 or more"},
		{[]string{"--data", dir, "--log", "nats://127.0.0.1:4222"}, "--log needs --store"},
		{[]string{"--data", dir, "--node", "a"}, "--node needs --store"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", append([]string{"serve"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("serve %v: exit %d, %q; want usage error %q", tt.args, code, stderr, tt.want)
		}
	}
	for _, tt := range tests[:2] {
		code, _, stderr := runCLI(t, "", append([]string{"keys", "list"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("keys list %v: exit %d, %q; want usage error %q", tt.args, code, stderr, tt.want)
		}
	}
}

// timedStore is a store whose event log notes when each event read by
// Subscribe is about to be applied, and how long after the write's own
// time (Event.At, taken before the write commits).
type timedStore struct {
	ringfence.Store
	mu   sync.Mutex
	lags []time.Duration
}

type timedLog struct {
	ringfence.EventLog
	s *timedStore
}

func (s *timedStore) Events() ringfence.EventLog { return timedLog{s.Store.Events(), s} }

func (l timedLog) Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error {
	return l.EventLog.Subscribe(ctx, after, func(ev ringfence.Event) error {
		if ev.Type == ringfence.EventRules {
			l.s.mu.Lock()
			l.s.lags = append(l.s.lags, time.Since(ev.At))
			l.s.mu.Unlock()
		}
		return fn(ev)
	})
}

// TestClusterLagAtRate measures how long rule changes written on one node
// at RINGFENCE_CLUSTER_RATE writes a second (for 5 s, by 16 writers on two
// nodes) take
// to reach another node's memory: from the write's time (taken before it
// commits) to the follower applying it. It is a measurement, not a check:
// it runs only when the variable is set, and logs the figures. With
// RINGFENCE_CLUSTER_LOG=nats the follower reads the JetStream events
// stream that a relay fills from PostgreSQL (three NATS servers
// in-process, R3) instead of PostgreSQL's log.
func TestClusterLagAtRate(t *testing.T) {
	rate, _ := strconv.Atoi(os.Getenv("RINGFENCE_CLUSTER_RATE"))
	if rate <= 0 {
		t.Skip("set RINGFENCE_CLUSTER_RATE=writes/s to measure the replication lag")
	}
	url := pgtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func(wrap bool) (*engine.Engine, *timedStore) {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		var st ringfence.Store = db
		var ts *timedStore
		if wrap {
			ts = &timedStore{Store: db}
			st = ts
		}
		e, err := engine.Open(ctx, st, reputation.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		return e, ts
	}
	// Two writing nodes: one node's rules writes are serialised by its
	// rules lock.
	writerNodes := []*engine.Engine{}
	for range 2 {
		w, _ := open(false)
		writerNodes = append(writerNodes, w)
	}
	var (
		followed *engine.Engine
		ts       *timedStore
		node     *engine.Node
		through  = "PostgreSQL's event log"
	)
	if os.Getenv("RINGFENCE_CLUSTER_LOG") == "nats" {
		// Through JetStream: three servers in-process (R3), a relay filling
		// the stream from PostgreSQL, the follower reading the stream.
		through = "the JetStream events stream (3 servers, R3)"
		nc := natstest.NewCluster(t, 3)
		cfg := natslog.Config{URLs: nc.URLs(), Replicas: 3}
		relayLog, err := natslog.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer relayLog.Close()
		followLog, err := natslog.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer followLog.Close()
		followed, _ = open(false)
		ts = &timedStore{Store: followed.Store()}
		go relayLog.Relay(ctx, followed.Store().Events(), "relay", nil)
		node = engine.NewNode(followed, slog.New(slog.DiscardHandler))
		follower := &natslog.Follower{Store: followed.Store().Events(), NATS: func() *natslog.Log { return followLog }}
		node.SetLog(timedLog{follower, ts})
		go node.Run(ctx)
		defer func() {
			if !follower.OnStream() {
				t.Errorf("the follower read PostgreSQL, not the stream, at the end")
			}
		}()
	} else {
		followed, ts = open(true)
		node = engine.NewNode(followed, slog.New(slog.DiscardHandler))
		go node.Run(ctx)
	}
	const runFor = 5 * time.Second
	writers := 16
	if v, err := strconv.Atoi(os.Getenv("RINGFENCE_CLUSTER_WRITERS")); err == nil && v > 0 {
		writers = v // clients writing at once, shared by the two nodes
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var done, failed int
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			every := time.Duration(float64(time.Second) * float64(writers) / float64(rate))
			next := time.Now()
			for i := 0; time.Since(start) < runFor; i++ {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				next = next.Add(every)
				sub := fmt.Sprintf("138%04d%04d", w, i%5000)
				_, err := writerNodes[w%len(writerNodes)].SetEntry(ctx, "bench", sub, screen.Entry{Pattern: fmt.Sprintf("139%08d", i), Kind: screen.EntryBlock})
				mu.Lock()
				if err != nil {
					failed++
				} else {
					done++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	head, err := followed.Store().Events().Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := waitFor(30*time.Second, func() bool { return node.Position() >= head }); !ok {
		t.Fatalf("the follower stopped at %d, the log's head is %d", node.Position(), head)
	}
	ts.mu.Lock()
	lags := slices.Clone(ts.lags)
	ts.mu.Unlock()
	if failed > 0 || len(lags) < done {
		t.Fatalf("%d writes failed; %d of %d applied", failed, len(lags), done)
	}
	slices.Sort(lags)
	t.Logf("asked %d writes/s, did %d writes in %v (%.0f/s, %d writers on %d nodes); write time → applied on the follower through %s: p50 %v, p99 %v, max %v",
		rate, done, elapsed.Round(time.Millisecond), float64(done)/elapsed.Seconds(), writers, len(writerNodes), through,
		lags[len(lags)/2], lags[len(lags)*99/100], lags[len(lags)-1])
}

// clusterKeys creates a key for each role in the cluster store at url,
// through an engine over it, and returns their secrets in order.
func clusterKeys(t *testing.T, url string, roles ...ringfence.Role) []string {
	t.Helper()
	e, closeDB, err := openClusterEngine(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	secrets := make([]string, len(roles))
	for i, role := range roles {
		if secrets[i], _, err = e.CreateKey(context.Background(), "test", role, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	return secrets
}

// ruleWriteLag makes write i of a rules lag measurement on node a (even i
// blocks caller for subscriber, odd i removes the entry), checks a's own
// verdict right after it (read-your-writes), and returns how long b's
// verdict took to change; it fails the test past 1 s.
func ruleWriteLag(t *testing.T, a, b *clusterNode, i int, operator, carrier, subscriber, caller string) time.Duration {
	t.Helper()
	return ruleWriteLagWithin(t, a, b, i, operator, carrier, subscriber, caller, time.Second)
}

// warmUp makes one rules write on a and waits, up to 20 s, for b's verdict
// to show it: a cluster just started may still be electing leaders and
// making consumers, which the lag measured after it must not count.
func warmUp(t *testing.T, a, b *clusterNode, operator, carrier string) {
	t.Helper()
	lag := ruleWriteLagWithin(t, a, b, 0, operator, carrier, "13800138999", "13912340000", 20*time.Second)
	t.Logf("warm-up: the first write reached node b's verdict in %v", lag.Round(time.Millisecond))
}

// ruleWriteLagWithin is ruleWriteLag allowing b the time within.
func ruleWriteLagWithin(t *testing.T, a, b *clusterNode, i int, operator, carrier, subscriber, caller string, within time.Duration) time.Duration {
	t.Helper()
	want := "block"
	if i%2 == 0 {
		if code, m := a.call(t, "POST", "/v1/rules/"+subscriber+"/entries", operator, map[string]string{"pattern": caller, "action": "block"}); code != 200 {
			t.Fatalf("write %d on node a: %d %v", i, code, m)
		}
	} else {
		if code, m := a.call(t, "DELETE", "/v1/rules/"+subscriber+"/entries/"+caller, operator, nil); code != 200 && code != 204 {
			t.Fatalf("write %d on node a: %d %v", i, code, m)
		}
		want = "allow"
	}
	if got := a.verdict(t, carrier, caller, subscriber)["action"]; got != want {
		t.Fatalf("write %d: node a answers %v right after its own write, want %s (read-your-writes)", i, got, want)
	}
	lag, ok := waitFor(within, func() bool { return b.verdict(t, carrier, caller, subscriber)["action"] == want })
	if !ok {
		t.Fatalf("write %d on node a did not change node b's verdict to %s within %v\n%s", i, want, within, b.log)
	}
	return lag
}
