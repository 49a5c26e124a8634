package web

import (
	"context"
	"crypto/tls"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"ringfence"
)

// fakeAuth knows one key per role, named by its secret, less those
// revoked.
type fakeAuth struct{ revoked map[string]bool }

func (a fakeAuth) Authenticate(_ context.Context, secret string) (ringfence.Key, error) {
	role, ok := strings.CutPrefix(secret, "key-")
	if !ok || a.revoked[secret] {
		return ringfence.Key{}, ringfence.Errorf(ringfence.EUNAUTHORIZED, "invalid API key")
	}
	k := ringfence.Key{ID: "k-" + role, Role: ringfence.Role(role)}
	if k.Role == ringfence.RoleSubscriber {
		k.Subscriber = "+8613800138000"
	}
	return k, nil
}

// recordingAPI answers every request with body, keeping the last request.
type recordingAPI struct {
	last   *http.Request
	status int
	body   string
}

func (a *recordingAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.last = r
	w.Header().Set("Content-Type", "application/json")
	if a.status != 0 {
		w.WriteHeader(a.status)
	}
	w.Write([]byte(a.body))
}

func newTestConsole(t *testing.T, api http.Handler) *Console {
	t.Helper()
	c, err := New(Config{API: api, Auth: fakeAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var tokenField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signinForm returns the sign-in page's token and its cookie.
func signinForm(t *testing.T, c *Console) (string, *http.Cookie) {
	t.Helper()
	w := httptest.NewRecorder()
	c.ServeHTTP(w, httptest.NewRequest("GET", "/signin", nil))
	m := tokenField.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("the sign-in form has no token:\n%s", w.Body)
	}
	for _, ck := range w.Result().Cookies() {
		if ck.Name == signinCookie {
			return m[1], ck
		}
	}
	t.Fatal("the sign-in page sets no token cookie")
	return "", nil
}

// signinRequest is the sign-in form's POST with key.
func signinRequest(t *testing.T, c *Console, key string) *http.Request {
	t.Helper()
	token, ck := signinForm(t, c)
	r := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"key": {key}, "csrf": {token}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(ck)
	return r
}

// signIn returns the session cookie of role.
func signIn(t *testing.T, c *Console, role string) *http.Cookie {
	t.Helper()
	w := httptest.NewRecorder()
	r := signinRequest(t, c, "key-"+role)
	c.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %s", role, w.Code, w.Body)
	}
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	t.Fatalf("sign in as %s: no session cookie", role)
	return nil
}

func csrfOf(t *testing.T, c *Console, ck *http.Cookie) string {
	t.Helper()
	c.sessions.mu.Lock()
	defer c.sessions.mu.Unlock()
	s := c.sessions.m[ck.Value]
	if s == nil {
		t.Fatal("no session")
	}
	return s.csrf
}

func TestCataloguesHaveTheSameKeysAndEveryKeyUsed(t *testing.T) {
	cat, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range languages {
		for _, other := range languages {
			for k := range cat[lang] {
				if _, ok := cat[other][k]; !ok {
					t.Errorf("%s has %q, %s has not", lang, k, other)
				}
			}
		}
		for k, v := range cat[lang] {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}
	// Keys named literally in templates and Go code.
	used := map[string]string{}
	lit := regexp.MustCompile(`\bt \$?\.L "([^"]+)"`)
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(p)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	gokey := regexp.MustCompile(`(?:c\.tr\(r, |c\.cat\.t\(lang, )"([^"]+)"\)`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range gokey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use; the patterns no longer match the code", len(used))
	}
	// Keys made from values.
	pages, _ := fs.Glob(templateFS, "templates/*.html")
	for _, p := range pages {
		if name := strings.TrimSuffix(filepath.Base(p), ".html"); name != "layout" {
			used["title."+name] = "page " + name
		}
	}
	for role, items := range navs {
		used["role."+string(role)] = "role"
		for _, it := range items {
			used[it.Key] = "nav"
		}
	}
	for _, l := range languages {
		used["lang."+l] = "languages"
	}
	for _, p := range reasonPatterns {
		used["reason."+p.name] = "reasons.go"
	}
	dynamic := map[string][]string{
		"action.":  {"allow", "label", "block", "none"},
		"entry.":   {"allow", "block", "label", "pass"},
		"type.":    {"mobile", "fixed_line", "service", "toll_free", "short_code", "international", ""},
		"kind.":    {"telemarketing", "robocall", "debt_collection", "call_bombing_target"},
		"outcome.": {"merchant", "stranger", "null", "quarantine"},
		"status.":  {"pending", "accepted", "rejected"},
		"op.":      {"mask", "redact", "pseudonym", "fpe"},
		"ok.":      {"reported", "saved", "removed", "alias", "decided"},
	}
	for prefix, vals := range dynamic {
		for _, v := range vals {
			used[prefix+v] = "dynamic"
		}
	}
	for k, where := range used {
		for _, lang := range languages {
			if _, ok := cat[lang][k]; !ok {
				t.Errorf("%s uses %q, missing from %s.json", where, k, lang)
			}
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{}`})
	ck := signIn(t, c, "subscriber")
	for _, path := range []string{"/", "/signin", "/static/console.js", "/lookup", "/rules", "/flags", "/nope"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(ck)
		c.ServeHTTP(w, r)
		h := w.Header()
		for name, want := range map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline or eval: %q", path, csp)
		}
	}
}

func TestNoInlineScriptInTemplates(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(?:[^>]*)>\s*[^<\s]|\son[a-z]+\s*=|javascript:`)
	pages, _ := fs.Glob(templateFS, "templates/*.html")
	for _, p := range pages {
		b, _ := templateFS.ReadFile(p)
		if m := inline.FindString(string(b)); m != "" {
			t.Errorf("%s: inline script or handler %q", p, m)
		}
	}
}

func TestSessionCookieAndSignOut(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tls, flag  bool
		wantSecure bool
	}{
		{"plain", false, false, false},
		{"over TLS", true, false, true},
		{"behind TLS", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(Config{API: &recordingAPI{body: `{}`}, Auth: fakeAuth{}, Secure: tc.flag})
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			r := signinRequest(t, c, "key-operator")
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			c.ServeHTTP(w, r)
			var ck *http.Cookie
			for _, x := range w.Result().Cookies() {
				if x.Name == sessionCookie {
					ck = x
				}
			}
			if ck == nil {
				t.Fatalf("no session cookie: %d %s", w.Code, w.Body)
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure != tc.wantSecure || ck.MaxAge != 12*3600 {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Secure=%v, 12 h", ck, tc.wantSecure)
			}
			if loc := w.Header().Get("Location"); loc != "/flags" {
				t.Errorf("an operator lands on %q, want /flags", loc)
			}
			// Sign-out without the CSRF token is refused and keeps the session.
			get := func() int {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/registry", nil)
				r.AddCookie(ck)
				c.ServeHTTP(w, r)
				return w.Code
			}
			post := func(body string) int {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("POST", "/signout", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.AddCookie(ck)
				c.ServeHTTP(w, r)
				return w.Code
			}
			if code := post("csrf=wrong"); code != http.StatusForbidden {
				t.Errorf("sign-out with a wrong token: %d, want 403", code)
			}
			if code := get(); code != http.StatusOK {
				t.Errorf("after a refused sign-out: %d, want 200", code)
			}
			if code := post("csrf=" + csrfOf(t, c, ck)); code != http.StatusSeeOther {
				t.Errorf("sign-out: %d, want 303", code)
			}
			if code := get(); code != http.StatusSeeOther {
				t.Errorf("the revoked session still opens a page: %d", code)
			}
		})
	}
}

func TestSessionExpiresAfter12Hours(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{"businesses":[]}`})
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	c.sessions.now = func() time.Time { return now }
	ck := signIn(t, c, "operator")
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{{11*time.Hour + 59*time.Minute, http.StatusOK}, {12 * time.Hour, http.StatusSeeOther}} {
		c.sessions.now = func() time.Time { return now.Add(tc.after) }
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/registry", nil)
		r.AddCookie(ck)
		c.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("after %v: %d, want %d", tc.after, w.Code, tc.want)
		}
	}
}

func TestEveryPostNeedsTheSessionsCSRFToken(t *testing.T) {
	api := &recordingAPI{body: `{}`}
	c := newTestConsole(t, api)
	ck := signIn(t, c, "operator")
	other := signIn(t, c, "operator")
	for _, path := range []string{"/report", "/appeals/1/accept", "/registry/add", "/registry/remove", "/attribution", "/verify", "/deid", "/signout"} {
		for _, tc := range []struct {
			name  string
			token string
		}{{"none", ""}, {"another session's", csrfOf(t, c, other)}} {
			api.last = nil
			w := httptest.NewRecorder()
			r := httptest.NewRequest("POST", path, strings.NewReader(url.Values{"csrf": {tc.token}, "number": {"17100001234"}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.AddCookie(ck)
			c.ServeHTTP(w, r)
			if w.Code != http.StatusForbidden || api.last != nil {
				t.Errorf("POST %s with %s token: %d (API reached: %v), want 403 and no API call", path, tc.name, w.Code, api.last != nil)
			}
		}
	}
	// A POST from another site's page is refused even with the token.
	w0 := httptest.NewRecorder()
	r0 := httptest.NewRequest("POST", "/report", strings.NewReader(url.Values{"csrf": {csrfOf(t, c, ck)}, "number": {"17100001234"}}.Encode()))
	r0.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r0.Header.Set("Origin", "https://evil.example")
	r0.AddCookie(ck)
	c.ServeHTTP(w0, r0)
	if w0.Code != http.StatusForbidden || api.last != nil {
		t.Errorf("POST from another origin: %d (API reached: %v)", w0.Code, api.last != nil)
	}
	// With the token the action reaches the API, with the session's key.
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/appeals/1/accept", strings.NewReader(url.Values{"csrf": {csrfOf(t, c, ck)}, "note": {"ok"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(ck)
	c.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || api.last == nil {
		t.Fatalf("accept with the token: %d %s", w.Code, w.Body)
	}
	if got := api.last.Header.Get("Authorization"); got != "Bearer key-operator" {
		t.Errorf("the API was called with %q, want the signed-in key", got)
	}
	if api.last.URL.Path != "/v1/appeals/1/accept" {
		t.Errorf("the API was called at %s", api.last.URL.Path)
	}
}

func TestRolesSeeOnlyTheirPages(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{}`})
	for _, tc := range []struct {
		role, path string
		want       int
	}{
		{"subscriber", "/rules", http.StatusOK},
		{"subscriber", "/flags", http.StatusForbidden},
		{"subscriber", "/monthly", http.StatusForbidden},
		{"org", "/rules", http.StatusForbidden},
		{"operator", "/rules", http.StatusForbidden},
		{"reporter", "/registry", http.StatusForbidden},
		{"carrier", "/flags", http.StatusOK},
		{"org", "/flags", http.StatusForbidden},
		{"regulator", "/deid", http.StatusForbidden},
	} {
		ck := signIn(t, c, tc.role)
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", tc.path, nil)
		r.AddCookie(ck)
		c.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s GET %s: %d, want %d", tc.role, tc.path, w.Code, tc.want)
		}
	}
}

func TestLanguageFromAcceptLanguageThenTheSwitch(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{}`})
	for _, tc := range []struct {
		accept, cookie, want string
	}{
		{"", "", "登录"},
		{"en-US,en;q=0.9", "", "Sign in"},
		{"fr-FR, en;q=0.5", "", "Sign in"},
		{"zh-TW", "", "登录"},
		{"en;q=0.1, zh-CN;q=0.9", "", "登录"},
		{"zh-CN;q=0.2, en-GB;q=0.8", "", "Sign in"},
		{"en;q=0", "", "登录"},
		{"en", "zh-CN", "登录"},
		{"zh-CN", "en", "Sign in"},
		{"zh-CN", "xx", "登录"},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", tc.accept)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: langCookie, Value: tc.cookie})
		}
		c.ServeHTTP(w, r)
		if !strings.Contains(w.Body.String(), "<h1>"+tc.want+"</h1>") {
			t.Errorf("Accept-Language %q, cookie %q: want %q", tc.accept, tc.cookie, tc.want)
		}
	}
	// The switch goes back only to a page of this site.
	for _, tc := range []struct{ back, want string }{{"/rules", "/rules"}, {"/lookup?number=95588", "/lookup?number=95588"}, {"//evil.example/", "/"}, {"https://evil.example/", "/"}, {"/\\evil", "/"},
		// Browsers drop tabs and line breaks from a Location: these
		// would become //evil.example.
		{"/\t/evil.example", "/"}, {"/\n/evil.example", "/"}, {"/\r\n/evil.example", "/"}, {"/ /evil.example", "/"}, {"/%2F/evil.example", "/"}} {
		w := httptest.NewRecorder()
		c.ServeHTTP(w, httptest.NewRequest("GET", "/lang?to=en&back="+url.QueryEscape(tc.back), nil))
		if loc := w.Header().Get("Location"); loc != tc.want {
			t.Errorf("back=%q: Location %q, want %q", tc.back, loc, tc.want)
		}
	}
}

func TestUserValuesAreEscaped(t *testing.T) {
	hostile := `<img src=x onerror=alert(1)>`
	api := &recordingAPI{body: `{"appeals":[{"id":7,"number":"+8616512340000","business":"` + `<b>x</b>` + `","reason":"` + hostile + `","status":"pending","filed_by":"k","created_at":"2026-11-01T00:00:00Z"}]}`}
	c := newTestConsole(t, api)
	ck := signIn(t, c, "operator")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/appeals", nil)
	r.AddCookie(ck)
	c.ServeHTTP(w, r)
	body := w.Body.String()
	if strings.Contains(body, hostile) || strings.Contains(body, "<b>x</b>") {
		t.Fatalf("a user value is in the page unescaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the note is not shown as text")
	}
}

func TestAPIRefusalIsShownWithItsStatus(t *testing.T) {
	api := &recordingAPI{status: http.StatusTooManyRequests, body: `{"error":{"code":"rate_limited","message":"rate limit exceeded for this key; slow down"}}`}
	c := newTestConsole(t, api)
	ck := signIn(t, c, "regulator")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/registry", nil)
	r.AddCookie(ck)
	c.ServeHTTP(w, r)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "rate limit exceeded") {
		t.Errorf("a rate-limited call: %d %s", w.Code, w.Body)
	}
	// The kind of refusal is said in the page's language, by its code.
	if !strings.Contains(w.Body.String(), "请求过于频繁") {
		t.Errorf("the refusal is not said in Chinese: %s", w.Body)
	}
}

func TestStaticFilesAreGzippedAndEChartsOnlyWhereDrawn(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{"businesses":[],"total_reports":0}`})
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/static/vendor/htmx.min.js", nil)
	r.Header.Set("Accept-Encoding", "gzip, br")
	c.ServeHTTP(w, r)
	if w.Header().Get("Content-Encoding") != "gzip" || w.Body.Len() > 20000 {
		t.Errorf("htmx: encoding %q, %d bytes", w.Header().Get("Content-Encoding"), w.Body.Len())
	}
	ck := signIn(t, c, "operator")
	for path, charts := range map[string]bool{"/registry": false, "/monthly": true, "/flags": true, "/pool": false} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(ck)
		c.ServeHTTP(w, r)
		if got := strings.Contains(w.Body.String(), "echarts.min.js"); got != charts {
			t.Errorf("%s loads ECharts: %v, want %v", path, got, charts)
		}
	}
	if !slices.Contains(Patterns, "/static/") {
		t.Error("static files are not mounted")
	}
}

func TestSignInNeedsItsFormsToken(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{}`})
	token, ck := signinForm(t, c)
	for _, tc := range []struct {
		name   string
		token  string
		cookie bool
		origin string
		want   int
	}{
		{"no token", "", true, "", http.StatusForbidden},
		{"no cookie", token, false, "", http.StatusForbidden},
		{"another token", "x" + token, true, "", http.StatusForbidden},
		{"another site", token, true, "https://evil.example", http.StatusForbidden},
		{"this site", token, true, "http://example.com", http.StatusSeeOther},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"key": {"key-operator"}, "csrf": {tc.token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.cookie {
			r.AddCookie(ck)
		}
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		c.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.want)
		}
	}
	// A wrong key is refused without a session.
	w := httptest.NewRecorder()
	c.ServeHTTP(w, signinRequest(t, c, "wrong"))
	if w.Code != http.StatusUnauthorized || len(c.sessions.m) != 1 {
		t.Errorf("a wrong key: %d, %d sessions", w.Code, len(c.sessions.m))
	}
}

func TestARevokedKeyEndsItsSessions(t *testing.T) {
	auth := fakeAuth{revoked: map[string]bool{}}
	c, err := New(Config{API: &recordingAPI{body: `{}`}, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	ck := signIn(t, c, "carrier")
	open := func() int {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/pool", nil)
		r.AddCookie(ck)
		c.ServeHTTP(w, r)
		return w.Code
	}
	if code := open(); code != http.StatusOK {
		t.Fatalf("before revocation: %d", code)
	}
	auth.revoked["key-carrier"] = true
	if code := open(); code != http.StatusSeeOther {
		t.Errorf("after revocation the pool page answers %d, want 303 to sign in", code)
	}
	delete(auth.revoked, "key-carrier")
	if code := open(); code != http.StatusSeeOther {
		t.Errorf("the ended session came back: %d", code)
	}
}

// budget allows n requests in all.
type budget struct{ n int }

func (b *budget) Allow(ringfence.Key) bool { b.n--; return b.n >= 0 }

func TestViewsWithoutAnAPIRouteSpendTheKeysRate(t *testing.T) {
	for _, path := range []string{"/pool", "/flags", "/calls"} {
		role := "operator"
		if path == "/calls" {
			role = "subscriber"
		}
		b := &budget{n: 2}
		c, err := New(Config{API: &recordingAPI{body: `{}`}, Auth: fakeAuth{}, Limit: b})
		if err != nil {
			t.Fatal(err)
		}
		ck := signIn(t, c, role)
		var codes []int
		for range 3 {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", path, nil)
			r.AddCookie(ck)
			c.ServeHTTP(w, r)
			codes = append(codes, w.Code)
		}
		if !slices.Equal(codes, []int{200, 200, 429}) {
			t.Errorf("%s with a budget of 2: %v, want 200 200 429", path, codes)
		}
	}
}

// TestMenusListEveryPageOfTheRole: each page a role may open (its stream,
// downloads and evidence cases aside) is in that role's menu, and the
// menu links nothing the role may not open.
func TestMenusListEveryPageOfTheRole(t *testing.T) {
	c := newTestConsole(t, &recordingAPI{body: `{}`})
	for role, views := range c.views {
		menu := map[string]bool{}
		for _, n := range navs[role] {
			menu[n.Path] = true
		}
		may := map[string]bool{}
		for _, v := range views {
			may[v] = true
			if strings.Contains(v, "{") || strings.HasSuffix(v, "/stream") || strings.HasSuffix(v, ".csv") {
				continue
			}
			if !menu[v] {
				t.Errorf("%s may open %s, which its menu does not list", role, v)
			}
		}
		for p := range menu {
			if !may[p] {
				t.Errorf("%s's menu lists %s, which it may not open", role, p)
			}
		}
	}
	if len(c.views) < 6 {
		t.Errorf("pages registered for %d roles", len(c.views))
	}
}
