package http

import (
	"net/http"
	"strconv"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/number"
	"ringfence/screen"
)

func (s *Server) aliasRoutes() {
	s.handle("POST /v1/calls", s.postCalls, ringfence.RoleCarrier, ringfence.RoleOperator)
	s.handle("GET /v1/aliases", s.getAliases, ringfence.RoleSubscriber, ringfence.RoleOperator, ringfence.RoleRegulator)
	s.handle("POST /v1/aliases", s.postAlias, ringfence.RoleSubscriber, ringfence.RoleOperator)
	s.handle("GET /v1/aliases/{alias}", s.getAlias, ringfence.RoleSubscriber, ringfence.RoleOperator, ringfence.RoleRegulator)
	s.handle("PATCH /v1/aliases/{alias}", s.patchAlias, ringfence.RoleSubscriber, ringfence.RoleOperator)
	s.handle("POST /v1/alias-pool", s.postAliasPool, ringfence.RoleOperator)
}

type callRequest struct {
	Caller      string    `json:"caller"`
	Callee      string    `json:"callee"`
	At          time.Time `json:"at"`
	Duration    float64   `json:"duration_s"`
	Answered    bool      `json:"answered"`
	Attestation string    `json:"attestation"`
}

type callResult struct {
	Outcome     string          `json:"outcome,omitempty"` // screened, merchant, stranger, null, quarantine; "" with error
	Target      string          `json:"target,omitempty"`
	Leak        bool            `json:"leak,omitempty"`
	LedgerIndex *int64          `json:"ledger_index,omitempty"`
	Reason      string          `json:"reason,omitempty"`
	Verdict     *screen.Verdict `json:"verdict,omitempty"`
	Error       *string         `json:"error,omitempty"`
}

// postCalls takes call events from a network without the SIP front: calls
// to alias numbers are routed (a stranger's is a leak event); others are
// screened.
func (s *Server) postCalls(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req struct {
		Calls []callRequest `json:"calls"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if len(req.Calls) == 0 || len(req.Calls) > 1000 {
		return ringfence.Errorf(ringfence.EINVALID, "calls: want 1..1000 calls, got %d", len(req.Calls))
	}
	// What the request does not say right is refused whole, before any
	// call is acted on; bad numbers stay per-call errors.
	for i, c := range req.Calls {
		if err := ringfence.CheckAttestation(c.Attestation); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "calls[%d].%s", i, ringfence.ErrorMessage(err))
		}
		if err := s.Service.NotFuture("at", c.At); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "calls[%d].%s", i, ringfence.ErrorMessage(err))
		}
		if c.Duration < 0 {
			return ringfence.Errorf(ringfence.EINVALID, "calls[%d].duration_s: %v is negative", i, c.Duration)
		}
	}
	out := make([]callResult, len(req.Calls))
	for i, c := range req.Calls {
		res, err := s.call(r, c)
		if err != nil {
			if ringfence.ErrorCode(err) == ringfence.EINTERNAL {
				return err
			}
			msg := "calls[" + strconv.Itoa(i) + "]: " + ringfence.ErrorMessage(err)
			res = callResult{Error: &msg}
		}
		out[i] = res
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
	return nil
}

func (s *Server) call(r *http.Request, c callRequest) (callResult, error) {
	caller, err := number.E164(c.Caller)
	if err != nil {
		return callResult{}, ringfence.Errorf(ringfence.EINVALID, "caller: %v", err)
	}
	callee, err := number.E164(c.Callee)
	if err != nil {
		return callResult{}, ringfence.Errorf(ringfence.EINVALID, "callee: %v", err)
	}
	d, ev, handled, err := s.Service.RouteAlias(r.Context(), ringfence.AliasCall{Callee: callee, Caller: caller, At: c.At, Duration: c.Duration, Answered: c.Answered})
	if err != nil {
		return callResult{}, err
	}
	if handled {
		res := callResult{Outcome: d.Outcome, Target: d.Target, Leak: d.Leak, Reason: d.Reason}
		if ev.LedgerIndex >= 0 {
			res.LedgerIndex = &ev.LedgerIndex
		}
		return res, nil
	}
	v := &screen.Verdict{}
	if err := s.Service.Check(v, ringfence.CheckRequest{Caller: caller, Callee: callee, At: c.At, Attestation: c.Attestation}); err != nil {
		return callResult{}, err
	}
	return callResult{Outcome: "screened", Verdict: v}, nil
}

// visible reports whether k may see binding b.
func visible(k ringfence.Key, b alias.Binding) bool {
	return k.Role != ringfence.RoleSubscriber || b.Subscriber == k.Subscriber
}

func (s *Server) getAliases(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	sub := r.URL.Query().Get("subscriber")
	if k.Role == ringfence.RoleSubscriber {
		if sub != "" {
			if n, err := number.Subscriber(sub); err != nil || n != k.Subscriber {
				return ringfence.Errorf(ringfence.EFORBIDDEN, "a subscriber key lists only its own aliases (subscriber)")
			}
		}
		sub = k.Subscriber
	}
	bs, err := s.Service.Aliases(sub)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"aliases": bs})
	return nil
}

func (s *Server) postAlias(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req struct {
		Subscriber      string   `json:"subscriber"`
		Merchant        string   `json:"merchant"`
		MerchantNumbers []string `json:"merchant_numbers"`
		BlockStrangers  bool     `json:"block_strangers"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if k.Role == ringfence.RoleSubscriber {
		if req.Subscriber != "" {
			if sub, err := number.Subscriber(req.Subscriber); err != nil || sub != k.Subscriber {
				return ringfence.Errorf(ringfence.EFORBIDDEN, "a subscriber key gets aliases only for itself")
			}
		}
		req.Subscriber = k.Subscriber
	}
	b, err := s.Service.NewAlias(r.Context(), k.ID, req.Subscriber, req.Merchant, req.MerchantNumbers, req.BlockStrangers)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) getAlias(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	b, err := s.Service.Alias(r.PathValue("alias"))
	if err != nil {
		return err
	}
	if !visible(k, b) {
		// Indistinguishable from an unknown alias: a subscriber learns
		// nothing of others' aliases.
		return ringfence.Errorf(ringfence.ENOTFOUND, "%s is not a bound alias", b.Alias)
	}
	evs, err := s.Service.AliasEvents(r.Context(), b.Alias)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []ringfence.AliasEvent{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"binding": b, "calls": evs})
	return nil
}

func (s *Server) postAliasPool(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req struct {
		Numbers    []string `json:"numbers"`
		Quarantine string   `json:"quarantine"` // Go duration, or days as "30d"; default 30 days
		NullShare  *float64 `json:"null_share"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	q := 30 * 24 * time.Hour
	if req.Quarantine != "" {
		var err error
		if q, err = ringfence.ParseDays(req.Quarantine); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "quarantine: %v", ringfence.ErrorMessage(err))
		}
	}
	share := 0.05
	if req.NullShare != nil {
		share = *req.NullShare
	}
	nums := make([]string, 0, len(req.Numbers))
	for i, n := range req.Numbers {
		e, err := number.E164(n)
		if err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "numbers[%d]: %v", i, err)
		}
		nums = append(nums, e)
	}
	added, nulls, err := s.Service.AddAliasPool(r.Context(), k.ID, nums, q, share)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"added": added, "null": nulls})
	return nil
}

// patchAlias changes whether strangers are refused on an alias.
func (s *Server) patchAlias(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	var req struct {
		BlockStrangers *bool `json:"block_strangers"`
	}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.BlockStrangers == nil {
		return ringfence.Errorf(ringfence.EINVALID, "block_strangers: missing")
	}
	owner := ""
	if k.Role == ringfence.RoleSubscriber {
		owner = k.Subscriber
	}
	b, err := s.Service.SetBlockStrangers(r.Context(), k.ID, owner, r.PathValue("alias"), *req.BlockStrangers)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
