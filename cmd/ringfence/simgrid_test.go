package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulateGrid runs two cheap cells of the scenario grid: as a table
// through the detector, and as a population that "cdr scan" and "cdr
// eval" take, with recall per kind.
func TestSimulateGrid(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "grid.md")
	cells := "call_bombing/burst_minutes=5,family"
	code, stdout, stderr := runCLI(t, "", "simulate", "cdr", "--grid", "--cells", cells, "--days", "2", "--subscribers", "500", "--out", table)
	if code != exitOK || stdout != "" {
		t.Fatalf("grid: code %d\n%s%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(table)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Scenario grid: 2 cells, 2 days, seed 1, 500 background subscribers per cell.",
		"| cell | kind | axis | calls/day | answered |",
		"| call_bombing/burst_minutes=5 | call_bombing | burst minutes | 200 calls / 80 callers / 5 min |",
		"| family | family | base | 10±50% | 0.85 |",
		"| call_bombing | 1 |",
		"Cells under target",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("table lacks %q:\n%s", want, b)
		}
	}
	if !strings.Contains(stderr, "cell 2/2") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}

	csv, truth, flags := filepath.Join(dir, "grid.csv"), filepath.Join(dir, "truth.jsonl"), filepath.Join(dir, "flags.jsonl")
	code, _, stderr = runCLI(t, "", "simulate", "cdr", "--grid", "--cells", "call_bombing/burst_minutes=5", "--days", "2", "--out", csv, "--truth", truth)
	if code != exitOK || !strings.Contains(stderr, "in 1 cell of the scenario grid") {
		t.Fatalf("grid population: code %d\n%s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "cdr", "scan", "--json", csv)
	if code != exitOK {
		t.Fatalf("scan: code %d\n%s", code, stderr)
	}
	if err := os.WriteFile(flags, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "", "cdr", "eval", "--truth", truth, flags)
	if code != exitOK {
		t.Fatalf("eval: code %d\n%s", code, stderr)
	}
	for _, want := range []string{"precision: ", "recall per kind:", "call_bombing               30       30   1.0000"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSimulateGridUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--cells", "family"}, "--cells needs --grid"},
		{[]string{"--grid", "--scenario", "alt"}, "--scenario does not apply"},
		{[]string{"--grid", "--cells", "no-such-cell"}, "names no cell"},
		{[]string{"--grid", "--days", "0"}, "--days must be"},
		{[]string{"--grid", "--start", "2026-01-01"}, "--start applies"},
		{[]string{"--grid", "--subscribers", "200000"}, "--subscribers must be"},
		{[]string{"--grid", "--subscribers", "0"}, "--subscribers must be"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", append([]string{"simulate", "cdr"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: code %d, stderr %s", tt.args, code, stderr)
		}
	}
}
