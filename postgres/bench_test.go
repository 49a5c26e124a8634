package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"ringfence"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
	"ringfence/reputation"
	"ringfence/sqlite"
)

// BenchmarkAddReports stores reports 1,000 to a transaction, on
// PostgreSQL and, as the peer to compare with, on SQLite (rows/s is the
// figure; the ratio of the two is what to report).
func BenchmarkAddReports(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) ringfence.Store
	}{
		{"sqlite", func(b *testing.B) ringfence.Store {
			db, err := sqlite.Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return db
		}},
		{"postgres", func(b *testing.B) ringfence.Store {
			s, err := postgres.Open(ctx, pgtest.URL(b))
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	}
	judge := func(ringfence.Report, reputation.Track, []reputation.Tally) (float64, int) { return 1, 0 }
	boost := func(ringfence.Report) float64 { return 1 }
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			s := st.open(b)
			defer s.Close()
			at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			n := 0
			b.ResetTimer()
			for range b.N {
				rs := make([]ringfence.Report, 1000)
				for i := range rs {
					n++
					rs[i] = ringfence.Report{Number: fmt.Sprintf("+86170%08d", n%50000), Category: "fraud", Reporter: fmt.Sprintf("r%d", n), Source: ringfence.SourceCrowd, ReportedAt: at, ReceivedAt: at}
				}
				if _, err := s.AddReports(ctx, rs, boost, judge); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
