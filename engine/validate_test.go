package engine_test

import (
	"strings"
	"testing"

	"ringfence"
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

// TestRegistryPatternNotation: a registry pattern is a number in a common
// notation, optionally followed by exactly one "*"; anything else is
// refused naming the pattern and what is wrong, whatever its breadth.
func TestRegistryPatternNotation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // the stored pattern, or what the error says
		ok   bool
	}{
		{"1700000(3)*", "parenthes", false},
		{"17000005**", "one '*'", false},
		{"1700*0005*", "'*'", false},
		{"*17000005", "'*'", false},
		{"1700000?*", "contains '?'", false},
		{"1700000?2*", "contains '?'", false},
		{"1700000x*", "letter 'x'", false},
		{"17000001x", "letter 'x'", false},
		{"9531.1*", "contains '.'", false},
		{"1+7000001*", "'+'", false},
		{"(3)17000001*", "area code", false},
		{"+86 (3) 17000001*", "area code", false},
		{"(0755)(1234)*", "parenthes", false},
		{"(0755 1234*", "parenthes", false},
		{"10086*", "+8610086*", true},
		{"10086", "+8610086", true},
		{"1008*", "broad", false},
		{"17000001*", "+8617000001*", true},
		{"170 0000 1*", "+8617000001*", true},
		{"170-0000-1 *", "+8617000001*", true},
		{"+86 170 0000 1*", "+8617000001*", true},
		{"0086-17000001*", "+8617000001*", true},
		{"(0755) 1234*", "+867551234*", true},
		{"(0755)1234-5678", "+8675512345678", true},
		{"+86 (755) 1234*", "+867551234*", true},
		{"0086 (10) 6234*", "+86106234*", true},
		{"+1 (415) 555*", "+1415555*", true},
		{"９５３１１＊", "+8695311*", true},
	} {
		p, err := engine.RegistryPattern(tc.in)
		if tc.ok {
			if err != nil || p != tc.want {
				t.Errorf("RegistryPattern(%q) = %q, %v; want %q", tc.in, p, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.in) {
			t.Errorf("RegistryPattern(%q) = %q, %v; want an error naming it and %q", tc.in, p, err, tc.want)
		}
	}
}

// TestRegistryOverlapConflicts: a pattern covered by or covering an
// existing registry entry is refused as a conflict naming that entry, and
// nothing is added.
func TestRegistryOverlapConflicts(t *testing.T) {
	e, _ := open(t, t.TempDir())
	b, err := e.AddBusiness(ctx, "op", "17000001*", "某快递")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddBusiness(ctx, "op", "95588", "工商银行"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"170000012*", "17000001234", "+86 170 0000 1*", "95588", "95588*"} {
		_, err := e.AddBusiness(ctx, "op", p, "另一家")
		if ringfence.ErrorCode(err) != ringfence.ECONFLICT {
			t.Errorf("AddBusiness(%q): %v, want a conflict", p, err)
			continue
		}
		if want := []string{b.Pattern, "95588"}; !strings.Contains(err.Error(), want[0]) && !strings.Contains(err.Error(), want[1]) {
			t.Errorf("AddBusiness(%q): %v does not name the existing entry", p, err)
		}
	}
	if _, err := e.AddBusiness(ctx, "op", "17000002*", "邻居"); err != nil {
		t.Errorf("a neighbouring block: %v", err)
	}
	if bs, _ := e.Businesses(ctx); len(bs) != 3 {
		t.Errorf("registry holds %d entries, want 3: %+v", len(bs), bs)
	}
}
