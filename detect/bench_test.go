package detect_test

import (
	"runtime"
	"testing"

	"ringfence"
	"ringfence/corroborate"
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

// BenchmarkStateWithSketch measures what the server keeps per active
// caller on a simulated population (RF_SUBS subscribers, default 20,000,
// over RF_DAYS days, default 7): the detector's state, and the sketch of
// who called whom that crowd reports are checked against (package
// corroborate), which the server feeds every call the detector sees. Both
// are divided by the detector's active callers (those that called within
// its idle expiry). sketch-30d-bytes/caller is the sketch's bytes per day
// held times the 30 days it keeps in service.
func BenchmarkStateWithSketch(b *testing.B) {
	days, subs := envInt("RF_DAYS", 7), envInt("RF_SUBS", 20000)
	calls := simulate.Run(simulate.Config{Days: days, Subscribers: subs, Seed: 11}).Calls
	b.ResetTimer()
	for range b.N {
		d := detect.New(detect.DefaultConfig())
		s := corroborate.New(corroborate.DefaultConfig())
		emit := func(ringfence.Flag) {}
		for i := 0; i < len(calls); i += 256 {
			batch := calls[i:min(i+256, len(calls))]
			d.ObserveCalls(batch, emit)
			s.Add(batch...)
		}
		st, ss := d.Stats(), s.Stats()
		n := float64(st.ActiveCallers)
		b.ReportMetric(n, "active-callers")
		b.ReportMetric(st.BytesPerCaller(), "detector-bytes/caller")
		b.ReportMetric(float64(ss.Bytes)/n, "sketch-bytes/caller")
		b.ReportMetric(st.BytesPerCaller()+float64(ss.Bytes)/n, "total-bytes/caller")
		b.ReportMetric(float64(ss.Bytes)/float64(ss.Days)*corroborate.Window/n, "sketch-30d-bytes/caller")
	}
}
