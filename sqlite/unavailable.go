package sqlite

import (
	"database/sql"
	"errors"
	"strings"

	msqlite "modernc.org/sqlite"

	"ringfence"
)

// errUnavailable is what a write answers when the database cannot be
// used: closed, its file unreadable or unwritable, the disk full, or
// another process holding its write lock past the busy timeout.
var errUnavailable = ringfence.Errorf(ringfence.EUNAVAILABLE, "the store is unavailable (the database cannot be written); nothing was written, retry later")

// SQLite's primary result codes that say the database cannot be used now.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// unavailable classifies err: a closed database or one SQLite cannot
// read, write or lock becomes EUNAVAILABLE; any other error is returned as
// it is.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return errUnavailable
		}
		return err
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return errUnavailable
	}
	return err
}
