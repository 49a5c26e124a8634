// Command importgen writes a file of N FTC Do-Not-Call complaints for
// bench/import.sh from a real day of them: the day's rows repeated, with
// Created_Date moved one day back per copy, everything else as recorded
// (blank and malformed numbers included).
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	n := flag.Int("n", 337810, "rows to write")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: importgen [-n N] ftc_day.csv > out.csv")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		fmt.Fprintln(os.Stderr, "importgen: read:", err)
		os.Exit(1)
	}
	w := csv.NewWriter(os.Stdout)
	w.Write(rows[0])
	const layout = "2006-01-02 15:04:05"
	for out, k := 0, 0; out < *n; k++ {
		for _, row := range rows[1:] {
			if out == *n {
				break
			}
			row = append([]string(nil), row...)
			if len(row) > 1 {
				if t, err := time.Parse(layout, row[1]); err == nil {
					row[1] = t.AddDate(0, 0, -k).Format(layout)
				}
			}
			w.Write(row)
			out++
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
