package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ringfence"
	"ringfence/engine"
	rfhttp "ringfence/http"
	"ringfence/reputation"
	"ringfence/sqlite"
)

type env struct {
	t   *testing.T
	e   *engine.Engine
	api *rfhttp.Server
	srv *httptest.Server
}

func newEnv(t *testing.T) *env {
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e, err := engine.Open(context.Background(), db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	api := rfhttp.NewServer(e, slog.New(slog.NewTextHandler(io.Discard, nil)), rfhttp.DefaultLimits())
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &env{t: t, e: e, api: api, srv: srv}
}

func (v *env) key(role ringfence.Role, sub string) string {
	org := ""
	if role == ringfence.RoleOrg {
		org, sub = sub, ""
	}
	secret, _, err := v.e.CreateKey(context.Background(), "test", role, sub, org)
	if err != nil {
		v.t.Fatal(err)
	}
	return secret
}

// do sends a request and decodes the JSON answer into a map.
func (v *env) do(method, path, key string, body any) (int, map[string]any) {
	v.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, v.srv.URL+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestSubscriberSeesOnlyOwnRules(t *testing.T) {
	v := newEnv(t)
	alice := v.key(ringfence.RoleSubscriber, "13800138000")
	bob := v.key(ringfence.RoleSubscriber, "13900139000")
	if code, m := v.do("POST", "/v1/rules/13800138000/entries", alice, map[string]any{"pattern": "170*", "action": "block"}); code != 200 {
		t.Fatalf("alice sets her rule: %d %v", code, m)
	}
	code, m := v.do("GET", "/v1/rules/+86%20138-0013-8000", alice, nil)
	if code != 200 || len(m["entries"].([]any)) != 1 {
		t.Fatalf("alice reads her rules: %d %v", code, m)
	}
	// Only the network (carrier) and operators may apply a subscriber's rules.
	for _, role := range []ringfence.Role{ringfence.RoleReporter, ringfence.RoleRegulator, ringfence.RoleOrg} {
		k := v.key(role, map[ringfence.Role]string{ringfence.RoleOrg: "某银行"}[role])
		if code, m := v.do("GET", "/v1/numbers/17012345678?callee=13800138000", k, nil); code != 403 {
			t.Errorf("%s applying alice's rules: %d %v", role, code, m)
		}
	}
	if _, m := v.do("GET", "/v1/numbers/17012345678?callee=13800138000", v.key(ringfence.RoleCarrier, ""), nil); m["action"] != "block" {
		t.Errorf("carrier screening for alice: %v", m)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/rules/13800138000"},
		{"PUT", "/v1/rules/13800138000"},
		{"POST", "/v1/rules/13800138000/entries"},
		{"DELETE", "/v1/rules/13800138000/entries/170*"},
		{"GET", "/v1/numbers/17012345678?callee=13800138000"},
	} {
		code, m := v.do(tc.method, tc.path, bob, map[string]any{"pattern": "170*", "action": "allow"})
		if code != 403 || errCode(m) != "forbidden" {
			t.Errorf("bob %s %s: %d %v, want 403", tc.method, tc.path, code, m)
		}
	}
	// A subscriber's checks apply its own rules without naming itself.
	_, m = v.do("GET", "/v1/numbers/17012345678", alice, nil)
	if m["action"] != "block" {
		t.Fatalf("alice's check should apply her block: %v", m)
	}
	_, m = v.do("GET", "/v1/numbers/17012345678", bob, nil)
	if m["action"] != "allow" {
		t.Fatalf("bob's check must not see alice's rules: %v", m)
	}
}

func TestAuthAndRoles(t *testing.T) {
	v := newEnv(t)
	reporter := v.key(ringfence.RoleReporter, "")
	tests := []struct {
		name, method, path, key string
		status                  int
		code                    string
	}{
		{"no key", "GET", "/v1/numbers/13800138000", "", 401, "unauthorized"},
		{"bad key", "GET", "/v1/numbers/13800138000", "rf_nope", 401, "unauthorized"},
		{"reporter may not manage the registry", "POST", "/v1/registry", reporter, 403, "forbidden"},
		{"reporter may not read stats", "GET", "/v1/stats/monthly?month=2026-01", reporter, 403, "forbidden"},
		{"not a number", "GET", "/v1/numbers/hello", reporter, 400, "invalid"},
		{"unknown endpoint", "GET", "/v1/nothing", reporter, 404, "not_found"},
		{"wrong method", "PUT", "/v1/reports", reporter, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := v.do(tt.method, tt.path, tt.key, nil)
			if code != tt.status || errCode(m) != tt.code {
				t.Fatalf("got %d %v, want %d %s", code, m, tt.status, tt.code)
			}
			if msg, _ := m["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatal("error without message")
			}
		})
	}
}

func TestReportsAndBadInput(t *testing.T) {
	v := newEnv(t)
	reporter := v.key(ringfence.RoleReporter, "")
	code, m := v.do("POST", "/v1/reports", reporter, map[string]any{"number": "+86 170-1234-5678", "category": "loan", "note": "三次了"})
	if code != 201 || m["number"] != "+8617012345678" {
		t.Fatalf("report: %d %v", code, m)
	}
	code, m = v.do("POST", "/v1/reports", reporter, map[string]any{"number": "17012345678", "category": "spam"})
	if code != 400 || !strings.Contains(fmt.Sprint(m), "category") {
		t.Fatalf("unknown category: %d %v", code, m)
	}
	code, m = v.do("POST", "/v1/reports", reporter, map[string]any{"number": "12", "category": "loan"})
	if code != 400 || !strings.Contains(fmt.Sprint(m), "number") {
		t.Fatalf("bad number: %d %v", code, m)
	}
	code, m = v.do("POST", "/v1/reports", reporter, `{"number":"17012345678","category":"loan","extra":1}`)
	if code != 400 {
		t.Fatalf("unknown field: %d %v", code, m)
	}
	big := `{"number":"17012345678","category":"loan","note":"` + strings.Repeat("x", rfhttp.MaxBody) + `"}`
	code, m = v.do("POST", "/v1/reports", reporter, big)
	if code != 413 || errCode(m) != "too_large" {
		t.Fatalf("oversized body: %d %v", code, m)
	}
}

func TestRateLimit(t *testing.T) {
	v := newEnv(t)
	sub := v.key(ringfence.RoleSubscriber, "13800138000")
	limited := 0
	for i := 0; i < 100; i++ {
		code, _ := v.do("GET", fmt.Sprintf("/v1/numbers/1380000%04d", i), sub, nil)
		if code == 429 {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("100 rapid lookups by a subscriber key were never limited")
	}
}

func TestRegistryAppealsStatsAudit(t *testing.T) {
	v := newEnv(t)
	op := v.key(ringfence.RoleOperator, "")
	reg := v.key(ringfence.RoleRegulator, "")
	rep := v.key(ringfence.RoleReporter, "")
	if code, m := v.do("POST", "/v1/registry", op, map[string]any{"pattern": "95588", "name": "工商银行"}); code != 201 {
		t.Fatalf("registry: %d %v", code, m)
	}
	if _, m := v.do("GET", "/v1/numbers/95588", rep, nil); !strings.Contains(fmt.Sprint(m["reasons"]), "工商银行") {
		t.Fatalf("verified business not in verdict: %v", m)
	}
	code, m := v.do("POST", "/v1/appeals", rep, map[string]any{"number": "4008123123", "business": "某物流", "reason": "delivery notices"})
	if code != 201 {
		t.Fatalf("appeal: %d %v", code, m)
	}
	id := int(m["id"].(float64))
	if code, m := v.do("POST", fmt.Sprintf("/v1/appeals/%d/accept", id), op, nil); code != 200 || m["status"] != "accepted" {
		t.Fatalf("accept: %d %v", code, m)
	}
	if code, _ := v.do("POST", fmt.Sprintf("/v1/appeals/%d/reject", id), op, nil); code != 409 {
		t.Fatalf("second decision: %d, want 409", code)
	}
	month := v.e.Now().Format("2006-01")
	code, m = v.do("GET", "/v1/stats/monthly?month="+month, reg, nil)
	if code != 200 {
		t.Fatalf("stats: %d %v", code, m)
	}
	for _, k := range []string{"month", "total_reports", "by_category", "by_type", "virtual_operator_share", "service_share", "change"} {
		if _, ok := m[k]; !ok {
			t.Errorf("stats lacks %q: %v", k, m)
		}
	}
	_, m = v.do("GET", "/v1/audit", reg, nil)
	if got := fmt.Sprint(m["entries"]); !strings.Contains(got, "registry.add") || !strings.Contains(got, "appeal.accepted") {
		t.Fatalf("audit: %v", got)
	}
}

func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestRevokedKeyStopsAtOnce(t *testing.T) {
	v := newEnv(t)
	rep := v.key(ringfence.RoleReporter, "")
	if code, _ := v.do("GET", "/v1/numbers/13800138000", rep, nil); code != 200 {
		t.Fatalf("before: %d", code)
	}
	ks, _ := v.e.Store().Keys(context.Background())
	op := v.key(ringfence.RoleOperator, "")
	if code, m := v.do("DELETE", "/v1/keys/"+ks[0].ID, op, nil); code != 204 {
		t.Fatalf("revoke: %d %v", code, m)
	}
	if code, _ := v.do("GET", "/v1/numbers/13800138000", rep, nil); code != 401 {
		t.Fatalf("revoked key: %d, want 401", code)
	}
}
