package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
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
