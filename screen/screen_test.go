package screen

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/reputation"
)

func mustParse(t testing.TB, s string) number.Info {
	t.Helper()
	info, err := number.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

var noon = time.Date(2026, 5, 1, 4, 0, 0, 0, time.UTC) // 12:00 in China

func loanCrowd(weight float64, reporters int) reputation.Crowd {
	return reputation.Crowd{Category: "loan", Reporters: reporters, Weight: weight, Total: weight}
}

func TestDecide(t *testing.T) {
	bank := &ringfence.Business{Pattern: "+8695588", Name: "工商银行"}
	rules := &Rules{
		Subscriber: "+8613800138000",
		Entries: []Entry{
			{Pattern: "+8617100001234", Kind: EntryAllow},
			{Pattern: "+86170*", Kind: EntryBlock},
			{Pattern: "+8617000000001", Kind: EntryPass, Until: noon.Add(time.Hour)},
			{Pattern: "+8617000000002", Kind: EntryPass, Until: noon.Add(-time.Hour)},
			{Pattern: "+86139*", Kind: EntryLabel},
		},
		BlockedCategories: map[ringfence.Category]ringfence.Action{"insurance": ringfence.Block},
		Quiet:             &QuietHours{From: "22:00", To: "07:00", Action: ringfence.Block},
	}
	softRules := &Rules{
		Subscriber:        "+8613700137000",
		ContactsOnly:      ringfence.Label,
		BlockedCategories: map[ringfence.Category]ringfence.Action{"sales": ringfence.Block},
		Quiet:             &QuietHours{From: "22:00", To: "07:00", Action: ringfence.Block},
	}
	tests := []struct {
		name     string
		caller   string
		at       time.Time
		sig      Signals
		attest   string
		action   ringfence.Action
		category ringfence.Category
		reason   string
	}{
		{"unknown number", "13512345678", noon, Signals{}, "", ringfence.Allow, "", "no crowd reports"},
		{"crowd label", "13512345678", noon, Signals{Crowd: loanCrowd(6, 6)}, "", ringfence.Label, "loan", "crowd reports: loan 6"},
		{"crowd block needs strong evidence", "13512345678", noon, Signals{Crowd: loanCrowd(40, 40)}, "", ringfence.Block, "loan", "crowd reports"},
		{"heavy weight, few reporters: label only", "13512345678", noon, Signals{Crowd: loanCrowd(40, 10)}, "", ringfence.Label, "loan", ""},
		{"no clear majority: label only", "13512345678", noon, Signals{Crowd: reputation.Crowd{Category: "loan", Reporters: 40, Weight: 40, Total: 70}}, "", ringfence.Label, "loan", ""},
		{"weak crowd stays allowed", "13512345678", noon, Signals{Crowd: loanCrowd(2, 3)}, "", ringfence.Allow, "", "below the label weight"},
		{"weak crowd on a virtual range labels", "17112345678", noon, Signals{Crowd: loanCrowd(3, 4)}, "", ringfence.Label, "loan", "virtual-operator range 171"},
		{"benign crowd", "13512345678", noon, Signals{Crowd: reputation.Crowd{Category: "delivery", Reporters: 50, Weight: 50, Total: 50}}, "", ringfence.Allow, "delivery", "delivery 50"},
		{"personal allow beats the crowd", "17100001234", noon, Signals{Rules: rules, Crowd: loanCrowd(100, 100)}, "", ringfence.Allow, "", "in your allow list"},
		{"personal block prefix", "17012345678", noon, Signals{Rules: rules}, "", ringfence.Block, "", "in your block list (+86170*)"},
		{"valid pass beats block prefix", "17000000001", noon, Signals{Rules: rules}, "", ringfence.Allow, "", "expected call"},
		{"expired pass does not", "17000000002", noon, Signals{Rules: rules}, "", ringfence.Block, "", "block list"},
		{"label list", "13912345678", noon, Signals{Rules: rules}, "", ringfence.Label, "", "label list"},
		{"label list does not weaken a crowd block", "13912345678", noon, Signals{Rules: rules, Crowd: loanCrowd(40, 40)}, "", ringfence.Block, "loan", "label list"},
		{"label list beats a verified business", "13912345678", noon, Signals{Rules: rules, Business: bank}, "", ringfence.Label, "", "verified business"},
		{"contacts-only label, then quiet-hours block", "13512345678", noon.Add(11 * time.Hour), Signals{Rules: softRules}, "", ringfence.Block, "", "quiet hours"},
		{"contacts-only label on an unknown caller", "13512345678", noon, Signals{Rules: softRules}, "", ringfence.Label, "", "contacts only"},
		{"contacts-only label with a blocked category", "13512345678", noon, Signals{Rules: softRules, Crowd: reputation.Crowd{Category: "sales", Reporters: 6, Weight: 6, Total: 6}}, "", ringfence.Block, "sales", "you block the category"},
		{"blocked category", "13512345678", noon, Signals{Rules: rules, Crowd: reputation.Crowd{Category: "insurance", Reporters: 6, Weight: 6, Total: 6}}, "", ringfence.Block, "insurance", "you block the category"},
		{"quiet hours", "13512345678", noon.Add(11 * time.Hour), Signals{Rules: rules}, "", ringfence.Block, "", "quiet hours"},
		{"quiet hours spare the allow list", "17100001234", noon.Add(11 * time.Hour), Signals{Rules: rules}, "", ringfence.Allow, "", "allow list"},
		{"verified business beats a sybil crowd", "95588", noon, Signals{Business: bank, Crowd: reputation.Crowd{Category: "fraud", Reporters: 100, Weight: 100, Total: 100}}, "", ringfence.Allow, "", "verified business: 工商银行"},
		{"failed attestation blocks even a verified number", "95588", noon, Signals{Business: bank}, "fail", ringfence.Block, "", "STIR/SHAKEN"},
		{"passed attestation is no automatic allow", "13512345678", noon, Signals{Crowd: loanCrowd(6, 6)}, "pass", ringfence.Label, "loan", ""},
		{"behaviour alone labels", "13512345678", noon, Signals{Behaviour: &Behaviour{Kind: ringfence.KindTelemarketing, Score: 0.9, Reasons: []string{"detected telemarketing: 1,240 calls today"}}}, "", ringfence.Label, "sales", "detected telemarketing: 1,240 calls today"},
		{"behaviour and crowd agree: block", "13512345678", noon, Signals{Crowd: loanCrowd(6, 6), Behaviour: &Behaviour{Kind: ringfence.KindTelemarketing, Score: 0.9}}, "", ringfence.Block, "loan", "agree"},
		{"call-bombing attack on callee", "13512345678", noon, Signals{UnderAttack: &Behaviour{Kind: ringfence.KindCallBombingTarget, Reasons: []string{"312 calls from 250 callers in 10 minutes"}}}, "", ringfence.Block, "call_bombing", "call-bombing attack"},
		{"attack: verified lines only labelled", "95588", noon, Signals{Business: bank, UnderAttack: &Behaviour{Kind: ringfence.KindCallBombingTarget}}, "", ringfence.Label, "call_bombing", "verified business"},
	}
	p := NewPolicy(reputation.DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Verdict
			p.Decide(&v, &Call{Caller: mustParse(t, tt.caller), Input: tt.caller, At: tt.at, Attestation: tt.attest}, &tt.sig)
			if v.Action != tt.action || v.Category != tt.category {
				t.Fatalf("got %s/%s, want %s/%s; reasons %q", v.Action, v.Category, tt.action, tt.category, v.ReasonStrings())
			}
			if len(v.Reasons) == 0 {
				t.Fatal("verdict without reasons")
			}
			if !strings.Contains(strings.Join(v.ReasonStrings(), "\n"), tt.reason) {
				t.Fatalf("reasons %q lack %q", v.ReasonStrings(), tt.reason)
			}
			switch v.Action {
			case ringfence.Allow:
				if v.Score >= 0.5 {
					t.Fatalf("allow with score %v", v.Score)
				}
			case ringfence.Label:
				if v.Score < 0.5 || v.Score > 1 {
					t.Fatalf("label with score %v", v.Score)
				}
			case ringfence.Block:
				if v.Score < 0.8 || v.Score > 1 {
					t.Fatalf("block with score %v", v.Score)
				}
			}
		})
	}
}

func TestVerdictJSON(t *testing.T) {
	var v Verdict
	NewPolicy(reputation.DefaultConfig()).Decide(&v, &Call{Caller: mustParse(t, "17100001234"), Input: "171 0000 1234", At: noon},
		&Signals{Crowd: reputation.Crowd{Category: "loan", Reporters: 98, Weight: 60, Total: 61, Second: "customer_service", SecondReporters: 1}})
	b, err := json.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"number", "e164", "action", "category", "score", "reasons", "number_info"} {
		if _, ok := m[k]; !ok {
			t.Errorf("verdict JSON lacks %q: %s", k, b)
		}
	}
	reasons := m["reasons"].([]any)
	if !strings.Contains(reasons[0].(string), "loan 98 · customer_service 1") {
		t.Errorf("distribution missing: %v", reasons)
	}
}

func TestRulesValidate(t *testing.T) {
	bad := []Rules{
		{Entries: []Entry{{Pattern: "+86170*", Kind: "maybe"}}},
		{Entries: []Entry{{Pattern: "170*", Kind: "block"}}},
		{Entries: []Entry{{Pattern: "+86170*", Kind: "pass"}}},
		{BlockedCategories: map[ringfence.Category]ringfence.Action{"spam": ringfence.Block}},
		{BlockedCategories: map[ringfence.Category]ringfence.Action{"loan": ringfence.Allow}},
		{ContactsOnly: "yes"},
		{Quiet: &QuietHours{From: "25:00", To: "07:00", Action: ringfence.Block}},
		{MinReportWeight: -1},
	}
	for i, r := range bad {
		if err := r.Validate(); err == nil {
			t.Errorf("case %d: invalid rules accepted: %+v", i, r)
		}
	}
}

func TestRegistryLongestPrefix(t *testing.T) {
	r := NewRegistry([]ringfence.Business{
		{Pattern: "+86953*", Name: "short"},
		{Pattern: "+8695311*", Name: "long"},
		{Pattern: "+8695588", Name: "exact"},
	})
	for num, want := range map[string]string{"+8695311123": "long", "+86953999": "short", "+8695588": "exact", "+8613800000000": ""} {
		got := ""
		if b := r.Lookup(num); b != nil {
			got = b.Name
		}
		if got != want {
			t.Errorf("%s → %q, want %q", num, got, want)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	p := NewPolicy(reputation.DefaultConfig())
	call := Call{Caller: mustParse(b, "17100001234"), Input: "17100001234", At: noon}
	sig := Signals{Crowd: loanCrowd(40, 40)}
	v := &Verdict{Reasons: make([]Reason, 0, 8)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Decide(v, &call, &sig)
	}
}

// A crowd reason says how many of the top category's reports call records
// confirmed, and says nothing of it when none were.
func TestCrowdReasonCorroborated(t *testing.T) {
	tests := []struct {
		crowd reputation.Crowd
		want  string
	}{
		{reputation.Crowd{Category: "loan", Reporters: 12, Weight: 9, Total: 9, Corroborated: 9},
			"crowd reports: loan 12 (9 confirmed by call records) (贷款理财, weight 9)"},
		{reputation.Crowd{Category: "loan", Reporters: 12, Weight: 9, Total: 10, Second: "sales", SecondReporters: 2, Corroborated: 1},
			"crowd reports: loan 12 (1 confirmed by call records) · sales 2 (贷款理财, weight 9)"},
		{reputation.Crowd{Category: "loan", Reporters: 12, Weight: 9, Total: 9},
			"crowd reports: loan 12 (贷款理财, weight 9)"},
		{reputation.Crowd{Category: "loan", Reporters: 3, Weight: 2, Total: 2, Corroborated: 2},
			"crowd reports: loan 3 (2 confirmed by call records) (贷款理财, weight 2), below the label weight 5"},
	}
	for _, tt := range tests {
		var v Verdict
		NewPolicy(reputation.DefaultConfig()).Decide(&v, &Call{Caller: mustParse(t, "13512345678"), At: noon}, &Signals{Crowd: tt.crowd})
		if got := v.Reasons[0].String(); got != tt.want {
			t.Errorf("reason %q, want %q", got, tt.want)
		}
	}
}
