package http

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"ringfence"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	verdicts *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, e Service) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringfence_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "status"}),
		latency:  prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ringfence_http_request_seconds", Help: "HTTP request latency by route.", Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1}}, []string{"route"}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ringfence_verdicts_total", Help: "Verdicts by action."}, []string{"action"}),
	}
	reg.MustRegister(m.requests, m.latency, m.verdicts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_reputed_numbers", Help: "Numbers in the reputation index."}, func() float64 { return float64(e.IndexStats().Numbers) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_reputation_index_bytes", Help: "Memory of the reputation index."}, func() float64 { return float64(e.IndexStats().Bytes) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_alias_pool_free", Help: "Alias pool numbers free to issue now."}, func() float64 { return float64(e.PoolStats().Free) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ringfence_alias_pool_numbers", Help: "Alias pool numbers that can be issued: free, waiting in quarantine, reserved or bound."}, func() float64 {
			p := e.PoolStats()
			return float64(p.Numbers - p.Null - p.Retired)
		}),
	)
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) verdict(a ringfence.Action) { m.verdicts.WithLabelValues(string(a)).Inc() }

// Register adds a collector to /metrics: the SIP front's counters, for one.
func (s *Server) Register(c prometheus.Collector) error { return s.registry.Register(c) }
