package engine_test

import (
	"strings"
	"testing"

	"ringfence/engine"
)

// TestRegistryPatternBlock: a verified-business prefix leaves open at most
// 3 digits of a mobile number, 4 of a fixed line, and none of a service or
// toll-free code (whose extensions it may cover).
func TestRegistryPatternBlock(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want string // in the error
	}{
		{"17000*", false, "mobile"},
		{"1700000*", false, "leaves 4"},
		{"17000001*", true, ""},
		{"13800138000", true, ""},
		{"1380013800*", true, ""},
		{"95311*", true, ""},
		{"9531*", false, "broad"},
		{"95588", true, ""},
		{"963110*", true, ""},
		{"400812*", false, "400"},
		{"4008123*", false, "complete"},
		{"4008123123*", true, ""},
		{"800810*", false, "800"},
		{"9501234*", false, "950"},
		{"9501234567*", true, ""},
		{"010*", false, "broad"},
		{"0105*", false, "broad"},
		{"01062*", false, "broad"},
		{"010623*", false, "leaves 5"},
		{"0106234*", true, ""},
		{"02012*", false, "broad"},
		{"0755123*", false, "fixed-line"},
		{"07551234*", true, ""},
		{"031012*", false, "leaves 5"},
		{"0310123*", true, ""},
		{"0201234*", true, ""},
		{"021-95311*", true, ""},
		{"+1415555*", true, ""},
		{"1*", false, "broad"},
	} {
		p, err := engine.RegistryPattern(tc.in)
		if tc.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("RegistryPattern(%q) = %q, %v; want ok %v, error with %q", tc.in, p, err, tc.ok, tc.want)
		}
	}
}
