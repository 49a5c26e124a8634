package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"ringfence"
	"ringfence/postgres/pgtest"
)

// TestUnavailable checks which driver errors say PostgreSQL cannot be
// reached (EUNAVAILABLE, HTTP 503) and which are something else.
func TestUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{}}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false},
		{"connection refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"net error", refused, true},
		{"unexpected EOF", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), true},
		{"closed pool", errors.New("closed pool"), true},
		{"caller cancelled", fmt.Errorf("query: %w", context.Canceled), false},
		{"deadline", context.DeadlineExceeded, false},
		{"application error", ringfence.Errorf(ringfence.ENOTFOUND, "no rules"), false},
		{"other", errors.New("syntax error"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ringfence.ErrorCode(unavailable(tc.err)) == ringfence.EUNAVAILABLE
			if got != tc.want {
				t.Fatalf("unavailable(%v) is EUNAVAILABLE: %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// TestClosedStoreUnavailable: a write to a store whose pool is closed is
// EUNAVAILABLE, not an internal error.
func TestClosedStoreUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	s, err := Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	err = s.Audit(context.Background(), ringfence.AuditEntry{Actor: "t", Action: "test"})
	if code := ringfence.ErrorCode(err); code != ringfence.EUNAVAILABLE {
		t.Fatalf("write to a closed store: %v (%s), want %s", err, code, ringfence.EUNAVAILABLE)
	}
}

// TestOpenUnreachable: Open on a URL where no PostgreSQL listens says so
// once, plainly (where, why, what to check), without the password, and
// is EUNAVAILABLE; a database that does not exist is named as such.
func TestOpenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens on port now
	where := fmt.Sprintf("127.0.0.1:%d/rfdb", port)
	for _, tc := range []struct {
		name, url string
	}{
		{"default sslmode", fmt.Sprintf("postgres://ringfence:s3cretpw@127.0.0.1:%d/rfdb", port)},
		{"sslmode disable", fmt.Sprintf("postgres://ringfence:s3cretpw@127.0.0.1:%d/rfdb?sslmode=disable&connect_timeout=5", port)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.url)
			if err == nil {
				t.Fatal("Open on a closed port: no error")
			}
			msg := err.Error()
			if code := ringfence.ErrorCode(err); code != ringfence.EUNAVAILABLE {
				t.Errorf("code %q, want %q: %s", code, ringfence.EUNAVAILABLE, msg)
			}
			for _, want := range []string{"cannot reach PostgreSQL at " + where, "connection refused", "is the server running", "URL"} {
				if n := strings.Count(msg, want); n != 1 {
					t.Errorf("%q appears %d times in %q, want once", want, n, msg)
				}
			}
			for _, bad := range []string{"s3cretpw", "migrate", "dial", "failed to connect"} {
				if strings.Contains(msg, bad) {
					t.Errorf("%q in %q", bad, msg)
				}
			}
		})
	}
}

// TestOpenNoDatabase: a URL whose database does not exist is told apart
// from a server that cannot be reached.
func TestOpenNoDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/rf_no_such_db"
	_, err = Open(context.Background(), u.String())
	if code := ringfence.ErrorCode(err); code != ringfence.EINVALID || !strings.Contains(err.Error(), `"rf_no_such_db" does not exist`) || !strings.Contains(err.Error(), "refused the connection") {
		t.Fatalf("Open on a database that does not exist: %v (%s), want %s naming it", err, code, ringfence.EINVALID)
	}
}
