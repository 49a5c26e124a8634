package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ringfence"
)

// monthlyView is the month's report arranged for the page and its CSV.
type monthlyView struct {
	M         ringfence.Monthly
	Month     string
	Prev      string
	Next      string
	Cats      []countRow
	Types     []countRow
	Provinces []countRow
	Trend     []countRow // the last six months' totals, oldest first
}

type countRow struct {
	Key, Label string
	N          int
	Share      float64
}

func rows(m map[string]int, total int, label func(string) string) []countRow {
	var out []countRow
	for k, n := range m {
		row := countRow{Key: k, Label: label(k), N: n}
		if total > 0 {
			row.Share = float64(n) / float64(total)
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b countRow) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// monthlyData fetches the month asked (default this month, China time)
// and the five before it from the API.
func (c *Console) monthlyData(r *http.Request, s *session) (*monthlyView, error) {
	month := r.URL.Query().Get("month")
	if month == "" {
		month = c.now().In(chinaTime).Format("2006-01")
	}
	mt, err := ringfence.ParseMonth(month)
	if err != nil {
		return nil, &apiError{Status: http.StatusBadRequest, Code: ringfence.EINVALID, Message: ringfence.ErrorMessage(err)}
	}
	lang := c.lang(r)
	v := &monthlyView{Month: month, Prev: mt.AddDate(0, -1, 0).Format("2006-01"), Next: mt.AddDate(0, 1, 0).Format("2006-01")}
	for i := 5; i >= 0; i-- {
		m := mt.AddDate(0, -i, 0).Format("2006-01")
		var st ringfence.Monthly
		if err := c.getJSON(r, s, "/v1/stats/monthly?month="+m, &st); err != nil {
			return nil, err
		}
		v.Trend = append(v.Trend, countRow{Key: m, Label: m, N: st.TotalReports})
		if i == 0 {
			v.M = st
		}
	}
	cats := map[string]int{}
	for k, n := range v.M.ByCategory {
		cats[string(k)] = n
	}
	v.Cats = rows(cats, v.M.TotalReports, func(k string) string { return categoryLabel(lang, ringfence.Category(k)) })
	v.Types = rows(v.M.ByType, v.M.TotalReports, func(k string) string { return c.cat.t(lang, "type."+k) })
	v.Provinces = rows(v.M.ByProvince, v.M.TotalReports, func(k string) string {
		if k == "" {
			return c.cat.t(lang, "monthly.noprovince")
		}
		return k
	})
	return v, nil
}

// monthly is the regulator's dashboard of the month's 12321-style report.
func (c *Console) monthly(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.monthlyData(r, s)
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	lang := c.lang(r)
	var cx []string
	var cy []int
	for _, row := range v.Cats {
		cx, cy = append(cx, row.Label), append(cy, row.N)
	}
	var tx []string
	var ty []int
	for _, row := range v.Trend {
		tx, ty = append(tx, row.Label), append(ty, row.N)
	}
	charts := []map[string]any{
		{"id": "chart-cat", "kind": "bar", "title": c.cat.t(lang, "monthly.bycat"), "x": cx, "y": cy},
		{"id": "chart-trend", "kind": "line", "title": c.cat.t(lang, "monthly.trend"), "x": tx, "y": ty},
	}
	c.render(w, r, s, http.StatusOK, "monthly", map[string]any{"Charts": true, "V": v, "ChartData": charts})
}

// monthlyCSV downloads the month's report: section, key, label, reports,
// share.
func (c *Console) monthlyCSV(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.monthlyData(r, s)
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // spreadsheets read UTF-8 with it
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"section", "key", "label", "reports", "share"})
	cw.Write([]string{"total", v.Month, v.Month, strconv.Itoa(v.M.TotalReports), "1"})
	for _, sec := range []struct {
		name string
		rows []countRow
	}{{"category", v.Cats}, {"type", v.Types}, {"province", v.Provinces}, {"month", v.Trend}} {
		for _, row := range sec.rows {
			cw.Write([]string{sec.name, row.Key, csvSafe(row.Label), strconv.Itoa(row.N), strconv.FormatFloat(row.Share, 'f', 4, 64)})
		}
	}
	cw.Flush()
	download(w, "text/csv; charset=utf-8", "ringfence-"+v.Month+".csv", buf.Bytes())
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// upload reads the file of a multipart form field.
func upload(r *http.Request, field string) ([]byte, string, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return b, h.Filename, err
}

func (c *Console) attributionPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, s, http.StatusOK, "attribution", map[string]any{})
}

// attribution is the API's answer to a found list.
type attribution struct {
	Case  string `json:"case"`
	Entry int64  `json:"entry"`
	Found struct {
		SHA256  string `json:"sha256"`
		Lines   int    `json:"lines"`
		Records int    `json:"records"`
	} `json:"found"`
	Exports    int  `json:"exports"`
	Undecided  bool `json:"undecided"`
	Verdict    string
	Candidates []struct {
		Org       string   `json:"org"`
		Recipient string   `json:"recipient"`
		ExportID  string   `json:"export_id"`
		Score     float64  `json:"score"`
		Guilt     *float64 `json:"guilt"`
		Evidence  []string `json:"evidence"`
	} `json:"candidates"`
}

// attribute uploads a found list (UTF-8 or GBK: the API reads both) and
// shows the ranked sources with the evidence download.
func (c *Console) attribute(w http.ResponseWriter, r *http.Request, s *session) {
	body, _, err := upload(r, "list")
	if err != nil || len(body) == 0 {
		c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.nofile"))
		return
	}
	res, err := c.call(r, s, http.MethodPost, "/v1/attributions", bytes.NewReader(body), "text/csv")
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	var a attribution
	if err := json.Unmarshal(res.body.Bytes(), &a); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	var raw map[string]any
	json.Unmarshal(res.body.Bytes(), &raw)
	if v, ok := raw["verdict"].(string); ok {
		a.Verdict = v
	}
	c.render(w, r, s, http.StatusOK, "attribution", map[string]any{"A": a})
}

// verified is what POST /v1/evidence/verify says of a bundle that holds.
type verified struct {
	Case          string    `json:"case"`
	Kind          string    `json:"kind"`
	Ledger        string    `json:"ledger"`
	KeyFromBundle bool      `json:"key_from_bundle"`
	TreeSize      int64     `json:"tree_size"`
	Checkpoint    time.Time `json:"checkpoint"`
	Entries       []int64   `json:"entries"`
	Score         float64   `json:"score"`
}

func (c *Console) verifyPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, s, http.StatusOK, "verify", map[string]any{})
}

// verify checks an uploaded evidence bundle against the ledger's key (or
// the verifier key given).
func (c *Console) verify(w http.ResponseWriter, r *http.Request, s *session) {
	body, name, err := upload(r, "bundle")
	if err != nil || len(body) == 0 {
		c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.nofile"))
		return
	}
	target := "/v1/evidence/verify"
	if k := strings.TrimSpace(r.PostFormValue("key")); k != "" {
		target += "?key=" + url.QueryEscape(k)
	}
	res, err := c.call(r, s, http.MethodPost, target, bytes.NewReader(body), "application/zip")
	d := map[string]any{"Name": name}
	if err != nil {
		ae, ok := err.(*apiError)
		if !ok || ae.Status != http.StatusUnprocessableEntity {
			c.failAPI(w, r, s, err)
			return
		}
		d["Verified"] = false
		d["Why"] = ae.Message
		c.render(w, r, s, http.StatusOK, "verify", d)
		return
	}
	var ok struct {
		Result *verified `json:"result"`
	}
	if err := json.Unmarshal(res.body.Bytes(), &ok); err != nil || ok.Result == nil {
		c.failAPI(w, r, s, fmt.Errorf("reading the verification: %v", err))
		return
	}
	d["Verified"] = true
	d["Result"] = ok.Result
	c.render(w, r, s, http.StatusOK, "verify", d)
}
