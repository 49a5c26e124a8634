package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"ringfence"
	"ringfence/alias"
)

// verdict is the API's answer for a number.
type verdict struct {
	Number     string             `json:"number"`
	E164       string             `json:"e164"`
	Action     string             `json:"action"`
	Category   ringfence.Category `json:"category"`
	Score      float64            `json:"score"`
	Reasons    []string           `json:"reasons"`
	NumberInfo struct {
		E164            string `json:"e164"`
		Type            string `json:"type"`
		Carrier         string `json:"carrier"`
		VirtualOperator bool   `json:"virtual_operator"`
		Province        string `json:"province"`
		City            string `json:"city"`
	} `json:"number_info"`
}

// lookup shows a number's verdict (under the subscriber's own rules for a
// subscriber key) and the form to report it.
func (c *Console) lookup(w http.ResponseWriter, r *http.Request, s *session) {
	d := map[string]any{"Flash": c.flash(r), "Categories": ringfence.Categories(), "CanReport": slices.Contains(repRoles, s.key.Role)}
	num := strings.TrimSpace(r.URL.Query().Get("number"))
	d["Number"] = num
	if num != "" {
		var v verdict
		if err := c.getJSON(r, s, "/v1/numbers/"+url.PathEscape(num), &v); err != nil {
			var ae *apiError
			if asAPI(err, &ae) && ae.Status < 500 {
				d["Error"] = ae.Message
				c.render(w, r, s, ae.Status, "lookup", d)
				return
			}
			c.failAPI(w, r, s, err)
			return
		}
		d["V"] = v
	}
	c.render(w, r, s, http.StatusOK, "lookup", d)
}

// report files a crowd report as the key.
func (c *Console) report(w http.ResponseWriter, r *http.Request, s *session) {
	num := strings.TrimSpace(r.PostFormValue("number"))
	req := map[string]string{"number": num, "category": r.PostFormValue("category"), "note": r.PostFormValue("note")}
	if err := c.sendJSON(r, s, http.MethodPost, "/v1/reports", req, nil); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/lookup?number="+url.QueryEscape(num), "reported")
}

// rules shows the subscriber's own rules and the forms that change them.
func (c *Console) rules(w http.ResponseWriter, r *http.Request, s *session) {
	var rules ringfence.Rules
	if err := c.getJSON(r, s, "/v1/rules/"+url.PathEscape(s.key.Subscriber), &rules); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	type catRow struct {
		Key    ringfence.Category
		Action ringfence.Action
	}
	var cats []catRow
	for _, ci := range ringfence.Categories() {
		if ci.Benign {
			continue
		}
		cats = append(cats, catRow{ci.Key, rules.BlockedCategories[ci.Key]})
	}
	c.render(w, r, s, http.StatusOK, "rules", map[string]any{"Flash": c.flash(r), "R": rules, "Cats": cats})
}

func (c *Console) addEntry(w http.ResponseWriter, r *http.Request, s *session) {
	e := map[string]string{"pattern": strings.TrimSpace(r.PostFormValue("pattern")), "action": r.PostFormValue("action"), "note": r.PostFormValue("note")}
	if u := r.PostFormValue("until"); u != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", u, chinaTime)
		if err != nil {
			c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.until"))
			return
		}
		e["until"] = t.Format(time.RFC3339)
	}
	if err := c.sendJSON(r, s, http.MethodPost, "/v1/rules/"+url.PathEscape(s.key.Subscriber)+"/entries", e, nil); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/rules", "saved")
}

func (c *Console) removeEntry(w http.ResponseWriter, r *http.Request, s *session) {
	target := "/v1/rules/" + url.PathEscape(s.key.Subscriber) + "/entries/" + url.PathEscape(r.PostFormValue("pattern"))
	if _, err := c.call(r, s, http.MethodDelete, target, nil, ""); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/rules", "removed")
}

// saveSettings replaces the rules' settings (blocked categories, quiet
// hours, contacts only), keeping the entries as they are.
func (c *Console) saveSettings(w http.ResponseWriter, r *http.Request, s *session) {
	target := "/v1/rules/" + url.PathEscape(s.key.Subscriber)
	var rules ringfence.Rules
	if err := c.getJSON(r, s, target, &rules); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	rules.BlockedCategories = map[ringfence.Category]ringfence.Action{}
	for _, ci := range ringfence.Categories() {
		if a := r.PostFormValue("cat_" + string(ci.Key)); a != "" {
			rules.BlockedCategories[ci.Key] = ringfence.Action(a)
		}
	}
	rules.ContactsOnly = ringfence.Action(r.PostFormValue("contacts_only"))
	rules.Quiet = nil
	if from, to := r.PostFormValue("quiet_from"), r.PostFormValue("quiet_to"); from != "" || to != "" {
		rules.Quiet = &ringfence.QuietHours{From: from, To: to, Action: ringfence.Action(r.PostFormValue("quiet_action"))}
	}
	if err := c.sendJSON(r, s, http.MethodPut, target, &rules, nil); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/rules", "saved")
}

// aliasView is one alias with the calls to it.
type aliasView struct {
	B     alias.Binding
	Calls []ringfence.AliasEvent
	Leaks int
}

// aliases shows the subscriber's alias numbers, their calls and leaks.
func (c *Console) aliases(w http.ResponseWriter, r *http.Request, s *session) {
	var list struct {
		Aliases []alias.Binding `json:"aliases"`
	}
	if err := c.getJSON(r, s, "/v1/aliases", &list); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	var out []aliasView
	for _, b := range list.Aliases {
		var one struct {
			Calls []ringfence.AliasEvent `json:"calls"`
		}
		if err := c.getJSON(r, s, "/v1/aliases/"+url.PathEscape(b.Alias), &one); err != nil {
			c.failAPI(w, r, s, err)
			return
		}
		av := aliasView{B: b, Calls: one.Calls}
		for _, ev := range one.Calls {
			if ev.Outcome == "stranger" {
				av.Leaks++
			}
		}
		out = append(out, av)
	}
	c.render(w, r, s, http.StatusOK, "aliases", map[string]any{"Flash": c.flash(r), "Aliases": out})
}

func (c *Console) newAlias(w http.ResponseWriter, r *http.Request, s *session) {
	var nums []string
	for _, f := range strings.FieldsFunc(r.PostFormValue("merchant_numbers"), func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			nums = append(nums, f)
		}
	}
	req := map[string]any{"merchant": strings.TrimSpace(r.PostFormValue("merchant")), "merchant_numbers": nums, "block_strangers": r.PostFormValue("block_strangers") == "on"}
	if err := c.sendJSON(r, s, http.MethodPost, "/v1/aliases", req, nil); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/aliases", "alias")
}

var caseName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)

// evidence downloads an evidence bundle through the API (which checks that
// a subscriber asks only for the leaks of its own aliases).
func (c *Console) evidence(w http.ResponseWriter, r *http.Request, s *session) {
	cs := r.PathValue("case")
	if !caseName.MatchString(cs) {
		c.fail(w, r, s, http.StatusNotFound, c.tr(r, "error.case"))
		return
	}
	res, err := c.call(r, s, http.MethodGet, "/v1/evidence/"+cs, nil, "")
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	download(w, "application/zip", cs+".zip", res.body.Bytes())
}

// download sends body as an attachment.
func download(w http.ResponseWriter, ctype, name string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// calls shows the calls screened for the subscriber in the last 30 days,
// newest first: what happened and why.
func (c *Console) calls(w http.ResponseWriter, r *http.Request, s *session) {
	const max = 500
	if !c.charge(w, r, s) {
		return
	}
	now := c.now()
	var out []ringfence.CallEvent
	if c.cfg.Calls != nil {
		err := c.cfg.Calls.Calls(r.Context(), now.Add(-30*24*time.Hour), now.Add(time.Minute), func(ev ringfence.CallEvent) error {
			if ev.Callee == s.key.Subscriber {
				out = append(out, ev)
			}
			return nil
		})
		if err != nil {
			c.failAPI(w, r, s, err)
			return
		}
	}
	slices.SortStableFunc(out, func(a, b ringfence.CallEvent) int { return b.At.Compare(a.At) })
	total := len(out)
	if len(out) > max {
		out = out[:max]
	}
	counts := map[string]int{}
	for _, ev := range out {
		counts[string(ev.Action)]++
	}
	c.render(w, r, s, http.StatusOK, "calls", map[string]any{"Calls": out, "Total": total, "Counts": counts})
}

func asAPI(err error, ae **apiError) bool {
	e, ok := err.(*apiError)
	if ok {
		*ae = e
	}
	return ok
}
