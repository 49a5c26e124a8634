package http_test

import (
	"fmt"
	"testing"

	"ringfence"
)

func TestAliasesAndLeaks(t *testing.T) {
	v := newEnv(t)
	withLedger(t, v)
	op := v.key(ringfence.RoleOperator, "")
	alice := v.key(ringfence.RoleSubscriber, "13800138000")
	bob := v.key(ringfence.RoleSubscriber, "13900139000")
	carrier := v.key(ringfence.RoleCarrier, "")
	var nums []string
	for i := 0; i < 20; i++ {
		nums = append(nums, fmt.Sprintf("1710009%04d", i))
	}
	if code, m := v.do("POST", "/v1/alias-pool", op, map[string]any{"numbers": nums, "quarantine": "0", "null_share": 0.1}); code != 200 || m["added"].(float64) != 20 {
		t.Fatalf("pool: %d %v", code, m)
	}
	code, m := v.do("POST", "/v1/aliases", alice, map[string]any{"merchant": "广州某4S店", "merchant_numbers": []string{"020-88888888"}})
	if code != 201 {
		t.Fatalf("new alias: %d %v", code, m)
	}
	al := m["alias"].(string)
	if code, _ := v.do("GET", "/v1/aliases/"+al, bob, nil); code != 404 {
		t.Fatalf("bob reads alice's alias: %d", code)
	}
	if _, m := v.do("GET", "/v1/aliases", bob, nil); len(m["aliases"].([]any)) != 0 {
		t.Fatalf("bob lists alice's aliases: %v", m)
	}
	call := func(caller string) map[string]any {
		code, m := v.do("POST", "/v1/calls", carrier, map[string]any{"calls": []map[string]any{{"caller": caller, "callee": al}}})
		if code != 200 {
			t.Fatalf("calls: %d %v", code, m)
		}
		return m["results"].([]any)[0].(map[string]any)
	}
	if r := call("02088888888"); r["outcome"] != "merchant" || r["target"] != "+8613800138000" || r["leak"] == true {
		t.Fatalf("merchant call: %v", r)
	}
	r := call("17012345678")
	if r["outcome"] != "stranger" || r["leak"] != true || r["target"] != "+8613800138000" || r["ledger_index"] == nil {
		t.Fatalf("stranger call: %v", r)
	}
	if code, _ := v.do("PATCH", "/v1/aliases/"+al, bob, map[string]any{"block_strangers": true}); code != 404 {
		t.Fatalf("bob changes alice's alias: %d", code)
	}
	if code, m := v.do("PATCH", "/v1/aliases/"+al, alice, map[string]any{"block_strangers": true}); code != 200 || m["block_strangers"] != true {
		t.Fatalf("alice blocks strangers: %d %v", code, m)
	}
	if r := call("17012345679"); r["leak"] != true || r["target"] != nil {
		t.Fatalf("blocked stranger: %v", r)
	}
	// Other calls are screened.
	if r := call2(t, v, carrier, "17012345678", "13800138000"); r["outcome"] != "screened" || r["verdict"] == nil {
		t.Fatalf("ordinary call: %v", r)
	}
	// The leak's evidence is there for a regulator.
	reg := v.key(ringfence.RoleRegulator, "")
	_, m = v.do("GET", "/v1/aliases/"+al, reg, nil)
	if n := len(m["calls"].([]any)); n != 3 {
		t.Fatalf("calls recorded on the alias: %d, want 3", n)
	}
	leak := fmt.Sprintf("leak-%d", int(r["ledger_index"].(float64)))
	resp, bundle := raw(t, v, "GET", "/v1/evidence/"+leak, reg, "")
	if resp.StatusCode != 200 {
		t.Fatalf("evidence %s: %d %s", leak, resp.StatusCode, bundle)
	}
	if resp, out := raw(t, v, "POST", "/v1/evidence/verify", alice, bundle); resp.StatusCode != 200 {
		t.Fatalf("verify: %d %s", resp.StatusCode, out)
	}
	// Alice may fetch the evidence of her own alias's leak; Bob may not.
	if resp, _ := raw(t, v, "GET", "/v1/evidence/"+leak, alice, ""); resp.StatusCode != 200 {
		t.Fatalf("alice's own evidence: %d", resp.StatusCode)
	}
	if resp, _ := raw(t, v, "GET", "/v1/evidence/"+leak, bob, ""); resp.StatusCode != 404 {
		t.Fatalf("bob fetching alice's evidence: %d", resp.StatusCode)
	}
	// A call dated before the binding is no leak.
	code, m = v.do("POST", "/v1/calls", carrier, map[string]any{"calls": []map[string]any{{"caller": "17012345670", "callee": al, "at": "2020-01-01T00:00:00Z"}}})
	if res := m["results"].([]any)[0].(map[string]any); code != 200 || res["error"] == nil {
		t.Fatalf("call before binding: %d %v", code, m)
	}
}

func call2(t *testing.T, v *env, key, caller, callee string) map[string]any {
	code, m := v.do("POST", "/v1/calls", key, map[string]any{"calls": []map[string]any{{"caller": caller, "callee": callee}}})
	if code != 200 {
		t.Fatalf("calls: %d %v", code, m)
	}
	return m["results"].([]any)[0].(map[string]any)
}
