package sip

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// callerOf returns the calling number as given (P-Asserted-Identity, else
// From) and the verstat of that identity (RFC 8224 verification status, as
// 3GPP TS 24.229 puts it in the URI), "" when there is none.
//
// When a P-Asserted-Identity is present the caller is the number it asserts
// and From is not read: From is written by the calling party and anyone can
// put any number in it (RFC 3325 §9.1). An asserted identity that names no
// number (anonymous, a user name, unreadable) makes the caller withheld, so
// a spoofed From neither passes screening nor makes a leak event against
// the number it names.
func callerOf(req *sipmsg.Request) (caller, verstat string) {
	asserted := false
	for _, h := range req.Headers() {
		if !isHeader(h, "P-Asserted-Identity", "") {
			continue
		}
		asserted = true
		for v := range strings.SplitSeq(h.Value(), ",") {
			var u sipmsg.Uri
			var params sipmsg.HeaderParams
			if _, err := sipmsg.ParseAddressValue(strings.TrimSpace(v), &u, &params); err != nil {
				continue
			}
			if n := uriNumber(&u); looksLikeNumber(n) {
				vs := uriVerstat(&u)
				if vs == "" {
					vs, _ = params.Get("verstat")
				}
				return n, vs
			}
		}
	}
	f := req.From()
	if f == nil || asserted {
		return "", ""
	}
	vs := uriVerstat(&f.Address)
	if vs == "" {
		vs, _ = f.Params.Get("verstat")
	}
	return uriNumber(&f.Address), vs
}

// looksLikeNumber reports whether s may be a telephone number in some
// notation: digits with an optional leading +, visual separators allowed.
// It tells a P-Asserted-Identity naming a number from one naming a user.
func looksLikeNumber(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '+' && i == 0, c == '-', c == '.', c == ' ', c == '(', c == ')':
		default:
			return false
		}
	}
	return n >= 3
}

// calleeOf returns the called number as given: the Request-URI's user part
// (or tel: number), else To's.
func calleeOf(req *sipmsg.Request) string {
	if n := uriNumber(&req.Recipient); n != "" {
		return n
	}
	if t := req.To(); t != nil {
		return uriNumber(&t.Address)
	}
	return ""
}

// isHeader reports whether h is named name or its compact form.
func isHeader(h sipmsg.Header, name, compact string) bool {
	n := h.Name()
	return strings.EqualFold(n, name) || compact != "" && strings.EqualFold(n, compact)
}

// uriNumber is the telephone number a URI names: the user part of a SIP
// URI or the number of a tel: URI, without parameters, percent-decoded.
func uriNumber(u *sipmsg.Uri) string {
	var s string
	switch u.Scheme {
	case "sip", "sips", "":
		s = u.User
	case "tel":
		s = u.Raw()
	default:
		return ""
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	if strings.IndexByte(s, '%') >= 0 {
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
	}
	return s
}

// uriVerstat finds a verstat parameter in a URI: among the user-part
// parameters of a SIP URI, its URI parameters, or a tel: URI's parameters.
func uriVerstat(u *sipmsg.Uri) string {
	var params string
	switch u.Scheme {
	case "tel":
		params = u.Raw()
	default:
		if v, ok := u.UriParams.Get("verstat"); ok {
			return v
		}
		params = u.User
	}
	for {
		i := strings.IndexByte(params, ';')
		if i < 0 {
			return ""
		}
		params = params[i+1:]
		kv := params
		if j := strings.IndexByte(kv, ';'); j >= 0 {
			kv = kv[:j]
		}
		if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(k, "verstat") {
			return v
		}
	}
}

// identityFreshness is how old (or how far ahead) a PASSporT's iat may be
// (RFC 8224 §6.2.1 recommends one minute).
const identityFreshness = time.Minute

// attestation is the STIR/SHAKEN status of the call for screening: "fail",
// "pass" or "" (none, or not verifiable here).
//
// A verstat parameter from the network's verification service decides.
// Without one, each Identity header (RFC 8224) is checked as far as it can
// be without the signer's certificate: a PASSporT that does not parse,
// names another calling number, or is stale fails; one that passes these
// checks is still unverified (""), since its signature is not checked.
func attestation(req *sipmsg.Request, verstat, callerE164 string, at time.Time) string {
	switch {
	case strings.EqualFold(verstat, "TN-Validation-Failed"):
		return "fail"
	case strings.EqualFold(verstat, "TN-Validation-Passed"):
		return "pass"
	case verstat != "":
		return "" // No-TN-Validation and anything unknown
	}
	for _, h := range req.Headers() {
		if isHeader(h, "Identity", "y") && !passportConsistent(h.Value(), callerE164, at) {
			return "fail"
		}
	}
	return ""
}

// passport is the part of a PASSporT (RFC 8225) checked here.
type passport struct {
	Orig struct {
		TN string `json:"tn"`
	} `json:"orig"`
	IAT int64 `json:"iat"`
}

// passportConsistent reports whether an Identity header value holds a
// well-formed PASSporT issued within identityFreshness of at whose
// originating number, when it names one, is callerE164.
func passportConsistent(value, callerE164 string, at time.Time) bool {
	token := strings.TrimSpace(value)
	if i := strings.IndexByte(token, ';'); i >= 0 {
		token = strings.TrimSpace(token[:i])
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var p passport
	if err := json.Unmarshal(raw, &p); err != nil {
		return false
	}
	if p.IAT == 0 {
		return false
	}
	if d := at.Sub(time.Unix(p.IAT, 0)); d > identityFreshness || d < -identityFreshness {
		return false
	}
	if p.Orig.TN == "" {
		return true // orig by URI: nothing to compare here
	}
	return digits(p.Orig.TN) == digits(callerE164)
}

// digits keeps the ASCII digits of s (RFC 8224 §8.3 canonical form).
func digits(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
