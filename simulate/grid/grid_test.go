package grid

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/simulate"
)

// small is a grid run small enough for unit tests.
var small = Options{Days: 2, Seed: 7, Background: 300, Scale: 0.5}

func TestGenerateDeterministic(t *testing.T) {
	for _, c := range Bases() {
		t.Run(c.Name, func(t *testing.T) {
			a, b := Generate(c, small), Generate(c, small)
			if len(a.Calls) == 0 || len(a.Calls) != len(b.Calls) || len(a.Truth) != len(b.Truth) {
				t.Fatalf("runs differ: %d/%d calls, %d/%d truth", len(a.Calls), len(b.Calls), len(a.Truth), len(b.Truth))
			}
			for i := range a.Calls {
				if a.Calls[i] != b.Calls[i] {
					t.Fatalf("call %d differs: %+v %+v", i, a.Calls[i], b.Calls[i])
				}
				if i > 0 && a.Calls[i].Start < a.Calls[i-1].Start {
					t.Fatalf("call %d out of order", i)
				}
			}
			for i := range a.Truth {
				if a.Truth[i] != b.Truth[i] {
					t.Fatalf("truth %d differs", i)
				}
			}
			other := small
			other.Seed++
			if c := Generate(c, other); len(c.Calls) == len(a.Calls) && c.Calls[0] == a.Calls[0] {
				t.Errorf("another seed gave the same records")
			}
		})
	}
}

// TestCellsDoWhatTheTableSays measures every cell of the default grid in
// its records: calls a day, answer rate, talk median and share of missed
// calls returned match the cell's parameters.
func TestCellsDoWhatTheTableSays(t *testing.T) {
	cells := Default()
	if testing.Short() {
		cells = Bases()
	}
	for _, c := range cells {
		t.Run(c.Name, func(t *testing.T) {
			pop := Generate(c, small)
			who := map[uint64]bool{}
			numbers := 0
			for _, tr := range pop.Truth {
				if tr.Cell != c.Name {
					continue
				}
				numbers++
				if tr.Class != c.Class() || c.Abusive() && tr.Sector != c.Kind {
					t.Errorf("%s: class %s sector %s", tr.Number, tr.Class, tr.Sector)
				}
				k, _ := parseE164(tr.Number)
				who[k] = true
			}
			want := int(math.Round(float64(c.Callers) * small.Scale))
			if c.P.Lifetime > 0 && c.P.Lifetime < small.Days {
				want *= (small.Days + c.P.Lifetime - 1) / c.P.Lifetime
			}
			least := want
			if c.Kind == KindCourier || c.Kind == KindRider {
				least = want * 95 / 100 // a courier may take both days off
			}
			if numbers < least || numbers > want {
				t.Errorf("%d numbers in the truth, want %d", numbers, want)
			}
			if c.Kind == simulate.SectorCallBombing {
				checkBursts(t, c, pop)
				return
			}
			m := Measure(pop.Calls, who, small.withDefaults().Start.Unix())
			p := c.P
			// Each number's rate is drawn from PerDay×(1±Spread): allow
			// the mean of few numbers three standard errors of that.
			tol := 0.2 + 3*p.Spread/math.Sqrt(3*float64(numbers))
			if got := m.PerDay / p.PerDay; got < 1-tol || got > 1+tol {
				t.Errorf("calls a day %.1f, want %g (%d numbers)", m.PerDay, p.PerDay, numbers)
			}
			if math.Abs(m.Answer-p.Answer) > 0.05 {
				t.Errorf("answered %.3f, want %g", m.Answer, p.Answer)
			}
			if got := m.Talk / p.Talk; got < 0.8 || got > 1.2 {
				t.Errorf("talk median %.0f s, want %g", m.Talk, p.Talk)
			}
			switch c.Kind {
			case KindAgent, KindHeavyUser, KindFamily:
				// Their people also call them of their own accord, which
				// follows some missed calls too.
				if m.Returned < p.Returned-0.05 {
					t.Errorf("returned %.3f, want at least %g", m.Returned, p.Returned)
				}
			default:
				if math.Abs(m.Returned-p.Returned) > 0.04 {
					t.Errorf("returned %.3f, want %g", m.Returned, p.Returned)
				}
			}
			if c.Kind != KindFamily && math.Abs(m.Prior-p.Prior) > 0.04+p.Prior/10 {
				t.Errorf("unprompted calls in per call out %.3f, want %g", m.Prior, p.Prior)
			}
			checkHours(t, c, pop, who)
		})
	}
}

// checkBursts checks that every call-bombing target receives the burst's
// calls from the burst's callers within its span.
func checkBursts(t *testing.T, c Cell, pop simulate.Result) {
	t.Helper()
	for _, tr := range pop.Truth {
		if tr.Cell != c.Name {
			continue
		}
		k, _ := parseE164(tr.Number)
		start := tr.FirstCall.Unix()
		end := start + int64(c.P.BurstMinutes*60)
		calls, callers := 0, map[uint64]bool{}
		for _, r := range pop.Calls {
			if r.Callee == k && r.Start >= start && r.Start <= end {
				calls++
				callers[r.Caller] = true
			}
		}
		// The victim's own callers may add a call or two to the burst.
		if calls < c.P.BurstCalls || calls > c.P.BurstCalls+3 || len(callers) < c.P.BurstCallers || len(callers) > c.P.BurstCallers+3 {
			t.Errorf("target %s: %d calls from %d callers in the burst, want %d from %d", tr.Number, calls, len(callers), c.P.BurstCalls, c.P.BurstCallers)
		}
	}
}

// checkHours checks that the cell's calls fall within its working hours.
func checkHours(t *testing.T, c Cell, pop simulate.Result, who map[uint64]bool) {
	t.Helper()
	var out, outside int
	for _, r := range pop.Calls {
		if !who[r.Caller] {
			continue
		}
		out++
		h := float64(time.Unix(r.Start, 0).In(simulate.CST).Hour())
		if h < math.Floor(c.P.From)-1 || h >= math.Ceil(c.P.To)+1 {
			outside++
		}
	}
	if outside > out/100 {
		t.Errorf("%d of %d calls outside %g–%g", outside, out, c.P.From, c.P.To)
	}
}

func TestDefaultGrid(t *testing.T) {
	cells := Default()
	names := map[string]bool{}
	kinds := map[string]int{}
	for _, c := range cells {
		if names[c.Name] {
			t.Errorf("two cells named %s", c.Name)
		}
		names[c.Name] = true
		kinds[c.Kind]++
	}
	for _, k := range append(append([]string{}, simulate.Sectors...), KindCourier, KindRider, KindAgent, KindServiceCentre, KindFamily, KindHeavyUser) {
		if kinds[k] == 0 {
			t.Errorf("no cell of kind %s", k)
		}
	}
	for _, name := range []string{"decoration", "rotating", "part_timer", "junior", "loans/calls=1200,answer=0.2", "robocall/calls/day=100", "debt_collection/contacts=0.75", "courier/calls/day=200"} {
		if !names[name] {
			t.Errorf("no cell %s", name)
		}
	}
	if got := len(Select(cells, "junior,rotating")); got != kinds[simulate.SectorRealEstate]-len(Select(cells, "real_estate")) && got == 0 {
		t.Errorf("select: %d cells", got)
	}
	if c, ok := Lookup("decoration/answer=0.9"); !ok || c.P.Answer != 0.9 || c.Axis != "answer" {
		t.Errorf("lookup: %+v %v", c, ok)
	}
	if _, ok := Lookup("nothing"); ok {
		t.Error("lookup of an unknown cell")
	}
}

func TestOverlap(t *testing.T) {
	tests := []struct {
		cell string
		want string // prefix; "" for none
	}{
		{"decoration", ""},
		{"part_timer/returned=0.2", ""}, // 35% answered: below every benign range
		{"decoration/returned=0.2", ""},
		{"courier", ""},
		{"call_bombing", ""},
	}
	for _, tt := range tests {
		c, ok := Lookup(tt.cell)
		if !ok {
			t.Fatalf("no cell %s", tt.cell)
		}
		if got := Overlap(c); !strings.HasPrefix(got, tt.want) || tt.want == "" && got != "" {
			t.Errorf("%s: overlap %q, want %q", tt.cell, got, tt.want)
		}
	}
	for _, name := range []string{"decoration/lookalike", "part_timer/lookalike", "rotating/lookalike"} {
		c, _ := Lookup(name)
		if got := Overlap(c); !strings.HasPrefix(got, KindCourier+":") {
			t.Errorf("%s: overlap %q", name, got)
		}
	}
	if _, ok := Lookup("debt_collection/lookalike"); ok {
		t.Error("a debt collector that overlaps agents: their clients ring them unprompted, debtors do not")
	}
	c, _ := Lookup("decoration")
	c.P.Answer, c.P.Returned, c.P.PerDay, c.P.Prior = 0.6, 0.2, 150, 0.08
	if got := Overlap(c); !strings.HasPrefix(got, KindCourier+":") {
		t.Errorf("a decoration caller at 150/day, 60%% answered, 20%% returned: overlap %q", got)
	}
	c.P.Returned = 0.01
	if got := Overlap(c); got != "" {
		t.Errorf("nobody calls back: overlap %q", got)
	}
	c.P.Returned, c.P.Prior = 0.2, 0
	if got := Overlap(c); got != "" {
		t.Errorf("nobody rings first: overlap %q", got)
	}
}

func TestScore(t *testing.T) {
	c, _ := Lookup("decoration")
	at := time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
	pop := simulate.Result{Truth: []simulate.Truth{
		{Number: "+861", Class: simulate.ClassTelemarketing, Sector: "decoration", Cell: c.Name, FirstCall: at},
		{Number: "+862", Class: simulate.ClassTelemarketing, Sector: "decoration", Cell: c.Name, FirstCall: at},
		{Number: "+863", Class: simulate.ClassOrdinary, FirstCall: at},
	}}
	flags := []ringfence.Flag{
		{Number: "+861", Kind: ringfence.KindTelemarketing, FlaggedAt: at.Add(20 * time.Minute)},
		{Number: "+861", Kind: ringfence.KindRobocall, FlaggedAt: at.Add(30 * time.Minute)},
		{Number: "+863", Kind: ringfence.KindTelemarketing, FlaggedAt: at},
		{Number: "+869", Kind: ringfence.KindTelemarketing, FlaggedAt: at},
	}
	r := score(c, pop, flags)
	if r.Numbers != 2 || r.Flagged != 1 || r.KindOK != 1 || r.Delay != 20*time.Minute || r.Others != 1 || r.OthersFP != 2 || r.Rate() != 0.5 {
		t.Errorf("%+v", r)
	}
	if MeetsTarget(r) {
		t.Error("recall 0.5 meets the target")
	}
	var b bytes.Buffer
	if err := WriteTable(&b, []Result{r}, small); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| decoration | decoration | base | 160±10% | 0.45 | 40 | 0.01 | 0.00 | run | shared by 5 | 0.25 | 0.05 | 9–18 | - |", "| 2 | 1 | 0.500 | 1.00 | 20m0s | 2/1 | - |", "- decoration: recall 0.500", "| decoration | 1 | 2 | 1 | 0.500 | 1.00 | 20m0s | 1 |", "call-bombing sources, callback lines): 2 flagged of 1."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestPopulation(t *testing.T) {
	o := small
	o.Scale = 0.2
	junior, _ := Lookup("junior/list=shared")
	courier, _ := Lookup("courier/calls/day=25")
	tests := []struct {
		name  string
		cells []Cell
	}{
		{"two cells", []Cell{junior, courier}},
		// The same cell twice: every number of the second copy collides
		// and is renumbered.
		{"a cell twice", []Cell{courier, courier}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pop := Population(tt.cells, o)
			var calls, truth int
			for _, c := range tt.cells {
				g := Generate(c, o)
				calls += len(g.Calls)
				truth += len(g.Truth)
			}
			if len(pop.Calls) != calls || len(pop.Truth) != truth {
				t.Errorf("%d calls, %d truth; want %d, %d", len(pop.Calls), len(pop.Truth), calls, truth)
			}
			seen := map[string]bool{}
			for _, tr := range pop.Truth {
				if seen[tr.Number] {
					t.Errorf("%s twice in the truth", tr.Number)
				}
				seen[tr.Number] = true
			}
			for i := 1; i < len(pop.Calls); i++ {
				if pop.Calls[i].Start < pop.Calls[i-1].Start {
					t.Fatalf("call %d out of order", i)
				}
			}
			// Streamed a day at a time, the same records and truth.
			var streamed []ringfence.CallRecord
			days := 0
			st, err := StreamPopulation(tt.cells, o, func(batch []ringfence.CallRecord) error {
				days++
				streamed = append(streamed, batch...)
				return nil
			})
			if err != nil || days != o.Days || !slices.Equal(streamed, pop.Calls) || !slices.Equal(st, pop.Truth) {
				t.Errorf("stream: %v, %d batches, %d calls, %d truth", err, days, len(streamed), len(st))
			}
		})
	}
	stop := errors.New("stop")
	if _, err := StreamPopulation([]Cell{courier}, o, func([]ringfence.CallRecord) error { return stop }); err != stop {
		t.Errorf("emit's error: %v", err)
	}
}
