// Package simulate builds a synthetic population of telephone subscribers
// and the call detail records they produce, with ground truth, for testing,
// demonstrating and benchmarking harassment detection.
//
// The population follows what is known of calling in China: ordinary
// subscribers calling family and friends a few times a day; couriers and
// takeaway riders making 60–180 short calls a day to distinct customers,
// who answer or call back; service centres calling back customers who
// called them; business callback lines; telemarketing call rooms that dial
// bought lists (some in number order, hitting vacant numbers) from
// virtual-operator and ordinary mobile numbers, rotate numbers within a
// campaign and follow up keen prospects; robocallers dialling thousands a
// day at machine cadence; debt collectors calling debtors and their
// contacts again and again, escalating; and call bombing, where a victim
// receives hundreds of calls in minutes from many callers, business
// callback lines among them.
//
// Every behavioural parameter is drawn at random per run and per entity
// from wide ranges, so a detector tuned on one run does not simply learn one
// generator's constants. Generation is deterministic for a given Config.
package simulate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"ringfence"
)

// Classes of numbers in the ground truth.
const (
	ClassOrdinary      = "ordinary"
	ClassCourier       = "courier"
	ClassRider         = "rider"
	ClassServiceCentre = "service_centre"
	ClassCallbackLine  = "callback_line"
	ClassTelemarketing = string(ringfence.KindTelemarketing)
	ClassRobocall      = string(ringfence.KindRobocall)
	ClassDebt          = string(ringfence.KindDebtCollection)
	ClassBombingTarget = string(ringfence.KindCallBombingTarget)
	ClassBombingSource = "bombing_source" // a throwaway number used in call bombing
)

// Abusive reports whether numbers of class should be flagged.
func Abusive(class string) bool {
	switch class {
	case ClassTelemarketing, ClassRobocall, ClassDebt, ClassBombingTarget:
		return true
	}
	return false
}

// Config sets the size and randomness of a simulation.
type Config struct {
	Days        int
	Subscribers int       // ordinary subscribers; businesses and abusers are added in proportion
	Seed        uint64    // same seed, same output
	Start       time.Time // midnight of the first day; zero means 2024-03-04 in China Standard Time
}

// E164 formats a number held as its E.164 digits.
func E164(k uint64) string { return "+" + strconv.FormatUint(k, 10) }

// Truth is the ground truth about one number that placed calls (or, for
// call-bombing targets, received a burst).
type Truth struct {
	Number    string    `json:"number"` // E.164
	Class     string    `json:"class"`
	FirstCall time.Time `json:"first_call"`         // first call placed; for a bombing target, the burst's first call
	Campaign  string    `json:"campaign,omitempty"` // telemarketing numbers rotated by one call room
	// Sector is the kind of abuse of an abusive number, finer than Class:
	// one of the Sector constants. Truth files written before it existed
	// lack it; SectorOf falls back on the class.
	Sector string `json:"sector,omitempty"`
	// Cell names the scenario-grid cell the number belongs to (package
	// simulate/grid); empty for the other populations.
	Cell string `json:"cell,omitempty"`
}

// Result is a simulation's output: calls in start order and the truth.
type Result struct {
	Calls []ringfence.CallRecord
	Truth []Truth
}

// CST is China Standard Time.
var CST = time.FixedZone("CST", 8*3600)

// Run simulates cfg.Days days of calls for the population.
func Run(cfg Config) Result {
	if cfg.Days <= 0 {
		cfg.Days = 1
	}
	if cfg.Subscribers <= 0 {
		cfg.Subscribers = 1000
	}
	start := cfg.Start
	if start.IsZero() {
		start = time.Date(2024, 3, 4, 0, 0, 0, 0, CST)
	}
	s := &sim{
		r:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		days:  cfg.Days,
		t0:    start.Unix(),
		used:  make(map[uint64]bool),
		first: make(map[uint64]int64),
		class: make(map[uint64]string),
	}
	s.population(cfg.Subscribers)
	for day := 0; day < cfg.Days; day++ {
		s.day(day)
	}
	for _, r := range s.rooms { // one number alone is no campaign
		if r.used < 2 {
			for k, name := range s.campaigns {
				if name == r.name {
					delete(s.campaigns, k)
				}
			}
		}
	}
	end := s.t0 + int64(cfg.Days)*86400
	calls := s.calls[:0]
	for _, c := range s.calls {
		if c.Start >= s.t0 && c.Start < end && c.Caller != c.Callee {
			calls = append(calls, c)
		}
	}
	slices.SortStableFunc(calls, func(a, b ringfence.CallRecord) int { return cmp.Compare(a.Start, b.Start) })
	for _, c := range calls {
		if _, ok := s.first[c.Caller]; !ok {
			s.first[c.Caller] = c.Start
		}
	}
	return Result{Calls: calls, Truth: AssignSectors(s.truth())}
}

type sim struct {
	r     *rand.Rand
	days  int
	t0    int64
	used  map[uint64]bool
	calls []ringfence.CallRecord
	first map[uint64]int64  // first call placed
	class map[uint64]string // numbers that are not ordinary subscribers

	subs      []*subscriber
	couriers  []*courier
	centres   []*centre
	lines     []*callbackLine
	rooms     []*callRoom
	robots    []*robot
	debts     []*collector
	bombings  []*bombing
	campaigns map[uint64]string
	targets   map[uint64]int64 // bombing target -> burst start
}

// --- numbers ---

var mobilePrefixes = []uint64{
	130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153,
	155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184,
	185, 186, 187, 188, 189, 191, 198, 199,
}

var virtualPrefixes = []uint64{170, 171, 162, 165, 167}

var areaCodes = []uint64{10, 20, 21, 22, 23, 24, 25, 27, 28, 29, 311, 371, 431, 451, 531, 571, 591, 731, 755, 769, 871, 898}

const cc = 86 * 100_000_000_000 // 86 followed by an 11-digit mobile number

func (s *sim) unique(k uint64) bool {
	if s.used[k] {
		return false
	}
	s.used[k] = true
	return true
}

func (s *sim) mobile() uint64 {
	for {
		k := cc + mobilePrefixes[s.r.IntN(len(mobilePrefixes))]*100_000_000 + uint64(s.r.IntN(100_000_000))
		if s.unique(k) {
			return k
		}
	}
}

func (s *sim) virtual() uint64 {
	for {
		k := cc + virtualPrefixes[s.r.IntN(len(virtualPrefixes))]*100_000_000 + uint64(s.r.IntN(100_000_000))
		if s.unique(k) {
			return k
		}
	}
}

// inBlock returns an unused number within the same block of 10,000 as k.
func (s *sim) inBlock(k uint64) uint64 {
	for range 100 {
		n := k/10_000*10_000 + uint64(s.r.IntN(10_000))
		if s.unique(n) {
			return n
		}
	}
	return s.mobile()
}

func (s *sim) fixedLine() uint64 {
	for {
		a := areaCodes[s.r.IntN(len(areaCodes))]
		p := uint64(86*100) + a
		if a >= 100 {
			p = 86*1000 + a
		}
		k := p*100_000_000 + uint64(20_000_000+s.r.IntN(70_000_000))
		if s.unique(k) {
			return k
		}
	}
}

func (s *sim) serviceNumber() uint64 {
	for {
		var k uint64
		switch s.r.IntN(3) {
		case 0: // 95xxx
			k = 8695000 + uint64(s.r.IntN(1000))
		case 1: // 400 numbers
			k = 86_400_000_0000 + uint64(s.r.IntN(10_000_000))
		default:
			return s.fixedLine()
		}
		if s.unique(k) {
			return k
		}
	}
}

// external returns a random mobile number outside the population (a
// stranger: customer, list entry, contact of a debtor).
func (s *sim) external() uint64 { return s.mobile() }

// --- time ---

// at returns the Unix time of day d at hour h (fractional).
func (s *sim) at(d int, h float64) int64 { return s.t0 + int64(d)*86400 + int64(h*3600) }

func (s *sim) uniform(lo, hi float64) float64 { return lo + s.r.Float64()*(hi-lo) }

func (s *sim) logNormal(median, sigma float64) float64 {
	return median * math.Exp(s.r.NormFloat64()*sigma)
}

func (s *sim) poisson(lambda float64) int {
	if lambda > 30 {
		return max(0, int(math.Round(lambda+s.r.NormFloat64()*math.Sqrt(lambda))))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= s.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// dayHour draws an hour of the day from a waking-hours profile with
// morning and evening peaks.
func (s *sim) dayHour() float64 {
	for {
		h := s.uniform(7, 23.5)
		w := 0.5 + 0.5*math.Exp(-sq((h-11)/2)) + 0.7*math.Exp(-sq((h-20)/2))
		if s.r.Float64() < w/1.2 {
			return h
		}
	}
}

func sq(x float64) float64 { return x * x }

func (s *sim) add(c ringfence.CallRecord) {
	if !c.Answered {
		c.Duration = 0
	}
	s.calls = append(s.calls, c)
}

func (s *sim) truth() []Truth {
	var out []Truth
	for _, sub := range s.subs {
		if t, ok := s.targets[sub.n]; ok {
			out = append(out, Truth{Number: E164(sub.n), Class: ClassBombingTarget, FirstCall: time.Unix(t, 0).UTC()})
			continue
		}
		if f, ok := s.first[sub.n]; ok {
			out = append(out, Truth{Number: E164(sub.n), Class: ClassOrdinary, FirstCall: time.Unix(f, 0).UTC()})
		}
	}
	keys := make([]uint64, 0, len(s.class))
	for k := range s.class {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f, ok := s.first[k]
		if !ok {
			continue
		}
		out = append(out, Truth{Number: E164(k), Class: s.class[k], FirstCall: time.Unix(f, 0).UTC(), Campaign: s.campaigns[k]})
	}
	return out
}
