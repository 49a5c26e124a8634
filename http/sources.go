package http

import (
	"context"
	"net/http"
	"time"

	"ringfence"
	"ringfence/cdr"
)

// Sources rolls the flags of a month up by who carried their calls (the
// customer account or trunk on the records), the brand of the number's
// range, or the holder of a 95/96 number.
type Sources interface {
	SourceStats(ctx context.Context, month time.Time, by cdr.By) (cdr.SourceStats, error)
}

// sourceObserver is a Service whose flags can carry the account and trunk
// of the records that raised them.
type sourceObserver interface {
	ObserveFrom(ctx context.Context, cdrs []ringfence.CallRecord, source func(uint16) cdr.Source) ([]ringfence.Flag, error)
}

// observe feeds a batch read by rd to detection, naming the records'
// sources when the service takes them.
func (s *Server) observe(ctx context.Context, batch []ringfence.CallRecord, rd *cdr.Reader) ([]ringfence.Flag, error) {
	if so, ok := s.Service.(sourceObserver); ok {
		return so.ObserveFrom(ctx, batch, rd.Source)
	}
	return s.Service.Observe(ctx, batch)
}

// getSources serves GET /v1/stats/sources?month=YYYY-MM[&by=...]: the
// flags raised in the month (UTC) rolled up by account (the default),
// trunk, brand or holder. Carriers and regulators only: it names the
// carrier's customers.
func (s *Server) getSources(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	q := r.URL.Query()
	m, err := ringfence.ParseMonth(q.Get("month"))
	if err != nil {
		return err
	}
	by := cdr.ByAccount
	if q.Has("by") {
		if by, err = cdr.ParseBy(q.Get("by")); err != nil {
			return err
		}
	}
	st, err := s.Service.SourceStats(r.Context(), m, by)
	if err != nil {
		return err
	}
	if st.Sources == nil {
		st.Sources = []cdr.SourceRow{}
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
