package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ringfence"
	"ringfence/cdr"
	"ringfence/detect"
	"ringfence/natslog"
	"ringfence/postgres"
	"ringfence/simulate"
)

// TestClusterDetect streams a simulated call-record file (2,000
// subscribers, 2 days) through POST /v1/cdrs of three cluster nodes in
// turn, every part a real process (three nats-server R3, PostgreSQL,
// three "ringfence serve --store … --log …" nodes sharing the 16
// call-record partitions). One node is killed with SIGKILL mid-stream, and
// later one NATS server: the dead node's partitions move to the others
// within 10 s, every acknowledged record is applied (each partition's
// applied sequence reaches its last message), and the flags stored are
// exactly those of 16 partitioned detectors over the stream's records in
// one process (natslog.PartitionFlags), each stored once, and flag the
// same numbers as one node's detector over the file. Crowd reports go to
// every node all along, the kills included: each one acknowledged is in
// every live node's verdicts.
func TestClusterDetect(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, three NATS servers and three nodes")
	}
	started := time.Now()
	url, nats, logURLs := postgresAndNATS(t)
	keys := clusterKeys(t, url, ringfence.RoleCarrier, ringfence.RoleReporter, ringfence.RoleReporter, ringfence.RoleReporter)
	carrier, reporters := keys[0], keys[1:]

	// The records, as the nodes will read them.
	start, err := simulationStart("", 2, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	subscribers := 2000
	if v := os.Getenv("RINGFENCE_DETECT_SUBSCRIBERS"); v != "" { // bench/cluster.sh
		if subscribers, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := simulate.WriteCSV(&csv, simulate.Run(simulate.Config{Days: 2, Subscribers: subscribers, Seed: 3, Start: start}).Calls); err != nil {
		t.Fatal(err)
	}
	// Each row names the customer account that carried it (by the
	// caller's last digit), so that flags must say which line carried the
	// calls after travelling through the stream.
	csv = *bytes.NewBuffer(withAccounts(csv.Bytes()))
	file := filepath.Join(t.TempDir(), "cdr.csv")
	if err := os.WriteFile(file, csv.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var recs []ringfence.CallRecord
	rd := cdr.NewReader(bytes.NewReader(csv.Bytes()), cdr.Native)
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	const parts = 16 // natslog's default
	want := flagSet(natslog.PartitionedFlags(recs, parts))
	one := detect.New(detect.DefaultConfig())
	var single []ringfence.Flag
	for _, r := range recs {
		one.Observe(r, func(f ringfence.Flag) { single = append(single, f) })
	}

	args := []string{"--store", url, "--log", logURLs, "--log-replicas", "3"}
	a, b, c := startProcNode(t, args, "a"), startProcNode(t, args, "b"), startProcNode(t, args, "c")
	nodes := []*procNode{a, b, c}
	if _, ok := waitFor(40*time.Second, func() bool {
		total, most := 0, 0
		for _, n := range nodes {
			k := len(ownedPartitions(t, n))
			total, most = total+k, max(most, k)
		}
		return total == parts && most <= (parts+2)/3
	}); !ok {
		t.Fatalf("the 16 partitions are not shared among 3 nodes within 40 s\n%s\n%s\n%s", a.log, b.log, c.log)
	}
	t.Logf("3 NATS servers, PostgreSQL and 3 detect nodes sharing the partitions in %v", time.Since(started).Round(time.Millisecond))

	probe, err := natslog.Open(context.Background(), natslog.Config{URLs: joinURLs(nats[:2]), Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()

	// Report traffic on every node all along the call records, the kills
	// included: every report acknowledged must reach every live node.
	var (
		mu      sync.Mutex
		acked   []string
		wg      sync.WaitGroup
		stopped = make(chan struct{})
	)
	for w, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stopped:
					return
				case <-time.After(20 * time.Millisecond):
				}
				number := fmt.Sprintf("172%02d%06d", w, i)
				if postReport(n.addr, reporters[w], number) == 201 {
					mu.Lock()
					acked = append(acked, number)
					mu.Unlock()
				}
			}
		}()
	}
	stopReports := sync.OnceFunc(func() { close(stopped); wg.Wait() })
	defer stopReports()

	// The file in chunks, each with the header, to the nodes in turn.
	lines := strings.SplitAfter(strings.TrimSuffix(csv.String(), "\n"), "\n")
	header, rows := lines[0], lines[1:]
	const chunks = 12
	var (
		accepted, before int // rows accepted; before the first kill
		moved            time.Duration
		posted, early    time.Duration // POSTs' time; before the first kill
	)
	live := []*procNode{a, b, c}
	for i := range chunks {
		body := header + strings.Join(rows[i*len(rows)/chunks:(i+1)*len(rows)/chunks], "")
		n := live[i%len(live)]
		t0 := time.Now()
		code, m := postCDRs(t, n, carrier, body)
		posted += time.Since(t0)
		if code != 200 || m["rejected"] != 0.0 {
			t.Fatalf("chunk %d on node %s: %d %v", i, n.name, code, m)
		}
		accepted += int(m["rows"].(float64))
		switch i {
		case 3:
			before, early = accepted, posted
			// A detect node dies mid-stream; its partitions move.
			c.killCmd(c.cmd)
			killed := time.Now()
			live = []*procNode{a, b}
			var ok bool
			if moved, ok = waitFor(10*time.Second, func() bool {
				return len(ownedPartitions(t, a))+len(ownedPartitions(t, b)) == parts
			}); !ok {
				t.Fatalf("node c's partitions not taken over within 10 s of its death (%v)\n%s\n%s", time.Since(killed), a.log, b.log)
			}
		case 7:
			// So does a NATS server; the next chunk waits until the
			// nodes reach the others.
			nats[2].kill()
			time.Sleep(3 * time.Second)
		}
	}
	stopReports()
	if accepted != len(recs) {
		t.Fatalf("%d rows accepted, the file has %d", accepted, len(recs))
	}

	// Every acknowledged record applied: each partition's applied
	// sequence reaches the partition's last message.
	heads := partitionHeads(t, probe)
	// A client that lost an answer sends the chunk again: the stream
	// stores nothing twice (no partition moves), and the answer is the same.
	last := header + strings.Join(rows[(chunks-1)*len(rows)/chunks:], "")
	if code, m := postCDRs(t, a, carrier, last); code != 200 || m["rejected"] != 0.0 {
		t.Fatalf("the last chunk sent again: %d %v", code, m)
	}
	if again := partitionHeads(t, probe); !slices.Equal(again, heads) {
		t.Fatalf("the last chunk sent again moved the partitions: %v → %v", heads, again)
	}
	caught, ok := waitFor(60*time.Second, func() bool {
		applied := map[int]uint64{}
		for _, n := range live {
			for p, s := range ownedPartitions(t, n) {
				applied[p] = s
			}
		}
		for p, h := range heads {
			if applied[p] < h {
				return false
			}
		}
		return true
	})
	if !ok {
		oa, ob := ownedPartitions(t, a), ownedPartitions(t, b)
		for _, n := range live {
			n.cmd.Process.Signal(syscall.SIGQUIT) // its goroutines, into its log
		}
		time.Sleep(time.Second)
		t.Fatalf("partitions not applied to their heads %v within 60 s: a %v, b %v\n%s\n%s", heads, oa, ob, ringfenceStacks(a.log.String()), ringfenceStacks(b.log.String()))
	}

	// Every partition a live node owns has a checkpoint, stored within
	// the last few checkpoint periods (5 s each), in its /metrics.
	if took, ok := waitFor(20*time.Second, func() bool {
		for _, n := range []*procNode{a, b} {
			ages := checkpointAges(n)
			for p := range ownedPartitions(t, n) {
				if age, ok := ages[p]; !ok || age > 30 {
					return false
				}
			}
		}
		return true
	}); !ok {
		t.Errorf("a partition's checkpoint age is missing or over 30 s after %v: a %v, b %v", took, checkpointAges(a), checkpointAges(b))
	}

	// The flags stored, each once, are the partitioned detectors'. A
	// flag's event is read back from PostgreSQL's event log (every flag
	// stored appends one), after the last one stored reaches the store.
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	events := map[string]int{}
	if err := db.Events().Read(context.Background(), 0, func(ev ringfence.Event) error {
		if ev.Type == ringfence.EventFlag && ev.Flag != nil {
			events[ev.Flag.Number+" "+string(ev.Flag.Kind)]++
			want := "acct-" + ev.Flag.Number[len(ev.Flag.Number)-1:]
			if ev.Flag.Kind == ringfence.KindCallBombingTarget {
				want = "" // called, not calling: no line to name
			}
			if ev.Flag.Account != want {
				t.Errorf("flag %s %s names account %q, want %q", ev.Flag.Number, ev.Flag.Kind, ev.Flag.Account, want)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k, n := range events {
		got = append(got, k)
		if n != 1 {
			t.Errorf("flag %s stored %d times", k, n)
		}
	}
	slices.Sort(got)
	// The reference: each partition's detector over the partition's
	// records in the stream's order (the file's, unless a publish was
	// retried while the NATS server died).
	var streamFlags []ringfence.Flag
	for p := range parts {
		var prec []ringfence.CallRecord
		if _, ok := waitFor(2*time.Minute, func() bool {
			prec, err = probe.ReadPartition(context.Background(), p)
			return err == nil
		}); !ok {
			t.Fatalf("reading partition %d back: %v", p, err)
		}
		streamFlags = append(streamFlags, natslog.PartitionFlags(prec, parts, p)...)
	}
	ref := flagSet(streamFlags)
	if !slices.Equal(got, ref) {
		t.Fatalf("%d flags stored, %d raised by 16 partitioned detectors over the stream's records:\nonly stored: %v\nonly raised: %v",
			len(got), len(ref), minus(got, ref), minus(ref, got))
	}
	// A flag reaches every node's verdicts.
	for _, k := range got {
		number, kind, _ := strings.Cut(k, " ")
		if kind == string(ringfence.KindCallBombingTarget) {
			continue
		}
		for _, n := range live {
			if v := fmt.Sprint(n.verdict(t, carrier, strings.TrimPrefix(number, "+86"), "")); !strings.Contains(v, "detected") {
				t.Errorf("node %s's verdict on flagged %s: %s", n.name, number, v)
			}
		}
		break
	}
	// Every report acknowledged, on any node, before or after a kill, is
	// in every live node's verdicts.
	if len(acked) < 100 {
		t.Fatalf("only %d reports acknowledged alongside the call records", len(acked))
	}
	for _, n := range live {
		if _, ok := waitFor(20*time.Second, func() bool {
			code, m := n.call(t, "GET", "/readyz", "", nil)
			return code == 200 && m["lag_events"] == 0.0
		}); !ok {
			_, m := n.call(t, "GET", "/readyz", "", nil)
			t.Fatalf("node %s did not catch up with the events within 20 s: %v\n%s", n.name, m, n.log)
		}
		for _, number := range acked {
			if v := fmt.Sprint(n.verdict(t, carrier, number, "")); !strings.Contains(v, "crowd reports: fraud 1") {
				t.Fatalf("report on %s acknowledged, missing on node %s: %s", number, n.name, v)
			}
		}
	}
	for _, n := range live {
		if strings.Contains(n.log.String(), "level=ERROR") {
			t.Errorf("node %s logged an error:\n%s", n.name, n.log)
		}
	}
	for _, n := range live {
		var warns []string
		for _, line := range strings.Split(n.log.String(), "\n") {
			if strings.Contains(line, "level=WARN") && strings.Contains(line, "detect:") {
				warns = append(warns, line)
			}
		}
		t.Logf("node %s: %d detector warnings %q", n.name, len(warns), warns[max(0, len(warns)-12):])
	}
	oneSet := flagSet(single)
	// The bar: the same flagged numbers as one node's detector
	// over the same records. A kind may differ where it rests on the
	// callees' own calls, which a partition by caller sees only in part
	// (whether the people called are a debtor's contacts).
	sameOrder := len(minus(want, got))+len(minus(got, want)) == 0
	if gotN, oneN := flaggedNumbers(got), flaggedNumbers(oneSet); sameOrder && !slices.Equal(gotN, oneN) {
		t.Errorf("flagged numbers differ from one detector's over the same records:\nonly the cluster's: %v\nonly one detector's: %v", minus(gotN, oneN), minus(oneN, gotN))
	}
	t.Logf("POST /v1/cdrs → acknowledged by the stream, one request at a time, before any kill: %d rows in %v, %.0f rows/s", before, early.Round(time.Millisecond), float64(before)/early.Seconds())
	t.Logf("%d reports acknowledged on 3 nodes alongside, each on every live node", len(acked))
	t.Logf("%d records in %d chunks over 3 nodes (POSTs took %v in all); node c killed after chunk 4, its partitions moved in %v; NATS server %s killed after chunk 8; partitions applied to their heads %v after the last POST; %d flags, exactly those of 16 partitioned detectors over the stream's records in one process (over the file's order: %d, %d differ); one detector alone raises %d (%d not among them, %d of theirs not its; flagged numbers: %d against its %d, %d differ); test took %v",
		len(recs), chunks, posted.Round(time.Millisecond), moved.Round(100*time.Millisecond), nats[2].name, caught.Round(100*time.Millisecond),
		len(got), len(want), len(minus(want, got))+len(minus(got, want)), len(oneSet), len(minus(oneSet, want)), len(minus(want, oneSet)),
		len(flaggedNumbers(got)), len(flaggedNumbers(oneSet)), len(minus(flaggedNumbers(got), flaggedNumbers(oneSet)))+len(minus(flaggedNumbers(oneSet), flaggedNumbers(got))), time.Since(started).Round(time.Second))
}

// flagSet is "number kind" of each flag, sorted, once.
func flagSet(fs []ringfence.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Number+" "+string(f.Kind))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// partitionHeads reads the partitions' last sequences, as a client does
// while the cluster elects a leader after a NATS server died: again, for
// up to 30 s.
func partitionHeads(t *testing.T, probe *natslog.Log) []uint64 {
	t.Helper()
	var heads []uint64
	var err error
	if _, ok := waitFor(30*time.Second, func() bool {
		heads, err = probe.PartitionHeads(context.Background())
		return err == nil
	}); !ok {
		t.Fatalf("the partitions' heads: %v", err)
	}
	return heads
}

// ringfenceStacks is a node's log with, of the goroutine dump SIGQUIT
// appended to it, only the goroutines in the detectors' code (natslog):
// what a stalled partition needs, short enough to be read whole in CI's
// output.
func ringfenceStacks(log string) string {
	before, dump, ok := strings.Cut(log, "SIGQUIT: quit")
	if !ok {
		return log
	}
	var b strings.Builder
	b.WriteString(before)
	for _, g := range strings.Split(dump, "\n\n") {
		if strings.HasPrefix(strings.TrimSpace(g), "goroutine ") && strings.Contains(g, "ringfence/natslog.") {
			b.WriteString(g)
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

// flaggedNumbers are the numbers of a flagSet, sorted, once.
func flaggedNumbers(set []string) []string {
	var out []string
	for _, k := range set {
		number, _, _ := strings.Cut(k, " ")
		out = append(out, number)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// minus is what of a is not in b (both sorted).
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, ok := slices.BinarySearch(b, s); !ok {
			out = append(out, s)
		}
	}
	return out
}

func postCDRs(t *testing.T, n *procNode, secret, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+n.addr+"/v1/cdrs", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /v1/cdrs on node %s: %v", n.name, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("POST /v1/cdrs on node %s: %d %s", n.name, resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

var appliedRe = regexp.MustCompile(`(?m)^ringfence_detect_partition_applied_sequence\{partition="(\d+)"\} (\S+)$`)

// ownedPartitions are the partitions the node owns, with their applied
// sequences, from its /metrics (none when it does not answer).
func ownedPartitions(t *testing.T, n *procNode) map[int]uint64 {
	t.Helper()
	out := map[int]uint64{}
	for p, v := range partitionMetric(n, appliedRe) {
		out[p] = uint64(v)
	}
	return out
}

var checkpointAgeRe = regexp.MustCompile(`(?m)^ringfence_detect_partition_checkpoint_age_seconds\{partition="(\d+)"\} (\S+)$`)

// checkpointAges are the ages of the checkpoints of the partitions the
// node owns, from its /metrics (none when it does not answer).
func checkpointAges(n *procNode) map[int]float64 { return partitionMetric(n, checkpointAgeRe) }

// partitionMetric reads a per-partition gauge (re: its partition label and
// value) from the node's /metrics; none when it does not answer.
func partitionMetric(n *procNode, re *regexp.Regexp) map[int]float64 {
	out := map[int]float64{}
	resp, err := http.Get("http://" + n.addr + "/metrics")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
		p, _ := strconv.Atoi(m[1])
		out[p], _ = strconv.ParseFloat(m[2], 64)
	}
	return out
}

// withAccounts adds an account column to a native call-record CSV: the
// caller's last digit, as "acct-D".
func withAccounts(csv []byte) []byte {
	var out bytes.Buffer
	for i, line := range strings.Split(strings.TrimRight(string(csv), "\n"), "\n") {
		if i == 0 {
			out.WriteString(line + ",account\n")
			continue
		}
		caller, _, _ := strings.Cut(line, ",")
		out.WriteString(line + ",acct-" + caller[len(caller)-1:] + "\n")
	}
	return out.Bytes()
}
