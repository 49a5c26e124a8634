package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// cdr fit prints weights as Go source for every input, says how they were
// fitted, and refuses a run without truth or with truths not matching
// the files.
func TestCDRFit(t *testing.T) {
	dir := t.TempDir()
	csv, truth := filepath.Join(dir, "main.csv"), filepath.Join(dir, "main.truth")
	if code, _, stderr := runCDRCommand("", (*cli).runSimulate, "cdr", "--days", "2", "--subscribers", "2000", "--out", csv, "--truth", truth, "--seed", "4"); code != exitOK {
		t.Fatalf("simulate: code %d, stderr %s", code, stderr)
	}
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout
	}{
		{"fit", []string{"fit", "--truth", truth, "--rounds", "1", csv}, exitOK,
			[]string{"package detect", "var fitted = model{", "xKnown:", "xListed:", "ringfence cdr fit --l2 1 --rounds 1 --equal=true --truth "}},
		{"no truth", []string{"fit", csv}, exitUsage, nil},
		{"truths not matching files", []string{"fit", "--truth", truth, "--truth", truth, "--truth", truth, csv, csv}, exitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCDRCommand("", (*cli).runCDR, tt.args...)
			if code != tt.code {
				t.Fatalf("code %d, want %d; stderr %s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			if tt.code == exitOK && !strings.Contains(stderr, "round 1:") {
				t.Errorf("no fit report on stderr: %s", stderr)
			}
		})
	}
}
