package sip

import "github.com/prometheus/client_golang/prometheus"

// Collector returns a Prometheus collector of the server's counters (see
// Stats), for /metrics:
//
//	ringfence_sip_verdicts_total{action}           screened INVITEs by verdict
//	ringfence_sip_untrusted_total{transport}       from outside Config.Trust: udp datagrams dropped, tcp connections answered 403
//	ringfence_sip_conns_refused_total{reason}      TCP connections closed at accept: per_source cap, server total, or untrusted sources' share
//	ringfence_sip_rate_limited_total               INVITEs answered 503 by the per-source rate
//	ringfence_sip_dropped_total                    packets dropped by the per-source packet budget
//	ringfence_sip_malformed_total                  messages that did not parse or lacked mandatory headers
func (s *Server) Collector() prometheus.Collector { return collector{s} }

var (
	descVerdicts    = prometheus.NewDesc("ringfence_sip_verdicts_total", "Screened SIP INVITEs by verdict.", []string{"action"}, nil)
	descUntrusted   = prometheus.NewDesc("ringfence_sip_untrusted_total", "SIP traffic from outside the trusted networks (--sip-trust), given no verdict: UDP datagrams dropped, TCP connections answered 403 and closed.", []string{"transport"}, nil)
	descConnRefused = prometheus.NewDesc("ringfence_sip_conns_refused_total", "SIP TCP connections closed at accept: the source held --sip-max-conns-per-source (per_source), the server its maximum (total), or the untrusted sources theirs (untrusted).", []string{"reason"}, nil)
	descLimited     = prometheus.NewDesc("ringfence_sip_rate_limited_total", "SIP INVITEs answered 503 by the per-source rate (--sip-rate).", nil, nil)
	descDropped     = prometheus.NewDesc("ringfence_sip_dropped_total", "SIP packets dropped by the per-source packet budget.", nil, nil)
	descMalformed   = prometheus.NewDesc("ringfence_sip_malformed_total", "SIP messages that did not parse or lacked mandatory headers.", nil, nil)
)

type collector struct{ s *Server }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descVerdicts, descUntrusted, descConnRefused, descLimited, descDropped, descMalformed} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.Stats()
	counter := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(descVerdicts, st.Allowed, "allow")
	counter(descVerdicts, st.Labelled, "label")
	counter(descVerdicts, st.Blocked, "block")
	counter(descUntrusted, st.UntrustedUDP, "udp")
	counter(descUntrusted, st.UntrustedTCP, "tcp")
	counter(descConnRefused, st.ConnsOverSource, "per_source")
	counter(descConnRefused, st.ConnsOverTotal, "total")
	counter(descConnRefused, st.ConnsOverUntrusted, "untrusted")
	counter(descLimited, st.Limited)
	counter(descDropped, st.Dropped)
	counter(descMalformed, st.Malformed)
}
