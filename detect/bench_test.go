package detect_test

import (
	"runtime"
	"testing"

	"ringfence"
	"ringfence/detect"
	"ringfence/simulate"
)

// BenchmarkObserve measures the detector alone over two simulated days,
// call by call and in batches.
func BenchmarkObserve(b *testing.B) {
	res := simulate.Run(simulate.Config{Days: 2, Subscribers: 20000, Seed: 3})
	calls := res.Calls
	emit := func(ringfence.Flag) {}
	b.Run("one", func(b *testing.B) {
		for range b.N {
			d := detect.New(detect.DefaultConfig())
			for _, c := range calls {
				d.Observe(c, emit)
			}
		}
		b.ReportMetric(float64(len(calls))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("batch", func(b *testing.B) {
		for range b.N {
			d := detect.New(detect.DefaultConfig())
			for i := 0; i < len(calls); i += 256 {
				d.ObserveCalls(calls[i:min(i+256, len(calls))], emit)
			}
		}
		b.ReportMetric(float64(len(calls))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkDistinctCallers measures the heap held per active caller: it
// observes RF_CALLERS distinct callers (default 1,000,000; the bench script
// uses 10,000,000) and reports heap bytes per caller and in total.
func BenchmarkDistinctCallers(b *testing.B) {
	n := envInt("RF_CALLERS", 1_000_000)
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d := detect.New(detect.DefaultConfig())
		emit := func(ringfence.Flag) {}
		for i := range n {
			caller := uint64(8613000000000 + i*7)
			d.Observe(ringfence.CallRecord{Caller: caller, Callee: caller + 1, Start: int64(1709510400 + i/1000), Duration: 30, Answered: true}, emit)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		st := d.Stats()
		if st.ActiveCallers != n {
			b.Fatalf("active callers %d, want %d", st.ActiveCallers, n)
		}
		heap := float64(after.HeapAlloc - before.HeapAlloc)
		b.ReportMetric(float64(n), "callers")
		b.ReportMetric((heap-float64(st.FixedBytes))/float64(n), "heap-bytes/caller")
		b.ReportMetric(st.BytesPerCaller(), "state-bytes/caller")
		b.ReportMetric(heap/(1<<20), "heap-MiB")
		runtime.KeepAlive(d)
	}
}
