package http_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"ringfence"
)

// poolOf adds n contiguous numbers to the alias pool, issuable at once.
func poolOf(t *testing.T, v *env, n int) {
	t.Helper()
	nums := make([]string, n)
	for i := range nums {
		nums[i] = fmt.Sprintf("+86171000%05d", i)
	}
	if _, _, err := v.e.AddAliasPool(context.Background(), "test", nums, 0, 0); err != nil {
		t.Fatal(err)
	}
}

// TestExportMoreCanariesThanFree: asking more canaries than the pool has
// free is a conflict, answered before anything is reserved: the pool, the
// bindings and the ledger are untouched.
func TestExportMoreCanariesThanFree(t *testing.T) {
	v := newEnv(t)
	withLedger(t, v)
	poolOf(t, v, 100)
	org := v.key(ringfence.RoleOrg, "某银行")
	resp, body := raw(t, v, "POST", "/v1/exports?recipient=R&canaries=1000", org, customers(50, 0))
	if resp.StatusCode != 409 || !strings.Contains(body, `"conflict"`) || !strings.Contains(body, "free") {
		t.Fatalf("1000 canaries from a pool of 100: %d %s", resp.StatusCode, body)
	}
	if n := v.e.IssuableAliases(); n != 100 {
		t.Fatalf("pool has %d free numbers after a refused export, want 100", n)
	}
	if bs, _ := v.e.Aliases(""); len(bs) != 0 {
		t.Fatalf("refused export left %d bindings", len(bs))
	}
	if n := v.api.Ledger.Size(); n != 0 {
		t.Fatalf("refused export left %d ledger entries", n)
	}
	// Within what is free, the export goes through.
	resp, body = raw(t, v, "POST", "/v1/exports?recipient=R&canaries=10", org, customers(50, 0))
	if resp.StatusCode != 200 {
		t.Fatalf("10 canaries: %d %s", resp.StatusCode, body)
	}
	if n := v.e.IssuableAliases(); n != 90 {
		t.Fatalf("pool has %d free numbers after 10 canaries, want 90", n)
	}
}
