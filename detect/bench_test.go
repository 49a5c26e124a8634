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
// corroborate), which the server feeds every call the detector sees.
//
// Each is divided by the callers it keeps: the detector's by its active
// callers (those that called within its idle expiry, two days), the
// sketch's by the callers with a call among the records it holds (its
// 30-day window; corroborate.ActiveCallers, as TestBytesPerCaller counts
// them). Their sum bounds the bytes per active caller of the two
// together, since the sketch's callers include the detector's.
// sketch-bytes/detector-caller divides the sketch by the detector's
// callers instead, for comparison: a two-day count against up to 30 days
// of records. Run it with RF_DAYS=30 for the sketch in service, full.
func BenchmarkStateWithSketch(b *testing.B) {
	days, subs := envInt("RF_DAYS", 7), envInt("RF_SUBS", 20000)
	calls := simulate.Run(simulate.Config{Days: days, Subscribers: subs, Seed: 11}).Calls
	window := corroborate.ActiveCallers(calls)
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
		b.ReportMetric(n, "detector-callers")
		b.ReportMetric(float64(window), "sketch-callers")
		b.ReportMetric(float64(ss.Days), "sketch-days")
		b.ReportMetric(st.BytesPerCaller(), "detector-bytes/caller")
		b.ReportMetric(float64(ss.Bytes)/float64(window), "sketch-bytes/caller")
		b.ReportMetric(st.BytesPerCaller()+float64(ss.Bytes)/float64(window), "total-bytes/caller")
		b.ReportMetric(float64(ss.Bytes)/n, "sketch-bytes/detector-caller")
	}
}
