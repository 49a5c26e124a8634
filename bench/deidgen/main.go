// Command deidgen writes a dense customer list (every row full of personal
// data) for bench/deid.sh.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"

	"ringfence/deid/corpus"
)

func main() {
	mb := flag.Int("mb", 200, "approximate size in megabytes")
	out := flag.String("out", "", "output file")
	seed := flag.Uint64("seed", 1, "seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "deidgen: --out is required")
		os.Exit(2)
	}
	var sample bytes.Buffer
	corpus.WriteCSV(&sample, 2000, *seed)
	rows := int(int64(*mb) * 1e6 * 2000 / int64(sample.Len()))
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "deidgen:", err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = corpus.WriteCSV(w, rows, *seed)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deidgen:", err)
		os.Exit(1)
	}
}
