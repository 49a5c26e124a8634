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

// BenchmarkFindText measures free-text name recognition: the recogniser
// and the name tagger (FindText) on the generated corpus's texts; compare
// with BenchmarkFindTextContext, the recogniser alone on the same texts.
func BenchmarkFindText(b *testing.B) { benchTexts(b, deid.FindText) }

// BenchmarkFindTextContext is BenchmarkFindText without the tagger.
func BenchmarkFindTextContext(b *testing.B) { benchTexts(b, deid.Find) }

func benchTexts(b *testing.B, find func([]byte) []deid.Match) {
	docs := corpus.Generate(2000, 1)
	n := 0
	for _, d := range docs {
		n += len(d.Text)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, d := range docs {
			find(d.Text)
		}
	}
}
