package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"ringfence"
)

// errUnavailable is what a call answers when PostgreSQL cannot be reached:
// no host, user or driver text, which stay in the node's log.
var errUnavailable = ringfence.Errorf(ringfence.EUNAVAILABLE, "the store is unavailable (PostgreSQL cannot be reached); nothing was written, retry later")

// unavailable classifies err: an error that says PostgreSQL cannot be
// reached — a refused, reset or closed connection, a closed pool, a
// server shutting down or starting up (SQLSTATE class 08, 57P01–57P03) —
// becomes EUNAVAILABLE; any other error (including the caller's own
// cancellation) is returned as it is.
func unavailable(err error) error {
	if isUnavailable(err) {
		return errUnavailable
	}
	return err
}

func isUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	} else if errors.As(err, &ce) {
		return true // including a connect_timeout
	} else if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", // admin_shutdown
			pe.Code == "57P02", // crash_shutdown
			pe.Code == "57P03", // cannot_connect_now (starting up)
			pe.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		pgconn.SafeToRetry(err):
		return true
	}
	// pgxpool's and pgconn's own words for a closed pool or connection.
	msg := err.Error()
	return strings.Contains(msg, "closed pool") || strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection closed")
}
