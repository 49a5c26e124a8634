package http

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"ringfence"
	"ringfence/cdr"
)

// MaxCDRBody bounds one POST /v1/cdrs upload; send more in several.
const MaxCDRBody = 1 << 30

// cdrBatch is how many records go to the detector at a time.
const cdrBatch = 4096

// startField names the start-time column of each format in row errors.
var startField = map[cdr.Format]string{cdr.Native: "start_time", cdr.Asterisk: "start"}

// postCDRs streams call records (native CSV or Asterisk Master.csv, plain
// or gzip) into behaviour detection. Bad rows are skipped and reported by
// line; flags become verdict signals as soon as their batch is done.
func (s *Server) postCDRs(w http.ResponseWriter, r *http.Request, k ringfence.Key) error {
	format, err := cdr.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "format: %v", err)
	}
	rd := cdr.NewReader(http.MaxBytesReader(w, r.Body, MaxCDRBody), format)
	var (
		rows, rejected int
		errs           = []*ringfence.RowError{}
		flags          = []ringfence.Flag{}
		batch          = make([]ringfence.CallRecord, 0, cdrBatch)
	)
	flush := func() error {
		fs, err := s.observe(r.Context(), batch, rd)
		flags = append(flags, fs...)
		batch = batch[:0]
		return err
	}
	for {
		c, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *ringfence.RowError
		if errors.As(err, &re) {
			rows++
			rejected++
			if len(errs) < 10 {
				errs = append(errs, re)
			}
			continue
		} else if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return ringfence.Errorf(ringfence.EINVALID, "body after %d rows: %v", rows, err)
		}
		rows++
		field := startField[rd.Format()]
		err = s.Service.NotFuture(field, c.StartTime())
		if err == nil {
			err = ringfence.NotBefore(field, c.StartTime())
		}
		if err != nil {
			// A call that has not happened yet would anchor detection
			// windows in the future: a bad row like any other.
			rejected++
			if len(errs) < 10 {
				errs = append(errs, &ringfence.RowError{Line: rd.Line(), Field: field, Err: errors.New(strings.TrimPrefix(ringfence.ErrorMessage(err), field+": "))})
			}
			continue
		}
		batch = append(batch, c)
		if len(batch) == cdrBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rows": rows, "rejected": rejected, "errors": errs, "flags": flags})
	return nil
}
