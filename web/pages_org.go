package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
)

// exportRow is an export as GET /v1/exports lists it.
type exportRow struct {
	Org         string    `json:"org"`
	Recipient   string    `json:"recipient"`
	ExportID    string    `json:"export_id"`
	LedgerEntry int64     `json:"ledger_entry"`
	Time        time.Time `json:"time"`
	Rows        int       `json:"rows"`
}

// exports lists the organisation's exports (an operator or regulator sees
// all) with their ledger entries, and the form to salt a new one.
func (c *Console) exports(w http.ResponseWriter, r *http.Request, s *session) {
	var list struct {
		Exports []exportRow `json:"exports"`
	}
	if err := c.getJSON(r, s, "/v1/exports", &list); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "exports", map[string]any{"Exports": list.Exports, "CanExport": s.key.Org != ""})
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName is name made safe for Content-Disposition, with prefix.
func fileName(prefix, name, ext string) string {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name))
	base = strings.Trim(unsafeName.ReplaceAllString(base, "_"), "_.")
	if base == "" {
		base = "list"
	}
	return prefix + base + ext
}

// export salts an uploaded customer list for a recipient through the API
// and sends the salted copy back as a download; the export is in the
// ledger before the first byte goes out, or nothing is.
func (c *Console) export(w http.ResponseWriter, r *http.Request, s *session) {
	body, name, err := upload(r, "list")
	if err != nil || len(body) == 0 {
		c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.nofile"))
		return
	}
	q := url.Values{}
	q.Set("recipient", strings.TrimSpace(r.PostFormValue("recipient")))
	if n := strings.TrimSpace(r.PostFormValue("canaries")); n != "" {
		q.Set("canaries", n)
	}
	if col := strings.TrimSpace(r.PostFormValue("phone_column")); col != "" {
		q.Set("phone_column", col)
	}
	if r.PostFormValue("alias") == "on" {
		q.Set("alias", "1")
	}
	res, err := c.call(r, s, http.MethodPost, "/v1/exports?"+q.Encode(), bytes.NewReader(body), "text/csv")
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	for _, h := range []string{"X-Ringfence-Export-Id", "X-Ringfence-Ledger-Entry", "X-Ringfence-Canaries"} {
		w.Header().Set(h, res.header.Get(h))
	}
	download(w, "text/csv", fileName("salted-", name, ".csv"), res.body.Bytes())
}

func (c *Console) deidPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, s, http.StatusOK, "deid", map[string]any{})
}

// deid de-identifies an uploaded file through the API and sends it back;
// a file the API could not finish is not sent (its summary names the
// error instead).
func (c *Console) deid(w http.ResponseWriter, r *http.Request, s *session) {
	body, name, err := upload(r, "file")
	if err != nil || len(body) == 0 {
		c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.nofile"))
		return
	}
	q := url.Values{}
	format := r.PostFormValue("format")
	switch format {
	case "csv", "jsonl", "text":
	default:
		format = "csv"
	}
	q.Set("format", format)
	// An edited policy wins; else the operator chosen applies to every
	// entity found.
	if p := strings.TrimSpace(r.PostFormValue("policy")); p != "" {
		q.Set("policy", p)
	} else if op := r.PostFormValue("operator"); op != "" {
		b, _ := json.Marshal(map[string]string{"default": op})
		q.Set("policy", string(b))
	}
	res, err := c.call(r, s, http.MethodPost, "/v1/deid?"+q.Encode(), bytes.NewReader(body), "")
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	var sum struct {
		Error string `json:"error"`
	}
	if json.Unmarshal([]byte(res.header.Get("X-Ringfence-Deid-Summary")), &sum) == nil && sum.Error != "" {
		c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.api")+": "+sum.Error)
		return
	}
	ext := map[string]string{"csv": ".csv", "jsonl": ".jsonl", "text": ".txt"}[format]
	download(w, res.header.Get("Content-Type"), fileName("deid-", name, ext), res.body.Bytes())
}
