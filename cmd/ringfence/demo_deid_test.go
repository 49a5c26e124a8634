package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeDemoDeidKey: "serve --demo" without RINGFENCE_DEID_KEY keeps a
// de-identification key of its own in the data directory (0600), so that
// pseudonym and fpe work in the demo, and the same key after a restart.
func TestServeDemoDeidKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process and loads the demo")
	}
	dir := filepath.Join(t.TempDir(), "data")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RINGFENCE_DEID_KEY=") {
			env = append(env, kv)
		}
	}
	serve := func() string {
		cmd := exec.Command(os.Args[0], "serve", "--demo", "--data", dir, "--http", "127.0.0.1:0")
		cmd.Env = append(env, "RINGFENCE_TEST_MAIN=1")
		var logs sipLogs
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		defer func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
			}
		}()
		addr := regexp.MustCompile(`http=http://(127\.0\.0\.1:\d+)`)
		deadline := time.Now().Add(5 * time.Minute) // the demo loads slowly under -race
		var m []string
		for m = addr.FindStringSubmatch(logs.String()); m == nil; m = addr.FindStringSubmatch(logs.String()) {
			select {
			case err := <-done:
				done <- err
				t.Fatalf("serve exited: %v\n%s", err, logs.String())
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve did not start:\n%s", logs.String())
			}
		}
		keys, _ := os.ReadFile(filepath.Join(dir, demoKeysFile))
		org := ""
		for _, line := range strings.Split(string(keys), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "org" {
				org = f[1]
			}
		}
		pol := url.QueryEscape(`{"columns":{"手机":"pseudonym","身份证号":"fpe"}}`)
		req, _ := http.NewRequest("POST", "http://"+m[1]+"/v1/deid?format=csv&policy="+pol, strings.NewReader("手机,身份证号\n13812345678,110101199003078881\n"))
		req.Header.Set("Authorization", "Bearer "+org)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "MOB_") || strings.Contains(string(body), "110101199003078881") {
			t.Fatalf("deid in the demo: %d %s\n%s", resp.StatusCode, body, logs.String())
		}
		return string(body)
	}
	first := serve()
	fi, err := os.Stat(filepath.Join(dir, demoDeidKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo de-identification key: %v %v", fi, err)
	}
	if again := serve(); again != first {
		t.Fatalf("the demo key changed across restarts: %q then %q", first, again)
	}
}
