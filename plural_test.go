package ringfence

import "testing"

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		noun string
		want string
	}{{1, "canary", "1 canary"}, {2, "canary", "2 canaries"}, {0, "day", "0 days"}, {3, "entry", "3 entries"},
		{2, "alias", "2 aliases"}, {1, "null alias", "1 null alias"}, {2, "case file", "2 case files"}, {2, "match", "2 matches"}} {
		if got := Plural(tc.n, tc.noun); got != tc.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
