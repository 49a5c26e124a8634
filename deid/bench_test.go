package deid_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"ringfence/deid"
	"ringfence/deid/corpus"
)

// BenchmarkMaskCSV measures detect + mask on a dense customer list (the
// same generator as bench/deid.sh). Run it with -cpu 1 for the throughput
// of one core.
func BenchmarkMaskCSV(b *testing.B) {
	var in bytes.Buffer
	if err := corpus.WriteCSV(&in, 20000, 1); err != nil {
		b.Fatal(err)
	}
	e, err := deid.NewEngine(deid.Policy{Format: deid.CSV}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(in.Len()))
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := e.Process(bytes.NewReader(in.Bytes()), io.Discard, deid.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	// Throughput per CPU second (run with -cpu 1): unlike MB/s, it holds on
	// a machine busy with other work.
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(in.Len())*float64(b.N)/1e6/cpu, "MB/cpu-s")
	}
}

// BenchmarkFind measures the recogniser alone on the same list.
func BenchmarkFind(b *testing.B) {
	var in bytes.Buffer
	corpus.WriteCSV(&in, 20000, 1)
	b.SetBytes(int64(in.Len()))
	var ms []deid.Match
	r := deid.NewRecognizer(time.Now())
	for b.Loop() {
		ms = r.Append(ms[:0], in.Bytes())
	}
}
