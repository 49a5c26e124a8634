package sqlite_test

import (
	"testing"

	"ringfence"
	"ringfence/sqlite"
	"ringfence/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ringfence.Store {
		db, err := sqlite.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = sqlite.Open(dir); err != nil {
		t.Fatalf("reopen (migrations applied twice?): %v", err)
	}
	db.Close()
}

func TestEventLogConformance(t *testing.T) {
	storetest.TestEventLog(t, func(t *testing.T, dir string) ringfence.EventLog {
		db, err := sqlite.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.Events()
	})
}
