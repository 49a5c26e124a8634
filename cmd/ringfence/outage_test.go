package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/postgres/pgtest"
)

// post sends a JSON body and returns the status, the Retry-After header
// and the error code of the answer, if any.
func (n *clusterNode) post(t *testing.T, path, secret, body string) (status int, retryAfter, code string) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+n.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s on node %s: %v", path, n.name, err)
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
// refused with 503 "unavailable" and a Retry-After, and once PostgreSQL is
// started again the same writes succeed and the verdict shows them.
func TestStoreOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL server of its own")
	}
	srv := pgtest.Own(t)
	url := srv.URL()
	keys := clusterKeys(t, url, ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleReporter, ringfence.RoleReporter, ringfence.RoleReporter)
	carrier, operator, reporters := keys[0], keys[1], keys[2:]

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
