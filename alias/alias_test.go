package alias

import (
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	b := &Binding{Alias: "+8617100009999", Subscriber: "+8613800138000", Merchant: "某4S店", MerchantNumbers: []string{"+8602088888888", "+86400*"}}
	tests := []struct {
		caller  string
		outcome string
		target  string
		leak    bool
	}{
		{"+8602088888888", Merchant, "+8613800138000", false},
		{"+864008123123", Merchant, "+8613800138000", false},
		{"+8617012345678", Stranger, "+8613800138000", true},
	}
	for _, tt := range tests {
		d := Route(b, tt.caller)
		if d.Outcome != tt.outcome || d.Target != tt.target || d.Leak != tt.leak || d.Reason == "" {
			t.Errorf("%s: %+v", tt.caller, d)
		}
	}
	b.BlockStrangers = true
	if d := Route(b, "+8617012345678"); d.Target != "" || !d.Leak {
		t.Errorf("blocked stranger: %+v", d)
	}
}

func TestIssuable(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := PoolNumber{State: StatePool, AvailableAt: now}
	if !ok.Issuable(now) {
		t.Fatal("available number not issuable")
	}
	for name, p := range map[string]PoolNumber{
		"quarantined": {State: StatePool, AvailableAt: now.Add(time.Hour)},
		"null":        {State: StatePool, AvailableAt: now, Null: true},
		"bound":       {State: StateBound, AvailableAt: now},
		"called":      {State: StatePool, AvailableAt: now, Calls: MaxQuarantineCalls + 1},
	} {
		if p.Issuable(now) {
			t.Errorf("%s number issuable", name)
		}
	}
}
