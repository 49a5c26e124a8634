package engine_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/number"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/sqlite"
)

// benchEngine returns an engine whose index holds n reputed numbers, with
// a verified-business registry and one subscriber's rules, and a sample of
// the callers it holds.
func benchEngine(b *testing.B, n int) (*engine.Engine, []number.Info) {
	db, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	e, err := engine.Open(context.Background(), db, reputation.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	cfg := reputation.DefaultConfig()
	ref := 1 / cfg.Decay(reputation.Epoch, time.Now()) // weights as if reported now
	r := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{"+86170", "+86171", "+86138", "+86150", "+86186"}
	var sample []number.Info
	for i := 0; i < n; i++ {
		num := prefixes[i%len(prefixes)] + pad8(r.IntN(1e8))
		e.SetTallies(num, []reputation.Tally{{Category: "loan", Reporters: 1 + i%60, Weight: float64(1+i%60) * ref}})
		if i < 4096 {
			info, err := number.Parse(num)
			if err != nil {
				b.Fatal(err)
			}
			sample = append(sample, info)
		}
	}
	ctx := context.Background()
	e.AddBusiness(ctx, "bench", "95588", "bank")
	e.SetEntry(ctx, "op", "13800138000", screen.Entry{Pattern: "167*", Kind: screen.EntryBlock})
	return e, sample
}

func pad8(v int) string {
	b := []byte("00000000")
	for i := 7; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

// BenchmarkVerdict10M is the in-process verdict for a parsed caller and a
// callee with rules, with 10,000,000 reputed numbers in the index.
func BenchmarkVerdict10M(b *testing.B) {
	e, sample := benchEngine(b, 10_000_000)
	v := &screen.Verdict{Reasons: make([]screen.Reason, 0, 8)}
	at := time.Now()
	runtime.GC() // the set-up's garbage, collected before the clock starts
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		e.Decide(v, sample[i&4095], "", "+8613800138000", at, "")
	}
	cpu = cpuTime() - cpu
	b.StopTimer()
	if cpu > 0 {
		// The process's CPU time per verdict: on a shared machine the wall
		// clock also counts the time other programs held the cores.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	st := e.IndexStats()
	b.ReportMetric(float64(st.Bytes)/float64(st.Numbers), "index-bytes/number")
	if v.Action == "" {
		b.Fatal("no verdict")
	}
}

// BenchmarkCheck10M is the whole check from strings: parse the caller and
// callee, then decide.
func BenchmarkCheck10M(b *testing.B) {
	e, sample := benchEngine(b, 10_000_000)
	v := &screen.Verdict{Reasons: make([]screen.Reason, 0, 8)}
	inputs := make([]string, len(sample))
	for i, s := range sample {
		inputs[i] = s.E164[3:]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.Check(v, ringfence.CheckRequest{Caller: inputs[i&4095], Callee: "13800138000"}); err != nil {
			b.Fatal(err)
		}
	}
}
