package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"ringfence"
	"ringfence/deid"
)

// MaxDeidBody bounds one POST /v1/deid body; larger files go through the CLI.
const MaxDeidBody = 1 << 30

// summaryTrailer carries the de-identification summary after the body.
const summaryTrailer = "X-Ringfence-Deid-Summary"

// postDeid de-identifies the body as it streams through. The policy comes
// as JSON in the "policy" query parameter (URL-encoded); without one every
// entity found is masked. Keys are the server's (RINGFENCE_DEID_KEY): a
// request policy may not name a key file. Decrypting reverses FF1 and is
// audited. The summary (counts only) follows in a trailer.
func (s *Server) postDeid(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	q := r.URL.Query()
	pol := deid.Policy{}
	if p := q.Get("policy"); p != "" {
		var err error
		if pol, err = deid.ParsePolicy([]byte(p)); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "%s", ringfence.ErrorMessage(err))
		}
		if pol.KeyFile != "" {
			return ringfence.Errorf(ringfence.EINVALID, "policy: key_file is not allowed over the API; the server's key is used")
		}
	}
	format, err := deid.ParseFormat(q.Get("format"))
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "format: %v", err)
	}
	decrypt := q.Get("decrypt") == "1" || q.Get("decrypt") == "true"
	// Each organisation has its own key, derived from the server's: one
	// cannot decrypt or link another's output. An operator names the org.
	org := k.Org
	if k.Role == ringfence.RoleOperator {
		if org = q.Get("org"); org == "" {
			return ringfence.Errorf(ringfence.EINVALID, "org: an operator names the organisation whose key to use")
		}
	}
	var key []byte
	if pol.NeedsKey() || decrypt {
		if len(s.DeidKey) == 0 {
			return ringfence.Errorf(ringfence.EINVALID, "this server has no de-identification key (RINGFENCE_DEID_KEY): only mask and redact are available")
		}
		key = deid.OrgKey(s.DeidKey, org)
	}
	eng, err := deid.NewEngine(pol, key)
	if err != nil {
		return err
	}
	if decrypt {
		if err := s.Engine.Audit(r.Context(), k.ID, "deid.decrypt", org, ""); err != nil {
			return err
		}
	}
	w.Header().Set("Trailer", summaryTrailer)
	w.Header().Set("Content-Type", contentType(format))
	sum, err := eng.Process(http.MaxBytesReader(w, r.Body, MaxDeidBody), w, deid.Options{Format: format, Encoding: q.Get("encoding"), Decrypt: decrypt, Name: "request"})
	if err != nil {
		// The body may be partly written; the trailer says what went wrong.
		w.Header().Set(summaryTrailer, asciiJSON(map[string]string{"error": ringfence.ErrorMessage(err)}))
		return nil
	}
	w.Header().Set(summaryTrailer, asciiJSON(map[string]any{
		"records": sum.Records, "bytes": sum.Bytes, "found": sum.Found, "columns": sum.Columns, "failed": sum.Failed, "encoding": sum.Encoding,
	}))
	return nil
}

func contentType(f deid.Format) string {
	switch f {
	case deid.CSV:
		return "text/csv"
	case deid.JSONL:
		return "application/jsonl"
	}
	return "text/plain"
}

// asciiJSON encodes v as JSON with every non-ASCII rune escaped, so it can
// travel in a header.
func asciiJSON(v any) string {
	b, _ := json.Marshal(v)
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r < 0x80 {
			sb.WriteRune(r)
			continue
		}
		if r > 0xffff {
			r1, r2 := (r-0x10000)>>10+0xd800, (r-0x10000)&0x3ff+0xdc00
			fmt.Fprintf(&sb, `\u%04x\u%04x`, r1, r2)
			continue
		}
		sb.WriteString(`\u` + strconv.FormatInt(int64(r)+0x10000, 16)[1:])
	}
	return sb.String()
}
