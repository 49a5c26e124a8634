package http_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/screen"
)

// TestRejectsWhatItDoesNotUnderstand sends requests the API cannot act on
// as meant (typos, unknown values, trailing data, unparseable or
// impossible times, over-broad patterns) and checks each gets 400 naming
// what is wrong, while the well-formed twin of each succeeds.
func TestRejectsWhatItDoesNotUnderstand(t *testing.T) {
	v := newEnv(t)
	keys := map[ringfence.Role]string{}
	for _, role := range []ringfence.Role{ringfence.RoleOperator, ringfence.RoleCarrier, ringfence.RoleReporter, ringfence.RoleOrg} {
		keys[role] = v.key(role, map[ringfence.Role]string{ringfence.RoleOrg: "某银行"}[role])
	}
	soon := v.e.Now().Add(time.Hour).Format(time.RFC3339)
	past := v.e.Now().Add(-time.Hour).Format(time.RFC3339)
	future := v.e.Now().Add(time.Hour).Format(time.RFC3339)
	call := func(attestation string) string {
		return `{"calls":[{"caller":"17012345678","callee":"13800138000","attestation":"` + attestation + `"}]}`
	}
	tests := []struct {
		name   string
		role   ringfence.Role
		method string
		path   string
		body   string
		status int
		want   string // in the error message
	}{
		{"query typo", ringfence.RoleCarrier, "GET", "/v1/numbers/95588?calee=13800138000", "", 400, `"calee"`},
		{"query ok", ringfence.RoleCarrier, "GET", "/v1/numbers/95588?callee=13800138000&at=" + past, "", 200, ""},
		{"query repeated", ringfence.RoleCarrier, "GET", "/v1/numbers/95588?callee=13800138000&callee=13900139000", "", 400, "callee"},
		{"at unparseable", ringfence.RoleCarrier, "GET", "/v1/numbers/95588?at=yesterday", "", 400, "at:"},
		{"query on a route without any", ringfence.RoleOperator, "GET", "/v1/registry?all=1", "", 400, `"all"`},
		{"query typo on audit", ringfence.RoleOperator, "GET", "/v1/audit?limt=5", "", 400, `"limt"`},
		{"query typo on exports", ringfence.RoleOrg, "POST", "/v1/exports?recipient=R&canary=5", "name,phone\n", 400, `"canary"`},
		{"attestation A", ringfence.RoleCarrier, "POST", "/v1/calls", call("A"), 400, "calls[0].attestation"},
		{"attestation failed", ringfence.RoleCarrier, "POST", "/v1/calls", call("failed"), 400, "calls[0].attestation"},
		{"attestation fail", ringfence.RoleCarrier, "POST", "/v1/calls", call("fail"), 200, ""},
		{"call in the future", ringfence.RoleCarrier, "POST", "/v1/calls", `{"calls":[{"caller":"17012345678","callee":"13800138000","at":"` + future + `"}]}`, 400, "calls[0].at"},
		{"two objects", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678","category":"loan"}{"number":"17012345679","category":"loan"}`, 400, "after the JSON value"},
		{"trailing garbage", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678","category":"loan"} x`, 400, "after the JSON value"},
		{"called_at unparseable", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","called_at":"yesterday"}`, 400, "called_at"},
		{"called_at in the future", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","called_at":"` + future + `"}`, 400, "called_at"},
		{"called_at ok", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","called_at":"` + past + `"}`, 201, ""},
		{"wrong type", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":17012345678,"category":"loan"}`, 400, "number"},
		{"unknown field", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678","category":"loan","calledat":"` + past + `"}`, 400, `"calledat"`},
		{"bad JSON", ringfence.RoleReporter, "POST", "/v1/reports", `{"number":"17012345678",`, 400, "body"},
		{"PUT expired pass", ringfence.RoleOperator, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","action":"pass","until":"` + past + `"}]}`, 400, "entries[0].until"},
		{"POST expired pass", ringfence.RoleOperator, "POST", "/v1/rules/13800138000/entries", `{"pattern":"95311*","action":"pass","until":"` + past + `"}`, 400, "until"},
		{"PUT unparseable until", ringfence.RoleOperator, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","action":"pass","until":"tomorrow"}]}`, 400, "entries[0].until"},
		{"PUT pass ok", ringfence.RoleOperator, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"95311*","action":"pass","until":"` + soon + `"}]}`, 200, ""},
		{"PUT bad pattern", ringfence.RoleOperator, "PUT", "/v1/rules/13800138000", `{"entries":[{"pattern":"hello","action":"block"}]}`, 400, "entries[0].pattern"},
		{"registry 1*", ringfence.RoleOperator, "POST", "/v1/registry", `{"pattern":"1*","name":"x"}`, 400, "pattern"},
		{"registry 170*", ringfence.RoleOperator, "POST", "/v1/registry", `{"pattern":"170*","name":"x"}`, 400, "pattern"},
		{"registry 9531*", ringfence.RoleOperator, "POST", "/v1/registry", `{"pattern":"9531*","name":"x"}`, 400, "pattern"},
		{"registry prefix ok", ringfence.RoleOperator, "POST", "/v1/registry", `{"pattern":"95311*","name":"顺丰"}`, 201, ""},
		{"registry number ok", ringfence.RoleOperator, "POST", "/v1/registry", `{"pattern":"95588","name":"工商银行"}`, 201, ""},
		{"appeal typo", ringfence.RoleReporter, "POST", "/v1/appeals", `{"numbr":"95588","business":"b","reason":"r"}`, 400, `"numbr"`},
		{"decision two objects", ringfence.RoleOperator, "POST", "/v1/appeals/1/accept", `{"note":"a"}{"note":"b"}`, 400, "after the JSON value"},
		{"appeals status typo", ringfence.RoleOperator, "GET", "/v1/appeals?stat=pending", "", 400, `"stat"`},
		{"monthly ok", ringfence.RoleOperator, "GET", "/v1/stats/monthly?month=2026-01", "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			code, m := v.do(tt.method, tt.path, keys[tt.role], body)
			e, _ := m["error"].(map[string]any)
			msg, _ := e["message"].(string)
			t.Logf("%d %s", code, msg)
			if code != tt.status || !strings.Contains(msg, tt.want) {
				t.Fatalf("%s %s: %d %v, want %d with %q in the message", tt.method, tt.path, code, m, tt.status, tt.want)
			}
		})
	}
}

// TestPutKeepsStoredExpiredPass checks that a rule document read with GET
// and written back unchanged is accepted, though a pass in it has expired
// since it was granted: only new passes must end in the future.
func TestPutKeepsStoredExpiredPass(t *testing.T) {
	v := newEnv(t)
	op := v.key(ringfence.RoleOperator, "")
	now := v.e.Now
	v.e.Now = func() time.Time { return now().Add(-48 * time.Hour) }
	if _, err := v.e.Pass(context.Background(), "op", "13800138000", "95311*", now().Add(-24*time.Hour), "courier"); err != nil {
		t.Fatal(err)
	}
	v.e.Now = now
	code, doc := v.do("GET", "/v1/rules/13800138000", op, nil)
	if code != 200 {
		t.Fatalf("GET: %d %v", code, doc)
	}
	code, put := v.do("PUT", "/v1/rules/13800138000", op, doc)
	if code != 200 {
		t.Fatalf("PUT of the document as read: %d %v", code, put)
	}
	doc["version"] = put["version"] // the next change is based on the document now stored
	doc["entries"].([]any)[0].(map[string]any)["until"] = now().Add(-time.Hour).Format(time.RFC3339)
	if code, m := v.do("PUT", "/v1/rules/13800138000", op, doc); code != 400 {
		t.Fatalf("PUT moving an expired pass to another past time: %d %v", code, m)
	}
	r, _ := v.e.Rules("13800138000")
	if len(r.Entries) != 1 || r.Entries[0].Kind != screen.EntryPass {
		t.Fatalf("rules after: %+v", r)
	}
}

// TestPutRulesVersion checks that a rules document written back with the
// version it was read at is refused with 409 once another write came
// first, and that nothing of it is stored.
func TestPutRulesVersion(t *testing.T) {
	v := newEnv(t)
	op := v.key(ringfence.RoleOperator, "")
	if code, m := v.do("POST", "/v1/rules/13800138000/entries", op, map[string]string{"pattern": "170*", "action": "block"}); code != 200 {
		t.Fatalf("POST entry: %d %v", code, m)
	}
	_, doc := v.do("GET", "/v1/rules/13800138000", op, nil)
	if doc["version"] != float64(1) {
		t.Fatalf("version after one change: %v", doc["version"])
	}
	if code, m := v.do("POST", "/v1/rules/13800138000/entries", op, map[string]string{"pattern": "171*", "action": "label"}); code != 200 {
		t.Fatalf("POST entry: %d %v", code, m)
	}
	doc["entries"] = []any{}
	code, m := v.do("PUT", "/v1/rules/13800138000", op, doc)
	if e, _ := m["error"].(map[string]any); code != 409 || e["code"] != ringfence.ECONFLICT {
		t.Fatalf("PUT based on version 1 after version 2: %d %v, want 409 conflict", code, m)
	}
	if r, _ := v.e.Rules("13800138000"); len(r.Entries) != 2 || r.Version != 2 {
		t.Fatalf("rules after the refused PUT: %+v", r)
	}
}
