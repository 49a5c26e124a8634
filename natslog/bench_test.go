package natslog_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"ringfence"
	"ringfence/natslog"
	"ringfence/natslog/natstest"
	"ringfence/simulate"
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
		// Other calls each time: the same batches again would be
		// duplicates the servers answer without storing.
		b.StopTimer()
		for i := range rs {
			rs[i].Start += 86400
		}
		b.StartTimer()
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
				if slices.Contains(natslog.PartitionsOf(r, l.Partitions()), p) {
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

// BenchmarkDetectors: simulated records (20,000 subscribers, two days)
// published into the log's 16 partitions and applied by 1, 2 or 3
// detector nodes in this process (each its own connection, the partitions
// shared out before the timer starts; flags to a sink in memory): rows/s
// is the file's records over the time from the first publish until every
// partition is applied to its last message. On one machine more nodes
// share the same cores: it shows overhead, not speed-up.
func BenchmarkDetectors(b *testing.B) {
	recs := simulate.Run(simulate.Config{Days: 2, Subscribers: 20000, Seed: 1, Start: time.Date(2026, 3, 1, 0, 0, 0, 0, simulate.CST)}).Calls
	for _, nodes := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				url := natstest.Server(b, b.TempDir()).ClientURL()
				l := open(b, natslog.Config{URLs: url})
				var dets []*natslog.Detectors
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				for i := range nodes {
					dl := open(b, natslog.Config{URLs: url})
					d := dl.NewDetectors(natslog.DetectorsConfig{Node: fmt.Sprint("n", i), Sink: &memSink{}})
					dets = append(dets, d)
					wg.Add(1)
					go func() { defer wg.Done(); d.Run(ctx) }()
				}
				applied := func() []uint64 {
					out := make([]uint64, l.Partitions())
					owned := 0
					for _, d := range dets {
						k := 0
						for _, s := range d.Status() {
							if s.Owned {
								out[s.Partition] = max(out[s.Partition], s.Applied)
								k++
							}
						}
						if k > (l.Partitions()+nodes-1)/nodes {
							return nil // not shared out yet
						}
						owned += k
					}
					if owned != l.Partitions() {
						return nil
					}
					return out
				}
				for applied() == nil {
					time.Sleep(20 * time.Millisecond)
				}
				b.StartTimer()
				if err := l.PublishCalls(context.Background(), recs); err != nil {
					b.Fatal(err)
				}
				heads, err := l.PartitionHeads(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				for done := false; !done; time.Sleep(5 * time.Millisecond) {
					a := applied()
					done = a != nil
					for p, h := range heads {
						done = done && a[p] >= h
					}
				}
				b.StopTimer()
				cancel()
				wg.Wait()
			}
			b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
