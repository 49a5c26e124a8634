package natslog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
)

func records(n int) []ringfence.CallRecord {
	rs := make([]ringfence.CallRecord, n)
	for i := range rs {
		rs[i] = ringfence.CallRecord{Caller: 8617000000000 + uint64(i%50000)*7, Callee: 8613800000000 + uint64(i), Start: 1772366400 + int64(i/100), Duration: uint32(i % 120), Answered: i%2 == 0}
	}
	return rs
}

// BenchmarkPublishCalls: call records into the log, 100,000 a call, on
// one embedded server (rows/s is the figure).
func BenchmarkPublishCalls(b *testing.B) {
	l := open(b, natslog.Config{URLs: natstest.Server(b, b.TempDir()).ClientURL(), Partitions: 16})
	rs := records(100_000)
	b.ResetTimer()
	for range b.N {
		if err := l.PublishCalls(context.Background(), rs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(rs))/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkConsumeCalls: the records of all partitions out of the log,
// acknowledged batch by batch.
func BenchmarkConsumeCalls(b *testing.B) {
	l := open(b, natslog.Config{URLs: natstest.Server(b, b.TempDir()).ClientURL(), Partitions: 4})
	rs := records(100_000)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if err := l.PublishCalls(context.Background(), rs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for p := range l.Partitions() {
			want := 0
			for _, r := range rs {
				if pc, pe := natslog.PartitionsOf(r, l.Partitions()); pc == p || pe == p {
					want++
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			got := 0
			l.ConsumeCalls(ctx, p, fmt.Sprintf("bench-%d-%d", i, p), func(rs []ringfence.CallRecord) error {
				if got += len(rs); got >= want {
					cancel()
				}
				return nil
			})
			cancel()
			if got != want {
				b.Fatalf("partition %d: %d of %d records", p, got, want)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(rs))/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAppend: one event per Append, and 100, each acknowledged, on
// one server (R1) and on a cluster of three (R3).
func BenchmarkAppend(b *testing.B) {
	for _, tt := range []struct {
		name     string
		replicas int
	}{{"R1", 1}, {"R3", 3}} {
		b.Run(tt.name, func(b *testing.B) {
			var urls string
			if tt.replicas == 1 {
				urls = natstest.Server(b, b.TempDir()).ClientURL()
			} else {
				urls = natstest.NewCluster(b, 3).URLs()
			}
			l := open(b, natslog.Config{URLs: urls, Replicas: tt.replicas})
			defer l.Close()
			ev := ringfence.Event{Type: ringfence.EventRules, At: time.Now(), Rules: &ringfence.Rules{Subscriber: "+8613900000000"}}
			for _, n := range []int{1, 100} {
				evs := make([]ringfence.Event, n)
				for i := range evs {
					evs[i] = ev
				}
				b.Run(fmt.Sprintf("%d-per-append", n), func(b *testing.B) {
					for range b.N {
						if _, err := l.Append(context.Background(), evs...); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
				})
			}
		})
	}
}
