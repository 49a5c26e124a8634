// Package pgtest gives tests a real PostgreSQL database of their own. It
// uses the server at RINGFENCE_TEST_POSTGRES (a URL of a role that may
// create databases) when that is set; otherwise it starts a throwaway
// server from the PostgreSQL binaries (initdb and postgres, on PATH or in
// /usr/lib/postgresql/*/bin) in a temporary directory, listening on
// 127.0.0.1 on a free port, and stops it when the tests end. When root
// runs the tests, the server runs as the user postgres (PostgreSQL refuses
// to run as root). Without either, tests skip — except under CI=true,
// where a missing PostgreSQL fails them.
//
// It is for tests only: the throwaway server runs without fsync.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the URL of an existing server.
const EnvURL = "RINGFENCE_TEST_POSTGRES"

var (
	once   sync.Once
	admin  string // URL of the server's maintenance database
	srv    *server
	srvErr error
	skip   string // why there is no server, when that is no failure
)

// Main runs the tests of a package and stops the throwaway server, if one
// was started. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	return code
}

// URL creates a new, empty database for t and returns its URL; the
// database is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if srvErr != nil {
		t.Fatalf("PostgreSQL: %v", srvErr)
	}
	if skip != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is needed under CI: %s", skip)
		}
		t.Skip(skip)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL: connect: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 8)
	rand.Read(b)
	name := "rf_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("PostgreSQL: create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// start finds or starts the server, once per test binary.
func start() {
	if u := os.Getenv(EnvURL); u != "" {
		if _, err := url.Parse(u); err != nil {
			srvErr = fmt.Errorf("%s is not a URL", EnvURL)
			return
		}
		admin = u
		return
	}
	bin := binDir()
	if bin == "" {
		skip = "no PostgreSQL: set " + EnvURL + " or install the server (Debian: apt-get install postgresql)"
		return
	}
	srv, srvErr = startServer(bin)
	if srvErr == nil {
		admin = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", srv.port)
	}
}

// binDir is the directory of initdb and postgres: the newest of
// /usr/lib/postgresql/*/bin, else where initdb is on PATH.
func binDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) < version(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "postgres")); err == nil {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if p, err = filepath.EvalSymlinks(p); err == nil {
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), "postgres")); err == nil {
				return filepath.Dir(p)
			}
		}
	}
	return ""
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

type server struct {
	dir  string
	bin  string
	cred *syscall.Credential
	port int
	cmd  *exec.Cmd
	done chan error
}

// startServer initialises a cluster in a new temporary directory and
// starts postgres on it, as the user postgres when running as root.
func startServer(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "ringfence-pg-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root, and there is no user postgres to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := s.command("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLines(out))
	}
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		err = s.run()
		if err == nil {
			return s, nil
		}
		s.stop0()
		if attempt == 2 {
			out, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("postgres did not start: %v: %s", err, lastLines(out))
		}
	}
}

func (s *server) command(name string, args ...string) *exec.Cmd {
	c := exec.Command(filepath.Join(s.bin, name), args...)
	c.Dir = s.dir
	c.Env = append(os.Environ(), "LC_ALL=C")
	c.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	return c
}

// run starts postgres on the server's data directory and port and waits
// until it accepts connections.
func (s *server) run() error {
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	s.cmd = s.command("postgres", "-D", filepath.Join(s.dir, "data"), "-p", strconv.Itoa(s.port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300")
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	log.Close()
	s.done = make(chan error, 1)
	go func(c *exec.Cmd, done chan error) { done <- c.Wait() }(s.cmd, s.done)
	return s.ready(30 * time.Second)
}

// ready waits until the server accepts connections.
func (s *server) ready(within time.Duration) error {
	u := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", s.port)
	deadline := time.Now().Add(within)
	for {
		select {
		case err := <-s.done:
			return fmt.Errorf("postgres exited: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := pgx.Connect(ctx, u)
		cancel()
		if err == nil {
			c.Close(context.Background())
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop0 stops postgres (fast shutdown) and waits for it.
func (s *server) stop0() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func (s *server) stop() {
	s.stop0()
	os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return strings.Join(lines, "\n")
}

// Server is a throwaway PostgreSQL server of a test's own, which the test
// may stop and start again (to see what ringfence does while its store is
// down). Other tests' databases are on the shared server (URL), which no
// test stops.
type Server struct {
	s   *server
	url string
}

// Own starts a throwaway server for t alone, with one database, and stops
// it when t ends. It needs the PostgreSQL binaries even when
// RINGFENCE_TEST_POSTGRES is set (a server that a test may stop cannot be
// someone else's); without them t skips, or fails under CI=true.
func Own(t testing.TB) *Server {
	t.Helper()
	bin := binDir()
	if bin == "" {
		msg := "no PostgreSQL server binaries (Debian: apt-get install postgresql)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is needed under CI: %s", msg)
		}
		t.Skip(msg)
	}
	s, err := startServer(bin)
	if err != nil {
		t.Fatalf("PostgreSQL: %v", err)
	}
	t.Cleanup(s.stop)
	return &Server{s: s, url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)}
}

// URL is the URL of the server's database.
func (s *Server) URL() string { return s.url }

// Stop shuts the server down (a fast shutdown: sessions are ended, as when
// an operator restarts PostgreSQL) and waits until it has exited.
func (s *Server) Stop() { s.s.stop0() }

// Start starts the stopped server again on the same port and data, and
// waits until it accepts connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if err := s.s.run(); err != nil {
		t.Fatalf("PostgreSQL: restart: %v", err)
	}
}
