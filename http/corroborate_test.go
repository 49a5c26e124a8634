package http_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"ringfence"
)

// TestReportsCheckedAgainstCDRs: call records posted by a carrier confirm
// a subscriber's report about a number that called them (the report
// answer says so and the verdict's reason counts it), and count against a
// report about a number that never did.
func TestReportsCheckedAgainstCDRs(t *testing.T) {
	v := newEnv(t)
	const sub, spammer, stranger = "+8613800000001", "+8617100000001", "+8617100000002"
	carrier, subscriber := v.key(ringfence.RoleCarrier, ""), v.key(ringfence.RoleSubscriber, sub)

	now := time.Now().UTC().Truncate(time.Second)
	var csv strings.Builder
	csv.WriteString("caller,callee,start_time,duration_s,answered\n")
	for d := 16; d >= 0; d-- {
		fmt.Fprintf(&csv, "+8613900000001,+8613900000002,%s,60,1\n", now.Add(-time.Duration(d)*24*time.Hour-2*time.Minute).Format(time.RFC3339))
	}
	fmt.Fprintf(&csv, "%s,%s,%s,25,1\n", spammer, sub, now.Add(-50*time.Hour).Format(time.RFC3339))
	req, _ := http.NewRequest("POST", v.srv.URL+"/v1/cdrs", strings.NewReader(csv.String()))
	req.Header.Set("Authorization", "Bearer "+carrier)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /v1/cdrs: %d", resp.StatusCode)
	}

	cfg, base := v.e.Config(), v.e.Config().ReporterWeight(ringfence.Track{})
	tests := []struct {
		number string
		want   string
		weight float64
	}{
		{spammer, "confirmed", base * cfg.CorroboratedBoost},
		{stranger, "unconfirmed", base * cfg.UncorroboratedFactor},
	}
	for _, tt := range tests {
		code, m := v.do("POST", "/v1/reports", subscriber, map[string]string{"number": tt.number, "category": "loan", "called_at": now.Add(-time.Hour).Format(time.RFC3339)})
		if w, _ := m["weight"].(float64); code != 201 || m["corroboration"] != tt.want || math.Abs(w-tt.weight) > 1e-9 {
			t.Errorf("report on %s: %d %v, want corroboration %q weight %v", tt.number, code, m, tt.want, tt.weight)
		}
	}
	code, m := v.do("GET", "/v1/numbers/"+spammer, carrier, nil)
	if reasons := strings.Join(toStrings(m["reasons"]), "\n"); code != 200 || !strings.Contains(reasons, "crowd reports: loan 1 (1 confirmed by call records)") {
		t.Errorf("verdict on %s: %d %q", spammer, code, reasons)
	}
	code, m = v.do("GET", "/v1/numbers/"+stranger, carrier, nil)
	if reasons := strings.Join(toStrings(m["reasons"]), "\n"); code != 200 || strings.Contains(reasons, "confirmed") {
		t.Errorf("verdict on %s: %d %q", stranger, code, reasons)
	}
}
