package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/simulate"
	"ringfence/simulate/alt"
)

// accountOf is the account the test files give a caller's line, and
// trunkOf its trunk.
func accountOf(k uint64) string { return fmt.Sprintf("acct-%d", k%3) }
func trunkOf(k uint64) string   { return fmt.Sprintf("sip-%d", k%2) }

// writeAccountsCSV writes calls as native CSV with account and trunk
// columns (in an order of their own).
func writeAccountsCSV(t *testing.T, name string, calls []ringfence.CallRecord) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("trunk,caller,callee,start_time,duration_s,answered,account\n")
	for _, c := range calls {
		ans := 0
		if c.Answered {
			ans = 1
		}
		fmt.Fprintf(w, "%s,%s,%s,%s,%d,%d,%s\n", trunkOf(c.Caller), c.CallerE164(), c.CalleeE164(), c.StartTime().Format(time.RFC3339), c.Duration, ans, accountOf(c.Caller))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// campaignRE matches the campaign of a JSON flag: campaign ids link the
// numbers one detector flagged, so partitioned detectors give others.
var campaignRE = regexp.MustCompile(`"campaign":"[^"]*",?`)

// sortedLines is the lines of s, sorted.
func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(l)
	return l
}

// summary is the scan summary without its rate and the workers line.
// numberKinds reads JSON flag lines as sorted "number kind" lines.
func numberKinds(t *testing.T, lines []string) string {
	t.Helper()
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		var f ringfence.Flag
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Number+" "+string(f.Kind))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func summary(stderr string) string {
	var keep []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "rows read:") {
			l = l[:strings.Index(l, "rejected:")]
		}
		if strings.HasPrefix(l, "workers:") || strings.HasPrefix(l, "active callers:") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// Partitioned detectors (--workers) flag the numbers one flags (campaign
// ids, scores and times aside), and count the same rows; each flag carries the account and trunk of its caller's
// line.
func TestScanWorkers(t *testing.T) {
	dir := t.TempDir()
	for _, sc := range []struct {
		name  string
		calls []ringfence.CallRecord
	}{
		{"main", simulate.Run(simulate.Config{Days: 2, Subscribers: 3000, Seed: 5}).Calls},
		{"alt", alt.Generate(alt.Config{Days: 2, Subscribers: 3000, Seed: 5}).Calls},
	} {
		name := filepath.Join(dir, sc.name+".csv")
		writeAccountsCSV(t, name, sc.calls)
		var want []string
		var wantSummary string
		for _, workers := range []string{"1", "2", "3"} {
			t.Run(sc.name+"/"+workers, func(t *testing.T) {
				code, stdout, stderr := runCDRCommand("", (*cli).runCDR, "scan", name, "--json", "--workers", workers)
				if code != exitOK {
					t.Fatalf("code %d: %s", code, stderr)
				}
				got := sortedLines(campaignRE.ReplaceAllString(stdout, ""))
				if workers == "1" {
					want, wantSummary = got, summary(stderr)
					if len(got) < 5 {
						t.Fatalf("only %d flags", len(got))
					}
					for _, l := range got {
						var f ringfence.Flag
						if err := json.Unmarshal([]byte(l), &f); err != nil {
							t.Fatal(err)
						}
						k, _ := number.Key(f.Number)
						wantAcct, wantTrunk := accountOf(k), trunkOf(k)
						if f.Kind == ringfence.KindCallBombingTarget {
							wantAcct, wantTrunk = "", ""
						}
						if f.Account != wantAcct || f.Trunk != wantTrunk {
							t.Errorf("flag of %s carries account %q trunk %q, want %q %q", f.Number, f.Account, f.Trunk, wantAcct, wantTrunk)
						}
					}
					return
				}
				// The same numbers of the same kinds: scores and times may
				// differ where list evidence sits in another partition.
				if g, w := numberKinds(t, got), numberKinds(t, want); g != w {
					t.Errorf("%d flags with %s workers, %d with one:\n%s\nwant\n%s", len(got), workers, len(want), g, w)
				}
				if s := summary(stderr); s != wantSummary {
					t.Errorf("summary with %s workers:\n%s\nwith one:\n%s", workers, s, wantSummary)
				}
				if !strings.Contains(stderr, "workers: "+workers) {
					t.Errorf("summary does not name the workers:\n%s", stderr)
				}
			})
		}
	}
}

// --by rolls the flags up: a table with a header, or JSON lines, whose
// flags add up to the flags raised and whose calls are the flagged
// callers' calls.
func TestScanBy(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "cdr.csv")
	calls := simulate.Run(simulate.Config{Days: 2, Subscribers: 3000, Seed: 5}).Calls
	writeAccountsCSV(t, name, calls)
	perCaller := map[uint64]int64{}
	for _, c := range calls {
		perCaller[c.Caller]++
	}
	code, stdout, stderr := runCDRCommand("", (*cli).runCDR, "scan", name, "--json")
	if code != exitOK {
		t.Fatalf("code %d: %s", code, stderr)
	}
	want := map[string]int{} // flags per account
	wantCalls := map[string]int64{}
	total := 0
	for _, l := range sortedLines(stdout) {
		var f ringfence.Flag
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		k, _ := number.Key(f.Number)
		want[f.Account]++
		wantCalls[f.Account] += perCaller[k]
		total++
	}
	for _, workers := range []string{"1", "2"} {
		code, stdout, stderr = runCDRCommand("", (*cli).runCDR, "scan", name, "--by", "account", "--workers", workers)
		if code != exitOK {
			t.Fatalf("code %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if lines[0] != "account\tflags\ttelemarketing\trobocall\tdebt_collection\tcall_bombing_target\tcalls" {
			t.Errorf("header %q", lines[0])
		}
		sum := 0
		for _, l := range lines[1:] {
			var key string
			var flags, tm, rc, dc, cb int
			var n int64
			if _, err := fmt.Sscanf(strings.ReplaceAll(l, "\t", " "), "%s %d %d %d %d %d %d", &key, &flags, &tm, &rc, &dc, &cb, &n); err != nil {
				t.Fatalf("row %q: %v", l, err)
			}
			if key == "(none)" {
				key = ""
			}
			if flags != want[key] || tm+rc+dc+cb != flags || n != wantCalls[key] {
				t.Errorf("row %q: want %d flags, %d calls", l, want[key], wantCalls[key])
			}
			sum += flags
		}
		if sum != total || len(lines) != len(want)+1 {
			t.Errorf("%d flags in %d rows, want %d in %d:\n%s", sum, len(lines)-1, total, len(want), stdout)
		}
	}
	for _, by := range []string{"trunk", "brand", "holder"} {
		code, stdout, stderr = runCDRCommand("", (*cli).runCDR, "scan", name, "--by", by, "--json")
		if code != exitOK {
			t.Fatalf("code %d: %s", code, stderr)
		}
		sum := 0
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var row struct {
				Key   string         `json:"key"`
				Flags int            `json:"flags"`
				Kinds map[string]int `json:"kinds"`
			}
			if err := json.Unmarshal([]byte(l), &row); err != nil {
				t.Fatalf("--by %s: line %q: %v", by, l, err)
			}
			sum += row.Flags
		}
		if sum != total {
			t.Errorf("--by %s: %d flags, want %d:\n%s", by, sum, total, stdout)
		}
	}
}

func TestScanUsage(t *testing.T) {
	for _, args := range [][]string{
		{"scan", "--by", "carrier"},
		{"scan", "--by", "Account"},
		{"scan", "--workers", "0"},
		{"scan", "--workers", "65"},
	} {
		if code, _, stderr := runCDRCommand("", (*cli).runCDR, args...); code != exitUsage {
			t.Errorf("%v: code %d, want usage (%s)", args, code, stderr)
		}
	}
}
