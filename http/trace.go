package http

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"ringfence"
	"ringfence/evidence"
	"ringfence/ledger"
	"ringfence/trace"
)

// MaxListBody bounds a customer list or found list sent to the API;
// MaxBundle an evidence bundle (they are kilobytes).
const (
	MaxListBody = 512 << 20
	MaxBundle   = 8 << 20
)

func (s *Server) traceRoutes() {
	s.handle("POST /v1/exports", s.postExport, ringfence.RoleOrg)
	s.handle("GET /v1/exports", s.getExports, ringfence.RoleOrg, ringfence.RoleOperator, ringfence.RoleRegulator)
	s.handle("POST /v1/attributions", s.postAttribution, ringfence.RoleRegulator, ringfence.RoleOperator)
	s.handle("GET /v1/evidence/{case}", s.getEvidence, ringfence.RoleRegulator, ringfence.RoleOperator, ringfence.RoleSubscriber)
	s.handle("POST /v1/evidence/verify", s.verifyEvidence, ringfence.RoleSubscriber, ringfence.RoleReporter, ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleRegulator, ringfence.RoleOrg)
}

func (s *Server) ledger() (*ledger.Log, error) {
	if s.Ledger == nil {
		return nil, ringfence.Errorf(ringfence.ENOTFOUND, "this server keeps no disclosure ledger")
	}
	return s.Ledger, nil
}

// postExport salts the customer list in the body for one recipient and
// answers with the salted copy, once the export is recorded in the ledger.
// The list and the copy are spooled to files in TempDir (0600, inside the
// data directory), never held in memory whole; pool numbers are reserved
// while the copy is written and bound only when the export is recorded.
func (s *Server) postExport(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	if s.TempDir == "" {
		// Fail closed: a customer list is never spooled outside the data
		// directory.
		return ringfence.Errorf(ringfence.EINTERNAL, "exports: the server has no temporary directory in its data directory")
	}
	q := r.URL.Query()
	recipient := q.Get("recipient")
	if recipient == "" {
		return ringfence.Errorf(ringfence.EINVALID, "recipient: empty")
	}
	opt := trace.SaltOptions{
		Disclosure:  trace.Disclosure{Org: k.Org, Recipient: recipient},
		Key:         l.FingerprintKey(),
		PhoneColumn: q.Get("phone_column"),
		Numbers:     l.ReservedRange(nil),
	}
	if opt.RawCells, err = flagParam(q, "csv_raw"); err != nil {
		return err
	}
	free := s.Service.IssuableAliases()
	if c := q.Get("canaries"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > 1000 {
			return ringfence.Errorf(ringfence.EINVALID, "canaries: %q is not 1..1000", c)
		}
		if free > 0 && n > free {
			return ringfence.Errorf(ringfence.ECONFLICT, "canaries: %d asked, but only %d alias pool numbers are free", n, free)
		}
		opt.Canaries = n
	}
	issue := s.Service.BeginExport(k.ID, k.Org)
	defer issue.Abort()
	if free > 0 {
		opt.Numbers = issue
	}
	if v := q.Get("alias"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "alias: %q is not true or false", v)
		}
		if on {
			opt.Aliases = issue
		}
	}
	in, err := os.CreateTemp(s.TempDir, "export-in-*")
	if err != nil {
		return err
	}
	defer os.Remove(in.Name())
	defer in.Close()
	if _, err := io.Copy(in, http.MaxBytesReader(w, r.Body, MaxListBody)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return ringfence.Errorf(ringfence.ETOOLARGE, "customer list: larger than %d bytes", MaxListBody)
		}
		return err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	// The copy is built in a temporary file and sent only after the ledger
	// holds its entry: no disclosure leaves unrecorded.
	tmp, err := os.CreateTemp(s.TempDir, "export-out-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	res, err := trace.Salt(r.Context(), in, tmp, opt)
	if err != nil {
		if ringfence.ErrorCode(err) == ringfence.EINTERNAL && r.Context().Err() == nil {
			return ringfence.Errorf(ringfence.EINVALID, "customer list: %v", err)
		}
		return err
	}
	idx, err := issue.Commit(r.Context(), &res.Export, res.Prints)
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("X-Ringfence-Export-Id", res.Export.ExportID)
	w.Header().Set("X-Ringfence-Ledger-Entry", strconv.FormatInt(idx, 10))
	w.Header().Set("X-Ringfence-Canaries", strconv.Itoa(len(res.Export.Canaries)))
	_, err = io.Copy(w, tmp)
	return err
}

// getExports lists recorded exports: an org sees only its own.
func (s *Server) getExports(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	refs, err := l.Exports()
	if err != nil {
		return err
	}
	type export struct {
		Org       string `json:"org"`
		Recipient string `json:"recipient"`
		ExportID  string `json:"export_id"`
		Entry     int64  `json:"ledger_entry"`
		Time      string `json:"time"`
		Rows      int    `json:"rows"`
	}
	out := []export{}
	for _, ref := range refs {
		if k.Role == ringfence.RoleOrg && ref.Org != k.Org {
			continue
		}
		out = append(out, export{Org: ref.Org, Recipient: ref.Recipient, ExportID: ref.ExportID, Entry: ref.Entry, Time: ref.Time.Format("2006-01-02T15:04:05Z07:00"), Rows: ref.Rows})
	}
	writeJSON(w, http.StatusOK, map[string]any{"exports": out})
	return nil
}

// postAttribution ranks the exports most likely to be the source of the
// found list in the body, and records the case.
func (s *Server) postAttribution(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	top := 10
	if t := r.URL.Query().Get("top"); t != "" {
		if top, err = strconv.Atoi(t); err != nil || top < 1 || top > 100 {
			return ringfence.Errorf(ringfence.EINVALID, "top: %q is not 1..100", t)
		}
	}
	a, _, err := ledger.Attribute(r.Context(), l, http.MaxBytesReader(w, r.Body, MaxListBody), trace.AttributeOptions{Top: top, NullAliases: s.Service.NullAliases()})
	if err != nil {
		if ringfence.ErrorCode(err) == ringfence.EINTERNAL {
			return ringfence.Errorf(ringfence.EINVALID, "found list: %v", err)
		}
		return err
	}
	if err := s.Service.Audit(r.Context(), k.ID, "trace.attribute", a.Case, ""); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// getEvidence builds the evidence bundle of a case (an attribution case id,
// or leak-N for the alias leak at ledger entry N).
func (s *Server) getEvidence(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	l, err := s.ledger()
	if err != nil {
		return err
	}
	if k.Role == ringfence.RoleSubscriber && !s.ownLeak(l, k, r.PathValue("case")) {
		// A subscriber gets the evidence of leaks of its own aliases only,
		// and cannot tell others' cases from missing ones.
		return ringfence.Errorf(ringfence.ENOTFOUND, "no case %s among your aliases' leaks", r.PathValue("case"))
	}
	b, err := evidence.ExportWith(l, r.PathValue("case"), func(i int64) (string, error) {
		return s.Service.LeakCaller(r.Context(), i)
	})
	if err != nil {
		if ringfence.ErrorCode(err) == ringfence.EINTERNAL {
			// The case's records do not make a bundle (e.g. a call before
			// its binding): say why.
			return ringfence.Errorf(ringfence.ECONFLICT, "case %s: %v", r.PathValue("case"), err)
		}
		return err
	}
	if err := s.Service.Audit(r.Context(), k.ID, "evidence.export", r.PathValue("case"), ""); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("case")+`.zip"`)
	_, err = w.Write(b)
	return err
}

// LedgerKeyHeader carries the verifier key for POST /v1/evidence/verify:
// the preferred way, since a key in the query must be URL-encoded.
const LedgerKeyHeader = "X-Ringfence-Ledger-Key"

// verifyEvidence checks a bundle offline: with the X-Ringfence-Ledger-Key
// header or ?key= the ledger's verifier key, else this server's own.
func (s *Server) verifyEvidence(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBundle))
	if err != nil {
		return err
	}
	// By default a bundle is checked against this server's own ledger key,
	// not the key it carries; the header or ?key= checks another ledger's
	// bundle. A verifier key is base64 and never holds a space: a space in
	// the query is a "+" that was not URL-encoded.
	key := strings.TrimSpace(r.Header.Get(LedgerKeyHeader))
	if q := queryKey(r.URL.Query().Get("key")); q != "" {
		if key != "" && key != q {
			return ringfence.Errorf(ringfence.EINVALID, "key: differs from the %s header; give the key once", LedgerKeyHeader)
		}
		key = q
	}
	if key == "" && s.Ledger != nil {
		key = s.Ledger.VerifierKey()
	}
	res, err := evidence.Verify(b, key)
	if err != nil {
		// Every failure is a finding about the bundle, safe to show.
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"verified": false, "error": err.Error()})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"verified": true, "result": res})
	return nil
}

// queryKey reads a verifier key given in the query. A verifier key is
// base64 and never holds a space, so every space is a "+" that was not
// URL-encoded, even a leading or trailing one (base64 may end in "+").
func queryKey(q string) string {
	return strings.TrimSpace(strings.ReplaceAll(q, " ", "+"))
}

// ownLeak reports whether caseID is "leak-N" for a leak event on one of
// k's aliases.
func (s *Server) ownLeak(l *ledger.Log, k ringfence.Key, caseID string) bool {
	n, ok := strings.CutPrefix(caseID, "leak-")
	if !ok {
		return false
	}
	i, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return false
	}
	e, err := l.Entry(i)
	if err != nil || e.LeakEvent == nil {
		return false
	}
	b, err := s.Service.Alias(e.LeakEvent.Alias)
	return err == nil && b.Subscriber == k.Subscriber
}
