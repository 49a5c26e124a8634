package http_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/evidence/evidencetest"
	"ringfence/ledger"
)

// TestEvidenceVerifyRejectsExtraSignature: POST /v1/evidence/verify fails a
// bundle whose manifest carries a second signature line, or a signature in
// non-canonical base64, with 422 and the line named.
func TestEvidenceVerifyRejectsExtraSignature(t *testing.T) {
	v, l, reg, bundle := leakEvidence(t)
	fake := "— someone/approved " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 68)) + "\n"
	cases := []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"unchanged", bytes.Clone, ""},
		{"second signature line", func(d []byte) []byte { return append(bytes.Clone(d), fake...) }, `an extra signature line \"— someone/approved`},
		{"padding bits flipped", evidencetest.FlipPadding, "not in canonical base64"},
	}
	for _, tc := range cases {
		for _, key := range []string{"", "?key=" + strings.ReplaceAll(l.VerifierKey(), "+", "%2B")} {
			resp, out := raw(t, v, "POST", "/v1/evidence/verify"+key, reg, string(rezip(t, []byte(bundle), tc.edit)))
			var m map[string]any
			json.Unmarshal([]byte(out), &m)
			if tc.want == "" {
				if resp.StatusCode != 200 || m["verified"] != true {
					t.Errorf("%s%s: %d %s", tc.name, key, resp.StatusCode, out)
				}
				continue
			}
			if resp.StatusCode != 422 || m["verified"] != false || !strings.Contains(out, "manifest.txt: line ") || !strings.Contains(out, tc.want) {
				t.Errorf("%s%s: %d %s", tc.name, key, resp.StatusCode, out)
			}
		}
	}
}

// rezip rewrites a bundle with its manifest edited, stored and dated exactly
// as ringfence writes bundles, so that only the edit differs.
func rezip(t *testing.T, b []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	out, err := evidencetest.Rezip(b, "manifest.txt", edit)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvidenceVerifyKeyUnencoded: the verifier key given in the
// X-Ringfence-Ledger-Key header, or in the query without URL-encoding (its
// "+" read as spaces), still checks a genuine bundle of another ledger.
func TestEvidenceVerifyKeyUnencoded(t *testing.T) {
	v, l, reg, bundle := leakEvidence(t)
	key := l.VerifierKey()
	if !strings.Contains(key, "+") {
		t.Fatalf("verifier key %q has no +", key)
	}
	// The server now keeps another ledger: the bundle verifies only
	// against the key given.
	other, err := ledger.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	v.api.Ledger = other
	verify := func(query, header string) (int, string) {
		req, _ := http.NewRequest("POST", v.srv.URL+"/v1/evidence/verify"+query, strings.NewReader(bundle))
		req.Header.Set("Authorization", "Bearer "+reg)
		if header != "" {
			req.Header.Set("X-Ringfence-Ledger-Key", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		name, query, header string
		want                int
	}{
		{"own key", "", "", 422},
		{"query encoded", "?key=" + url.QueryEscape(key), "", 200},
		{"query not encoded", "?key=" + key, "", 200},
		{"header", "", key, 200},
		{"header and same query", "?key=" + key, key, 200},
		{"header and other query", "?key=" + url.QueryEscape(other.VerifierKey()), key, 400},
	} {
		if code, out := verify(tc.query, tc.header); code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, code, out, tc.want)
		}
	}
}

// leakEvidence serves a ledger holding one alias leak and fetches that
// leak's evidence bundle with a regulator's key.
func leakEvidence(t *testing.T) (v *env, l *ledger.Log, reg, bundle string) {
	t.Helper()
	v = newEnv(t)
	withLedger(t, v)
	l = v.api.Ledger
	ctx := context.Background()
	at := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	bi, err := l.BindAlias(ctx, ledger.AliasBinding{Alias: "+8617100009999", Subscriber: l.Fingerprint("subscriber", "+8613800138000"), Merchant: "某4S店", Purpose: "alias"}, at)
	if err != nil {
		t.Fatal(err)
	}
	li, err := l.RecordLeak(ctx, ledger.LeakEvent{Alias: "+8617100009999", Merchant: "某4S店", Binding: bi, Caller: "+8617012345678",
		CallTime: at.Add(72 * time.Hour), Duration: 23, Answered: true}, at.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	reg = v.key(ringfence.RoleRegulator, "")
	resp, bundle := raw(t, v, "GET", fmt.Sprintf("/v1/evidence/leak-%d", li), reg, "")
	if resp.StatusCode != 200 {
		t.Fatalf("evidence: %d %s", resp.StatusCode, bundle)
	}
	return v, l, reg, bundle
}
