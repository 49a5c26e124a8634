package http

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// LogFollower is what a Service that follows an event log (engine.Node)
// also implements: GET /readyz and the log gauges of /metrics read it.
type LogFollower interface {
	// LogStatus is the position the service's memory reflects, the log's
	// head as last read, whether it follows the log (also while waiting
	// to retry after a failure), and the last failure ("" when none).
	LogStatus() (position, head int64, following bool, failure string)
	// ReadyLag is how many events behind the head still count as ready.
	ReadyLag() int64
	// LogSource is what the service reads events from now: "store" (the
	// store's own event log) or "stream" (the JetStream stream they are
	// relayed into, in a cluster started with --log).
	LogSource() string
	// Snapshot is the log position the service's memory was loaded from
	// the store at, and when: it then follows the log from there.
	Snapshot() (position int64, loaded time.Time)
}

// readiness is the body of GET /readyz. It holds positions and counts,
// never personal data.
type readiness struct {
	Ready     bool   `json:"ready"`
	Position  int64  `json:"position"`
	Head      int64  `json:"head"`
	Lag       int64  `json:"lag_events"`
	MaxLag    int64  `json:"max_lag_events"`
	Following bool   `json:"following"`
	Source    string `json:"source,omitempty"` // "store" or "stream"
	Error     string `json:"error,omitempty"`
}

// healthRoutes adds GET /readyz (GET /healthz, alive, is in routes) and,
// when the service follows a log, the gauges ringfence_log_position,
// ringfence_log_lag_events, ringfence_log_reading_stream,
// ringfence_snapshot_position and ringfence_snapshot_age_seconds. Neither route
// takes a key.
//
// /readyz answers 200 when the service follows its log and is within
// ReadyLag events of the head as last read, else 503 with the lag. A
// failure to reach the log (the store restarting) is reported in "error"
// but does not make the node unready by itself: verdicts come from
// memory, which is as fresh as the lag says. A service that follows no
// log (a bare engine) is always ready.
func (s *Server) healthRoutes() {
	f, _ := s.Service.(LogFollower)
	if f != nil {
		s.registry.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_log_position", Help: "Event log position this node's memory reflects."}, func() float64 {
				pos, _, _, _ := f.LogStatus()
				return float64(pos)
			}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_log_lag_events", Help: "Events in the log (head as last read) that this node's memory does not reflect yet."}, func() float64 {
				pos, head, _, _ := f.LogStatus()
				return float64(head - pos)
			}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_log_reading_stream", Help: "1 while this node reads events from the JetStream stream, 0 while it reads the store's event log."}, func() float64 {
				if f.LogSource() == "stream" {
					return 1
				}
				return 0
			}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_snapshot_position", Help: "Event log position of the store snapshot this node's memory was loaded from at start."}, func() float64 {
				pos, _ := f.Snapshot()
				return float64(pos)
			}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_snapshot_age_seconds", Help: "Seconds since this node loaded its memory from the store; since then it has applied the log's events."}, func() float64 {
				_, at := f.Snapshot()
				return time.Since(at).Seconds()
			}),
		)
	}
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r, nil); err != nil {
			Error(w, r, err)
			return
		}
		if f == nil {
			writeJSON(w, http.StatusOK, readiness{Ready: true})
			return
		}
		var rd readiness
		rd.Position, rd.Head, rd.Following, rd.Error = f.LogStatus()
		rd.Lag, rd.MaxLag, rd.Source = rd.Head-rd.Position, f.ReadyLag(), f.LogSource()
		rd.Ready = rd.Following && rd.Lag <= rd.MaxLag
		status := http.StatusOK
		if !rd.Ready {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, rd)
	})
}
