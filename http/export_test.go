package http_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ringfence"
)

// poolOf adds n contiguous numbers to the alias pool, issuable at once.
func poolOf(t *testing.T, v *env, n int) {
	t.Helper()
	nums := make([]string, n)
	for i := range nums {
		nums[i] = fmt.Sprintf("+86171000%05d", i)
	}
	if _, _, err := v.e.AddAliasPool(context.Background(), "test", nums, 0, 0); err != nil {
		t.Fatal(err)
	}
}

// TestExportMoreCanariesThanFree: asking more canaries than the pool has
// free is a conflict, answered before anything is reserved: the pool, the
// bindings and the ledger are untouched.
func TestExportMoreCanariesThanFree(t *testing.T) {
	v := newEnv(t)
	withLedger(t, v)
	poolOf(t, v, 100)
	org := v.key(ringfence.RoleOrg, "某银行")
	resp, body := raw(t, v, "POST", "/v1/exports?recipient=R&canaries=1000", org, customers(50, 0))
	if resp.StatusCode != 409 || !strings.Contains(body, `"conflict"`) || !strings.Contains(body, "free") {
		t.Fatalf("1000 canaries from a pool of 100: %d %s", resp.StatusCode, body)
	}
	if n := v.e.IssuableAliases(); n != 100 {
		t.Fatalf("pool has %d free numbers after a refused export, want 100", n)
	}
	if bs, _ := v.e.Aliases(""); len(bs) != 0 {
		t.Fatalf("refused export left %d bindings", len(bs))
	}
	if n := v.api.Ledger.Size(); n != 0 {
		t.Fatalf("refused export left %d ledger entries", n)
	}
	// Within what is free, the export goes through.
	resp, body = raw(t, v, "POST", "/v1/exports?recipient=R&canaries=10", org, customers(50, 0))
	if resp.StatusCode != 200 {
		t.Fatalf("10 canaries: %d %s", resp.StatusCode, body)
	}
	if n := v.e.IssuableAliases(); n != 90 {
		t.Fatalf("pool has %d free numbers after 10 canaries, want 90", n)
	}
}

// TestExportSpoolsInsideDataDir: while a customer list is uploaded, the
// server spools it only in its own temporary directory (inside the data
// directory), mode 0600, never in the system's; nothing is left after.
func TestExportSpoolsInsideDataDir(t *testing.T) {
	sysTmp := t.TempDir()
	v := newEnv(t)
	withLedger(t, v)
	t.Setenv("TMPDIR", sysTmp)
	org := v.key(ringfence.RoleOrg, "某银行")
	list := customers(2000, 0)
	pr, pw := io.Pipe()
	release := make(chan struct{})
	go func() {
		pw.Write([]byte(list[:len(list)/2]))
		<-release
		pw.Write([]byte(list[len(list)/2:]))
		pw.Close()
	}()
	type answer struct {
		status int
		body   string
		err    error
	}
	done := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", v.srv.URL+"/v1/exports?recipient=R", pr)
		req.Header.Set("Authorization", "Bearer "+org)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- answer{status: resp.StatusCode, body: string(b)}
	}()
	// Wait until the server spools the half it has, wherever it does.
	var spooled []string
	for deadline := time.Now().Add(30 * time.Second); len(spooled) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the server never spooled the list")
		}
		a, _ := filepath.Glob(filepath.Join(sysTmp, "*"))
		b, _ := filepath.Glob(filepath.Join(v.api.TempDir, "*"))
		spooled = append(a, b...)
		time.Sleep(5 * time.Millisecond)
	}
	for _, f := range spooled {
		if filepath.Dir(f) != v.api.TempDir {
			t.Errorf("customer list spooled outside the data directory: %s", f)
			continue
		}
		if st, err := os.Stat(f); err == nil && st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	close(release)
	a := <-done
	if a.err != nil || a.status != 200 {
		t.Fatalf("export: %d %v %.200s", a.status, a.err, a.body)
	}
	if left, _ := filepath.Glob(filepath.Join(v.api.TempDir, "*")); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// TestPoolGauge: /metrics carries the free numbers of the alias pool.
func TestPoolGauge(t *testing.T) {
	v := newEnv(t)
	poolOf(t, v, 30)
	resp, err := http.Get(v.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "ringfence_alias_pool_free 30\n") {
		t.Fatalf("/metrics lacks ringfence_alias_pool_free 30:\n%.2000s", b)
	}
}
