package http

import (
	"context"
	"net/http"
	"time"

	"ringfence"
	"ringfence/cdr"
)

// Sources reads the flags raised in a span, which GET /v1/stats/sources
// rolls up by who carried their calls.
type Sources interface {
	FlagsRaised(ctx context.Context, from, to time.Time, fn func(ringfence.Flag) error) error
}

// sourceObserver is a Service whose flags can carry the account and trunk
// of the records that raised them.
type sourceObserver interface {
	ObserveFrom(ctx context.Context, cdrs []ringfence.CallRecord, source func(id uint16) (account, trunk string)) ([]ringfence.Flag, error)
}

// observe feeds a batch read by rd to detection, naming the records'
// sources when the service takes them.
func (s *Server) observe(ctx context.Context, batch []ringfence.CallRecord, rd *cdr.Reader) ([]ringfence.Flag, error) {
	if so, ok := s.Service.(sourceObserver); ok {
		return so.ObserveFrom(ctx, batch, func(id uint16) (string, string) {
			src := rd.Source(id)
			return src.Account, src.Trunk
		})
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
	roll := cdr.NewRollup(by)
	if err := s.Service.FlagsRaised(r.Context(), m, m.AddDate(0, 1, 0), func(f ringfence.Flag) error {
		roll.Add(f, 0)
		return nil
	}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cdr.SourceStats{Month: m.Format("2006-01"), By: by, Sources: roll.Rows()})
	return nil
}
