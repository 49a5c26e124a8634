package detect

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"ringfence"
)

// The fit recovers the weights of a known logistic model from its samples,
// holds a weight at zero rather than let it take the forbidden sign, and
// keeps a column that never varies at zero.
func TestFitLogistic(t *testing.T) {
	truth := []float64{-1, 2, -3, 0.5}
	r := rand.New(rand.NewPCG(1, 2))
	var x [][]float64
	var y []float64
	for range 20000 {
		xi := []float64{1, r.NormFloat64(), r.NormFloat64() * 2, r.NormFloat64(), 7}
		l := truth[0] + truth[1]*xi[1] + truth[2]*xi[2] + truth[3]*xi[3]
		x = append(x, xi)
		y = append(y, b2f(r.Float64() < sigmoid(l)))
	}
	tests := []struct {
		name string
		sign []int8
		want []float64 // nil: only the signs are checked
	}{
		{"free", nil, append(truth[:4:4], 0)},
		{"x3 may not lower the score", []int8{0, 0, 1, 0, 0}, nil},
		{"x1 off", []int8{0, 2, 0, 0, 0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _, err := fitLogistic(x, y, nil, 0.01, tt.sign)
			if err != nil {
				t.Fatal(err)
			}
			for j, want := range tt.want {
				if math.Abs(w[j]-want) > 0.15 {
					t.Errorf("w[%d] = %.3f, want %.3f (all %v)", j, w[j], want, w)
				}
			}
			for j, s := range tt.sign {
				if s == 1 && w[j] < 0 || s == -1 && w[j] > 0 || (s == 2 && w[j] != 0) {
					t.Errorf("w[%d] = %.3f breaks sign %d", j, w[j], s)
				}
			}
			if w[4] != 0 {
				t.Errorf("constant column got weight %.3f", w[4])
			}
		})
	}
}

func TestSolveSPD(t *testing.T) {
	a := [][]float64{{4, 2, 0}, {2, 5, 1}, {0, 1, 3}}
	b := []float64{2, 1, 4}
	x, err := solveSPD(a, b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		var s float64
		for j := range a[i] {
			s += a[i][j] * x[j]
		}
		if math.Abs(s-b[i]) > 1e-9 {
			t.Errorf("row %d: %.6f, want %.6f", i, s, b[i])
		}
	}
	if _, err := solveSPD([][]float64{{1, 2}, {2, 1}}, []float64{1, 1}); err == nil {
		t.Error("indefinite matrix solved")
	}
}

// Fit separates samples by kind, and its weights come back as source that
// names every input.
func TestFitAndSource(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var samples []Sample
	var kinds []ringfence.FlagKind
	for i := range 3000 {
		var x [nFeatures]float64
		x[xBias] = 1
		kind := ringfence.FlagKind("")
		switch i % 10 {
		case 0:
			kind = ringfence.KindTelemarketing
		case 1:
			kind = ringfence.KindDebtCollection
		case 2:
			kind = ringfence.KindRobocall
		}
		x[xKnown] = r.Float64() * 0.3
		x[xPersist], x[xMachine] = r.Float64()*0.1, 0
		if kind != "" {
			x[xKnown] = r.Float64() * 0.05
		}
		if kind == ringfence.KindDebtCollection {
			x[xPersist] = 0.3 + r.Float64()*0.3
		}
		if kind == ringfence.KindRobocall {
			x[xMachine] = 1
		}
		samples = append(samples, Sample{Key: uint64(i), X: x[:]})
		kinds = append(kinds, kind)
	}
	w, rep, err := Fit(samples, kinds, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 3000 || rep.Positive != 900 || rep.Debt != 300 || rep.Robocall != 300 {
		t.Errorf("report %+v", rep)
	}
	if w.Abusive[xKnown] >= 0 || w.Debt[xPersist] <= 0 || w.Robocall[xMachine] <= 0 {
		t.Errorf("weights point the wrong way: known %.2f, debt persist %.2f, robocall machine %.2f",
			w.Abusive[xKnown], w.Debt[xPersist], w.Robocall[xMachine])
	}
	src := w.GoSource("test")
	for _, name := range featureNames {
		if !strings.Contains(src, "x"+constName(indexOf(name))+":") {
			t.Errorf("source lacks input %s", name)
		}
	}
	if _, _, err := Fit(samples[3:8], kinds[3:8], 1); err == nil {
		t.Error("fit of one class succeeded")
	}
	d := New(DefaultConfig())
	if err := d.UseWeights(w); err != nil {
		t.Error(err)
	}
	if err := d.UseWeights(Weights{Abusive: w.Abusive[:3]}); err == nil {
		t.Error("short weights accepted")
	}
}

func indexOf(name string) int {
	for j, n := range featureNames {
		if n == name {
			return j
		}
	}
	return -1
}

// The shipped weights keep the signs their inputs' meanings allow.
func TestShippedWeightSigns(t *testing.T) {
	for _, m := range []struct {
		name  string
		w     [nFeatures]float64
		signs [nFeatures]int8
	}{{"abusive", fitted.abusive, abusiveSigns}, {"debt", fitted.debt, debtSigns}, {"robocall", fitted.robocall, robocallSigns}} {
		for j := 1; j < nFeatures; j++ {
			s, w := m.signs[j], m.w[j]
			if s == up && w < 0 || s == down && w > 0 || s == off && w != 0 {
				t.Errorf("%s weight of %s is %.4f against its sign %d", m.name, featureNames[j], w, s)
			}
		}
	}
}

func TestCheckpoint(t *testing.T) {
	var got []uint32
	for n := uint32(1); n <= 130; n++ {
		if n >= 20 && checkpoint(n) {
			got = append(got, n)
		}
	}
	want := []uint32{20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128}
	if len(got) != len(want) {
		t.Fatalf("checkpoints %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("checkpoints %v, want %v", got, want)
		}
	}
}

// ChooseL2 picks the strength by the populations left out, not by the fit
// to its own samples: inputs that track the label one way in one
// population and the other way in the other are worth nothing out of
// sample, so a penalty that holds them back wins (held-out log-loss 0.587
// at 300 against 0.600 at 0.001), while one that holds back everything
// loses the real input too (0.693).
func TestChooseL2(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var samples []Sample
	var kinds []ringfence.FlagKind
	for pop := range 2 {
		for range 4000 {
			var x [nFeatures]float64
			x[xBias] = 1
			x[xReach] = r.NormFloat64() // the real input: reach lowers the score
			y := r.Float64() < sigmoid(-2*x[xReach])
			for _, j := range []int{xRetry, xRecall, xTalk} {
				x[j] = r.NormFloat64() // free sign: the fit may lean on them
				if y == (pop == 0) {
					x[j] += 0.4
				}
			}
			kind := ringfence.FlagKind("")
			if y {
				kind = ringfence.KindTelemarketing
			}
			samples = append(samples, Sample{Key: uint64(len(samples)), X: x[:], Population: pop})
			kinds = append(kinds, kind)
		}
	}
	l2s := []float64{0.001, 300, 1e7}
	best, losses, err := ChooseL2(samples, kinds, l2s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out log-loss %v", losses)
	if best != 300 {
		t.Errorf("chose L2 %g (held-out log-loss %v), want 300", best, losses)
	}
	// In sample the weakest penalty always fits best.
	w0, _, _ := fitLogistic(xs(samples), ys(kinds), nil, 0.001, abusiveSigns[:])
	w1, _, _ := fitLogistic(xs(samples), ys(kinds), nil, 300, abusiveSigns[:])
	if a, b := logLoss(w0, xs(samples), ys(kinds), ones(len(samples))), logLoss(w1, xs(samples), ys(kinds), ones(len(samples))); a > b {
		t.Errorf("in-sample log-loss %.4f at L2 0.001 > %.4f at 3000", a, b)
	}
	for i := range samples {
		samples[i].Population = 0
	}
	if _, _, err := ChooseL2(samples, kinds, l2s); err == nil {
		t.Error("chose an L2 strength from one population")
	}
}

func xs(s []Sample) [][]float64 {
	x := make([][]float64, len(s))
	for i := range s {
		x[i] = s[i].X
	}
	return x
}

func ys(kinds []ringfence.FlagKind) []float64 {
	y := make([]float64, len(kinds))
	for i, k := range kinds {
		y[i] = b2f(k != "")
	}
	return y
}

func ones(n int) []float64 {
	c := make([]float64, n)
	for i := range c {
		c[i] = 1
	}
	return c
}

// Rates are posterior means under priors worth tens of calls: the same
// answer and call-back shares move the inputs less at 20 calls than at
// 200, so a flag at 20 calls needs stronger evidence.
func TestEvidenceGrowsWithCalls(t *testing.T) {
	tests := []struct {
		name  string
		input int
		prior float64 // the rate at no calls
		log10 bool    // the input is the rate's log10
	}{
		{"answer", xAnswer, 0.6, false},
		{"reach", xReach, 0.6, false},
		{"known", xKnown, 0.05, true},
		{"retry", xRetry, 0, false},
		{"talk", xTalk, math.Log2(60), false},
	}
	// A caller who reached 30% of the people called, talked 20 s, got
	// 10% of contacts as returns of calls received and retried one miss
	// in ten: at 20 calls, and at ten times as many.
	at := func(scale float32) [nFeatures]float64 {
		s := caller{n: 20 * scale, ans: 6 * scale, ep: 18 * scale, epAns: 6 * scale, known: 1.8 * scale, talk: 120 * scale, total: uint32(20 * scale), rng: rangeOrdinary}
		f := s.features(0)
		return s.vector(&f)
	}
	few, many := at(1), at(10)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := few[tt.input], many[tt.input]
			if tt.log10 {
				x, y = math.Pow(10, x), math.Pow(10, y)
			}
			a, b := math.Abs(x-tt.prior), math.Abs(y-tt.prior)
			if a >= 0.65*b { // priors of 5–10 calls gave 0.70 (answer), 0.82 (retry)
				t.Errorf("%s at 20 calls is %.3f from its prior, at 200 %.3f: want well under", tt.name, a, b)
			}
		})
	}
}
