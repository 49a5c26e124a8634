package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
	"ringfence/sqlite"
)

// TestSimulatePolicy records calls as the SIP front would, adds a rule, and
// replays: the calls the rule now blocks are counted and shown; on a data
// directory and on a cluster's PostgreSQL.
func TestSimulatePolicy(t *testing.T) {
	at := time.Now().UTC().Add(-time.Hour)
	var cs []engine.CallEvent
	for _, caller := range []string{"+8617012345678", "+8617012345679", "+8613512345678"} {
		cs = append(cs, engine.CallEvent{At: at, Caller: caller, Callee: "+8613800138000", Action: ringfence.Allow, Reasons: []string{"no crowd reports"}, Source: "sip"})
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		open func(t *testing.T) (flags []string, add func([]engine.CallEvent) error, closeDB func())
	}{
		{"sqlite", func(t *testing.T) ([]string, func([]engine.CallEvent) error, func()) {
			dir := t.TempDir()
			db, err := sqlite.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			return []string{"--data", dir}, func(cs []engine.CallEvent) error { return db.AddCalls(ctx, cs) }, func() { db.Close() }
		}},
		{"postgres", func(t *testing.T) ([]string, func([]engine.CallEvent) error, func()) {
			if testing.Short() {
				t.Skip("starts PostgreSQL")
			}
			url := pgtest.URL(t)
			db, err := postgres.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			return []string{"--store", url}, func(cs []engine.CallEvent) error { return db.AddCalls(ctx, cs) }, func() { db.Close() }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			where, add, closeDB := tc.open(t)
			if err := add(cs); err != nil {
				t.Fatal(err)
			}
			closeDB()
			if code, _, errs := runCLI(t, "", append([]string{"rules", "13800138000", "block", "170*"}, where...)...); code != 0 {
				t.Fatal(errs)
			}
			code, out, errs := runCLI(t, "", append([]string{"simulate", "policy"}, where...)...)
			if code != 0 {
				t.Fatalf("%d %s", code, errs)
			}
			for _, want := range []string{"replayed 3 calls", "2 would be answered differently", "allow → block", "in your block list (+86170*)"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
