package http

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

var verdicts = sync.Pool{New: func() any { return &screen.Verdict{Reasons: make([]screen.Reason, 0, 8)} }}

// callee decides whose rules apply: a subscriber key always its own, other
// keys the ?callee= they name.
func callee(r *http.Request, k ringfence.Key) (string, error) {
	q := r.URL.Query().Get("callee")
	switch k.Role {
	case ringfence.RoleCarrier, ringfence.RoleOperator:
		// Screening for the network, or support: any subscriber's rules.
		return q, nil
	case ringfence.RoleSubscriber:
	default:
		if q != "" {
			// A verdict under someone's rules reveals those rules.
			return "", ringfence.Errorf(ringfence.EFORBIDDEN, "a %s key may not apply a subscriber's rules (callee)", k.Role)
		}
		return "", nil
	}
	if q != "" {
		sub, err := number.Subscriber(q)
		if err != nil {
			return "", err
		}
		if sub != k.Subscriber {
			return "", ringfence.Errorf(ringfence.EFORBIDDEN, "a subscriber key applies only its own rules")
		}
	}
	return k.Subscriber, nil
}

func (s *Server) getNumber(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	cal, err := callee(r, k)
	if err != nil {
		return err
	}
	call := ringfence.CheckRequest{Caller: r.PathValue("number"), Callee: cal}
	if at := r.URL.Query().Get("at"); at != "" {
		if call.At, err = ringfence.ParseTime("at", at); err != nil {
			return err
		}
	}
	v := verdicts.Get().(*screen.Verdict)
	defer verdicts.Put(v)
	if err := s.Service.Check(v, call); err != nil {
		return err
	}
	s.metrics.verdict(v.Action)
	writeJSON(w, http.StatusOK, v)
	return nil
}

type reportRequest struct {
	Number   string `json:"number"`
	Category string `json:"category"`
	Note     string `json:"note"`
	CalledAt string `json:"called_at"` // RFC 3339; parsed here to name the field
}

func (s *Server) postReport(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req reportRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	var calledAt time.Time
	if req.CalledAt != "" {
		var err error
		if calledAt, err = ringfence.ParseTime("called_at", req.CalledAt); err != nil {
			return err
		}
	}
	rep, err := s.Service.Report(r.Context(), ringfence.Report{
		Number: req.Number, Category: ringfence.Category(req.Category), Note: req.Note, CalledAt: calledAt,
		Reporter: k.ID, Source: ringfence.SourceCrowd,
	})
	if err != nil {
		return err
	}
	out := map[string]any{
		"number": rep.Number, "category": rep.Category, "weight": rep.Weight, "received_at": rep.ReceivedAt,
	}
	if rep.Corroboration != ringfence.NotCorroborated {
		out["corroboration"] = rep.Corroboration
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// ownRules checks that k may reach the rules of the subscriber in the path.
func ownRules(r *http.Request, k ringfence.Key) (string, error) {
	sub, err := number.Subscriber(r.PathValue("subscriber"))
	if err != nil {
		return "", err
	}
	if k.Role == ringfence.RoleSubscriber && sub != k.Subscriber {
		return "", ringfence.Errorf(ringfence.EFORBIDDEN, "a subscriber key reaches only its own rules")
	}
	return sub, nil
}

func (s *Server) getRules(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	sub, err := ownRules(r, k)
	if err != nil {
		return err
	}
	rules, err := s.Service.Rules(sub)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

func (s *Server) putRules(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	sub, err := ownRules(r, k)
	if err != nil {
		return err
	}
	var in screen.Rules
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := samePath("subscriber", in.Subscriber, sub); err != nil {
		return err
	}
	rules, err := s.Service.ReplaceRules(r.Context(), k.ID, sub, &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

// samePath refuses a body field that restates a path parameter
// differently: the path says which resource, the body may not contradict it.
func samePath(field, body, path string) error {
	if body == "" {
		return nil
	}
	if n, err := number.Subscriber(body); err != nil || n != path {
		return ringfence.Errorf(ringfence.EINVALID, "%s: %q differs from the path's %s; leave it out or give the same", field, body, path)
	}
	return nil
}

func (s *Server) postRuleEntry(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	sub, err := ownRules(r, k)
	if err != nil {
		return err
	}
	var e screen.Entry
	if err := decode(w, r, &e); err != nil {
		return err
	}
	rules, err := s.Service.SetEntry(r.Context(), k.ID, sub, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

func (s *Server) deleteRuleEntry(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	sub, err := ownRules(r, k)
	if err != nil {
		return err
	}
	rules, err := s.Service.RemoveEntry(r.Context(), k.ID, sub, r.PathValue("pattern"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

func (s *Server) getRegistry(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	bs, err := s.Service.Businesses(r.Context())
	if err != nil {
		return err
	}
	if bs == nil {
		bs = []ringfence.Business{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"businesses": bs})
	return nil
}

func (s *Server) postRegistry(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req struct {
		Pattern string `json:"pattern"`
		Name    string `json:"name"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	b, err := s.Service.AddBusiness(r.Context(), k.ID, req.Pattern, req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, ringfence.Errorf(ringfence.EINVALID, "id: %q is not a number", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) deleteRegistry(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Service.RemoveBusiness(r.Context(), k.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) postAppeal(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req struct {
		Number   string `json:"number"`
		Business string `json:"business"`
		Contact  string `json:"contact"`
		Reason   string `json:"reason"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	a, err := s.Service.FileAppeal(r.Context(), k.ID, ringfence.Appeal{Number: req.Number, Business: req.Business, Contact: req.Contact, Reason: req.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) getAppeals(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	as, err := s.Service.Appeals(r.Context(), r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	if as == nil {
		as = []ringfence.Appeal{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"appeals": as})
	return nil
}

func (s *Server) decideAppeal(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d := r.PathValue("decision")
	if d != "accept" && d != "reject" {
		return ringfence.Errorf(ringfence.ENOTFOUND, "no such decision %q (accept or reject)", d)
	}
	var req struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	a, err := s.Service.DecideAppeal(r.Context(), k.ID, id, d == "accept", req.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) getMonthly(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	m, err := ringfence.ParseMonth(r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	st, err := s.Service.MonthlyStats(r.Context(), m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) getAudit(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 10000 {
			return ringfence.Errorf(ringfence.EINVALID, "limit: %q is not 1..10000", l)
		}
		limit = n
	}
	log, err := s.Service.AuditLog(r.Context(), limit)
	if err != nil {
		return err
	}
	if log == nil {
		log = []ringfence.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": log})
	return nil
}

// deleteKey revokes an API key, at once.
func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	if err := s.Service.RevokeKey(r.Context(), k.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
