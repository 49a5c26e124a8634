package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// BenchmarkImportFTC imports the file RINGFENCE_BENCH_FTC names (e.g. the
// 337,810 rows bench/importgen makes) into a fresh data directory per
// iteration, through the CLI: run it with -cpuprofile to see where an
// import's time goes. bench/import.sh measures the same import against
// sqlite3's own.
func BenchmarkImportFTC(b *testing.B) {
	file := os.Getenv("RINGFENCE_BENCH_FTC")
	if file == "" {
		b.Skip("RINGFENCE_BENCH_FTC not set (go run ./bench/importgen ../shared/data/ftc_dnc_2021-07-08.csv > FILE)")
	}
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		var out, errb bytes.Buffer
		c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		if code := c.run([]string{"import", "reports", file, "--format", "ftc", "--data", dir}); code != 0 {
			b.Fatalf("import: %d %s %s", code, out.String(), errb.String())
		}
	}
}
