package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"ringfence"
	"ringfence/cdr"
	"ringfence/detect"
	"ringfence/simulate"
)

// cdrFit runs "ringfence cdr fit": it fits the detector's score to call
// records with a known truth and prints the weights as the source of
// detect/weights.go. Each FILE is a population of its own, run through a
// detector of its own; --truth is given once for all of them or once per
// FILE, in the same order.
//
// The fit runs in rounds: the first with a score that flags nothing, each
// later one with the weights of the round before in force, so that the
// inputs that depend on flags (contacts at a flagged number's callees) are
// seen as the detector will see them.
func (c *cli) cdrFit(args []string) int {
	fs := newFlagSet("cdr fit", "--truth TRUTH FILE... [--l2 X | --choose-l2 X,Y,...] [--kind-l2 X] [--rounds N] [--min-calls N] [--out FILE]", c.stderr)
	var truthFiles []string
	fs.Func("truth", "ground truth (JSON lines from \"simulate cdr --truth\"); once, or once per FILE", func(v string) error {
		truthFiles = append(truthFiles, v)
		return nil
	})
	formatName := fs.String("format", "auto", "input format: auto, native or asterisk")
	l2 := fs.Float64("l2", 1, "L2 penalty on the standardised weights")
	kindL2 := fs.Float64("kind-l2", -1, "L2 penalty of the kind models (debt collection, robocall); default --l2 as given (--choose-l2 chooses the abusive score's alone)")
	chooseL2 := fs.String("choose-l2", "", "comma-separated L2 penalties to choose --l2 from, by the log-loss on each FILE's population when left out of the fit (needs two FILEs or more)")
	rounds := fs.Int("rounds", 2, "fitting rounds (flags of one round's weights feed the next)")
	minCalls := fs.Int("min-calls", detect.DefaultConfig().MinCalls, "calls a caller must have made to be sampled (and flagged while sampling); the detector scores from its own MinCalls whatever the weights were fitted from")
	equal := fs.Bool("equal", true, "weigh every FILE's population the same, whatever its size")
	outFile := fs.String("out", "", "write the weights' Go source here instead of stdout")
	note := fs.String("note", "", "how the input files were made, for the weights' comment")
	kindsOnly := fs.Bool("kinds-only", false, "keep the abusive score of the built-in weights, in force while sampling, and refit the kind models (debt collection, robocall) alone: which callers are flagged does not change, only what kind they are given")
	fs.String("data", "", "data directory (unused by fit)")
	files, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(truthFiles) == 0 {
		return c.usageError(fs, "--truth is required")
	}
	if len(files) == 0 {
		return c.usageError(fs, "want one or more call record FILEs")
	}
	if len(truthFiles) != 1 && len(truthFiles) != len(files) {
		return c.usageError(fs, "give --truth once, or once per FILE (%d FILEs, %d --truth)", len(files), len(truthFiles))
	}
	if *rounds < 1 || *l2 < 0 || *minCalls < 1 {
		return c.usageError(fs, "--rounds and --min-calls must be ≥ 1 and --l2 ≥ 0")
	}
	if *kindL2 < 0 {
		*kindL2 = *l2
	}
	if *kindsOnly {
		if *chooseL2 != "" {
			return c.usageError(fs, "--choose-l2 chooses the abusive score's L2, which --kinds-only keeps")
		}
		*rounds = 1
	}
	var l2s []float64
	if *chooseL2 != "" {
		for _, v := range strings.Split(*chooseL2, ",") {
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || x < 0 {
				return c.usageError(fs, "--choose-l2: %q is not an L2 penalty ≥ 0", v)
			}
			l2s = append(l2s, x)
		}
		if len(files) < 2 {
			return c.usageError(fs, "--choose-l2 needs two FILEs or more (one is left out at a time)")
		}
	}
	format, err := cdr.ParseFormat(*formatName)
	if err != nil {
		return c.usageError(fs, "%s", ringfence.ErrorMessage(err))
	}
	type population struct {
		calls []ringfence.CallRecord
		kinds map[uint64]ringfence.FlagKind
	}
	pops := make([]population, len(files))
	for i, name := range files {
		tname := truthFiles[min(i, len(truthFiles)-1)]
		kinds, err := readKinds(tname)
		if err != nil {
			return c.fail("cdr fit", err)
		}
		calls, err := c.readCalls(name, format)
		if err != nil {
			return c.fail("cdr fit", err)
		}
		pops[i] = population{calls, kinds}
	}
	var w detect.Weights
	for round := 1; round <= *rounds; round++ {
		var samples []detect.Sample
		var kinds []ringfence.FlagKind
		flags := 0
		cfg := detect.DefaultConfig()
		cfg.MinCalls = *minCalls
		for pi, p := range pops {
			det := detect.NewSampler(cfg, func(s detect.Sample) {
				s.Population = pi
				samples = append(samples, s)
				kinds = append(kinds, p.kinds[s.Key])
			})
			if round > 1 {
				err = det.UseWeights(w)
			} else if *kindsOnly {
				err = det.UseWeights(detect.FittedWeights())
			} else {
				never := make([]float64, len(detect.FeatureNames()))
				never[0] = -50
				err = det.UseWeights(detect.Weights{Abusive: never, Debt: never, Robocall: never})
			}
			if err != nil {
				return c.fail("cdr fit", err)
			}
			from := len(samples)
			det.ObserveCalls(p.calls, func(ringfence.Flag) { flags++ })
			if *equal && len(samples) > from {
				// Each population weighs as much as one of average size.
				for i := from; i < len(samples); i++ {
					samples[i].Weight = 1 / float64(len(samples)-from)
				}
			}
		}
		if *equal {
			for i := range samples {
				samples[i].Weight *= float64(len(samples)) / float64(len(pops))
			}
		}
		if len(l2s) > 0 {
			var losses []float64
			*l2, losses, err = detect.ChooseL2(samples, kinds, l2s)
			if err != nil {
				return c.fail("cdr fit", err)
			}
			for i, x := range l2s {
				fmt.Fprintf(c.stderr, "round %d: --l2 %g: held-out log-loss %.5f\n", round, x, losses[i])
			}
			fmt.Fprintf(c.stderr, "round %d: --l2 %g chosen\n", round, *l2)
		}
		var rep detect.FitReport
		if *kindsOnly {
			w, rep, err = detect.RefitKinds(samples, kinds, detect.FittedWeights().Abusive, *kindL2)
		} else {
			w, rep, err = detect.FitKinds(samples, kinds, *l2, *kindL2)
		}
		if err != nil {
			return c.fail("cdr fit", err)
		}
		fmt.Fprintf(c.stderr, "round %d: %d flags in force; %d samples of %d callers (%d samples of %d abusive callers); log-loss %.5f after %d iterations; kinds: debt %d samples (log-loss %.4f), robocall %d (%.4f)\n",
			round, flags, rep.Samples, rep.Callers, rep.Positive, rep.Abusive, rep.LogLoss, rep.Iterations, rep.Debt, rep.DebtLoss, rep.Robocall, rep.RobotLoss)
	}
	for j, name := range detect.FeatureNames() {
		fmt.Fprintf(c.stderr, "  %-12s %9.4f %9.4f %9.4f\n", name, w.Abusive[j], w.Debt[j], w.Robocall[j])
	}
	how := fmt.Sprintf("ringfence cdr fit --l2 %g --kind-l2 %g --rounds %d --min-calls %d --equal=%t", *l2, *kindL2, *rounds, *minCalls, *equal)
	if *kindsOnly {
		how = fmt.Sprintf("ringfence cdr fit --kinds-only --kind-l2 %g --min-calls %d --equal=%t", *kindL2, *minCalls, *equal)
	}
	if len(l2s) > 0 {
		how = fmt.Sprintf("ringfence cdr fit --choose-l2 %s --kind-l2 %g --rounds %d --min-calls %d --equal=%t (--l2 %g chosen)", *chooseL2, *kindL2, *rounds, *minCalls, *equal, *l2)
	}
	for _, t := range truthFiles {
		how += " --truth " + t
	}
	how += " " + strings.Join(files, " ")
	if *note != "" {
		how = *note + "\n" + how
	}
	src := w.GoSource(how)
	if *outFile != "" {
		if err := os.WriteFile(*outFile, []byte(src), 0o644); err != nil {
			return c.fail("cdr fit", err)
		}
		return exitOK
	}
	if _, err := io.WriteString(c.stdout, src); err != nil {
		return c.fail("cdr fit", err)
	}
	return exitOK
}

// readKinds reads a truth file into the kinds of its abusive callers.
func readKinds(name string) (map[uint64]ringfence.FlagKind, error) {
	tf, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer tf.Close()
	truth, err := simulate.ReadTruth(tf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	kinds := map[uint64]ringfence.FlagKind{}
	for i, t := range truth {
		switch ringfence.FlagKind(t.Class) {
		case ringfence.KindTelemarketing, ringfence.KindRobocall, ringfence.KindDebtCollection:
			k, err := strconv.ParseUint(strings.TrimPrefix(t.Number, "+"), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: number %q: %w", name, i+1, t.Number, err)
			}
			kinds[k] = ringfence.FlagKind(t.Class)
		}
	}
	return kinds, nil
}

// readCalls reads a call record file, skipping rows that do not parse.
func (c *cli) readCalls(name string, format cdr.Format) ([]ringfence.CallRecord, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var calls []ringfence.CallRecord
	rd := cdr.NewReader(newCtxReader(c.context(), f), format)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return calls, nil
		}
		if err != nil {
			var re *ringfence.RowError
			if errors.As(err, &re) {
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		calls = append(calls, rec)
	}
}
