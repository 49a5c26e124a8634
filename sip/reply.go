package sip

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/maphash"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"

	"ringfence"
)

// WriteString appends to the answer being written, so sipgo headers can
// write themselves into it.
func (w *work) WriteString(s string) (int, error) {
	w.out = append(w.out, s...)
	return len(s), nil
}

// start begins an answer to req (RFC 3261 §8.2.6): the status line, the Via
// headers (the top one with received and rport filled in, RFC 3261 §18.2.1
// and RFC 3581), From, To with tag, Call-ID and CSeq. It also sets w.dst,
// where a UDP answer goes.
func (w *work) start(req *sipmsg.Request, from source, code int, phrase, tag string) {
	w.startLabelled(req, from, code, phrase, tag, "", "")
}

// startLabelled is start with the From display name prefixed by prefix;
// fallback is the display name used when From has none.
func (w *work) startLabelled(req *sipmsg.Request, from source, code int, phrase, tag, prefix, fallback string) {
	w.out = append(w.out[:0], "SIP/2.0 "...)
	w.out = strconv.AppendInt(w.out, int64(code), 10)
	w.out = append(w.out, ' ')
	w.out = append(w.out, phrase...)
	w.out = append(w.out, "\r\n"...)
	top := true
	for _, h := range req.Headers() {
		via, ok := h.(*sipmsg.ViaHeader)
		if !ok {
			continue
		}
		if top {
			w.dst = w.topVia(via, from)
			top = false
			continue
		}
		w.out = append(w.out, "Via: "...)
		w.via(via)
	}
	f := req.From()
	if prefix == "" {
		f.StringWrite(w)
	} else {
		name := f.DisplayName
		if name == "" {
			name = fallback
		}
		w.out = append(w.out, "From: \""...)
		w.out = append(w.out, prefix...)
		w.out = append(w.out, name...)
		w.out = append(w.out, "\" <"...)
		f.Address.StringWrite(w)
		w.out = append(w.out, '>')
		if len(f.Params) > 0 {
			w.out = append(w.out, ';')
			f.Params.ToStringWrite(';', w)
		}
	}
	w.out = append(w.out, "\r\n"...)
	to := req.To()
	to.StringWrite(w)
	if !to.Params.Has("tag") {
		w.out = append(w.out, ";tag="...)
		w.out = append(w.out, tag...)
	}
	w.out = append(w.out, "\r\nCall-ID: "...)
	w.out = append(w.out, req.CallID().Value()...)
	cseq := req.CSeq()
	w.out = append(w.out, "\r\nCSeq: "...)
	w.out = strconv.AppendUint(w.out, uint64(cseq.SeqNo), 10)
	w.out = append(w.out, ' ')
	w.out = append(w.out, cseq.MethodName...)
	w.out = append(w.out, "\r\n"...)
}

// topVia writes the top Via of an answer and returns where a UDP answer
// goes: the source address, to the source port when the client asked for
// rport and to the sent-by port (default 5060) otherwise.
func (w *work) topVia(via *sipmsg.ViaHeader, from source) netip.AddrPort {
	w.out = append(w.out, "Via: "...)
	port := uint16(5060)
	if via.Port > 0 && via.Port <= 65535 {
		port = uint16(via.Port)
	}
	rport := false
	sentBy, err := netip.ParseAddr(strings.Trim(via.Host, "[]"))
	received := err != nil || sentBy.Unmap() != from.addr.Addr()
	for _, kv := range via.Params {
		if kv.K == "rport" {
			rport, received = true, true
		}
	}
	if !rport && !received {
		w.via(via)
		return netip.AddrPortFrom(from.addr.Addr(), port)
	}
	w.viaSentBy(via)
	for _, kv := range via.Params {
		switch kv.K {
		case "received":
			continue // replaced below
		case "rport":
			w.out = append(w.out, ";rport="...)
			w.out = strconv.AppendUint(w.out, uint64(from.addr.Port()), 10)
			continue
		}
		w.param(kv)
	}
	w.out = append(w.out, ";received="...)
	w.out = from.addr.Addr().AppendTo(w.out)
	w.out = append(w.out, "\r\n"...)
	if rport {
		return from.addr
	}
	return netip.AddrPortFrom(from.addr.Addr(), port)
}

// via writes a Via value and the line end.
func (w *work) via(via *sipmsg.ViaHeader) {
	w.viaSentBy(via)
	for _, kv := range via.Params {
		w.param(kv)
	}
	w.out = append(w.out, "\r\n"...)
}

func (w *work) viaSentBy(via *sipmsg.ViaHeader) {
	w.out = append(w.out, via.ProtocolName...)
	w.out = append(w.out, '/')
	w.out = append(w.out, via.ProtocolVersion...)
	w.out = append(w.out, '/')
	w.out = append(w.out, via.Transport...)
	w.out = append(w.out, ' ')
	if strings.IndexByte(via.Host, ':') >= 0 && !strings.HasPrefix(via.Host, "[") {
		w.out = append(w.out, '[')
		w.out = append(w.out, via.Host...)
		w.out = append(w.out, ']')
	} else {
		w.out = append(w.out, via.Host...)
	}
	if via.Port > 0 {
		w.out = append(w.out, ':')
		w.out = strconv.AppendInt(w.out, int64(via.Port), 10)
	}
}

func (w *work) param(kv sipmsg.HeaderKV) {
	w.out = append(w.out, ';')
	w.out = append(w.out, kv.K...)
	if kv.V == "" {
		return
	}
	w.out = append(w.out, '=')
	if strings.ContainsAny(kv.V, " \t") {
		w.out = strconv.AppendQuote(w.out, kv.V)
		return
	}
	w.out = append(w.out, kv.V...)
}

// header writes one header line.
func (w *work) header(name, value string) {
	w.out = append(w.out, name...)
	w.out = append(w.out, ": "...)
	w.out = append(w.out, value...)
	w.out = append(w.out, "\r\n"...)
}

// end ends an answer, which never has a body.
func (w *work) end() {
	w.out = append(w.out, "Content-Length: 0\r\n\r\n"...)
}

// txKey identifies req's transaction (RFC 3261 §17.2.3): the top Via's
// branch and sent-by, the same for an INVITE, its retransmissions, its ACK
// (for a non-2xx answer) and its CANCEL. Requests whose branch lacks the
// RFC 3261 magic cookie are told apart by Call-ID, CSeq number and From tag
// as well.
func (s *Server) txKey(req *sipmsg.Request) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	via := req.Via()
	branch, _ := via.Params.Get("branch")
	h.WriteString(branch)
	h.WriteByte(0)
	h.WriteString(via.Host)
	h.WriteByte(0)
	h.WriteByte(byte(via.Port))
	h.WriteByte(byte(via.Port >> 8))
	if !strings.HasPrefix(branch, "z9hG4bK") {
		h.WriteByte(0)
		h.WriteString(req.CallID().Value())
		h.WriteByte(0)
		h.WriteString(strconv.FormatUint(uint64(req.CSeq().SeqNo), 10))
		h.WriteByte(0)
		tag, _ := req.From().Params.Get("tag")
		h.WriteString(tag)
	}
	return h.Sum64()
}

// tagFor is the To tag of answers in transaction key: the same for every
// answer in it, so a retransmitted INVITE and its CANCEL see the tag of the
// first answer.
func (s *Server) tagFor(key uint64) string {
	var b [16]byte
	const hex = "0123456789abcdef"
	for i := range b {
		b[i] = hex[(key>>(60-4*i))&0xf]
	}
	return string(b[:])
}

func (s *Server) tag(req *sipmsg.Request) string { return s.tagFor(s.txKey(req)) }

// answer writes the final answer to a screened INVITE.
func (s *Server) answer(w *work, req *sipmsg.Request, from source, key uint64, d *decision) {
	tag := s.tagFor(key)
	switch {
	case d.code == 302:
		if d.Action() == ringfence.Label {
			callerIn, _ := callerOf(req)
			w.startLabelled(req, from, 302, "Moved Temporarily", tag, prefixFor(d.Category(), d.alias == aliasLeak), callerIn)
		} else {
			w.start(req, from, 302, "Moved Temporarily", tag)
		}
		s.contact(w, req, d.target)
		s.verdictHeader(w, d)
	case d.Action() == ringfence.Block && int(d.code) == s.blockCode:
		w.start(req, from, int(d.code), s.blockPhrase, tag)
		w.out = append(w.out, "Reason: SIP;cause="...)
		w.out = strconv.AppendInt(w.out, int64(d.code), 10)
		w.out = append(w.out, ";text=\""...)
		switch d.cause {
		case causeCategory:
			w.out = append(w.out, d.Category()...)
		case causeAttestation:
			w.out = append(w.out, "TN-Validation-Failed"...)
		default:
			w.out = append(w.out, "policy"...)
		}
		w.out = append(w.out, "\"\r\n"...)
		if d.code == 608 {
			w.header("Call-Info", s.callInfo)
		}
		s.verdictHeader(w, d) // without a score: it would hint at the callee's own rules
	case d.code == 404:
		w.start(req, from, 404, "Not Found", tag)
	default:
		w.start(req, from, 500, "Server Internal Error", tag)
		w.header("Retry-After", "5")
	}
	w.end()
}

// contact writes the Contact of a redirect: the callee (or the alias
// target) at the next hop, or the Request-URI itself.
func (s *Server) contact(w *work, req *sipmsg.Request, target string) {
	w.out = append(w.out, "Contact: <"...)
	uri := &req.Recipient
	switch {
	case s.nextHost != "":
		user := target
		if user == "" {
			user = uriNumber(uri)
		}
		w.out = append(w.out, "sip:"...)
		if user != "" {
			w.out = append(w.out, user...)
			w.out = append(w.out, '@')
		}
		w.out = append(w.out, s.nextHost...)
		w.out = append(w.out, ':')
		w.out = strconv.AppendInt(w.out, int64(s.nextPort), 10)
	case target == "":
		uri.StringWrite(w)
	case uri.Scheme == "tel":
		w.out = append(w.out, "tel:"...)
		w.out = append(w.out, target...)
	default:
		u := *uri
		u.User = target
		u.StringWrite(w)
	}
	w.out = append(w.out, ">\r\n"...)
}

// verdictHeader writes X-Ringfence-Verdict, e.g.
// "label; category=loan; score=0.93"; a block, which goes back towards the
// caller, shows its category alone ("block; category=sales").
func (s *Server) verdictHeader(w *work, d *decision) {
	w.out = append(w.out, "X-Ringfence-Verdict: "...)
	w.out = append(w.out, d.Action()...)
	if c := d.Category(); c != "" {
		w.out = append(w.out, "; category="...)
		w.out = append(w.out, c...)
	}
	if d.Action() != ringfence.Block {
		w.out = append(w.out, "; score="...)
		w.out = strconv.AppendFloat(w.out, float64(d.score), 'f', 2, 32)
	}
	switch d.alias {
	case aliasMerchant:
		w.out = append(w.out, "; alias=merchant"...)
	case aliasLeak:
		w.out = append(w.out, "; alias=leak"...)
	}
	if d.unscreened {
		w.out = append(w.out, "; unscreened"...)
	}
	w.out = append(w.out, "\r\n"...)
}

// callInfo builds the Call-Info value of 608 answers (RFC 8688 §3.3): a
// JWS, by value in a data: URI, whose payload is a jCard (RFC 7095) naming
// the operator's redress contact, with purpose=jwscard. The JWS is
// unsecured (alg "none"): ringfence holds no STIR certificate to sign with.
func callInfo(redress string) (string, error) {
	prop, err := redressProperty(redress)
	if err != nil {
		return "", err
	}
	card := []any{"vcard", []any{
		[]any{"version", map[string]any{}, "text", "4.0"},
		[]any{"fn", map[string]any{}, "text", "ringfence call screening"},
		[]any{"kind", map[string]any{}, "text", "org"},
		prop,
		[]any{"note", map[string]any{}, "text", "This call was rejected by call screening. If it was rejected in error, contact us to appeal."},
	}}
	payload, err := json.Marshal(map[string]any{"jcard": card})
	if err != nil {
		return "", err
	}
	header := `{"alg":"none","typ":"JWT"}`
	enc := base64.RawURLEncoding
	jws := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString(payload) + "."
	return "<data:application/jwt," + jws + ">;purpose=jwscard", nil
}

// redressProperty is the jCard property for a redress contact.
func redressProperty(r string) ([]any, error) {
	r = strings.TrimSpace(r)
	lower := strings.ToLower(r)
	switch {
	case strings.HasPrefix(lower, "tel:"):
		return []any{"tel", map[string]any{"type": []string{"work", "voice"}}, "uri", r}, nil
	case strings.HasPrefix(lower, "mailto:"):
		return []any{"email", map[string]any{"type": "work"}, "text", r[len("mailto:"):]}, nil
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		if _, err := url.Parse(r); err != nil {
			return nil, err
		}
		return []any{"url", map[string]any{"type": "work"}, "uri", r}, nil
	case strings.Contains(r, "@") && !strings.ContainsAny(r, " <>\""):
		return []any{"email", map[string]any{"type": "work"}, "text", r}, nil
	case r != "" && strings.Trim(r, "+0123456789- ") == "":
		return []any{"tel", map[string]any{"type": []string{"work", "voice"}}, "uri", "tel:" + strings.NewReplacer(" ", "", "-", "").Replace(r)}, nil
	}
	return nil, errors.New("want a tel:, mailto:, http(s): URI, a phone number or an e-mail address")
}
