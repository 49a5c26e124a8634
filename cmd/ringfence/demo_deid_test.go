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

// envWithoutDeidKey is the test's environment without RINGFENCE_DEID_KEY.
func envWithoutDeidKey() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RINGFENCE_DEID_KEY=") {
			env = append(env, kv)
		}
	}
	return env
}

// serveDemoPseudonym starts "ringfence serve --data dir" with extra args
// and no RINGFENCE_DEID_KEY, asks it as the demo's organisation for
// pseudonym and fpe, and returns the status, the body and the server's log.
func serveDemoPseudonym(t *testing.T, dir string, extra ...string) (status int, body, log string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--data", dir, "--http", "127.0.0.1:0"}, extra...)...)
	cmd.Env = append(envWithoutDeidKey(), "RINGFENCE_TEST_MAIN=1")
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
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), logs.String()
}

// TestServeDemoDeidKey: "serve --demo" without RINGFENCE_DEID_KEY keeps a
// de-identification key of its own in the data directory (0600), so that
// pseudonym and fpe work in the demo, and the same key after a restart.
func TestServeDemoDeidKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process and loads the demo")
	}
	dir := filepath.Join(t.TempDir(), "data")
	serve := func() string {
		status, body, logs := serveDemoPseudonym(t, dir, "--demo")
		if status != 200 || !strings.Contains(body, "MOB_") || strings.Contains(body, "110101199003078881") {
			t.Fatalf("deid in the demo: %d %s\n%s", status, body, logs)
		}
		return body
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

// TestDemoThenServeDeidKey: "ringfence demo" creates the demo's
// de-identification key, and the "ringfence serve --data DIR" it prints
// uses it (saying so, without the key) when RINGFENCE_DEID_KEY is unset.
func TestDemoThenServeDeidKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process and loads the demo")
	}
	dir := filepath.Join(t.TempDir(), "data")
	code, _, stderr := runCLI(t, "", "demo", "--data", dir)
	if code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	path := filepath.Join(dir, demoDeidKeyFile)
	raw, err := os.ReadFile(path)
	if fi, serr := os.Stat(path); err != nil || serr != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo left no 0600 de-identification key: %v %v", err, serr)
	}
	status, body, logs := serveDemoPseudonym(t, dir)
	if status != 200 || !strings.Contains(body, "MOB_") || strings.Contains(body, "110101199003078881") {
		t.Fatalf("pseudonym after demo: %d %s\n%s", status, body, logs)
	}
	if !strings.Contains(logs, demoDeidKeyFile) {
		t.Errorf("the start-up log does not say which key is used:\n%s", logs)
	}
	if key := strings.TrimSpace(string(raw)); strings.Contains(logs, key) {
		t.Errorf("the start-up log shows the key:\n%s", logs)
	}
}

// TestServeNoDemoDeidKey: without the demo's key file, serve creates none
// and has no key.
func TestServeNoDemoDeidKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	dir := makeData(t, filepath.Join(t.TempDir(), "data"))
	status, body, _ := serveDemoPseudonym(t, dir)
	if status == 200 {
		t.Fatalf("pseudonym without any key: %d %s", status, body)
	}
	if _, err := os.Stat(filepath.Join(dir, demoDeidKeyFile)); err == nil {
		t.Fatal("serve without --demo created a demo key")
	}
}
