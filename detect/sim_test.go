package detect_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"ringfence"
	"ringfence/detect"
	"ringfence/simulate"
	"ringfence/simulate/alt"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// scenarios are the two independently modelled populations the detector
// is held to: package simulate's, and package alt's (its records a few
// minutes out of order, with duplicated rows). The weights are fitted on
// other seeds and sizes of both (and on the scenario grid); these runs are
// fresh draws. Precision, recall over abusive callers and the
// false-positive rate of a benign class are held to minPrecision,
// minRecall and maxFP; alt's service centres and couriers (which call
// strangers, are seldom called back and talk briefly) are a known
// shortfall (docs/detection.md), held where they are so they get no
// worse.
var scenarios = []struct {
	name         string
	run          func(days, subs int, seed uint64) simulate.Result
	minPrecision float64
	minRecall    float64
	maxFP        map[string]float64 // by class; others 0.005
}{
	{"main", func(days, subs int, seed uint64) simulate.Result {
		return simulate.Run(simulate.Config{Days: days, Subscribers: subs, Seed: seed})
	}, 0.995, 0.95, nil},
	{"alt", func(days, subs int, seed uint64) simulate.Result {
		return alt.Generate(alt.Config{Days: days, Subscribers: subs, Seed: seed})
	}, 0.93, 0.95, map[string]float64{simulate.ClassServiceCentre: 0.7, simulate.ClassCourier: 0.02}},
}

// detectAll runs a fresh detector over calls.
func detectAll(calls []ringfence.CallRecord) ([]ringfence.Flag, *detect.Detector) {
	d := detect.New(detect.DefaultConfig())
	var flags []ringfence.Flag
	d.ObserveCalls(calls, func(f ringfence.Flag) { flags = append(flags, f) })
	return flags, d
}

// TestSimulatedQuality runs the detector over both scenarios with
// different seeds and checks the quality targets. RF_DAYS, RF_SUBS and
// RF_SEEDS enlarge the run; RF_VERBOSE=1 lists wrong and missed flags.
func TestSimulatedQuality(t *testing.T) {
	days, subs := envInt("RF_DAYS", 3), envInt("RF_SUBS", 4000)
	seeds := envInt("RF_SEEDS", 2)
	for _, sc := range scenarios {
		for seed := 1; seed <= seeds; seed++ {
			t.Run(sc.name+"/"+strconv.Itoa(seed), func(t *testing.T) {
				res := sc.run(days, subs, uint64(seed))
				flags, d := detectAll(res.Calls)
				ev := simulate.Evaluate(res.Truth, flags)
				var sb testWriter
				ev.WriteText(&sb)
				t.Logf("%d calls, stats %+v\n%s", len(res.Calls), d.Stats(), sb)
				if ev.Precision < sc.minPrecision {
					t.Errorf("precision %.4f < %.3f", ev.Precision, sc.minPrecision)
				}
				if ev.CallerRecall < sc.minRecall {
					t.Errorf("recall over abusive callers %.4f < %.2f", ev.CallerRecall, sc.minRecall)
				}
				for class, c := range ev.Classes {
					most, ok := sc.maxFP[class]
					if !ok {
						most = 0.005
					}
					if !simulate.Abusive(class) && c.Rate() > most {
						t.Errorf("false-positive rate of %s %.4f > %.3f", class, c.Rate(), most)
					}
				}
				if c := ev.Classes[simulate.ClassBombingTarget]; c == nil || c.Rate() < 0.9 {
					t.Errorf("call-bombing targets caught: %+v, want ≥ 0.9", c)
				}
				if c := ev.Classes[simulate.ClassTelemarketing]; c == nil || c.MedianDelay() > time.Hour {
					t.Errorf("median telemarketing detection delay %v > 1h", c.MedianDelay())
				}
				if os.Getenv("RF_VERBOSE") != "" {
					explain(t, res, flags, d)
				}
			})
		}
	}
}

// explain logs wrong flags, the benign callers closest to a flag and the
// abusive ones missed.
func explain(t *testing.T, res simulate.Result, flags []ringfence.Flag, d *detect.Detector) {
	cls := map[string]string{}
	for _, tr := range res.Truth {
		cls[tr.Number] = tr.Class
	}
	for _, f := range flags {
		if !simulate.Abusive(cls[f.Number]) || cls[f.Number] != string(f.Kind) {
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

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
func (w testWriter) String() string               { return string(w) }

// ObserveCalls is Observe in turn: the same flags, in the same order.
func TestObserveCallsSameAsOneByOne(t *testing.T) {
	res := alt.Generate(alt.Config{Days: 2, Subscribers: 3000, Seed: 9})
	batched, _ := detectAll(res.Calls)
	d := detect.New(detect.DefaultConfig())
	var single []ringfence.Flag
	for _, c := range res.Calls {
		d.Observe(c, func(f ringfence.Flag) { single = append(single, f) })
	}
	if len(batched) == 0 || fmt.Sprint(batched) != fmt.Sprint(single) {
		t.Errorf("batched flags differ from one-by-one: %d vs %d", len(batched), len(single))
	}
}
