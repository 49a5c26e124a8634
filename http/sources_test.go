package http_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/simulate"
)

// Call records that name the account and trunk of each line give flags
// that name them, and GET /v1/stats/sources rolls the month's flags up by
// them, for carriers and regulators only.
func TestSourcesFromCDRs(t *testing.T) {
	v := newEnv(t)
	carrier := v.key(ringfence.RoleCarrier, "")
	start := time.Now().In(simulate.CST).Truncate(24*time.Hour).AddDate(0, 0, -1)
	res := simulate.Run(simulate.Config{Days: 1, Subscribers: 2000, Seed: 7, Start: start})
	account := func(k uint64) string { return fmt.Sprintf("企业-%d", k%3) }
	var body bytes.Buffer
	body.WriteString("caller,callee,start_time,duration_s,answered,account,trunk\n")
	for _, c := range res.Calls {
		ans := 0
		if c.Answered {
			ans = 1
		}
		fmt.Fprintf(&body, "%s,%s,%s,%d,%d,%s,sip-%d\n", c.CallerE164(), c.CalleeE164(), c.StartTime().Format(time.RFC3339), c.Duration, ans, account(c.Caller), c.Caller%2)
	}
	req, _ := http.NewRequest("POST", v.srv.URL+"/v1/cdrs", &body)
	req.Header.Set("Authorization", "Bearer "+carrier)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Flags []ringfence.Flag }
	decodeBody(t, resp, &out)
	if resp.StatusCode != 200 || len(out.Flags) == 0 {
		t.Fatalf("status %d, %d flags", resp.StatusCode, len(out.Flags))
	}
	want := map[string]map[string]int{} // month → account → flags
	for _, f := range out.Flags {
		k, _ := number.Key(f.Number)
		wantAcct, wantTrunk := account(k), fmt.Sprintf("sip-%d", k%2)
		if f.Kind == ringfence.KindCallBombingTarget {
			wantAcct, wantTrunk = "", ""
		}
		if f.Account != wantAcct || f.Trunk != wantTrunk {
			t.Errorf("flag of %s (%s) names %q %q, want %q %q", f.Number, f.Kind, f.Account, f.Trunk, wantAcct, wantTrunk)
		}
		m := f.FlaggedAt.UTC().Format("2006-01")
		if want[m] == nil {
			want[m] = map[string]int{}
		}
		want[m][f.Account]++
	}
	for month, accounts := range want {
		code, m := v.do("GET", "/v1/stats/sources?month="+month, carrier, nil)
		if code != 200 || m["month"] != month || m["by"] != "account" {
			t.Fatalf("GET sources %s: %d %v", month, code, m)
		}
		got := map[string]int{}
		for _, row := range m["sources"].([]any) {
			r := row.(map[string]any)
			got[r["key"].(string)] = int(r["flags"].(float64))
		}
		if fmt.Sprint(got) != fmt.Sprint(accounts) {
			t.Errorf("%s by account: %v, want %v", month, got, accounts)
		}
	}
}

func TestSourcesEndpoint(t *testing.T) {
	v := newEnv(t)
	ctx := context.Background()
	nov := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	if nov.After(v.e.Now()) {
		t.Skip("the clock is before the flags' month")
	}
	flags := []ringfence.Flag{
		{Number: "+8617012345678", Kind: ringfence.KindTelemarketing, Score: 0.97, FlaggedAt: nov, Reasons: []string{"r"}, Account: "acme", Trunk: "sip-1"},
		{Number: "+8617112345678", Kind: ringfence.KindRobocall, Score: 0.97, FlaggedAt: nov, Reasons: []string{"r"}, Account: "acme", Trunk: "sip-2"},
		{Number: "+8613812345678", Kind: ringfence.KindTelemarketing, Score: 0.97, FlaggedAt: nov, Reasons: []string{"r"}, Account: "beta", Trunk: "sip-2"},
		{Number: "+8695511", Kind: ringfence.KindTelemarketing, Score: 0.97, FlaggedAt: nov, Reasons: []string{"r"}},
		{Number: "+8613912345678", Kind: ringfence.KindCallBombingTarget, Score: 0.97, FlaggedAt: nov, Reasons: []string{"r"}},
		{Number: "+8613712345678", Kind: ringfence.KindTelemarketing, Score: 0.97, FlaggedAt: nov.AddDate(0, -1, 0), Reasons: []string{"r"}, Account: "acme"},
	}
	if err := v.e.ApplyFlags(ctx, flags); err != nil {
		t.Fatal(err)
	}
	carrier, regulator := v.key(ringfence.RoleCarrier, ""), v.key(ringfence.RoleRegulator, "")
	subscriber, operator := v.key(ringfence.RoleSubscriber, "13800138000"), v.key(ringfence.RoleOperator, "")
	tests := []struct {
		query  string
		key    string
		status int
		want   string // key:flags:telemarketing rows; or the field a 400 names
	}{
		{"month=2026-11", carrier, 200, "acme:2:1 beta:1:1 :2:1"},
		{"month=2026-11&by=account", regulator, 200, "acme:2:1 beta:1:1 :2:1"},
		{"month=2026-11&by=trunk", carrier, 200, "sip-2:2:1 sip-1:1:1 :2:1"},
		{"month=2026-11&by=brand", carrier, 200, "中国移动:2:1 service:1:1 virtual 170 中国电信:1:1 virtual 171 中国联通:1:0"},
		{"month=2026-11&by=holder", carrier, 200, "95511:1:1 :4:2"},
		{"month=2026-10", carrier, 200, "acme:1:1"},
		{"month=2026-09", carrier, 200, ""},
		{"month=2026-13", carrier, 400, "month"},
		{"month=", carrier, 400, "month"},
		{"", carrier, 400, "month"},
		{"month=2026-11&by=carrier", carrier, 400, "by"},
		{"month=2026-11&by=account&by=trunk", carrier, 400, "by"},
		{"month=2026-11&top=3", carrier, 400, "top"},
		{"month=2026-11", subscriber, 403, ""},
		{"month=2026-11", operator, 403, ""},
		{"month=2026-11", "", 401, ""},
	}
	for _, tt := range tests {
		code, m := v.do("GET", "/v1/stats/sources?"+tt.query, tt.key, nil)
		if code != tt.status {
			t.Errorf("%s: %d %v, want %d", tt.query, code, m, tt.status)
			continue
		}
		switch code {
		case 200:
			var rows []string
			for _, row := range m["sources"].([]any) {
				r := row.(map[string]any)
				kinds := r["kinds"].(map[string]any)
				tm, _ := kinds["telemarketing"].(float64)
				rows = append(rows, fmt.Sprintf("%s:%v:%v", r["key"], r["flags"], tm))
			}
			if got := strings.Join(rows, " "); got != tt.want {
				t.Errorf("%s: %q, want %q", tt.query, got, tt.want)
			}
		case 400:
			if !strings.Contains(message(m), tt.want) {
				t.Errorf("%s: %q does not name %q", tt.query, message(m), tt.want)
			}
		}
	}
}
