// Package natstest runs NATS JetStream servers inside a test process: one
// server, or a cluster of several, on 127.0.0.1 with random client ports
// and a store directory of the test's, the way the NATS server's own
// cluster tests do. It is for tests only; it imports the NATS server.
package natstest

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server starts one JetStream server storing in dir and stops it when t
// ends. Starting it again on the same dir finds the streams it held.
func Server(t testing.TB, dir string) *server.Server {
	t.Helper()
	s, err := start(&server.Options{
		ServerName: "ringfence-test",
		Host:       "127.0.0.1",
		Port:       -1,
		JetStream:  true,
		StoreDir:   dir,
		NoLog:      true,
		NoSigs:     true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

// Cluster is n JetStream servers that route to each other.
type Cluster struct {
	Servers []*server.Server
	opts    []*server.Options
}

// NewCluster starts a cluster of n servers, each storing under its own
// directory of t's, and waits until it has a JetStream leader. It stops
// them when t ends.
//
// The route ports are found free before the servers start, so another
// process may take one in between (tests run in parallel packages); a
// server that cannot start is taken for that, and the whole cluster is
// started again on other ports, up to three times.
func NewCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	base := t.TempDir()
	c := &Cluster{}
	t.Cleanup(c.Shutdown)
	var err error
	for try := 1; ; try++ {
		if err = c.start(n, filepath.Join(base, fmt.Sprintf("try%d", try))); err == nil {
			break
		}
		c.Shutdown()
		c.Servers, c.opts = nil, nil
		if try == 3 {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for !c.formed() {
		if time.Now().After(deadline) {
			t.Fatalf("the JetStream cluster of %d elected no leader that sees every server within 30 s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

// start starts n servers storing under dir that route to each other on
// ports free when they were chosen.
func (c *Cluster) start(n int, dir string) error {
	ports := make([]int, n)
	routes := make([]string, n)
	for i := range ports {
		p, err := freePort()
		if err != nil {
			return err
		}
		ports[i] = p
		routes[i] = fmt.Sprintf("nats://127.0.0.1:%d", p)
	}
	for i := range n {
		o := &server.Options{
			ServerName: fmt.Sprintf("ringfence-%d", i+1),
			Host:       "127.0.0.1",
			Port:       -1,
			JetStream:  true,
			StoreDir:   filepath.Join(dir, fmt.Sprintf("s%d", i+1)),
			NoLog:      true,
			NoSigs:     true,
			Cluster:    server.ClusterOpts{Name: "ringfence", Host: "127.0.0.1", Port: ports[i]},
			Routes:     server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := start(o)
		if err != nil {
			return err
		}
		c.Servers = append(c.Servers, s)
		c.opts = append(c.opts, o)
	}
	return nil
}

// formed reports whether the cluster has a JetStream leader that sees
// every server online: before that, creating a replicated stream may fail
// for want of peers.
func (c *Cluster) formed() bool {
	for _, s := range c.Servers {
		if s.Running() && s.JetStreamIsLeader() {
			return len(s.JetStreamClusterPeers()) == len(c.Servers)
		}
	}
	return false
}

// URLs are the client URLs of the running servers, comma-separated.
func (c *Cluster) URLs() string {
	var us []string
	for _, s := range c.Servers {
		if s.Running() {
			us = append(us, s.ClientURL())
		}
	}
	return strings.Join(us, ",")
}

// Kill stops the server named name, as a crash would (its store stays).
func (c *Cluster) Kill(name string) bool {
	for _, s := range c.Servers {
		if s.Name() == name && s.Running() {
			s.Shutdown()
			s.WaitForShutdown()
			return true
		}
	}
	return false
}

// Shutdown stops every server.
func (c *Cluster) Shutdown() {
	for _, s := range c.Servers {
		s.Shutdown()
	}
}

func start(o *server.Options) (*server.Server, error) {
	s, err := server.NewServer(o)
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("nats server %s did not start", o.ServerName)
	}
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
