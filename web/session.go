package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"ringfence"
)

// SessionTTL is how long a session lasts after sign-in.
const SessionTTL = 12 * time.Hour

const (
	sessionCookie = "rf_session"
	langCookie    = "rf_lang"
	signinCookie  = "rf_signin"
)

// session is one signed-in visitor: the key it signed in with, kept only in
// memory, and the CSRF token its forms carry.
type session struct {
	id      string
	key     ringfence.Key
	secret  string
	csrf    string
	expires time.Time
}

// sessions is the server-side session table, keyed by a random id.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	now func() time.Time
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{m: map[string]*session{}, now: now}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for k and returns it.
func (ss *sessions) create(k ringfence.Key, secret string) *session {
	s := &session{id: randomToken(), key: k, secret: secret, csrf: randomToken(), expires: ss.now().Add(SessionTTL)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for id, old := range ss.m { // expired sessions go when new ones come
		if !ss.now().Before(old.expires) {
			delete(ss.m, id)
		}
	}
	ss.m[s.id] = s
	return s
}

// get returns the live session of r's cookie, or nil.
func (ss *sessions) get(r *http.Request) *session {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[ck.Value]
	if s == nil {
		return nil
	}
	if !ss.now().Before(s.expires) {
		delete(ss.m, s.id)
		return nil
	}
	return s
}

// live reports whether s is still a session of the table, unexpired.
func (ss *sessions) live(s *session) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.m[s.id] == s && ss.now().Before(s.expires)
}

// revoke ends a session.
func (ss *sessions) revoke(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// validCSRF reports whether the form's token is the session's.
func (s *session) validCSRF(r *http.Request) bool {
	got := r.PostFormValue("csrf")
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

func (c *Console) secure(r *http.Request) bool { return c.cfg.Secure || r.TLS != nil }

func (c *Console) setSessionCookie(w http.ResponseWriter, r *http.Request, s *session) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: s.id, Path: "/", Expires: s.expires, MaxAge: int(SessionTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure(r),
	})
}

func (c *Console) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure(r)})
}

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	c.renderSignin(w, r, http.StatusOK, "")
}

// renderSignin shows the sign-in form with a fresh token, also set in a
// cookie: the form is accepted only with both the same (there is no
// session yet to hold it), so no other site can sign a visitor in.
func (c *Console) renderSignin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: token, Path: "/signin", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure(r)})
	d := map[string]any{"Token": token}
	if msg != "" {
		d["Error"] = msg
	}
	c.render(w, r, nil, status, "signin", d)
}

// sameOrigin refuses a POST whose Origin names another site: a second
// lock beside the tokens and SameSite=Strict cookies. Under the console's
// Referrer-Policy (no-referrer) browsers send "Origin: null" with its own
// forms, which names no site and is left to the tokens.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// signin exchanges an API key for a session. The key is checked by the
// same Authenticate the API uses; a wrong key says only that it is wrong.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	ck, err := r.Cookie(signinCookie)
	if err != nil || ck.Value == "" || !sameOrigin(r) ||
		subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		c.renderSignin(w, r, http.StatusForbidden, c.tr(r, "error.csrf"))
		return
	}
	secret := strings.TrimSpace(r.PostFormValue("key"))
	if secret == "" {
		c.renderSignin(w, r, http.StatusBadRequest, c.tr(r, "signin.empty"))
		return
	}
	k, err := c.cfg.Auth.Authenticate(r.Context(), secret)
	if err != nil {
		status := http.StatusUnauthorized
		msg := c.tr(r, "signin.bad")
		if ringfence.ErrorCode(err) == ringfence.EINTERNAL {
			status, msg = http.StatusInternalServerError, c.tr(r, "error.internal")
			c.cfg.Logger.Error("console sign-in", "err", err)
		}
		c.renderSignin(w, r, status, msg)
		return
	}
	if old := c.sessions.get(r); old != nil {
		c.sessions.revoke(old.id)
	}
	s := c.sessions.create(k, secret)
	c.setSessionCookie(w, r, s)
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: "", Path: "/signin", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure(r)})
	http.Redirect(w, r, homeOf(k.Role), http.StatusSeeOther)
}

// signout revokes the session (its CSRF token required, so no other site
// can sign a visitor out).
func (c *Console) signout(w http.ResponseWriter, r *http.Request) {
	s := c.sessions.get(r)
	if s != nil {
		if !s.validCSRF(r) {
			c.fail(w, r, s, http.StatusForbidden, c.tr(r, "error.csrf"))
			return
		}
		c.sessions.revoke(s.id)
	}
	c.clearSessionCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// setLang remembers the language chosen and goes back to a local page.
func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("to")
	if _, ok := c.cat[lang]; !ok {
		lang = defaultLang
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.secure(r)})
	back := r.URL.Query().Get("back")
	if !localPath(back) {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// page registers a GET view for signed-in roles.
func (c *Console) page(pattern string, h func(http.ResponseWriter, *http.Request, *session), roles ...ringfence.Role) {
	if path, ok := strings.CutPrefix(pattern, "GET "); ok {
		if c.views == nil {
			c.views = map[ringfence.Role][]string{}
		}
		for _, role := range roles {
			c.views[role] = append(c.views[role], path)
		}
	}
	c.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.allowed(w, r, roles)
		if !ok {
			return
		}
		h(w, r, s)
	})
}

// action registers a POST for signed-in roles; its CSRF token is checked
// before anything else is read.
func (c *Console) action(pattern string, h func(http.ResponseWriter, *http.Request, *session), roles ...ringfence.Role) {
	c.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.allowed(w, r, roles)
		if !ok {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, c.cfg.MaxUpload)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			// Held in memory whole (the body is capped below the
			// limit), never spooled to the system's temporary
			// directory: uploads are personal data.
			if err := r.ParseMultipartForm(c.cfg.MaxUpload + 1); err != nil {
				c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.upload"))
				return
			}
		}
		if !s.validCSRF(r) {
			c.fail(w, r, s, http.StatusForbidden, c.tr(r, "error.csrf"))
			return
		}
		h(w, r, s)
	})
}

func (c *Console) allowed(w http.ResponseWriter, r *http.Request, roles []ringfence.Role) (*session, bool) {
	s := c.sessions.get(r)
	if s != nil {
		// The key is checked again on every request, so a revoked key
		// ends its sessions at once (fail closed).
		k, err := c.cfg.Auth.Authenticate(r.Context(), s.secret)
		if err != nil {
			c.sessions.revoke(s.id)
			if ringfence.ErrorCode(err) == ringfence.EINTERNAL {
				c.cfg.Logger.Error("console authentication", "err", err)
				c.fail(w, r, nil, http.StatusInternalServerError, c.tr(r, "error.internal"))
				return nil, false
			}
			s = nil
		} else {
			s.key = k
		}
	}
	if s == nil {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/", http.StatusSeeOther)
		} else {
			c.renderSignin(w, r, http.StatusUnauthorized, c.tr(r, "signin.expired"))
		}
		return nil, false
	}
	if r.Method == http.MethodPost && !sameOrigin(r) {
		c.fail(w, r, s, http.StatusForbidden, c.tr(r, "error.csrf"))
		return nil, false
	}
	for _, role := range roles {
		if s.key.Role == role {
			return s, true
		}
	}
	c.fail(w, r, s, http.StatusForbidden, c.tr(r, "error.role"))
	return nil, false
}

// localPath reports whether back is a path on this site to send a visitor
// back to: it starts with one "/", names no scheme or host, and holds no
// backslash or control character (browsers drop tabs and line breaks from
// URLs, so "/\t/evil.com" would become "//evil.com").
func localPath(back string) bool {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		return false
	}
	for _, r := range back {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	u, err := url.Parse(back)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(u.Path, "//")
}

// signedIn reports whether s is still signed in: its session not ended
// or expired, its key not revoked. A stream checks it as it goes.
func (c *Console) signedIn(ctx context.Context, s *session) bool {
	if !c.sessions.live(s) {
		return false
	}
	if _, err := c.cfg.Auth.Authenticate(ctx, s.secret); err != nil {
		c.sessions.revoke(s.id)
		return false
	}
	return true
}
