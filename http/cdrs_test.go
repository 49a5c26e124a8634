package http_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/simulate"
)

// TestCDRsChangeVerdicts posts a day of simulated call records and checks
// that a detected telemarketer's verdict changes at once, with reasons.
func TestCDRsChangeVerdicts(t *testing.T) {
	v := newEnv(t)
	carrier := v.key(ringfence.RoleCarrier, "")
	start := time.Now().In(simulate.CST).Truncate(24*time.Hour).AddDate(0, 0, -1)
	res := simulate.Run(simulate.Config{Days: 1, Subscribers: 2000, Seed: 7, Start: start})
	var body bytes.Buffer
	simulate.WriteCSV(&body, res.Calls)
	// A few garbage rows among the good ones.
	csv := strings.Replace(body.String(), "\n", "\nnot,a,valid,row,at all\n", 3)

	req, _ := http.NewRequest("POST", v.srv.URL+"/v1/cdrs", strings.NewReader(csv))
	req.Header.Set("Authorization", "Bearer "+carrier)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Rows, Rejected int
		Errors         []struct{ Line int }
		Flags          []ringfence.Flag
	}
	decodeBody(t, resp, &out)
	if resp.StatusCode != 200 || out.Rejected != 3 || out.Rows != len(res.Calls)+3 || len(out.Errors) != 3 || out.Errors[2].Line != 6 {
		t.Fatalf("status %d, rows %d (calls %d), rejected %d, errors %+v", resp.StatusCode, out.Rows, len(res.Calls), out.Rejected, out.Errors)
	}
	var tm string
	for _, f := range out.Flags {
		if f.Kind == ringfence.KindTelemarketing {
			tm = f.Number
			break
		}
	}
	if tm == "" {
		t.Fatalf("no telemarketer flagged among %d flags", len(out.Flags))
	}
	code, m := v.do("GET", "/v1/numbers/"+tm, carrier, nil)
	if code != 200 || m["action"] == "allow" || !strings.Contains(strings.Join(toStrings(m["reasons"]), "\n"), "detected telemarketing: ") {
		t.Fatalf("verdict for detected %s: %d %v", tm, code, m)
	}
	// Reporters may not stream call records.
	reporter := v.key(ringfence.RoleReporter, "")
	if code, _ := v.do("POST", "/v1/cdrs", reporter, "caller,callee,start_time,duration_s,answered\n"); code != 403 {
		t.Fatalf("reporter posting CDRs: %d", code)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestCDRsRefuseFutureRecords: a record starting more than the allowed
// clock skew in the future is a bad row naming its line and start_time;
// the good rows around it go through and are counted.
func TestCDRsRefuseFutureRecords(t *testing.T) {
	v := newEnv(t)
	carrier := v.key(ringfence.RoleCarrier, "")
	now := v.e.Now()
	csv := "caller,callee,start_time,duration_s,answered\n" +
		"+8613812345678,+8613987654321," + now.Add(-time.Hour).Format(time.RFC3339) + ",23,1\n" +
		"+8613812345678,+8613987654321,2031-06-01T09:00:00+08:00,23,1\n" +
		"+8613812345678,+8613987654321," + now.Add(time.Minute).Format(time.RFC3339) + ",23,1\n" +
		"+8613812345678,+8613987654321," + now.Add(time.Hour).Format(time.RFC3339) + ",23,1\n" +
		"+8613812345678,+8613987654321,1999-12-31T23:00:00Z,23,1\n"
	req, _ := http.NewRequest("POST", v.srv.URL+"/v1/cdrs", strings.NewReader(csv))
	req.Header.Set("Authorization", "Bearer "+carrier)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Rows, Rejected int
		Errors         []struct {
			Line         int
			Field, Error string
		}
	}
	decodeBody(t, resp, &out)
	if resp.StatusCode != 200 || out.Rows != 5 || out.Rejected != 3 || len(out.Errors) != 3 ||
		out.Errors[0].Line != 3 || out.Errors[0].Field != "start_time" || !strings.Contains(out.Errors[0].Error, "in the future") ||
		out.Errors[1].Line != 5 || out.Errors[1].Field != "start_time" ||
		out.Errors[2].Line != 6 || !strings.Contains(out.Errors[2].Error, "before 2000-01-01") {
		t.Fatalf("status %d, %+v", resp.StatusCode, out)
	}
}
