package http_test

import (
	"fmt"
	"strings"
	"testing"

	"ringfence"
)

// TestRegistryPatternJunk: POST /v1/registry refuses a pattern that is not
// a number optionally followed by one "*" with 400 naming it and what is
// wrong, and one overlapping an existing entry with 409 naming that entry;
// nothing is stored either way.
func TestRegistryPatternJunk(t *testing.T) {
	v := newEnv(t)
	op := v.key(ringfence.RoleOperator, "")
	add := func(p string) (int, string) {
		code, m := v.do("POST", "/v1/registry", op, map[string]any{"pattern": p, "name": "某公司"})
		return code, fmt.Sprint(m)
	}
	for _, tc := range []struct {
		pattern string
		status  int
		want    string
	}{
		{"1700000(3)*", 400, "parenthes"},
		{"17000005**", 400, "'*'"},
		{"1700000?*", 400, "contains '?'"},
		{"1700000?2*", 400, "contains '?'"},
		{"10086*", 201, ""},
		{"17000001*", 201, ""},
		{"170000012*", 409, "+8617000001*"},
		{"170 0000 1*", 409, "+8617000001*"},
		{"1700000*", 400, "broad"},
	} {
		code, msg := add(tc.pattern)
		if code != tc.status || tc.status != 201 && (!strings.Contains(msg, tc.want) || !strings.Contains(msg, tc.pattern)) {
			t.Errorf("%q: %d %s; want %d naming it and %q", tc.pattern, code, msg, tc.status, tc.want)
		}
	}
	if code, m := v.do("GET", "/v1/registry", op, nil); code != 200 || len(m["businesses"].([]any)) != 2 {
		t.Errorf("registry after: %d %v", code, m)
	}
}
