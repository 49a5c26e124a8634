package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"ringfence"
)

// flagRow is a flag as the live list shows it.
type flagRow struct {
	Number   string   `json:"number"`
	Kind     string   `json:"kind"`
	KindText string   `json:"kind_text"`
	Score    string   `json:"score"`
	At       string   `json:"at"`
	Reasons  []string `json:"reasons"`
	Campaign string   `json:"campaign"`
}

func (c *Console) flagRow(lang string, f ringfence.Flag) flagRow {
	return flagRow{Number: f.Number, Kind: string(f.Kind), KindText: c.cat.t(lang, "kind."+string(f.Kind)),
		Score: strconv.FormatFloat(f.Score, 'f', 2, 64), At: f.FlaggedAt.In(chinaTime).Format("2006-01-02 15:04"),
		Reasons: c.cat.reasons(lang, f.Reasons), Campaign: f.Campaign}
}

// flags shows behaviour flags, newest first, by kind, with a chart of flags
// per hour over the last two days; new flags arrive by server-sent events.
func (c *Console) flags(w http.ResponseWriter, r *http.Request, s *session) {
	const max = 200
	if !c.charge(w, r, s) {
		return
	}
	var all []ringfence.Flag
	if c.cfg.Flags != nil {
		if err := c.cfg.Flags.Flags(r.Context(), func(f ringfence.Flag) error {
			all = append(all, f)
			return nil
		}); err != nil {
			c.failAPI(w, r, s, err)
			return
		}
	}
	slices.SortStableFunc(all, func(a, b ringfence.Flag) int { return b.FlaggedAt.Compare(a.FlaggedAt) })
	lang := c.lang(r)
	kinds := map[string]int{}
	for _, f := range all {
		kinds[string(f.Kind)]++
	}
	type kindCount struct {
		Kind, Text string
		N          int
	}
	var kc []kindCount
	for _, k := range []string{"telemarketing", "robocall", "debt_collection", "call_bombing_target"} {
		kc = append(kc, kindCount{k, c.cat.t(lang, "kind."+k), kinds[k]})
	}
	// Flags per hour, the last 48 hours to the hour now.
	end := c.now().In(chinaTime).Truncate(time.Hour).Add(time.Hour)
	start := end.Add(-48 * time.Hour)
	hours := make([]string, 48)
	counts := make([]int, 48)
	for i := range hours {
		hours[i] = start.Add(time.Duration(i) * time.Hour).Format("01-02 15:00")
	}
	for _, f := range all {
		if t := f.FlaggedAt; !t.Before(start) && t.Before(end) {
			counts[int(t.Sub(start)/time.Hour)]++
		}
	}
	rows := make([]flagRow, 0, min(len(all), max))
	for _, f := range all[:min(len(all), max)] {
		rows = append(rows, c.flagRow(lang, f))
	}
	charts := []map[string]any{{"id": "chart-flags", "kind": "bar", "title": c.cat.t(lang, "flags.chart"), "x": hours, "y": counts}}
	// Verdicts per hour: the calls screened over the same hours, by action.
	if c.cfg.Calls != nil {
		by := map[ringfence.Action][]int{}
		actions := []ringfence.Action{ringfence.Block, ringfence.Label, ringfence.Allow}
		for _, a := range actions {
			by[a] = make([]int, 48)
		}
		err := c.cfg.Calls.Calls(r.Context(), start, end, func(ev ringfence.CallEvent) error {
			if n, ok := by[ev.Action]; ok {
				n[int(ev.At.Sub(start)/time.Hour)]++
			}
			return nil
		})
		if err != nil {
			c.failAPI(w, r, s, err)
			return
		}
		var series []map[string]any
		for _, a := range actions {
			series = append(series, map[string]any{"name": c.cat.t(lang, "action."+string(a)), "y": by[a]})
		}
		charts = append(charts, map[string]any{"id": "chart-verdicts", "kind": "bar", "stack": true, "title": c.cat.t(lang, "flags.verdicts"), "x": hours, "series": series})
	}
	c.render(w, r, s, http.StatusOK, "flags", map[string]any{"Charts": true, "Rows": rows, "Total": len(all), "Kinds": kc, "ChartData": charts})
}

// errSignedOut ends a stream whose session has ended.
var errSignedOut = errors.New("session ended")

// flagStream sends each flag raised from now on as a server-sent event
// ("flag", JSON of a flagRow) until the visitor leaves or the server
// stops.
func (c *Console) flagStream(w http.ResponseWriter, r *http.Request, s *session) {
	if c.cfg.Events == nil {
		c.fail(w, r, s, http.StatusNotFound, c.tr(r, "error.nostream"))
		return
	}
	if !c.charge(w, r, s) {
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	if c.cfg.Done != nil {
		stop := context.AfterFunc(c.cfg.Done, cancel)
		defer stop()
	}
	head, err := c.cfg.Events.Head(ctx)
	if err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": ringfence flags\n\n")
	if rc.Flush() != nil {
		return
	}
	lang := c.lang(r)
	var mu sync.Mutex // the beat and the events write in turn
	beat := time.NewTicker(20 * time.Second)
	defer beat.Stop()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-beat.C:
				// The stream ends with the session: signed out, expired,
				// or its key revoked.
				if !c.signedIn(ctx, s) {
					cancel()
					return
				}
				// A comment keeps proxies from closing an idle stream.
				mu.Lock()
				fmt.Fprint(w, ": beat\n\n")
				rc.Flush()
				mu.Unlock()
			}
		}
	}()
	c.cfg.Events.Subscribe(ctx, head, func(ev ringfence.Event) error {
		if ev.Type != ringfence.EventFlag || ev.Flag == nil {
			return nil
		}
		if !c.signedIn(ctx, s) {
			cancel()
			return errSignedOut
		}
		b, _ := json.Marshal(c.flagRow(lang, *ev.Flag))
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "event: flag\ndata: %s\n\n", b)
		return rc.Flush()
	})
}

// appeals shows pending appeals with accept/reject forms, then decided ones.
func (c *Console) appeals(w http.ResponseWriter, r *http.Request, s *session) {
	var list struct {
		Appeals []ringfence.Appeal `json:"appeals"`
	}
	if err := c.getJSON(r, s, "/v1/appeals", &list); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	var pending, decided []ringfence.Appeal
	for _, a := range list.Appeals {
		if a.Status == "pending" {
			pending = append(pending, a)
		} else {
			decided = append(decided, a)
		}
	}
	slices.SortStableFunc(decided, func(a, b ringfence.Appeal) int { return b.DecidedAt.Compare(a.DecidedAt) })
	c.render(w, r, s, http.StatusOK, "appeals", map[string]any{"Flash": c.flash(r), "Pending": pending, "Decided": decided,
		"CanDecide": s.key.Role == ringfence.RoleOperator})
}

func (c *Console) decide(w http.ResponseWriter, r *http.Request, s *session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	d := r.PathValue("decision")
	if err != nil || (d != "accept" && d != "reject") {
		c.fail(w, r, s, http.StatusNotFound, c.tr(r, "error.notfound"))
		return
	}
	if err := c.sendJSON(r, s, http.MethodPost, "/v1/appeals/"+strconv.FormatInt(id, 10)+"/"+d, map[string]string{"note": r.PostFormValue("note")}, nil); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/appeals", "decided")
}

// registry shows the verified businesses; an operator adds and removes.
func (c *Console) registry(w http.ResponseWriter, r *http.Request, s *session) {
	var list struct {
		Businesses []ringfence.Business `json:"businesses"`
	}
	if err := c.getJSON(r, s, "/v1/registry", &list); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	c.render(w, r, s, http.StatusOK, "registry", map[string]any{"Flash": c.flash(r), "Businesses": list.Businesses,
		"CanEdit": s.key.Role == ringfence.RoleOperator})
}

func (c *Console) addBusiness(w http.ResponseWriter, r *http.Request, s *session) {
	req := map[string]string{"pattern": strings.TrimSpace(r.PostFormValue("pattern")), "name": strings.TrimSpace(r.PostFormValue("name"))}
	if err := c.sendJSON(r, s, http.MethodPost, "/v1/registry", req, nil); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/registry", "saved")
}

func (c *Console) removeBusiness(w http.ResponseWriter, r *http.Request, s *session) {
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		c.fail(w, r, s, http.StatusBadRequest, c.tr(r, "error.notfound"))
		return
	}
	if _, err := c.call(r, s, http.MethodDelete, "/v1/registry/"+strconv.FormatInt(id, 10), nil, ""); err != nil {
		c.failAPI(w, r, s, err)
		return
	}
	back(w, r, "/registry", "removed")
}

// pool shows the alias pool's counts.
func (c *Console) pool(w http.ResponseWriter, r *http.Request, s *session) {
	if !c.charge(w, r, s) {
		return
	}
	var st ringfence.PoolStats
	if c.cfg.Pool != nil {
		st = c.cfg.Pool.PoolStats()
	}
	c.render(w, r, s, http.StatusOK, "pool", map[string]any{"P": st})
}

// charge spends one request of the key's rate limit for a view that has no
// API route; over the limit the visitor is told to slow down (429).
func (c *Console) charge(w http.ResponseWriter, r *http.Request, s *session) bool {
	if c.cfg.Limit == nil || c.cfg.Limit.Allow(s.key) {
		return true
	}
	w.Header().Set("Retry-After", "1")
	c.fail(w, r, s, http.StatusTooManyRequests, c.tr(r, "error.ratelimit"))
	return false
}
