package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"ringfence"
)

// navItem is one link of a role's menu.
type navItem struct {
	Path, Key string
}

// navs are the menus by role, first page first.
var navs = map[ringfence.Role][]navItem{
	ringfence.RoleSubscriber: {{"/lookup", "nav.lookup"}, {"/rules", "nav.rules"}, {"/aliases", "nav.aliases"}, {"/calls", "nav.calls"}, {"/verify", "nav.verify"}},
	ringfence.RoleReporter:   {{"/lookup", "nav.lookup"}, {"/verify", "nav.verify"}},
	ringfence.RoleCarrier:    {{"/flags", "nav.flags"}, {"/registry", "nav.registry"}, {"/pool", "nav.pool"}, {"/lookup", "nav.lookup"}, {"/verify", "nav.verify"}},
	ringfence.RoleOperator: {{"/flags", "nav.flags"}, {"/appeals", "nav.appeals"}, {"/registry", "nav.registry"}, {"/pool", "nav.pool"}, {"/lookup", "nav.lookup"}, {"/monthly", "nav.monthly"},
		{"/attribution", "nav.attribution"}, {"/exports", "nav.exports"}, {"/deid", "nav.deid"}, {"/verify", "nav.verify"}},
	ringfence.RoleRegulator: {{"/monthly", "nav.monthly"}, {"/attribution", "nav.attribution"}, {"/verify", "nav.verify"}, {"/appeals", "nav.appeals"}, {"/registry", "nav.registry"}, {"/flags", "nav.flags"},
		{"/exports", "nav.exports"}, {"/pool", "nav.pool"}, {"/lookup", "nav.lookup"}},
	ringfence.RoleOrg: {{"/exports", "nav.exports"}, {"/deid", "nav.deid"}, {"/lookup", "nav.lookup"}, {"/verify", "nav.verify"}},
}

// view is what every page template gets.
type view struct {
	L      string // language
	Page   string
	Path   string
	Back   string // the page with its query, for the language switch
	Role   string
	Who    string // the key's id, and its subscriber or organisation
	CSRF   string
	Nav    []navItem
	Langs  []string
	Charts bool // the page loads ECharts
	Error  string
	Flash  string
	D      any
}

func parsePages(cat catalogues) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"t":      cat.t,
		"cat":    categoryLabel,
		"reason": cat.reason,
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(chinaTime).Format("2006-01-02 15:04")
		},
		"list":  func(xs ...string) []string { return xs },
		"pct":   func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" },
		"score": func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+e.Name())
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

var chinaTime = time.FixedZone("CST", 8*3600)

// render writes page with data d, wrapped in the layout.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, status int, page string, d any) {
	v := view{L: c.lang(r), Page: page, Path: r.URL.Path, Back: r.URL.RequestURI(), Langs: languages, D: d}
	if r.Method != http.MethodGet {
		v.Back = r.URL.Path
	}
	if m, ok := d.(map[string]any); ok {
		if e, ok := m["Error"].(string); ok {
			v.Error = e
		}
		if f, ok := m["Flash"].(string); ok {
			v.Flash = f
		}
		if ch, ok := m["Charts"].(bool); ok {
			v.Charts = ch
		}
	}
	if s != nil {
		v.Role, v.CSRF, v.Nav = string(s.key.Role), s.csrf, navs[s.key.Role]
		v.Who = s.key.ID
		if s.key.Subscriber != "" {
			v.Who += " · " + s.key.Subscriber
		}
		if s.key.Org != "" {
			v.Who += " · " + s.key.Org
		}
	}
	t := c.pages[page]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.cfg.Logger.Error("console template", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeMaybeGzip(w, r, status, buf.Bytes())
}

// fail shows an error page with msg.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	c.render(w, r, s, status, "error", map[string]any{"Error": msg})
}

// failAPI shows what the API refused, with its status.
func (c *Console) failAPI(w http.ResponseWriter, r *http.Request, s *session, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		c.fail(w, r, s, ae.Status, c.apiRefusal(r, ae))
		return
	}
	c.cfg.Logger.Error("console", "path", r.URL.Path, "err", err)
	c.fail(w, r, s, http.StatusInternalServerError, c.tr(r, "error.internal"))
}

// apiRefusal says why the API refused, in the page's language: what kind
// of refusal (by its error code) and then the API's own detail, which
// names the field or the record (in English: the API's words).
func (c *Console) apiRefusal(r *http.Request, ae *apiError) string {
	lang := c.lang(r)
	kind, ok := c.cat[lang]["error.code."+ae.Code]
	if !ok {
		kind = c.cat.t(lang, "error.api")
	}
	return kind + c.cat.t(lang, "error.detail") + ae.Message
}

func writeMaybeGzip(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if len(body) > 1024 && acceptsGzip(r) {
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestSpeed)
		zw.Write(body)
		zw.Close()
		h.Set("Content-Encoding", "gzip")
		body = zb.Bytes()
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if strings.TrimSpace(strings.SplitN(part, ";", 2)[0]) == "gzip" {
			return true
		}
	}
	return false
}

// staticFiles serves the embedded static files, gzipped once at start,
// with a content hash as ETag.
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	ctype     string
	plain, gz []byte
	etag      string
}

func newStaticFiles(fsys fs.FS) (*staticFiles, error) {
	sf := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(p) == "VERSIONS" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		sf.files["/static/"+p] = staticFile{ctype: ctype, plain: b, gz: zb.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	return sf, err
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := sf.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Add("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.plain
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// apiError is what the API refused: its status, code and message.
type apiError struct {
	Status        int
	Code, Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// apiResponse is a buffered answer of the API.
type apiResponse struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (a *apiResponse) Header() http.Header         { return a.header }
func (a *apiResponse) Write(b []byte) (int, error) { return a.body.Write(b) }
func (a *apiResponse) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

// call sends one request to the API in process, as the session's key: the
// API authenticates it, checks its role and rate, and audits it as it
// would any client's.
func (c *Console) call(r *http.Request, s *session, method, target string, body io.Reader, ctype string) (*apiResponse, error) {
	req, err := http.NewRequestWithContext(r.Context(), method, target, body)
	if err != nil {
		return nil, err
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Authorization", "Bearer "+s.secret)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if body == nil {
		req.ContentLength = 0
	}
	res := &apiResponse{header: http.Header{}}
	c.cfg.API.ServeHTTP(res, req)
	if res.status == 0 {
		res.status = http.StatusOK
	}
	if res.status >= 400 {
		ae := &apiError{Status: res.status}
		var e struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(res.body.Bytes(), &e) == nil {
			var obj struct{ Code, Message string }
			var str string
			if json.Unmarshal(e.Error, &obj) == nil {
				ae.Code, ae.Message = obj.Code, obj.Message
			} else if json.Unmarshal(e.Error, &str) == nil {
				ae.Message = str
			}
		}
		if ae.Message == "" {
			ae.Message = http.StatusText(res.status)
		}
		return res, ae
	}
	return res, nil
}

// getJSON GETs target from the API into v.
func (c *Console) getJSON(r *http.Request, s *session, target string, v any) error {
	res, err := c.call(r, s, http.MethodGet, target, nil, "")
	if err != nil {
		return err
	}
	return json.Unmarshal(res.body.Bytes(), v)
}

// sendJSON sends in as JSON to target and decodes the answer into out
// (when not nil).
func (c *Console) sendJSON(r *http.Request, s *session, method, target string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	res, err := c.call(r, s, method, target, bytes.NewReader(b), "application/json")
	if err != nil {
		return err
	}
	if out == nil || res.body.Len() == 0 {
		return nil
	}
	return json.Unmarshal(res.body.Bytes(), out)
}

// back redirects to a page with a message key in the query, shown once.
func back(w http.ResponseWriter, r *http.Request, to, flash string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"ok="+flash, http.StatusSeeOther)
}

// flash is the message key a redirect named, if the catalogue has it.
func (c *Console) flash(r *http.Request) string {
	k := r.URL.Query().Get("ok")
	if k == "" {
		return ""
	}
	if s, ok := c.cat[c.lang(r)]["ok."+k]; ok {
		return s
	}
	return ""
}
