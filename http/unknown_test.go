package http_test

import (
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
