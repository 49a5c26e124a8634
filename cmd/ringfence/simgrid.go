package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"ringfence"
	"ringfence/detect"
	"ringfence/simulate"
	"ringfence/simulate/grid"
)

type gridArgs struct {
	grid                        bool
	cells                       string
	days                        int
	seed                        uint64
	out, truth, start, scenario string
	subscribers                 int // background subscribers per cell, used when the flag is set
}

// simulateGrid runs "ringfence simulate cdr --grid": without --truth, it
// runs each cell of the scenario grid through the detector and writes the
// Markdown table to --out (stdout by default), progress to stderr, each
// cell among --subscribers background subscribers (default 2,000); with
// --truth, it writes the grid's whole population as CDR CSV to --out and
// its truth to --truth, for "cdr scan" and "cdr eval".
func (c *cli) simulateGrid(fs *flag.FlagSet, a gridArgs) int {
	if !a.grid {
		return c.usageError(fs, "--cells needs --grid")
	}
	if a.scenario != "main" {
		return c.usageError(fs, "--scenario does not apply to --grid")
	}
	if a.days <= 0 || a.days > 60 {
		return c.usageError(fs, "--days must be 1..60 with --grid")
	}
	cells := grid.Select(grid.Default(), a.cells)
	if len(cells) == 0 {
		return c.usageError(fs, "--cells %q names no cell of the grid", a.cells)
	}
	opts := grid.Options{Days: a.days, Seed: a.seed}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "subscribers" })
	if set {
		if a.subscribers < 1 || a.subscribers > 100_000 {
			return c.usageError(fs, "--subscribers must be 1..100000 with --grid (background subscribers per cell)")
		}
		opts.Background = a.subscribers
	}
	ctx := c.context()
	if a.truth != "" {
		start, err := simulationStart(a.start, a.days, time.Now())
		if err != nil {
			return c.usageError(fs, "--start: %v", err)
		}
		opts.Start = start
		// The population streams a day at a time: the whole grid is
		// some 50 million records.
		var truth []simulate.Truth
		calls := 0
		err = writeTo(a.out, c.stdout, func(w io.Writer) error {
			w = ctxWriter{ctx, w}
			if _, err := io.WriteString(w, simulate.CSVHeader); err != nil {
				return err
			}
			var err error
			truth, err = grid.StreamPopulation(cells, opts, func(batch []ringfence.CallRecord) error {
				calls += len(batch)
				return simulate.WriteCSVRows(w, batch)
			})
			return err
		})
		if err != nil {
			return c.fail("simulate cdr", err)
		}
		if err := writeTo(a.truth, c.stdout, func(w io.Writer) error { return simulate.WriteTruth(ctxWriter{ctx, w}, truth) }); err != nil {
			return c.fail("simulate cdr", err)
		}
		fmt.Fprintf(c.stderr, "simulated %s over %s in %s of the scenario grid\n", ringfence.Plural(calls, "call"), ringfence.Plural(a.days, "day"), ringfence.Plural(len(cells), "cell"))
		return exitOK
	}
	if a.start != "" {
		return c.usageError(fs, "--start applies to --grid only with --truth")
	}
	begin := time.Now()
	results := make([]grid.Result, 0, len(cells))
	for i, cell := range cells {
		if err := ctx.Err(); err != nil {
			return c.fail("simulate cdr", err)
		}
		r := grid.Evaluate(cell, opts, detectConfig())
		results = append(results, r)
		fmt.Fprintf(c.stderr, "cell %d/%d %s: %d of %d flagged\n", i+1, len(cells), cell.Name, r.Flagged, r.Numbers)
	}
	if err := writeTo(a.out, c.stdout, func(w io.Writer) error { return grid.WriteTable(ctxWriter{ctx, w}, results, opts) }); err != nil {
		return c.fail("simulate cdr", err)
	}
	fmt.Fprintf(c.stderr, "scenario grid: %s in %s\n", ringfence.Plural(len(cells), "cell"), time.Since(begin).Round(time.Second))
	return exitOK
}

// detectConfig is the detector configuration the grid runs: the default,
// as "cdr scan" uses it.
func detectConfig() detect.Config { return detect.DefaultConfig() }
