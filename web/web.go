// Package web is ringfence's web console: server-rendered pages for each
// role (subscriber, carrier and operator, regulator, organisation) in
// Chinese and English, served beside the API on the same port.
//
// The console holds no authority of its own. A visitor signs in with an API
// key; the key stays in a server-side session (memory only) and every
// action is an in-process request to the API handler carrying that key, so
// the API's role rules, rate limits, validation and audit apply unchanged.
// The few views the API has no route for (behaviour flags and their live
// stream, the calls screened for a subscriber, the alias pool's counts)
// read narrow interfaces declared here and check the role themselves.
//
// Pages use html/template (every value escaped), a vendored htmx and, only
// on pages that draw charts, a vendored ECharts; all files are embedded.
// Responses carry a strict Content-Security-Policy: no inline script.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"ringfence"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed i18n/*.json
var i18nFS embed.FS

// Patterns are the paths the console serves; everything else (/v1/...,
// /healthz, /metrics) stays the API's. Mount each on the API server.
var Patterns = []string{
	"/{$}", "/static/", "/signin", "/signout", "/lang",
	"/lookup", "/report", "/rules", "/rules/", "/aliases", "/aliases/", "/calls", "/evidence/",
	"/flags", "/flags/", "/appeals", "/appeals/", "/registry", "/registry/", "/pool",
	"/monthly", "/monthly.csv", "/attribution", "/verify",
	"/exports", "/deid",
}

// Authenticator checks an API key at sign-in (the engine's KeyService).
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (ringfence.Key, error)
}

// FlagSource lists behaviour-detection flags (the store's FlagStore).
type FlagSource interface {
	Flags(ctx context.Context, fn func(ringfence.Flag) error) error
}

// EventSource is the event log, followed for flags as they are raised.
type EventSource interface {
	Head(ctx context.Context) (int64, error)
	Subscribe(ctx context.Context, after int64, fn func(ringfence.Event) error) error
}

// CallSource lists screened calls (the store's CallStore).
type CallSource interface {
	Calls(ctx context.Context, from, to time.Time, fn func(ringfence.CallEvent) error) error
}

// PoolSource counts the alias pool.
type PoolSource interface {
	PoolStats() ringfence.PoolStats
}

// Limiter spends one request of a key's rate limit (the API server's).
type Limiter interface {
	Allow(k ringfence.Key) bool
}

// Config is what the console is built from.
type Config struct {
	// API is the API handler every action goes through, with the
	// signed-in key.
	API    http.Handler
	Auth   Authenticator
	Flags  FlagSource
	Events EventSource
	Calls  CallSource
	Pool   PoolSource
	// Limit charges the views that have no API route to the key's rate
	// limit; nil charges nothing.
	Limit  Limiter
	Logger *slog.Logger
	// Secure marks cookies Secure even on plain requests (the server sits
	// behind TLS); a request over TLS always gets Secure cookies.
	Secure bool
	// MaxUpload bounds an uploaded file (default 32 MiB).
	MaxUpload int64
	// Done ends the console's long-lived streams (server-sent events)
	// when the server shuts down.
	Done context.Context
}

// Console is the web console's handler.
type Console struct {
	cfg      Config
	mux      *http.ServeMux
	sessions *sessions
	pages    map[string]*template.Template
	cat      catalogues
	static   *staticFiles
	now      func() time.Time
	views    map[ringfence.Role][]string // the pages each role may open, as registered
}

// New builds the console; it fails only on a broken embedded file.
func New(cfg Config) (*Console, error) {
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 32 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Console{cfg: cfg, mux: http.NewServeMux(), now: time.Now}
	c.sessions = newSessions(c.now)
	var err error
	if c.cat, err = loadCatalogues(); err != nil {
		return nil, err
	}
	if c.pages, err = parsePages(c.cat); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	if c.static, err = newStaticFiles(sub); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

// role sets for the views; the API checks its own routes again.
var (
	allRoles   = []ringfence.Role{ringfence.RoleSubscriber, ringfence.RoleReporter, ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleRegulator, ringfence.RoleOrg}
	subRoles   = []ringfence.Role{ringfence.RoleSubscriber}
	flagRoles  = []ringfence.Role{ringfence.RoleOperator, ringfence.RoleCarrier, ringfence.RoleRegulator}
	apRoles    = []ringfence.Role{ringfence.RoleOperator, ringfence.RoleRegulator}
	regRoles   = []ringfence.Role{ringfence.RoleOperator, ringfence.RoleCarrier, ringfence.RoleRegulator}
	statRoles  = []ringfence.Role{ringfence.RoleRegulator, ringfence.RoleOperator}
	orgRoles   = []ringfence.Role{ringfence.RoleOrg}
	expRoles   = []ringfence.Role{ringfence.RoleOrg, ringfence.RoleOperator, ringfence.RoleRegulator}
	deidRoles  = []ringfence.Role{ringfence.RoleOrg, ringfence.RoleOperator}
	repRoles   = []ringfence.Role{ringfence.RoleSubscriber, ringfence.RoleReporter, ringfence.RoleCarrier, ringfence.RoleOperator}
	aliasRoles = []ringfence.Role{ringfence.RoleSubscriber}
)

func (c *Console) routes() {
	c.mux.Handle("GET /static/", c.static)
	c.mux.HandleFunc("GET /{$}", c.home)
	c.mux.HandleFunc("GET /signin", c.signinPage)
	c.mux.HandleFunc("POST /signin", c.signin)
	c.mux.HandleFunc("POST /signout", c.signout)
	c.mux.HandleFunc("GET /lang", c.setLang)

	c.page("GET /lookup", c.lookup, allRoles...)
	c.action("POST /report", c.report, repRoles...)
	c.page("GET /rules", c.rules, subRoles...)
	c.action("POST /rules/entry", c.addEntry, subRoles...)
	c.action("POST /rules/remove", c.removeEntry, subRoles...)
	c.action("POST /rules/settings", c.saveSettings, subRoles...)
	c.page("GET /aliases", c.aliases, aliasRoles...)
	c.action("POST /aliases/new", c.newAlias, aliasRoles...)
	c.page("GET /calls", c.calls, subRoles...)
	c.page("GET /evidence/{case}", c.evidence, ringfence.RoleSubscriber, ringfence.RoleRegulator, ringfence.RoleOperator)

	c.page("GET /flags", c.flags, flagRoles...)
	c.page("GET /flags/stream", c.flagStream, flagRoles...)
	c.page("GET /appeals", c.appeals, apRoles...)
	c.action("POST /appeals/{id}/{decision}", c.decide, ringfence.RoleOperator)
	c.page("GET /registry", c.registry, regRoles...)
	c.action("POST /registry/add", c.addBusiness, ringfence.RoleOperator)
	c.action("POST /registry/remove", c.removeBusiness, ringfence.RoleOperator)
	c.page("GET /pool", c.pool, ringfence.RoleOperator, ringfence.RoleCarrier, ringfence.RoleRegulator)

	c.page("GET /monthly", c.monthly, statRoles...)
	c.page("GET /monthly.csv", c.monthlyCSV, statRoles...)
	c.page("GET /attribution", c.attributionPage, statRoles...)
	c.action("POST /attribution", c.attribute, statRoles...)
	c.page("GET /verify", c.verifyPage, allRoles...)
	c.action("POST /verify", c.verify, allRoles...)

	c.page("GET /exports", c.exports, expRoles...)
	c.action("POST /exports", c.export, orgRoles...)
	c.page("GET /deid", c.deidPage, deidRoles...)
	c.action("POST /deid", c.deid, deidRoles...)
}

// ServeHTTP serves the console with its security headers.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	c.mux.ServeHTTP(w, r)
}

// home sends a visitor to the first page of its role, or to sign in.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	s := c.sessions.get(r)
	if s == nil {
		c.signinPage(w, r)
		return
	}
	http.Redirect(w, r, homeOf(s.key.Role), http.StatusSeeOther)
}

func homeOf(role ringfence.Role) string {
	switch role {
	case ringfence.RoleSubscriber, ringfence.RoleReporter:
		return "/lookup"
	case ringfence.RoleCarrier, ringfence.RoleOperator:
		return "/flags"
	case ringfence.RoleRegulator:
		return "/monthly"
	case ringfence.RoleOrg:
		return "/exports"
	}
	return "/lookup"
}
