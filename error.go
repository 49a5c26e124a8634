package ringfence

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Error codes. Adapters map them to transport status in one place (the HTTP
// adapter to status codes, the CLI to exit codes).
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	ERATELIMIT    = "rate_limited"
	// EUNAVAILABLE: the store cannot be reached (down, restarting,
	// refusing connections). Nothing was written; the caller may retry.
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// Error is an application error with a code and a message safe to show to the
// caller. Anything else is an internal error whose text is not shown.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// other errors and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain with any
// context wrapped around it, or "internal error" for other errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return err.Error()
	}
	return "internal error"
}

// RowError is a bad row of an input file (a CSV of reports or call
// records): readers skip the row, report it with its line and field, and go
// on with the next. It is the one bad-row error of every reader (cdr, feed);
// its JSON form {"line","field","error"} is what the API returns per row.
type RowError struct {
	Line  int
	Field string // the column at fault; "" when the row as a whole is
	Err   error
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: %s: %v", e.Line, e.Field, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Plural writes n and noun, the noun in the plural unless n is 1: "1 record",
// "2 records", "3 entries", "2 matches". Every count ringfence prints for
// people goes through it.
func Plural[N ~int | ~int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	switch {
	case strings.HasSuffix(noun, "y") && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		noun = noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		noun += "es"
	default:
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}

// MarshalJSON writes {"line":N,"field":"…","error":"…"}, without "field"
// when the row as a whole is at fault.
func (e *RowError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Line  int    `json:"line"`
		Field string `json:"field,omitempty"`
		Error string `json:"error"`
	}{e.Line, e.Field, e.Err.Error()})
}
