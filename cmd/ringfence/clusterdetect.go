package main

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ringfence"
	"ringfence/engine"
	"ringfence/natslog"
)

// Behaviour detection in a cluster with a JetStream log (serve --store …
// --log …): POST /v1/cdrs on any node publishes the records on the log's
// call-record partitions and answers once the stream has acknowledged
// them (ingestNode); the nodes with the detect role share the partitions
// under leases and store the flags as events on the log
// (natslog.Detectors), so every node's verdicts see them. Without --log a
// cluster node detects in its own memory, as an embedded one does.

// clusterDetect is a cluster node's link between the API, the JetStream
// log (once connected) and the partitioned detectors.
type clusterDetect struct {
	log  atomic.Pointer[natslog.Log]
	dets atomic.Pointer[natslog.Detectors]
}

// run is called by followJetStream once l is open: it starts the
// detectors when the node has the detect role. The returned function
// waits until they have given their partitions back (after ctx ends),
// before l closes.
func (cd *clusterDetect) run(ctx context.Context, l *natslog.Log, o serveOptions, node *engine.Node, logger *slog.Logger) (wait func()) {
	cd.log.Store(l)
	if !o.roles.has(roleDetect) {
		return func() {}
	}
	d := l.NewDetectors(natslog.DetectorsConfig{Node: o.nodeName(), Sink: node, Logger: logger})
	cd.dets.Store(d)
	done := make(chan struct{})
	go func() {
		defer close(done)
		logger.Info("detect: sharing the call-record partitions", "partitions", l.Partitions())
		d.Run(ctx)
	}()
	return func() { <-done }
}

// ingestNode is a cluster node whose call records go to the log's
// partitions instead of its own detector.
type ingestNode struct {
	*engine.Node
	cd *clusterDetect
}

// ObserveFrom notes the records for corroboration (as the embedded node
// does) and publishes them on the call-record partitions, returning once
// the stream has acknowledged them all. It returns no flags: the
// detectors raise them later, as events (GET /v1/flags, verdicts).
// Records naming an account or trunk carry the names (each batch on the
// stream names the sources its records use), so that flags say which
// customer's line carried the calls.
func (n ingestNode) ObserveFrom(ctx context.Context, cdrs []ringfence.CallRecord, source func(id uint16) (account, trunk string)) ([]ringfence.Flag, error) {
	l := n.cd.log.Load()
	if l == nil {
		return nil, ringfence.Errorf(ringfence.EUNAVAILABLE, "call records: the node is not connected to the JetStream log yet; send them again")
	}
	kept := n.NoteCalls(cdrs)
	if err := l.PublishCallsFrom(ctx, kept, source); err != nil {
		return nil, ringfence.Errorf(ringfence.EUNAVAILABLE, "call records: %v", err)
	}
	return []ringfence.Flag{}, nil
}

// Observe is ObserveFrom for records that name no account or trunk.
func (n ingestNode) Observe(ctx context.Context, cdrs []ringfence.CallRecord) ([]ringfence.Flag, error) {
	return n.ObserveFrom(ctx, cdrs, nil)
}

// detectCollector is /metrics' view of the partitions: how many this
// node owns, and each owned partition's applied sequence and lag.
type detectCollector struct {
	cd                          *clusterDetect
	owned, applied, behind, age *prometheus.Desc
}

func newDetectCollector(cd *clusterDetect) *detectCollector {
	return &detectCollector{cd: cd,
		owned:   prometheus.NewDesc("ringfence_detect_partitions_owned", "Call-record partitions whose lease this node holds.", nil, nil),
		applied: prometheus.NewDesc("ringfence_detect_partition_applied_sequence", "Last stream sequence applied on a partition this node owns.", []string{"partition"}, nil),
		behind:  prometheus.NewDesc("ringfence_detect_partition_lag_messages", "Messages (of up to 1,024 records) on a partition this node owns not applied yet.", []string{"partition"}, nil),
		age:     prometheus.NewDesc("ringfence_detect_partition_checkpoint_age_seconds", "Seconds since this node stored the checkpoint of a partition it owns: the snapshot a takeover rebuilds from (absent before the first).", []string{"partition"}, nil),
	}
}

func (c *detectCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.owned
	ch <- c.applied
	ch <- c.behind
	ch <- c.age
}

func (c *detectCollector) Collect(ch chan<- prometheus.Metric) {
	d := c.cd.dets.Load()
	owned := 0
	if d != nil {
		for _, s := range d.Status() {
			if !s.Owned {
				continue
			}
			owned++
			p := strconv.Itoa(s.Partition)
			ch <- prometheus.MustNewConstMetric(c.applied, prometheus.GaugeValue, float64(s.Applied), p)
			ch <- prometheus.MustNewConstMetric(c.behind, prometheus.GaugeValue, float64(s.Pending), p)
			if !s.Checkpointed.IsZero() {
				ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, time.Since(s.Checkpointed).Seconds(), p)
			}
		}
	}
	ch <- prometheus.MustNewConstMetric(c.owned, prometheus.GaugeValue, float64(owned))
}
