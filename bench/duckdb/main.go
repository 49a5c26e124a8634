// Command duckdb-agg is the peer of the ringfence CDR benchmark: it has
// DuckDB compute, over the same native CDR CSV, the per-caller aggregation
// that the detector's state amounts to (calls, answered calls, talk time,
// distinct callees per caller), and prints the rows per second it reached.
//
// It is a separate module because DuckDB needs cgo, which the ringfence
// module never does.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	threads := flag.Int("threads", 1, "DuckDB threads (1 for a one-core comparison)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: duckdb-agg [--threads N] FILE.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *threads); err != nil {
		fmt.Fprintln(os.Stderr, "duckdb-agg:", err)
		os.Exit(1)
	}
}

func run(file string, threads int) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf("SET threads TO %d", threads)); err != nil {
		return fmt.Errorf("set threads: %w", err)
	}
	path := strings.ReplaceAll(file, "'", "''")
	query := fmt.Sprintf(`
		SELECT count(*) AS callers, sum(calls) AS rows
		FROM (
			SELECT caller, count(*) AS calls, sum(answered) AS answered,
			       sum(duration_s) AS talk, count(DISTINCT callee) AS callees
			FROM read_csv('%s', header = true,
			     columns = {'caller': 'VARCHAR', 'callee': 'VARCHAR', 'start_time': 'TIMESTAMPTZ',
			                'duration_s': 'BIGINT', 'answered': 'BIGINT'})
			GROUP BY caller
		)`, path)
	start := time.Now()
	var callers, rows int64
	if err := db.QueryRow(query).Scan(&callers, &rows); err != nil {
		return fmt.Errorf("aggregate: %w", err)
	}
	elapsed := time.Since(start)
	fmt.Printf("duckdb rows=%d callers=%d seconds=%.3f rows_per_s=%.0f threads=%d\n",
		rows, callers, elapsed.Seconds(), float64(rows)/elapsed.Seconds(), threads)
	return nil
}
