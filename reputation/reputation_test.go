package reputation

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"ringfence"
)

func TestReporterWeight(t *testing.T) {
	c := DefaultConfig()
	tests := []struct {
		name   string
		track  Track
		lo, hi float64
	}{
		{"new reporter counts little", Track{}, 0.2, 0.2},
		{"ten agreements make an ordinary reporter", Track{Reports: 10, Agreed: 10}, 0.9, 1.2},
		{"long good record is capped", Track{Reports: 100000, Agreed: 100000}, 1.9, 2},
		{"disagreement pulls down", Track{Reports: 30, Agreed: 10, Disagreed: 20}, 0.1, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := c.ReporterWeight(tt.track)
			if w < tt.lo || w > tt.hi {
				t.Fatalf("weight %v not in [%v, %v]", w, tt.lo, tt.hi)
			}
			if w >= c.LabelWeight {
				t.Fatalf("one reporter (%v) reaches the label weight %v", w, c.LabelWeight)
			}
		})
	}
}

func TestDecayHalfLife(t *testing.T) {
	c := DefaultConfig()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d := c.Decay(t0, t0.Add(c.HalfLife)); math.Abs(d-0.5) > 1e-12 {
		t.Fatalf("decay after one half-life = %v", d)
	}
	// Boost and Decay agree: boost(t)·decay(Epoch, now) = decay(t, now).
	now := t0.Add(40 * 24 * time.Hour)
	if a, b := c.Boost(t0)*c.Decay(Epoch, now), c.Decay(t0, now); math.Abs(a-b) > 1e-9 {
		t.Fatalf("frame mismatch %v vs %v", a, b)
	}
}

func TestSummarize(t *testing.T) {
	tallies := []Tally{
		{Category: "customer_service", Reporters: 1, Weight: 0.5},
		{Category: "loan", Reporters: 98, Weight: 60},
		{Category: "sales", Reporters: 3, Weight: 2},
	}
	s := Summarize(tallies, 1)
	c := s.Crowd(1)
	if c.Category != "loan" || c.Reporters != 98 || c.Second != "sales" || c.SecondReporters != 3 {
		t.Fatalf("got %+v", c)
	}
	if math.Abs(c.Weight-60)/60 > 0.01 || math.Abs(c.Total-62.5)/62.5 > 0.01 {
		t.Fatalf("weights %v / %v", c.Weight, c.Total)
	}
	if m := c.Majority(); m < 0.95 || m > 0.97 {
		t.Fatalf("majority %v", m)
	}
	if Summarize(nil, 1) != 0 || (Summary(0).Crowd(1) != Crowd{}) {
		t.Fatal("empty summary should be zero")
	}
	// Unknown categories are ignored; counts saturate.
	s = Summarize([]Tally{{Category: "nonsense", Reporters: 5, Weight: 100}, {Category: "fraud", Reporters: 100000, Weight: 1}}, 1)
	if c := s.Crowd(1); c.Category != "fraud" || c.Reporters != maxCount {
		t.Fatalf("got %+v", c)
	}
}

func TestIndexMatchesMap(t *testing.T) {
	x := NewIndex(0)
	want := map[uint64]Summary{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		k := 8613000000000 + r.Uint64N(50000)
		switch r.IntN(4) {
		case 0:
			x.Set(k, 0)
			delete(want, k)
		default:
			v := Summary(r.Uint64() | 1)
			x.Set(k, v)
			want[k] = v
		}
	}
	if x.Len() != len(want) {
		t.Fatalf("len %d, want %d", x.Len(), len(want))
	}
	for k, v := range want {
		if got := x.Get(k); got != v {
			t.Fatalf("key %d: got %x want %x", k, got, v)
		}
	}
	for i := 0; i < 10000; i++ {
		k := 8613000000000 + r.Uint64N(100000)
		if _, ok := want[k]; !ok && x.Get(k) != 0 {
			t.Fatalf("absent key %d found", k)
		}
	}
	n := 0
	x.Range(func(k uint64, s Summary) bool { n++; return want[k] == s })
	if n != len(want) {
		t.Fatalf("range visited %d, want %d", n, len(want))
	}
}

func TestIndexBytesPerNumber(t *testing.T) {
	const n = 100000
	x := NewIndex(n)
	for i := uint64(1); i <= n; i++ {
		x.Set(8617000000000+i*7, Summary(i))
	}
	if per := float64(x.Bytes()) / n; per > 32 {
		t.Fatalf("%.1f bytes per number, want ≤ 32", per)
	}
}

func BenchmarkIndexGet10M(b *testing.B) {
	const n = 10_000_000
	x := NewIndex(n)
	r := rand.New(rand.NewPCG(3, 4))
	keys := make([]uint64, 1<<16)
	for i := 0; i < n; i++ {
		k := 8613000000000 + r.Uint64N(90000000000)
		x.Set(k, Summary(i|1))
		if i < len(keys) {
			keys[i] = k
		}
	}
	b.ReportMetric(float64(x.Bytes())/float64(x.Len()), "bytes/number")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if x.Get(keys[i&(len(keys)-1)]) == 0 {
			b.Fatal("missing")
		}
	}
}

var _ = ringfence.Allow

// Every category of the taxonomy survives the 4-bit packing of a Summary,
// as top and as second category: none reads back as "no category".
func TestSummaryHoldsEveryCategory(t *testing.T) {
	for _, c := range ringfence.Categories() {
		for _, other := range []ringfence.Category{"sales", "customer_service"} {
			if other == c.Key {
				continue
			}
			s := Summarize([]Tally{{Category: c.Key, Reporters: 3, Weight: 9}, {Category: other, Reporters: 1, Weight: 1}}, 1)
			got := s.Crowd(1)
			if got.Category != c.Key || got.Second != other {
				t.Errorf("%s (code %d) over %s reads back as %q over %q", c.Key, c.Code, other, got.Category, got.Second)
			}
		}
	}
}

// checkCategoryCodes refuses a taxonomy whose highest code does not fit the
// packed field, instead of letting the category read back as none.
func TestCheckCategoryCodes(t *testing.T) {
	tests := []struct {
		max uint8
		ok  bool
	}{
		{13, true},
		{15, true},
		{16, false}, // a 16th category: 16&0xf is 0, "no category"
		{255, false},
	}
	for _, tt := range tests {
		if err := checkCategoryCodes(tt.max); (err == nil) != tt.ok {
			t.Errorf("checkCategoryCodes(%d) = %v, want ok %v", tt.max, err, tt.ok)
		}
	}
}

func TestDecayerMatchesDecay(t *testing.T) {
	c := DefaultConfig()
	from := time.Date(2026, 3, 1, 8, 0, 0, 123, time.UTC)
	d := c.DecayFrom(from)
	for _, now := range []time.Time{
		from,
		from.Add(time.Nanosecond),
		from.Add(-time.Hour),
		from.Add(c.HalfLife),
		from.Add(3*c.HalfLife + 17*time.Millisecond),
		time.Date(2030, 1, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		time.Now(), // with a monotonic reading
	} {
		if got, want := d.At(now), c.Decay(from, now); got != want {
			t.Errorf("Decayer.At(%v) = %v, Decay = %v", now, got, want)
		}
	}
}
