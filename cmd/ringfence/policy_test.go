package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/sqlite"
)

// TestSimulatePolicy records calls as the SIP front would, adds a rule, and
// replays: the calls the rule now blocks are counted and shown.
func TestSimulatePolicy(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-time.Hour)
	var cs []engine.CallEvent
	for _, caller := range []string{"+8617012345678", "+8617012345679", "+8613512345678"} {
		cs = append(cs, engine.CallEvent{At: at, Caller: caller, Callee: "+8613800138000", Action: ringfence.Allow, Reasons: []string{"no crowd reports"}, Source: "sip"})
	}
	if err := db.AddCalls(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, _, errs := runCLI(t, "", "rules", "13800138000", "block", "170*", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCLI(t, "", "simulate", "policy", "--data", dir)
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	for _, want := range []string{"replayed 3 calls", "2 would be answered differently", "allow → block", "in your block list (+86170*)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
