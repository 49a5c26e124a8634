package http_test

import (
	"strings"
	"testing"
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
