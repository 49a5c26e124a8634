package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
	rfhttp "ringfence/http"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
)

// post sends a JSON body and returns the status, the Retry-After header
// and the error code of the answer, if any.
func (n *clusterNode) post(t *testing.T, path, secret, body string) (status int, retryAfter, code string) {
	t.Helper()
	return n.request(t, "POST", path, secret, body)
}

// request sends a request (a JSON body unless body is "") and returns the
// status, the Retry-After header and the error code of the answer, if any.
func (n *clusterNode) request(t *testing.T, method, path, secret, body string) (status int, retryAfter, code string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+n.addr+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on node %s: %v", method, path, n.name, err)
	}
	defer resp.Body.Close()
	var m struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, resp.Header.Get("Retry-After"), m.Error.Code
}

// TestStoreOutage stops a cluster node's PostgreSQL under it: verdicts keep
// coming from the node's memory (200), a report and a rules write are
// refused with 503 "unavailable" and a Retry-After, and so is every other
// request that needs the store (the registry, appeals, audit, statistics,
// an alias's calls), and once PostgreSQL is started again the same writes
// succeed and the verdict shows them.
func TestStoreOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL server of its own")
	}
	srv := pgtest.Own(t)
	url := srv.URL()
	keys := clusterKeys(t, url, ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleReporter, ringfence.RoleReporter, ringfence.RoleReporter)
	carrier, operator, reporters := keys[0], keys[1], keys[2:]

	// A bound alias, which the node loads at start: its calls are read
	// from the store.
	bound := bindAlias(t, url)

	a := startNode(t, url, "a")
	const reported, subscriber, caller = "17100005678", "13800138000", "13912345678"
	// Every key is used once while the store is up (a key's first use
	// reads the store; after that it is in the node's memory).
	if st, _, code := a.post(t, "/v1/reports", reporters[0], `{"number":"`+reported+`","category":"fraud"}`); st != 201 {
		t.Fatalf("report before the outage: %d %s", st, code)
	}
	for _, r := range reporters[1:] {
		a.call(t, "GET", "/v1/numbers/"+caller, r, nil)
	}
	a.call(t, "GET", "/v1/rules/"+subscriber, operator, nil)
	before := a.verdict(t, carrier, reported, "")

	srv.Stop()
	for i := range 5 {
		if v := a.verdict(t, carrier, reported, ""); fmt.Sprint(v) != fmt.Sprint(before) {
			t.Fatalf("verdict %d during the outage: %v, want %v (from memory)", i, v, before)
		}
	}
	writes := []struct{ name, path, secret, body string }{
		{"report", "/v1/reports", reporters[1], `{"number":"` + reported + `","category":"fraud"}`},
		{"rules", "/v1/rules/" + subscriber + "/entries", operator, `{"pattern":"` + caller + `","action":"block"}`},
	}
	for _, w := range writes {
		st, retry, code := a.post(t, w.path, w.secret, w.body)
		if st != http.StatusServiceUnavailable || code != ringfence.EUNAVAILABLE || retry == "" {
			t.Fatalf("%s during the outage: %d %q Retry-After %q, want 503 %q with Retry-After", w.name, st, code, retry, ringfence.EUNAVAILABLE)
		}
	}
	if v := a.verdict(t, carrier, caller, subscriber); v["action"] == "block" {
		t.Fatalf("a refused rules write changed the verdict: %v", v)
	}
	// Every other request that needs the store, read or write, is a 503
	// with Retry-After too, never a 500.
	retry := strconv.Itoa(rfhttp.RetryUnavailable)
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/v1/registry", `{"pattern":"95555","name":"China Merchants Bank"}`},
		{"GET", "/v1/registry", ""},
		{"GET", "/v1/aliases/" + bound, ""},
		{"GET", "/v1/appeals", ""},
		{"GET", "/v1/audit", ""},
		{"GET", "/v1/stats/monthly?month=2026-03", ""},
		{"DELETE", "/v1/registry/1", ""},
		{"PATCH", "/v1/aliases/" + bound, `{"block_strangers":true}`},
		{"POST", "/v1/appeals", `{"number":"` + reported + `","business":"Shop","contact":"ops@example.com","reason":"we are a courier"}`},
		{"PUT", "/v1/rules/" + subscriber, `{"subscriber":"` + subscriber + `"}`},
	} {
		st, ra, code := a.request(t, r.method, r.path, operator, r.body)
		if st != http.StatusServiceUnavailable || code != ringfence.EUNAVAILABLE || ra != retry {
			t.Errorf("%s %s during the outage: %d %q Retry-After %q, want 503 %q with Retry-After %s", r.method, r.path, st, code, ra, ringfence.EUNAVAILABLE, retry)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	srv.Start(t)
	for _, w := range writes {
		var st int
		var code string
		if _, ok := waitFor(30*time.Second, func() bool {
			st, _, code = a.post(t, w.path, w.secret, w.body)
			if st == http.StatusServiceUnavailable {
				time.Sleep(100 * time.Millisecond)
			}
			return st != http.StatusServiceUnavailable
		}); !ok || st/100 != 2 {
			t.Fatalf("%s after PostgreSQL restarted: %d %q, want success\n%s", w.name, st, code, a.log)
		}
	}
	if v := a.verdict(t, carrier, caller, subscriber); v["action"] != "block" {
		t.Fatalf("verdict after the rules write that followed the restart: %v, want block", v)
	}
	if v := a.verdict(t, carrier, reported, ""); fmt.Sprint(v["reasons"]) == fmt.Sprint(before["reasons"]) {
		t.Fatalf("verdict after the report that followed the restart: %v, unchanged from %v", v, before)
	}
}

// bindAlias binds an alias number of a new pool to a subscriber in the
// store at url (as a node's POST /v1/aliases does, without the ledger),
// and returns it.
func bindAlias(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	audit := ringfence.AuditEntry{At: now, Actor: "test", Action: "alias.pool"}
	if _, _, err := db.AddPool(ctx, []alias.PoolNumber{{Number: "+8617100000042", AddedAt: now, AvailableAt: now.Add(-time.Hour)}}, audit); err != nil {
		t.Fatal(err)
	}
	b := &alias.Binding{Subscriber: "13800138000", Merchant: "shop", MerchantNumbers: []string{"+8613900000001"}, CreatedAt: now, LedgerIndex: -1}
	if err := db.BindAlias(ctx, b, now); err != nil {
		t.Fatal(err)
	}
	return b.Alias
}

// TestStoreUnreachableCLI: a command given a --store where no PostgreSQL
// listens says once, plainly, that PostgreSQL at host:port/db cannot be
// reached and what to check, without the password or the word migrate.
func TestStoreUnreachableCLI(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	store := fmt.Sprintf("postgres://ringfence:s3cretpw@127.0.0.1:%d/ringfence", port)
	for _, args := range [][]string{
		{"check", "13912345678", "--store", store},
		{"rules", "13800138000", "show", "--store", store},
	} {
		code, _, errs := runCLI(t, "", args...)
		want := fmt.Sprintf("cannot reach PostgreSQL at 127.0.0.1:%d/ringfence (connection refused): is the server running, and is the URL right?", port)
		if code != exitFail || strings.Count(errs, want) != 1 || strings.Contains(errs, "s3cretpw") || strings.Contains(errs, "migrate") || strings.Count(errs, "connection refused") != 1 {
			t.Errorf("ringfence %s with PostgreSQL down: exit %d %q, want %d and %q once", args[0], code, errs, exitFail, want)
		}
	}
}
