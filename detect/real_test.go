package detect_test

import (
	"errors"
	"io"
	"os"
	"testing"

	"ringfence"
	"ringfence/cdr"
	"ringfence/detect"
)

// copenhagenCalls is a real benign population: four weeks of calls among
// 536 students of the Copenhagen Networks Study (see the data README in
// ../shared beside the checkout, or beside its parent for a worktree).
var copenhagenCalls = []string{"../../shared/data/copenhagen_calls.csv", "../../../shared/data/copenhagen_calls.csv"}

// readCalls reads the first of names that exists, a native CSV of call
// records, with package cdr's reader; a row that does not parse fails the
// test.
func readCalls(t *testing.T, names []string) []ringfence.CallRecord {
	t.Helper()
	var f *os.File
	var err error
	name := names[0]
	for _, name = range names {
		if f, err = os.Open(name); !errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	if errors.Is(err, os.ErrNotExist) {
		if os.Getenv("CI") != "" { // CI runs with ../shared beside the checkout
			t.Fatalf("%v are absent", names)
		}
		t.Skipf("%v are absent: the real benign call log is not beside this checkout", names)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := cdr.NewReader(f, cdr.Native)
	var calls []ringfence.CallRecord
	for {
		c, err := rd.Next()
		if err == io.EOF {
			return calls
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		calls = append(calls, c)
	}
}

// Real people calling one another raise no flag, however low the
// threshold is set within reason.
func TestCopenhagenRaisesNoFlag(t *testing.T) {
	calls := readCalls(t, copenhagenCalls)
	if len(calls) < 3000 {
		t.Fatalf("read %d calls, want the file's 3,600", len(calls))
	}
	for _, threshold := range []float64{0.95, 0.8, 0.5} {
		cfg := detect.DefaultConfig()
		if threshold < cfg.Threshold {
			cfg.Threshold = threshold
		}
		d := detect.New(cfg)
		var flags []ringfence.Flag
		d.ObserveCalls(calls, func(f ringfence.Flag) { flags = append(flags, f) })
		if d.Stats().Calls != int64(len(calls)) {
			t.Errorf("threshold %.2f: observed %d calls of %d", threshold, d.Stats().Calls, len(calls))
		}
		for _, f := range flags {
			t.Errorf("threshold %.2f: flagged %s as %s (score %.3f): %v", threshold, f.Number, f.Kind, f.Score, f.Reasons)
		}
	}
}
