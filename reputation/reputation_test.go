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

// Corroborated scales crowd weights by what call records made of a report,
// and one confirmed reporter alone still stays below the label weight.
func TestCorroboratedWeight(t *testing.T) {
	c := DefaultConfig()
	tests := []struct {
		name string
		cfg  Config
		k    ringfence.Corroboration
		want float64
	}{
		{"confirmed counts double", c, ringfence.Confirmed, 2},
		{"unconfirmed counts a quarter", c, ringfence.Unconfirmed, 0.25},
		{"not covered is unchanged", c, ringfence.NotCorroborated, 1},
		{"factors left at zero change nothing", Config{}, ringfence.Confirmed, 1},
		{"factors left at zero change nothing (unconfirmed)", Config{}, ringfence.Unconfirmed, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.Corroborated(1, tt.k); got != tt.want {
				t.Fatalf("Corroborated(1, %q) = %v, want %v", tt.k, got, tt.want)
			}
		})
	}
	if w := c.Corroborated(c.MaxReporterWeight, ringfence.Confirmed); w >= c.LabelWeight {
		t.Fatalf("a confirmed reporter of the highest weight (%v) reaches the label weight %v", w, c.LabelWeight)
	}
}

// The packed summary carries how many of the top category's reporters call
// records confirmed: exactly up to 511 reporters, within one in a thousand
// beyond; and its majority never reads higher than it is.
func TestSummaryCorroborated(t *testing.T) {
	tests := []struct {
		reporters, confirmed int
		slack                int
	}{
		{1, 0, 0}, {1, 1, 0}, {12, 9, 0}, {115, 9, 0}, {115, 114, 0}, {300, 1, 0}, {510, 257, 0}, {511, 510, 0},
		{4095, 1000, 4}, {4095, 4095, 0}, {100000, 3, 4}, // saturated counts
	}
	for _, tt := range tests {
		for i := 0; i <= tt.confirmed; i += max(1, tt.confirmed/7) {
			s := Summarize([]Tally{{Category: "loan", Reporters: tt.reporters, Weight: 10, Corroborated: i}, {Category: "sales", Reporters: 1, Weight: 1}}, 1)
			c := s.Crowd(1)
			want := i * min(tt.reporters, maxCount) / tt.reporters
			if d := c.Corroborated - want; d < -tt.slack || d > tt.slack {
				t.Errorf("%d of %d confirmed reads back as %d of %d", i, tt.reporters, c.Corroborated, c.Reporters)
			}
			if c.Category != "loan" || c.Second != "sales" || c.SecondReporters != 1 {
				t.Errorf("other fields changed: %+v", c)
			}
		}
	}
	majority := []struct {
		top, rest float64
	}{{4, 1}, {8, 2}, {79.9, 20.1}, {7999, 2001}, {1, 0}, {2, 1.9}, {60, 2.5}}
	for _, m := range majority {
		s := Summarize([]Tally{{Category: "loan", Reporters: 3, Weight: m.top}, {Category: "sales", Reporters: 3, Weight: m.rest}}, 1)
		if m.rest == 0 {
			s = Summarize([]Tally{{Category: "loan", Reporters: 3, Weight: m.top}}, 1)
		}
		got, want := s.Crowd(1).Majority(), m.top/(m.top+m.rest)
		if got > want+1e-9 || got < want-1.0/255 {
			t.Errorf("majority %v/%v reads %v, want %v rounded down to 255ths", m.top, m.top+m.rest, got, want)
		}
	}
	// A crowd at exactly the block majority keeps it.
	s := Summarize([]Tally{{Category: "loan", Reporters: 3, Weight: 8}, {Category: "sales", Reporters: 3, Weight: 2}}, 1)
	if m := s.Crowd(1).Majority(); m < DefaultConfig().BlockMajority {
		t.Errorf("majority 0.8 reads %v", m)
	}
}

// BenchmarkSummaryCrowd is the unpacking a verdict does after its index
// lookup.
func BenchmarkSummaryCrowd(b *testing.B) {
	ss := make([]Summary, 1024)
	for i := range ss {
		ss[i] = Summarize([]Tally{{Category: "loan", Reporters: 1 + i, Weight: float64(i + 3), Corroborated: i / 3}, {Category: "sales", Reporters: 2, Weight: 1}}, 1)
	}
	b.ResetTimer()
	var sink int
	for i := 0; i < b.N; i++ {
		c := ss[i&1023].Crowd(0.9)
		if c.Majority() > 0.5 {
			sink += c.Reporters
		}
	}
	_ = sink
}
