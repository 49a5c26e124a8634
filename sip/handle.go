package sip

import (
	"context"
	"net/netip"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// work is the per-message scratch space, pooled so the hot path reuses it.
type work struct {
	v   screen.Verdict
	out []byte         // the answer being written
	dst netip.AddrPort // where a UDP answer goes
}

func (s *Server) getWork() *work { return s.work.Get().(*work) }

func (s *Server) putWork(w *work) {
	if cap(w.out) > 8<<10 {
		w.out = nil
	}
	s.work.Put(w)
}

// allowMethods is the Allow header of 405 and OPTIONS answers.
const allowMethods = "INVITE, ACK, CANCEL, OPTIONS"

// handleMessage answers one parsed message. It returns the answer (nil for
// none) and, for UDP, where to send it.
func (s *Server) handleMessage(w *work, msg sipmsg.Message, from source) (out []byte, dst netip.AddrPort) {
	req, ok := msg.(*sipmsg.Request)
	if !ok {
		return nil, dst // a response: this server sends no requests
	}
	if !answerable(req) || req.CSeq().MethodName != req.Method {
		return s.malformed(w, req, from), w.dst
	}
	switch req.Method {
	case sipmsg.INVITE:
		s.invite(w, req, from)
	case sipmsg.ACK:
		// An ACK for a non-2xx answer ends the INVITE transaction (RFC 3261
		// §17.2.1); nothing is sent back, whether it matches or not.
		s.stats.acks.Add(1)
		return nil, dst
	case sipmsg.CANCEL:
		s.cancel(w, req, from)
	case sipmsg.OPTIONS:
		s.stats.options.Add(1)
		if s.precheck(w, req, from) {
			break
		}
		w.start(req, from, 200, "OK", s.tag(req))
		w.header("Allow", allowMethods)
		w.header("Accept", "application/sdp")
		w.end()
	default:
		s.stats.rejected.Add(1)
		w.start(req, from, 405, "Method Not Allowed", s.tag(req))
		w.header("Allow", allowMethods)
		w.end()
	}
	return w.out, w.dst
}

// answerable reports whether req can be answered: a SIP/2.0 request with
// well-formed Via headers (where the answer goes) and the headers every
// answer copies (From, To, Call-ID, CSeq).
func answerable(req *sipmsg.Request) bool {
	if req == nil || req.SipVersion != "SIP/2.0" || !isToken(string(req.Method)) || req.Via() == nil ||
		req.From() == nil || req.To() == nil || req.CallID() == nil || req.CSeq() == nil {
		return false
	}
	for _, h := range req.Headers() {
		if via, ok := h.(*sipmsg.ViaHeader); ok && !validVia(via) {
			return false
		}
	}
	return validAddress(req.From().DisplayName, &req.From().Address) && validAddress(req.To().DisplayName, &req.To().Address)
}

// validAddress reports whether a From or To address is one an answer can
// copy: a SIP, SIPS or tel URI with a host (or a number), and a display
// name without stray quotes.
func validAddress(display string, u *sipmsg.Uri) bool {
	const bad = " \t<>\",\r\n"
	if strings.ContainsAny(display, "\r\n") || strings.Count(display, "\"") != strings.Count(display, "\\\"") {
		return false
	}
	switch u.Scheme {
	case "sip", "sips":
		return u.Host != "" && !strings.ContainsAny(u.Host, bad) && !strings.ContainsAny(u.User, bad)
	case "tel":
		return u.Raw() != "" && !strings.ContainsAny(u.Raw(), bad)
	}
	return false
}

// validVia reports whether via names a SIP/2.0 transport and a host.
func validVia(via *sipmsg.ViaHeader) bool {
	return via.ProtocolName == "SIP" && via.ProtocolVersion == "2.0" && isToken(via.Transport) &&
		via.Host != "" && !strings.ContainsAny(via.Host, " \t;,/\"<>") && via.Port >= 0 && via.Port <= 65535
}

// isToken reports whether s is a non-empty RFC 3261 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-.!%*_+`'~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// malformed answers a message that failed to parse or lacks mandatory
// headers: 400 when it is a request that can be answered (never an ACK),
// nothing otherwise.
func (s *Server) malformed(w *work, msg sipmsg.Message, from source) []byte {
	s.stats.malformed.Add(1)
	req, ok := msg.(*sipmsg.Request)
	if !ok || req == nil || !answerable(req) || req.Method == sipmsg.ACK {
		return nil
	}
	w.start(req, from, 400, "Bad Request", s.tag(req))
	w.end()
	return w.out
}

// precheck answers requests this server cannot process (RFC 3261 §8.2.2):
// an unsupported Request-URI scheme (416) or a Require header (420, since no
// extension is supported). It reports whether it answered.
func (s *Server) precheck(w *work, req *sipmsg.Request, from source) bool {
	switch req.Recipient.Scheme {
	case "sip", "sips", "tel":
	default:
		s.stats.rejected.Add(1)
		w.start(req, from, 416, "Unsupported URI Scheme", s.tag(req))
		w.end()
		return true
	}
	var require string
	for _, h := range req.Headers() {
		if strings.EqualFold(h.Name(), "Require") {
			if require != "" {
				require += ", "
			}
			require += h.Value()
		}
	}
	if require != "" {
		s.stats.rejected.Add(1)
		w.start(req, from, 420, "Bad Extension", s.tag(req))
		w.header("Unsupported", require)
		w.end()
		return true
	}
	return false
}

// cancel answers a CANCEL: 200 when it matches an INVITE answered recently
// (whose final answer stands: RFC 3261 §9.2), 481 otherwise.
func (s *Server) cancel(w *work, req *sipmsg.Request, from source) {
	s.stats.cancels.Add(1)
	key := s.txKey(req)
	if _, ok := s.txs.get(key); ok {
		w.start(req, from, 200, "OK", s.tagFor(key))
	} else {
		s.stats.rejected.Add(1)
		w.start(req, from, 481, "Call/Transaction Does Not Exist", s.tag(req))
	}
	w.end()
}

// invite screens a new INVITE, or answers a retransmission from memory.
func (s *Server) invite(w *work, req *sipmsg.Request, from source) {
	key := s.txKey(req)
	if d, ok := s.txs.get(key); ok {
		s.stats.retrans.Add(1)
		s.answer(w, req, from, key, &d)
		return
	}
	if s.precheck(w, req, from) {
		return
	}
	if req.To().Params.Has("tag") {
		// A re-INVITE: this server keeps no dialogs (RFC 3261 §12.2.2).
		s.stats.rejected.Add(1)
		w.start(req, from, 481, "Call/Transaction Does Not Exist", s.tagFor(key))
		w.end()
		return
	}
	if s.limits != nil && !s.limits.invite(from.addr.Addr()) {
		s.stats.limited.Add(1)
		w.start(req, from, 503, "Service Unavailable", s.tagFor(key))
		w.header("Retry-After", "1")
		w.end()
		return
	}
	s.stats.invites.Add(1)
	d := s.decide(w, req)
	s.txs.put(key, d)
	switch {
	case d.Action() == ringfence.Block:
		s.stats.blocked.Add(1)
	case d.code != 302:
		s.stats.rejected.Add(1)
	case d.Action() == ringfence.Label:
		s.stats.labelled.Add(1)
	default:
		s.stats.allowed.Add(1)
	}
	s.answer(w, req, from, key, &d)
}

// decision is what was decided for one INVITE: enough to answer it again,
// kept small since the transaction memory holds many.
type decision struct {
	code       uint16 // 302, the block code, 404, 500
	action     uint8  // ringfence.Action severity: 0 allow, 1 label, 2 block
	category   uint8  // ringfence.Category code
	score      float32
	cause      uint8  // why a block, for the Reason header
	alias      uint8  // aliasNone, aliasMerchant, aliasLeak
	unscreened bool   // the caller is not a number: redirected unjudged
	target     string // the alias target (E.164) for Contact; "" uses the Request-URI
}

var actions = [...]ringfence.Action{ringfence.Allow, ringfence.Label, ringfence.Block}

func (d *decision) Action() ringfence.Action         { return actions[d.action] }
func (d *decision) Category() ringfence.Category     { return ringfence.CategoryByCode(d.category) }
func (d *decision) set(a ringfence.Action)           { d.action = uint8(a.Severity()) }
func (d *decision) setCategory(c ringfence.Category) { d.category = c.Code() }

// Block causes shown to the caller. They never reveal the callee's rules.
const (
	causePolicy uint8 = iota
	causeCategory
	causeAttestation
)

// Alias outcomes.
const (
	aliasNone uint8 = iota
	aliasMerchant
	aliasLeak
)

// decide screens the call in req and records it.
func (s *Server) decide(w *work, req *sipmsg.Request) decision {
	at := s.now()
	callerIn, verstat := callerOf(req)
	calleeIn := calleeOf(req)
	caller, callerErr := number.Parse(callerIn)
	callee, calleeErr := number.E164(calleeIn)
	ev := ringfence.CallEvent{At: at, Caller: callerIn, Callee: calleeIn, Source: "sip"}
	if calleeErr == nil {
		ev.Callee = callee
	} else {
		callee = "" // screen the caller alone
	}
	if callerErr != nil {
		// Withheld or not a telephone number: nothing to screen it on, and
		// a redirect server must not fail calls it cannot judge.
		ev.Action = ringfence.Allow
		ev.Reasons = []string{"caller is not a telephone number: not screened"}
		s.record(ev)
		return decision{code: 302, unscreened: true}
	}
	ev.Caller = caller.E164
	d := decision{code: 302}
	var aliasReason string
	if s.cfg.Aliases != nil && callee != "" {
		r, handled, err := s.cfg.Aliases.Route(context.Background(), callee, caller.E164)
		switch {
		case err != nil:
			// The alias table is unavailable: the call cannot be routed.
			return decision{code: 500}
		case handled && r.Target == "":
			d.set(ringfence.Block)
			d.code = 404 // a number that rings nowhere
			if r.Leak || r.Stranger {
				d.code = uint16(s.blockCode)
			}
			ev.Action, ev.Reasons = ringfence.Block, []string{r.Reason}
			s.record(ev)
			return d
		case handled && !r.Leak && !r.Stranger:
			d.alias, d.target = aliasMerchant, r.Target
			ev.Action, ev.Reasons = ringfence.Allow, []string{r.Reason}
			s.record(ev)
			return d
		case handled:
			d.alias, d.target, aliasReason = aliasLeak, r.Target, r.Reason
			if !r.Leak {
				d.alias = aliasNone
			}
			callee = r.Target
		}
	}
	v := &w.v
	s.screener.Decide(v, caller, callerIn, callee, at, attestation(req, verstat, caller.E164, at))
	action, score := v.Action, v.Score
	if d.alias == aliasLeak && action == ringfence.Allow {
		action, score = ringfence.Label, max(score, 0.5)
	}
	d.set(action)
	d.setCategory(v.Category)
	d.score = float32(score)
	if action == ringfence.Block {
		d.code = uint16(s.blockCode)
		switch {
		case v.Category != "":
			d.cause = causeCategory
		case len(v.Reasons) > 0 && v.Reasons[0].Code == screen.ReasonAttestationFailed:
			d.cause = causeAttestation
		}
	}
	if s.calls != nil {
		ev.Action, ev.Category, ev.Score = action, v.Category, score
		ev.Reasons = make([]string, 0, len(v.Reasons)+1)
		if aliasReason != "" {
			ev.Reasons = append(ev.Reasons, aliasReason)
		}
		for _, r := range v.Reasons {
			ev.Reasons = append(ev.Reasons, r.String())
		}
		s.calls.Record(ev)
	}
	return d
}

func (s *Server) record(ev ringfence.CallEvent) {
	if s.calls != nil {
		s.calls.Record(ev)
	}
}
