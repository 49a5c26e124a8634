package detect_test

import (
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"ringfence"
	"ringfence/detect"
	"ringfence/simulate"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// runSim simulates a population and runs the detector over it.
func runSim(t testing.TB, cfg simulate.Config) (simulate.Result, []ringfence.Flag, *detect.Detector) {
	res := simulate.Run(cfg)
	d := detect.New(detect.DefaultConfig())
	var flags []ringfence.Flag
	emit := func(f ringfence.Flag) { flags = append(flags, f) }
	for _, c := range res.Calls {
		d.ObserveCall(detect.Call{Caller: c.Caller, Callee: c.Callee, Start: c.Start, Duration: c.Duration, Answered: c.Answered}, emit)
	}
	return res, flags, d
}

// TestSimulatedQuality runs the detector over simulated populations with
// different seeds and checks the quality targets. RF_DAYS, RF_SUBS and
// RF_SEEDS enlarge the run; RF_VERBOSE=1 lists wrong and missed flags.
func TestSimulatedQuality(t *testing.T) {
	days, subs := envInt("RF_DAYS", 3), envInt("RF_SUBS", 4000)
	seeds := envInt("RF_SEEDS", 2)
	for seed := 1; seed <= seeds; seed++ {
		res, flags, d := runSim(t, simulate.Config{Days: days, Subscribers: subs, Seed: uint64(seed)})
		ev := simulate.Evaluate(res.Truth, flags)
		var sb testWriter
		ev.WriteText(&sb)
		t.Logf("seed %d: %d calls, stats %+v\n%s", seed, len(res.Calls), d.Stats(), sb)
		if ev.Precision < 0.995 {
			t.Errorf("seed %d: precision %.4f < 0.995", seed, ev.Precision)
		}
		if ev.CallerRecall < 0.95 {
			t.Errorf("seed %d: recall over abusive callers %.4f < 0.95", seed, ev.CallerRecall)
		}
		for _, class := range []string{simulate.ClassCourier, simulate.ClassRider, simulate.ClassServiceCentre, simulate.ClassCallbackLine, simulate.ClassOrdinary} {
			if c := ev.Classes[class]; c != nil && c.Rate() > 0.005 {
				t.Errorf("seed %d: false-positive rate of %s %.4f > 0.005", seed, class, c.Rate())
			}
		}
		if c := ev.Classes[simulate.ClassBombingTarget]; c == nil || c.Rate() < 0.9 {
			t.Errorf("seed %d: call-bombing targets caught: %+v, want ≥ 0.9", seed, c)
		}
		if c := ev.Classes[simulate.ClassTelemarketing]; c == nil || c.MedianDelay() > time.Hour {
			t.Errorf("seed %d: median telemarketing detection delay %v > 1h", seed, c.MedianDelay())
		}
		if os.Getenv("RF_VERBOSE") != "" {
			cls := map[string]string{}
			for _, tr := range res.Truth {
				cls[tr.Number] = tr.Class
			}
			for _, f := range flags {
				if !simulate.Abusive(cls[f.Number]) || cls[f.Number] != f.Kind {
					t.Logf("FLAG %s (%s) %+v", f.Number, cls[f.Number], f)
				}
			}
			type bl struct {
				l float64
				s string
			}
			var top []bl
			for _, tr := range res.Truth {
				if !simulate.Abusive(tr.Class) {
					k, _ := strconv.ParseUint(tr.Number[1:], 10, 64)
					if l, ok := detect.Logit(d, k); ok {
						top = append(top, bl{l, tr.Class + " " + detect.Explain(d, k)})
					}
				}
			}
			sort.Slice(top, func(i, j int) bool { return top[i].l > top[j].l })
			for i := 0; i < len(top) && i < 12; i++ {
				t.Logf("BENIGN %.2f %s", top[i].l, top[i].s)
			}
			got := map[string]bool{}
			for _, f := range flags {
				got[f.Number] = true
			}
			for _, tr := range res.Truth {
				if simulate.Abusive(tr.Class) && !got[tr.Number] {
					k, _ := strconv.ParseUint(tr.Number[1:], 10, 64)
					t.Logf("MISS %s %s %s %s", tr.Number, tr.Class, tr.Campaign, detect.Explain(d, k))
				}
			}
		}
	}
}

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
func (w testWriter) String() string               { return string(w) }
