package http

import "testing"

// TestQueryKey: every space of an unencoded key is a "+", even the last
// character of its base64 (a key ending in "+" once failed one run in
// several, as keys are random).
func TestQueryKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"ringfence.ledger/99948ad51d91+d8f38817+AerkDokECGFLaAEGCmFMGPhA96559qM2tURrB+Lt3d9+", "ringfence.ledger/99948ad51d91+d8f38817+AerkDokECGFLaAEGCmFMGPhA96559qM2tURrB+Lt3d9+"},
		{"ringfence.ledger/99948ad51d91 d8f38817 AerkDokECGFLaAEGCmFMGPhA96559qM2tURrB Lt3d9 ", "ringfence.ledger/99948ad51d91+d8f38817+AerkDokECGFLaAEGCmFMGPhA96559qM2tURrB+Lt3d9+"},
		{"ringfence.ledger/a+b+ C\n", "ringfence.ledger/a+b++C"},
	} {
		if got := queryKey(tc.in); got != tc.want {
			t.Errorf("queryKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
