package sip

import (
	"strings"
	"testing"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"

	"ringfence"
)

func parseRequest(t testing.TB, raw string) *sipmsg.Request {
	t.Helper()
	m, err := sipmsg.ParseMessage([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	return m.(*sipmsg.Request)
}

func TestCallerAndCallee(t *testing.T) {
	const base = "INVITE %s SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\n%sTo: <sip:13900139000@x>\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n"
	tests := []struct {
		ruri, headers   string
		caller, verstat string
		callee          string
	}{
		{"sip:13800138000@ringfence", "From: <sip:17100001234@a>;tag=1\n", "17100001234", "", "13800138000"},
		{"sip:+8613800138000;npdi@ringfence;user=phone", "From: \"A\" <sip:+86-171-0000-1234@a;user=phone>;tag=1\n", "+86-171-0000-1234", "", "+8613800138000"},
		{"tel:+8613800138000;phone-context=+86", "From: <tel:010-12345678;verstat=TN-Validation-Passed>;tag=1\n", "010-12345678", "TN-Validation-Passed", "+8613800138000"},
		{"sip:ringfence", "From: <sip:%2B8617100001234@a>;tag=1\n", "+8617100001234", "", "13900139000"},
		{"sip:13800138000@r", "P-Asserted-Identity: <sip:+8616512340000;verstat=TN-Validation-Failed@carrier;user=phone>\nFrom: <sip:17100001234@a>;tag=1\n",
			"+8616512340000", "TN-Validation-Failed", "13800138000"},
		{"sip:13800138000@r", "P-Asserted-Identity: \"Anon\" <sip:anonymous@anonymous.invalid>\nP-Asserted-Identity: <tel:+8616512340000>\nFrom: <sip:1@a>;tag=1\n", "+8616512340000", "", "13800138000"},
		{"sip:13800138000@r", "P-Asserted-Identity: <sip:anonymous@anonymous.invalid>\nFrom: <sip:17100001234;verstat=No-TN-Validation@a>;tag=1\n", "", "", "13800138000"}, // asserted: withheld, From not read
		{"sip:13800138000@r", "P-Asserted-Identity: tel:+8616512340000;verstat=TN-Validation-Failed\nFrom: <sip:1@a>;tag=1\n", "+8616512340000", "TN-Validation-Failed", "13800138000"},
		{"sip:13800138000@r", "P-Asserted-Identity: <sip:+8616512340000@carrier;verstat=TN-Validation-Passed>\nFrom: <sip:1@a>;tag=1\n", "+8616512340000", "TN-Validation-Passed", "13800138000"},
		{"sip:13800138000@r", "From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1\n", "anonymous", "", "13800138000"},
	}
	for _, tt := range tests {
		req := parseRequest(t, strings.Replace(strings.Replace(base, "%s", tt.ruri, 1), "%s", tt.headers, 1))
		caller, verstat := callerOf(req)
		if caller != tt.caller || verstat != tt.verstat {
			t.Errorf("%s: caller %q verstat %q, want %q %q", tt.headers, caller, verstat, tt.caller, tt.verstat)
		}
		if got := calleeOf(req); got != tt.callee {
			t.Errorf("%s: callee %q, want %q", tt.ruri, got, tt.callee)
		}
	}
}

func TestLooksLikeNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"13800138000": true, "+86 138-0013-8000": true, "(0731)88888888": true, "95588": true,
		"": false, "12": false, "anonymous": false, "138x": false, "1+38": false,
	} {
		if got := looksLikeNumber(s); got != want {
			t.Errorf("%q: %v", s, got)
		}
	}
}

func TestAttestation(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	caller := "+8613912345678"
	req := func(identity string) *sipmsg.Request {
		h := ""
		if identity != "" {
			h = "Identity: " + identity + "\n"
		}
		return parseRequest(t, "INVITE sip:1@r SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\nFrom: <sip:1@a>;tag=1\nTo: <sip:2@b>\nCall-ID: c\nCSeq: 1 INVITE\n"+h+"Content-Length: 0\n\n")
	}
	tests := []struct {
		name, verstat, identity, want string
	}{
		{"nothing", "", "", ""},
		{"verstat failed", "TN-Validation-Failed", "", "fail"},
		{"verstat failed, any case", "tn-validation-failed", "", "fail"},
		{"verstat passed", "TN-Validation-Passed", "", "pass"},
		{"no validation", "No-TN-Validation", "", ""},
		{"verstat decides over Identity", "TN-Validation-Passed", "garbage", "pass"},
		{"consistent PASSporT is unverified", "", passportToken("8613912345678", now.Unix()) + ";info=<https://c/x.cer>;alg=ES256;ppt=shaken", ""},
		{"orig with a plus", "", passportToken("+8613912345678", now.Unix()-30), ""},
		{"another orig", "", passportToken("8613700000000", now.Unix()), "fail"},
		{"stale", "", passportToken("8613912345678", now.Unix()-61), "fail"},
		{"from the future", "", passportToken("8613912345678", now.Unix()+61), "fail"},
		{"two parts", "", "eyJhbGciOiJub25lIn0.eyJpYXQiOjF9", "fail"},
		{"payload not base64", "", "a.!!!.c", "fail"},
		{"payload not JSON", "", "a.bm90IGpzb24.c", "fail"},
		{"no iat", "", "a.eyJvcmlnIjp7InRuIjoiMSJ9fQ.c", "fail"},
	}
	for _, tt := range tests {
		if got := attestation(req(tt.identity), tt.verstat, caller, now); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDisplayPrefixes(t *testing.T) {
	for _, c := range ringfence.Categories() {
		short, ok := shortLabels[c.Key]
		if !ok || short == "" {
			t.Errorf("category %s has no short label", c.Key)
			continue
		}
		if len([]rune(short)) > 3 {
			t.Errorf("short label %q of %s is longer than three characters", short, c.Key)
		}
		p := prefixFor(c.Key, false)
		want := "[骚扰·" + short + "] "
		if c.Benign {
			want = "[" + short + "] "
		}
		if p != want {
			t.Errorf("%s: prefix %q, want %q", c.Key, p, want)
		}
	}
	if got := prefixFor("loan", false); got != "[骚扰·贷款] " {
		t.Errorf("loan: %q", got)
	}
	if got := prefixFor("", true); got != prefixLeak {
		t.Errorf("leak: %q", got)
	}
	if got := prefixFor("", false); got != prefixSuspect {
		t.Errorf("no category: %q", got)
	}
}

func TestRedressProperty(t *testing.T) {
	tests := []struct{ in, prop, value string }{
		{"tel:12321", "tel", "tel:12321"},
		{"+86 10-12321", "tel", "tel:+861012321"},
		{"mailto:a@b.cn", "email", "a@b.cn"},
		{"a@b.cn", "email", "a@b.cn"},
		{"https://ringfence.example.cn/appeals", "url", "https://ringfence.example.cn/appeals"},
	}
	for _, tt := range tests {
		p, err := redressProperty(tt.in)
		if err != nil || p[0] != tt.prop || p[3] != tt.value {
			t.Errorf("%q: %v %v", tt.in, p, err)
		}
	}
	for _, bad := range []string{"", "call us", "ftp://x"} {
		if _, err := redressProperty(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
