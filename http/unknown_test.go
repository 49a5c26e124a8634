package http_test

import (
	"net/url"
	"strings"
	"testing"

	"ringfence"
)

// TestUnauthenticatedRoutesRefuseQuery checks that /healthz and /metrics,
// which take no query parameters, refuse one like every other route.
func TestUnauthenticatedRoutesRefuseQuery(t *testing.T) {
	v := newEnv(t)
	for _, path := range []string{"/healthz", "/metrics"} {
		if code, m := v.do("GET", path+"?x=1", "", nil); code != 400 || !strings.Contains(m["error"].(map[string]any)["message"].(string), `"x"`) {
			t.Errorf("GET %s?x=1: %d %v, want 400 naming x", path, code, m)
		}
		if code, _ := v.do("GET", path, "", nil); code != 200 {
			t.Errorf("GET %s: %d, want 200", path, code)
		}
	}
}

// TestBodyOrQueryContradictingKeyOrPath: a subscriber key naming another
// subscriber's aliases is refused (403), and a rules document whose
// "subscriber" differs from the path's is refused (400 naming the field).
func TestBodyOrQueryContradictingKeyOrPath(t *testing.T) {
	v := newEnv(t)
	sub := v.key(ringfence.RoleSubscriber, "13800138000")
	op := v.key(ringfence.RoleOperator, "")
	if code, m := v.do("GET", "/v1/aliases?subscriber=13900000000", sub, nil); code != 403 {
		t.Errorf("subscriber key, other subscriber's aliases: %d %v, want 403", code, m)
	}
	if code, m := v.do("GET", "/v1/aliases?subscriber=13800138000", sub, nil); code != 200 {
		t.Errorf("subscriber key, own aliases by name: %d %v, want 200", code, m)
	}
	for _, key := range []string{sub, op} {
		code, m := v.do("PUT", "/v1/rules/13800138000", key, `{"subscriber":"13900000000","entries":[]}`)
		if code != 400 || !strings.Contains(message(m), "subscriber") {
			t.Errorf("PUT with another subscriber in the body: %d %v, want 400 naming subscriber", code, m)
		}
		if code, m := v.do("PUT", "/v1/rules/13800138000", key, `{"subscriber":"+8613800138000","entries":[]}`); code != 200 {
			t.Errorf("PUT with the same subscriber in the body: %d %v", code, m)
		}
	}
	if r, _ := v.e.Rules("13900000000"); r != nil && len(r.Entries) > 0 {
		t.Errorf("other subscriber's rules touched: %+v", r)
	}
}

func message(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// TestStrictJSONKeys: keys that match a field only in another case, and
// keys given twice, are refused with 400 naming the key, at any depth;
// times before 2000 are refused naming the field.
func TestStrictJSONKeys(t *testing.T) {
	v := newEnv(t)
	sub := v.key(ringfence.RoleSubscriber, "13800138000")
	op := v.key(ringfence.RoleOperator, "")
	rep := v.key(ringfence.RoleReporter, "")
	carrier := v.key(ringfence.RoleCarrier, "")
	org := v.key(ringfence.RoleOrg, "某银行")
	for _, tc := range []struct {
		name, key, method, path, body string
		status                        int
		want                          string
	}{
		{"case variant", sub, "POST", "/v1/aliases", `{"Block_Strangers":true,"merchant":"m"}`, 400, `Block_Strangers: unknown field; keys are case-sensitive: write "block_strangers"`},
		{"case variant overriding", rep, "POST", "/v1/reports", `{"number":"17012345678","Number":"17012345679","category":"loan"}`, 400, "Number: unknown field"},
		{"duplicate", rep, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","category":"sales"}`, 400, "category: given twice"},
		{"nested case variant", op, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","Action":"block"}]}`, 400, "entries[0].Action"},
		{"nested duplicate", op, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","action":"block","action":"allow"}]}`, 400, "entries[0].action: given twice"},
		{"map duplicate", op, "PUT", "/v1/rules/13800138000", `{"blocked_categories":{"loan":"block","loan":"label"}}`, 400, "blocked_categories.loan: given twice"},
		{"nested object case", op, "PUT", "/v1/rules/13800138000", `{"quiet_hours":{"From":"22:00","to":"07:00","action":"label"}}`, 400, "quiet_hours.From"},
		{"calls case", carrier, "POST", "/v1/calls", `{"calls":[{"caller":"17012345678","Callee":"13800138000"}]}`, 400, "calls[0].Callee"},
		{"deid policy duplicate", org, "POST", "/v1/deid?format=text&policy=" + url.QueryEscape(`{"default":"mask","default":"redact"}`), "x", 400, "policy: default: given twice"},
		{"zero called_at", rep, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","called_at":"0001-01-01T00:00:00Z"}`, 400, "called_at: 0001-01-01T00:00:00Z is before 2000-01-01"},
		{"1999 called_at", rep, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","called_at":"1999-12-31T23:59:59Z"}`, 400, "called_at"},
		{"zero call at", carrier, "POST", "/v1/calls", `{"calls":[{"caller":"17012345678","callee":"13800138000","at":"0001-01-01T00:00:00Z"}]}`, 400, "calls[0].at: 0001-01-01T00:00:00Z is before"},
		{"zero until", op, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","action":"block","until":"1970-01-01T00:00:00Z"}]}`, 400, "entries[0].until"},
		{"zero at query", carrier, "GET", "/v1/numbers/95588?at=0001-01-01T00:00:00Z", "", 400, "at: 0001-01-01T00:00:00Z is before"},
		{"exact keys ok", sub, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","called_at":"2024-03-04T09:00:00+08:00"}`, 201, ""},
		{"exact nested ok", op, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","action":"block"}],"blocked_categories":{"loan":"block"},"quiet_hours":{"from":"22:00","to":"07:00","action":"label"}}`, 200, ""},
	} {
		var body any
		if tc.body != "" {
			body = tc.body
		}
		code, m := v.do(tc.method, tc.path, tc.key, body)
		if code != tc.status || !strings.Contains(message(m), tc.want) {
			t.Errorf("%s: %d %v, want %d with %q", tc.name, code, m, tc.status, tc.want)
		}
	}
	if r, _ := v.e.Rules("13800138000"); r == nil || len(r.Entries) != 1 || r.Entries[0].Kind != "block" {
		t.Errorf("rules after: %+v", r)
	}
}
