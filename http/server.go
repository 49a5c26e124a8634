// Package http is ringfence's HTTP API: verdicts, reports, personal rules,
// the verified-business registry, appeals, statistics, keys with roles, rate
// limits, Prometheus metrics. Handlers translate requests into calls on a
// Service (narrow interfaces declared in service.go, which the engine
// implements); errors map to status codes in one place (Error).
package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ringfence"
	"ringfence/ledger"
)

// MaxBody is the largest JSON request body accepted.
const MaxBody = 64 << 10

// Server serves the API over a Service (the engine in ringfence).
type Server struct {
	Service Service
	Logger  *slog.Logger
	Limits  Limits
	// DeidKey is the master key for pseudonyms and format-preserving
	// encryption in POST /v1/deid; without it only mask and redact work.
	DeidKey []byte
	// Ledger is the disclosure ledger the server owns (exports,
	// attributions, evidence); nil when it keeps none.
	Ledger *ledger.Log
	// TempDir is where exports spool customer lists and salted copies:
	// a directory inside the data directory, emptied at start. Exports
	// are refused without one.
	TempDir string

	mux      *http.ServeMux
	limiter  *limiter
	registry *prometheus.Registry
	metrics  *metrics
	srv      *http.Server
	query    map[string][]string // query parameters by route (queryParams)
}

// Limits are per-key request rates by role: requests per second, and the
// burst allowed above it.
type Limits map[ringfence.Role]Rate

// Rate is a token-bucket rate.
type Rate struct {
	PerSecond float64
	Burst     float64
}

// DefaultLimits keep subscribers and reporters to human rates, which is what
// stops a stolen key from enumerating numbers, and let carriers and
// operators screen at network rates.
func DefaultLimits() Limits {
	return Limits{
		ringfence.RoleSubscriber: {5, 30},
		ringfence.RoleReporter:   {5, 30},
		ringfence.RoleRegulator:  {20, 100},
		ringfence.RoleOperator:   {1000, 5000},
		ringfence.RoleCarrier:    {200000, 400000},
		ringfence.RoleOrg:        {50, 200},
	}
}

// queryParams lists the query parameters each route takes. Any other is
// refused with 400, as is a parameter given twice: a typo ("calee") must
// not silently change what a request means. A route not listed takes none.
var queryParams = map[string][]string{
	"GET /v1/numbers/{number}": {"callee", "at"},
	"GET /v1/appeals":          {"status"},
	"GET /v1/stats/monthly":    {"month"},
	"GET /v1/stats/sources":    {"month", "by"},
	"GET /v1/audit":            {"limit"},
	"GET /v1/aliases":          {"subscriber"},
	"POST /v1/cdrs":            {"format"},
	"POST /v1/deid":            {"format", "encoding", "policy", "decrypt", "csv_raw", "org"},
	"POST /v1/exports":         {"recipient", "phone_column", "alias", "canaries", "csv_raw"},
	"POST /v1/attributions":    {"top"},
	"POST /v1/evidence/verify": {"key"},
}

// checkQuery refuses query parameters the route does not take.
func checkQuery(r *http.Request, allowed []string) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "query: %v", err)
	}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			takes := "takes no query parameters"
			if len(allowed) > 0 {
				takes = "takes " + strings.Join(allowed, ", ")
			}
			return ringfence.Errorf(ringfence.EINVALID, "query: unknown parameter %q (this endpoint %s)", name, takes)
		}
		if n := len(q[name]); n > 1 {
			return ringfence.Errorf(ringfence.EINVALID, "%s: given %d times; give it once", name, n)
		}
	}
	return nil
}

// NewServer returns a server with every route of the API.
func NewServer(e Service, logger *slog.Logger, limits Limits) *Server {
	s := &Server{Service: e, Logger: logger, Limits: limits, mux: http.NewServeMux(), registry: prometheus.NewRegistry(), query: maps.Clone(queryParams)}
	s.limiter = newLimiter(limits)
	s.metrics = newMetrics(s.registry, e)
	s.routes()
	return s
}

// ServeHTTP lets tests drive the server without a socket.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Serve serves on ln until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return s.srv.Shutdown(sctx)
	}
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r, nil); err != nil {
			Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "index": s.Service.IndexStats()})
	})
	s.healthRoutes()
	metrics := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
	s.mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r, nil); err != nil {
			Error(w, r, err)
			return
		}
		metrics.ServeHTTP(w, r)
	})
	all := []ringfence.Role{ringfence.RoleSubscriber, ringfence.RoleReporter, ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleRegulator, ringfence.RoleOrg}
	s.handle("GET /v1/numbers/{number}", s.getNumber, all...)
	s.handle("POST /v1/reports", s.postReport, ringfence.RoleSubscriber, ringfence.RoleReporter, ringfence.RoleCarrier, ringfence.RoleOperator)
	s.handle("GET /v1/rules/{subscriber}", s.getRules, ringfence.RoleSubscriber, ringfence.RoleOperator)
	s.handle("PUT /v1/rules/{subscriber}", s.putRules, ringfence.RoleSubscriber, ringfence.RoleOperator)
	s.handle("POST /v1/rules/{subscriber}/entries", s.postRuleEntry, ringfence.RoleSubscriber, ringfence.RoleOperator)
	s.handle("DELETE /v1/rules/{subscriber}/entries/{pattern}", s.deleteRuleEntry, ringfence.RoleSubscriber, ringfence.RoleOperator)
	s.handle("GET /v1/registry", s.getRegistry, ringfence.RoleOperator, ringfence.RoleCarrier, ringfence.RoleRegulator)
	s.handle("POST /v1/registry", s.postRegistry, ringfence.RoleOperator)
	s.handle("DELETE /v1/registry/{id}", s.deleteRegistry, ringfence.RoleOperator)
	s.handle("POST /v1/appeals", s.postAppeal, all...)
	s.handle("GET /v1/appeals", s.getAppeals, ringfence.RoleOperator, ringfence.RoleRegulator)
	s.handle("POST /v1/appeals/{id}/{decision}", s.decideAppeal, ringfence.RoleOperator)
	s.handle("GET /v1/stats/monthly", s.getMonthly, ringfence.RoleRegulator, ringfence.RoleOperator)
	s.handle("GET /v1/stats/sources", s.getSources, ringfence.RoleCarrier, ringfence.RoleRegulator)
	s.handle("GET /v1/audit", s.getAudit, ringfence.RoleOperator, ringfence.RoleRegulator)
	s.handle("DELETE /v1/keys/{id}", s.deleteKey, ringfence.RoleOperator)
	s.aliasRoutes()
	s.handle("POST /v1/cdrs", s.postCDRs, ringfence.RoleCarrier)
	s.handle("POST /v1/deid", s.postDeid, ringfence.RoleOrg, ringfence.RoleOperator)
	s.traceRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// A known path asked with another method is a 405 naming the
		// methods it has; anything else is a 404.
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := s.mux.Handler(probe); p != "/" && p != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": map[string]string{
				"code": "method_not_allowed", "message": r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(allow, ", ")}})
			return
		}
		Error(w, r, ringfence.Errorf(ringfence.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})
}

// handle registers an authenticated, rate-limited, role-checked handler.
func (s *Server) handle(pattern string, h func(http.ResponseWriter, *http.Request, ringfence.Key) error, roles ...ringfence.Role) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		k, err := s.authorize(r, roles)
		if err == nil {
			err = checkQuery(r, s.query[pattern])
		}
		if err == nil {
			err = h(sw, r, k)
		}
		if err != nil {
			Error(sw, r, err)
			var mbe *http.MaxBytesError
			if ringfence.ErrorCode(err) == ringfence.EINTERNAL && !errors.As(err, &mbe) {
				s.Logger.Error("request failed", "route", pattern, "key", k.ID, "err", err)
			}
		}
		s.metrics.observe(pattern, sw.status, time.Since(start))
	})
}

func (s *Server) authorize(r *http.Request, roles []ringfence.Role) (ringfence.Key, error) {
	auth := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || secret == "" {
		return ringfence.Key{}, ringfence.Errorf(ringfence.EUNAUTHORIZED, "missing Authorization: Bearer KEY")
	}
	k, err := s.Service.Authenticate(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return k, err
	}
	if !s.limiter.allow(k) {
		return k, ringfence.Errorf(ringfence.ERATELIMIT, "rate limit exceeded for this key; slow down")
	}
	for _, role := range roles {
		if k.Role == role {
			return k, nil
		}
	}
	return k, ringfence.Errorf(ringfence.EFORBIDDEN, "this key's role (%s) may not do this", k.Role)
}

// RetryUnavailable is the Retry-After, in seconds, of a 503 answered while
// the store is unavailable.
const RetryUnavailable = 2

// Error writes err as {"error":{"code","message"}} with the status of its
// code. This is the one place codes become HTTP statuses.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	code := ringfence.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code, err = ringfence.ETOOLARGE, ringfence.Errorf(ringfence.ETOOLARGE, "request body larger than %d bytes", mbe.Limit)
	}
	status := map[string]int{
		ringfence.EINVALID:      http.StatusBadRequest,
		ringfence.ENOTFOUND:     http.StatusNotFound,
		ringfence.ECONFLICT:     http.StatusConflict,
		ringfence.EUNAUTHORIZED: http.StatusUnauthorized,
		ringfence.EFORBIDDEN:    http.StatusForbidden,
		ringfence.ETOOLARGE:     http.StatusRequestEntityTooLarge,
		ringfence.ERATELIMIT:    http.StatusTooManyRequests,
		ringfence.EUNAVAILABLE:  http.StatusServiceUnavailable,
	}[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	switch code {
	case ringfence.ERATELIMIT:
		w.Header().Set("Retry-After", "1")
	case ringfence.EUNAVAILABLE:
		// The store is down or restarting: nothing was written.
		w.Header().Set("Retry-After", strconv.Itoa(RetryUnavailable))
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": ringfence.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decode reads a JSON body of at most MaxBody bytes into v. It refuses
// unknown fields, keys that match a field only in another case or are
// given twice (strictJSON), anything after the one JSON value, and values
// of the wrong type or form, naming the field at fault, so that nothing a
// client meant is silently dropped. Every handler decodes JSON with it.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return ringfence.Errorf(ringfence.EINVALID, "body: %v", err)
	}
	return decodeJSON(body, v)
}

func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return ringfence.Errorf(ringfence.EINVALID, "body: unexpected data after the JSON value (send exactly one JSON object)")
	}
	return strictJSON(body, reflect.TypeOf(v))
}

// jsonError turns a decoding error into an invalid-request error that
// names the field at fault.
func jsonError(body []byte, err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tm     *time.ParseError
		app    *ringfence.Error
	)
	switch {
	case errors.Is(err, io.EOF):
		return ringfence.Errorf(ringfence.EINVALID, "body: empty; want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return ringfence.Errorf(ringfence.EINVALID, "body: the JSON value is cut short")
	case errors.As(err, &syntax):
		return ringfence.Errorf(ringfence.EINVALID, "body: invalid JSON at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return ringfence.Errorf(ringfence.EINVALID, "%s: want %s, not a JSON %s", field, jsonKind(typ.Type), typ.Value)
	case errors.As(err, &tm):
		return ringfence.Errorf(ringfence.EINVALID, "%s: %q is not an RFC 3339 time (e.g. 2026-11-20T10:00:00+08:00)", fieldOf(body, tm.Value), tm.Value)
	case errors.As(err, &app):
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return ringfence.Errorf(ringfence.EINVALID, "body: unknown field %s", name)
	}
	return ringfence.Errorf(ringfence.EINVALID, "body: %s", msg)
}

func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct, reflect.Pointer:
		return "an object"
	}
	return "a " + t.String()
}

// fieldOf returns the path ("entries[0].until") of the first string value
// in body equal to value, or "body" when there is none: how a time that
// does not parse is named, since the decoder does not say where it was.
func fieldOf(body []byte, value string) string {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	next := func() { // a value ended
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "body"
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{wantKey: true})
			case '[':
				stack = append(stack, frame{array: true})
			default:
				stack = stack[:len(stack)-1]
				next()
			}
			continue
		case string:
			if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = t, false
				continue
			}
			if t == value && len(stack) > 0 {
				var sb strings.Builder
				for i, f := range stack {
					if f.array {
						fmt.Fprintf(&sb, "[%d]", f.index)
					} else {
						if i > 0 {
							sb.WriteByte('.')
						}
						sb.WriteString(f.key)
					}
				}
				return sb.String()
			}
		}
		next()
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
