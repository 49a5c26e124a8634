package cdr

import (
	"bytes"
	"io"
	"testing"

	"ringfence/simulate"
)

func simulatedCSV(b *testing.B) []byte {
	b.Helper()
	res := simulate.Run(simulate.Config{Days: 1, Subscribers: 20000, Seed: 7})
	var buf bytes.Buffer
	if err := simulate.WriteCSV(&buf, res.Calls); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReaderNative measures reading and normalising native CSV rows.
func BenchmarkReaderNative(b *testing.B) {
	data := simulatedCSV(b)
	rows := bytes.Count(data, []byte{'\n'}) - 1
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		rd := NewReader(bytes.NewReader(data), Auto)
		n := 0
		for {
			_, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
