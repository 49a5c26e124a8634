package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ringfence/detect"
)

// builtInAbusive is the abusive score's block of the built-in weights as
// "cdr fit" writes it: --kinds-only must leave it as it is.
func builtInAbusive(t *testing.T) string {
	src := detect.FittedWeights().GoSource("")
	a := strings.Index(src, "abusive: [nFeatures]float64{")
	z := strings.Index(src, "debt: [nFeatures]float64{")
	if a < 0 || z < a {
		t.Fatalf("no abusive block in %s", src)
	}
	return src[a:z]
}

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
		log  string   // in stderr
	}{
		{"fit", []string{"fit", "--truth", truth, "--rounds", "1", csv}, exitOK,
			[]string{"package detect", "var fitted = model{", "xKnown:", "xListed:", "ringfence cdr fit --l2 1 --kind-l2 1 --rounds 1 --min-calls 20 --equal=true --truth "}, ""},
		{"L2 chosen across populations", []string{"fit", "--truth", truth, "--rounds", "1", "--choose-l2", "1,100", csv, csv}, exitOK,
			[]string{"var fitted = model{", "ringfence cdr fit --choose-l2 1,100 --kind-l2 1 --rounds 1 --min-calls 20 --equal=true (--l2 "}, "held-out log-loss"},
		{"L2 chosen from one population", []string{"fit", "--truth", truth, "--choose-l2", "1,100", csv}, exitUsage, nil, ""},
		{"L2 not a number", []string{"fit", "--truth", truth, "--choose-l2", "1,x", csv, csv}, exitUsage, nil, ""},
		{"kinds alone", []string{"fit", "--truth", truth, "--kinds-only", "--kind-l2", "1", csv}, exitOK,
			[]string{"ringfence cdr fit --kinds-only --kind-l2 1 --min-calls 20 --equal=true --truth ", builtInAbusive(t)}, ""},
		{"kinds alone, L2 chosen", []string{"fit", "--truth", truth, "--kinds-only", "--choose-l2", "1,100", csv, csv}, exitUsage, nil, ""},
		{"sampled from 40 calls", []string{"fit", "--truth", truth, "--rounds", "1", "--min-calls", "40", csv}, exitOK,
			[]string{"ringfence cdr fit --l2 1 --kind-l2 1 --rounds 1 --min-calls 40 --equal=true --truth "}, ""},
		{"sampled from no calls", []string{"fit", "--truth", truth, "--min-calls", "0", csv}, exitUsage, nil, ""},
		{"no truth", []string{"fit", csv}, exitUsage, nil, ""},
		{"truths not matching files", []string{"fit", "--truth", truth, "--truth", truth, "--truth", truth, csv, csv}, exitUsage, nil, ""},
	}
	samples := map[string]int{} // samples of round 1, by case
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCDRCommand("", (*cli).runCDR, tt.args...)
			if code != tt.code {
				t.Fatalf("code %d, want %d; stderr %s", code, tt.code, stderr)
			}
			if m := regexp.MustCompile(`round 1: .*?; (\d+) samples`).FindStringSubmatch(stderr); m != nil {
				samples[tt.name], _ = strconv.Atoi(m[1])
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, tt.log) {
				t.Errorf("stderr lacks %q: %s", tt.log, stderr)
			}
			if tt.code == exitOK && !strings.Contains(stderr, "round 1:") {
				t.Errorf("no fit report on stderr: %s", stderr)
			}
		})
	}
	// Callers are sampled from --min-calls calls on: fewer from 40.
	if a, b := samples["sampled from 40 calls"], samples["fit"]; a == 0 || a >= b {
		t.Errorf("%d samples from 40 calls, want some and fewer than the %d from 20", a, b)
	}
}
