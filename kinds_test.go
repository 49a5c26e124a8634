package ringfence_test

import (
	"encoding/json"
	"testing"

	"ringfence"
)

// Flag kinds and appeal statuses are typed; their JSON forms are the
// plain strings of the contract.
func TestFlagKindJSON(t *testing.T) {
	tests := []struct {
		kind ringfence.FlagKind
		want string
	}{
		{ringfence.KindTelemarketing, `"telemarketing"`},
		{ringfence.KindRobocall, `"robocall"`},
		{ringfence.KindDebtCollection, `"debt_collection"`},
		{ringfence.KindCallBombingTarget, `"call_bombing_target"`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(ringfence.Flag{Kind: tt.kind})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(m["kind"]); string(got) != tt.want {
			t.Errorf("kind %v marshals as %s, want %s", tt.kind, got, tt.want)
		}
		var back ringfence.Flag
		if err := json.Unmarshal(b, &back); err != nil || back.Kind != tt.kind {
			t.Errorf("round trip of %s: %v %v", b, back.Kind, err)
		}
	}
}

func TestParseAppealStatus(t *testing.T) {
	tests := []struct {
		in   string
		want ringfence.AppealStatus
		code string
	}{
		{"pending", ringfence.AppealPending, ""},
		{"accepted", ringfence.AppealAccepted, ""},
		{"rejected", ringfence.AppealRejected, ""},
		{"", "", ringfence.EINVALID},
		{"Accepted", "", ringfence.EINVALID},
		{"withdrawn", "", ringfence.EINVALID},
	}
	for _, tt := range tests {
		got, err := ringfence.ParseAppealStatus(tt.in)
		if got != tt.want || ringfence.ErrorCode(err) != tt.code {
			t.Errorf("ParseAppealStatus(%q) = %q, %v; want %q, code %q", tt.in, got, err, tt.want, tt.code)
		}
	}
	b, _ := json.Marshal(ringfence.Appeal{Status: ringfence.AppealAccepted})
	var m map[string]any
	json.Unmarshal(b, &m)
	if m["status"] != "accepted" {
		t.Errorf("status marshals as %v, want \"accepted\"", m["status"])
	}
}
