package http_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"ringfence"
	"ringfence/ledger"
)

func withLedger(t *testing.T, v *env) {
	l, err := ledger.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	v.api.Ledger = l
	v.api.TempDir = t.TempDir()
	v.e.SetDisclosures(ledger.NewDisclosures(l))
}

func raw(t *testing.T, v *env, method, path, key, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, v.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func customers(n, from int) string {
	var sb strings.Builder
	sb.WriteString("姓名,手机,地址\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&sb, "客户%d,138%08d,广州市天河区体育西路%d号\n", i, 10000000+i*7919%90000000, i)
	}
	return sb.String()
}

func TestExportAttributeEvidence(t *testing.T) {
	v := newEnv(t)
	withLedger(t, v)
	dealer := v.key(ringfence.RoleOrg, "广州某4S店")
	bank := v.key(ringfence.RoleOrg, "某银行")
	regulator := v.key(ringfence.RoleRegulator, "")

	copies := map[string]string{}
	for i, r := range []string{"保险公司A", "保险公司B", "装修公司C"} {
		resp, body := raw(t, v, "POST", "/v1/exports?recipient="+r, dealer, customers(300, i*100))
		if resp.StatusCode != 200 || resp.Header.Get("X-Ringfence-Export-Id") == "" || resp.Header.Get("X-Ringfence-Ledger-Entry") == "" {
			t.Fatalf("export for %s: %d %s", r, resp.StatusCode, body)
		}
		if strings.Count(body, "\n") <= 300 {
			t.Fatalf("no canaries added for %s: %d lines", r, strings.Count(body, "\n"))
		}
		copies[r] = body
	}
	// The bank sees none of the dealer's exports; the dealer sees its three.
	_, m := v.do("GET", "/v1/exports", bank, nil)
	if n := len(m["exports"].([]any)); n != 0 {
		t.Fatalf("bank sees %d of the dealer's exports", n)
	}
	_, m = v.do("GET", "/v1/exports", dealer, nil)
	if n := len(m["exports"].([]any)); n != 3 {
		t.Fatalf("dealer sees %d exports, want 3", n)
	}
	// A broker's list: part of B's copy, reformatted (+86, dashes), with
	// noise. Every one of B's rows is in A's or C's copy too, so the part
	// keeps all of B's canaries (invented customers, not 客户N): a part cut
	// at random could hold none, and then A, which holds the same real
	// rows, ties with B.
	lines := strings.Split(strings.TrimSpace(copies["保险公司B"]), "\n")
	var found strings.Builder
	found.WriteString("phone,name\n")
	canaries := 0
	for i, line := range lines[1:] {
		real := strings.HasPrefix(line, "客户")
		if !real {
			canaries++
		} else if i >= 199 {
			continue
		}
		f := strings.Split(line, ",")
		p := f[1]
		if len(p) == 11 {
			p = "+86 " + p[:3] + "-" + p[3:7] + "-" + p[7:]
		}
		fmt.Fprintf(&found, "%s,%s\n", p, f[0])
	}
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&found, "139%08d,噪声%d\n", i*104729%100000000, i)
	}
	resp, body := raw(t, v, "POST", "/v1/attributions", regulator, found.String())
	if resp.StatusCode != 200 {
		t.Fatalf("attribute: %d %s", resp.StatusCode, body)
	}
	var a ledger.AttributionResult
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if canaries == 0 {
		t.Fatal("B's copy holds no canary")
	}
	if len(a.Candidates) == 0 || a.Candidates[0].Recipient != "保险公司B" || a.Candidates[0].CanaryHits != canaries {
		t.Fatalf("best candidate is not 保险公司B with its %d canaries: %s", canaries, body)
	}
	// Its evidence bundle verifies; one flipped byte does not.
	resp, bundle := raw(t, v, "GET", "/v1/evidence/"+a.Case, regulator, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("evidence: %d %.200s", resp.StatusCode, bundle)
	}
	resp, out := raw(t, v, "POST", "/v1/evidence/verify", regulator, bundle)
	if resp.StatusCode != 200 || !strings.Contains(out, `"verified":true`) {
		t.Fatalf("verify: %d %s", resp.StatusCode, out)
	}
	b := []byte(bundle)
	b[len(b)/2] ^= 1
	resp, out = raw(t, v, "POST", "/v1/evidence/verify", regulator, string(b))
	if resp.StatusCode != 422 || !strings.Contains(out, `"verified":false`) || strings.Contains(out, "internal error") {
		t.Fatalf("tampered bundle: %d %s", resp.StatusCode, out)
	}
	// Orgs may not attribute.
	if resp, _ := raw(t, v, "POST", "/v1/attributions", dealer, found.String()); resp.StatusCode != 403 {
		t.Fatalf("org attributing: %d", resp.StatusCode)
	}
}
