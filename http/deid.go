package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
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

// flagParam reads a boolean query parameter: absent, "0"/"false" or
// "1"/"true".
func flagParam(q url.Values, name string) (bool, error) {
	switch q.Get(name) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, ringfence.Errorf(ringfence.EINVALID, "%s: %q is not 1, true, 0 or false", name, q.Get(name))
}

// postDeid de-identifies the body as it streams through. The policy comes
// as JSON in the "policy" query parameter (URL-encoded); without one every
// entity found is masked. Keys are the server's (RINGFENCE_DEID_KEY): a
// request policy may not name a key file. Decrypting reverses FF1 and is
// audited. Every parameter is checked before the first byte of output (a
// mistake is a 400 naming it); the summary (counts only) follows in a
// trailer. A record that cannot be parsed comes back replaced whole by
// [unparsed] and is named in the summary's failed_lines.
func (s *Server) postDeid(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	q := r.URL.Query() // parameters not in queryParams were refused before
	pol := deid.Policy{}
	if p := q.Get("policy"); p != "" {
		var err error
		if pol, err = deid.ParsePolicy([]byte(p)); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "%s", ringfence.ErrorMessage(err))
		}
		if err := strictJSON([]byte(p), reflect.TypeFor[deid.Policy]()); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "policy: %s", ringfence.ErrorMessage(err))
		}
		if pol.KeyFile != "" {
			return ringfence.Errorf(ringfence.EINVALID, "policy: key_file is not allowed over the API; the server's key is used")
		}
	}
	format, err := deid.ParseFormat(q.Get("format"))
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "format: %v", err)
	}
	decrypt, err := flagParam(q, "decrypt")
	if err != nil {
		return err
	}
	raw, err := flagParam(q, "csv_raw")
	if err != nil {
		return err
	}
	// Each organisation has its own key, derived from the server's: one
	// cannot decrypt or link another's output. An operator names the org.
	org := k.Org
	if k.Role == ringfence.RoleOperator {
		if org = q.Get("org"); org == "" {
			return ringfence.Errorf(ringfence.EINVALID, "org: an operator names the organisation whose key to use")
		}
	} else if q.Has("org") {
		return ringfence.Errorf(ringfence.EINVALID, "org: only an operator names the organisation; this key uses its own")
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
	opt := deid.Options{Format: format, Encoding: q.Get("encoding"), Decrypt: decrypt, Name: "request", CSVRaw: raw}
	if err := eng.Check(opt); err != nil {
		return err
	}
	if format == "" {
		format = pol.Format
	}
	if decrypt {
		if err := s.Service.Audit(r.Context(), k.ID, "deid.decrypt", org, ""); err != nil {
			return err
		}
	}
	// Headers go out with the first byte of output: an error before it is
	// still answered with its own status.
	out := &deidWriter{w: w, contentType: contentType(format)}
	sum, err := eng.Process(http.MaxBytesReader(w, r.Body, MaxDeidBody), out, opt)
	if err != nil {
		if !out.started {
			return err
		}
		// The body is partly written; the trailer says what went wrong.
		w.Header().Set(summaryTrailer, asciiJSON(map[string]string{"error": ringfence.ErrorMessage(err)}))
		return nil
	}
	out.start()
	w.Header().Set(summaryTrailer, asciiJSON(map[string]any{
		"records": sum.Records, "bytes": sum.Bytes, "found": sum.Found, "columns": sum.Columns, "failed": sum.Failed, "encoding": sum.Encoding,
		"failed_records": sum.FailedRecords, "failed_lines": sum.FailedLines, "neutralised": sum.Neutralised,
	}))
	return nil
}

// deidWriter sets the headers of a de-identified body when its first byte
// is written.
type deidWriter struct {
	w           http.ResponseWriter
	contentType string
	started     bool
}

func (d *deidWriter) start() {
	if !d.started {
		d.started = true
		d.w.Header().Set("Trailer", summaryTrailer)
		d.w.Header().Set("Content-Type", d.contentType)
	}
}

func (d *deidWriter) Write(p []byte) (int, error) {
	d.start()
	return d.w.Write(p)
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
