package sqlite_test

import (
	"context"
	"testing"

	"ringfence"
	"ringfence/sqlite"
)

// TestClosedStoreUnavailable: a write to a closed database is
// EUNAVAILABLE (HTTP 503), not an internal error.
func TestClosedStoreUnavailable(t *testing.T) {
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = db.Audit(context.Background(), ringfence.AuditEntry{Actor: "t", Action: "test"})
	if code := ringfence.ErrorCode(err); code != ringfence.EUNAVAILABLE {
		t.Fatalf("write to a closed database: %v (%s), want %s", err, code, ringfence.EUNAVAILABLE)
	}
}
