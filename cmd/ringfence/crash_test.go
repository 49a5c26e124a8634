package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ringfence/engine"
	"ringfence/reputation"
	"ringfence/sqlite"
)

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs "ringfence serve" as a real process.
func startServer(t *testing.T, dir, addr string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--http", addr, "--no-rate-limits")
	cmd.Env = append(os.Environ(), "RINGFENCE_TEST_MAIN=1")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not start: %s", logs.String())
	return nil
}

// TestKillDuringReportsLosesNothingAcknowledged sends reports from several
// clients, kills the server with SIGKILL mid-stream, restarts it, and checks
// that every report answered 201 is stored.
func TestKillDuringReportsLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	code, key, errs := runCLI(t, "", "keys", "create", "--role", "reporter", "--data", dir)
	if code != 0 {
		t.Fatalf("keys: %s", errs)
	}
	key = strings.TrimSpace(key)
	addr := freeAddr(t)
	cmd := startServer(t, dir, addr)
	// While the server runs, commands that write refuse; reads go on.
	if code, _, errs := runCLI(t, "", "report", "17012345678", "--category", "loan", "--reporter", "x", "--data", dir); code != exitFail || !strings.Contains(errs, "through its API") {
		t.Fatalf("writing beside a running server: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "", "check", "17012345678", "--data", dir); code != 0 {
		t.Fatalf("reading beside a running server: %d %s", code, errs)
	}

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ctx.Err() == nil && i < 100000; i++ {
				num := fmt.Sprintf("1701%d%06d", w, i)
				body, _ := json.Marshal(map[string]string{"number": num, "category": "loan"})
				req, _ := http.NewRequest("POST", "http://"+addr+"/v1/reports", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, "+86"+num)
					mu.Unlock()
				}
			}
		}(w)
	}
	// Let a few hundred reports through, then kill -9.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	cancel()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no report was acknowledged before the kill")
	}

	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer db.Close()
	e, err := engine.Open(context.Background(), db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, n := range acked {
		if c := e.Crowd(n, e.Now()); c.Reporters != 1 || c.Category != "loan" {
			missing++
		}
	}
	stored, _ := db.CountReports(context.Background())
	t.Logf("acknowledged %d, stored %d after kill -9", len(acked), stored)
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged reports lost", missing, len(acked))
	}
}
