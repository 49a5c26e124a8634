// Package alt generates a second synthetic call population with ground
// truth, modelled independently of package simulate, so that a detector
// tuned on one population can be checked on another it was not tuned on.
//
// The modelling choices differ from package simulate on purpose, wherever
// the public facts leave room:
//
//   - couriers reach only about half of their customers at the first try,
//     retry a missed customer once or twice within minutes, are seldom
//     called back, and talk briefly;
//   - takeaway riders call the same customer two or three times within
//     minutes, around meal times;
//   - bank service centres on 95xxx and 400 numbers make hundreds of
//     outbound calls a day, mostly returning customers' calls, retrying the
//     unanswered ones, with moderate answer rates; half of them call from
//     an outbound line of their own, so the customers' calls to the hotline
//     do not show as reciprocity;
//   - telemarketers keep office hours (09:00–12:00, 13:30–18:00, mostly
//     Monday to Saturday), dial bought lists in random order, talk 40–90 s
//     on answered calls, redial unanswered prospects on later days until
//     three refusals and follow up keen ones; some call rooms work from
//     95/96, 400 or fixed-line numbers, not only virtual-operator ranges;
//   - robocall platforms dial at exact intervals, round-robin over several
//     numbers;
//   - debt collectors call each debtor many times a day in clusters, and
//     the debtor's contacts;
//   - call bombing comes from hundreds of distinct legitimate businesses'
//     callback lines within minutes, each calling once or twice;
//   - ordinary subscribers include families, night-shift workers and heavy
//     users (sales people, agents) making 50–100 mostly reciprocal calls a
//     day.
//
// The records come out as a switch would log them: a few minutes of
// disorder, a small share of duplicated rows, and (in WriteCSV) times in
// either UTC or China Standard Time depending on the logging switch.
// Generation is deterministic for a given Config.
package alt

import (
	"ringfence"
	"ringfence/number"

	"bufio"
	"cmp"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"ringfence/simulate"
)

// Classes this population adds to those of package simulate. All of them
// are benign.
const (
	ClassFamily     = "family"      // a member of a household calling each other
	ClassHeavyUser  = "heavy_user"  // sales people and agents: 50–100 reciprocal calls a day
	ClassNightShift = "night_shift" // ordinary subscribers active at night
)

// Config sets the size and randomness of a population.
type Config struct {
	Days        int
	Subscribers int    // ordinary subscribers; everyone else is added in proportion
	Seed        uint64 // same seed, same output
	// Start is local midnight of the first day; zero means Monday
	// 2025-06-02 in China Standard Time.
	Start time.Time
	// Disorder is how far a record may be displaced from start-time order
	// (default 3 minutes; negative means none).
	Disorder time.Duration
	// Duplicates is the share of records logged twice (default 0.002;
	// negative means none).
	Duplicates float64
}

var cst = time.FixedZone("CST", 8*3600)

// Generate builds the population and its calls. Calls are in the order a
// switch would log them (nearly, not exactly, by start time) and may hold
// duplicates; Truth lists every number of the population that placed a
// call, and each call-bombing target.
func Generate(cfg Config) simulate.Result {
	if cfg.Days <= 0 {
		cfg.Days = 1
	}
	if cfg.Subscribers <= 0 {
		cfg.Subscribers = 1000
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2025, 6, 2, 0, 0, 0, 0, cst)
	}
	if cfg.Disorder == 0 {
		cfg.Disorder = 3 * time.Minute
	}
	if cfg.Duplicates == 0 {
		cfg.Duplicates = 0.002
	}
	w := &world{
		r:     rand.New(rand.NewPCG(cfg.Seed^0xa17, cfg.Seed*0x2545f4914f6cdd1d+1)),
		days:  cfg.Days,
		t0:    cfg.Start.Unix(),
		taken: make(map[uint64]bool),
		who:   make(map[uint64]member),
	}
	w.weekday0 = cfg.Start.Weekday()
	w.build(cfg.Subscribers)
	w.run()
	return w.finish(cfg)
}

// member is the truth about one number of the population.
type member struct {
	class    string
	campaign string
}

type world struct {
	r        *rand.Rand
	days     int
	t0       int64
	weekday0 time.Weekday
	taken    map[uint64]bool
	who      map[uint64]member
	calls    []ringfence.CallRecord
	bombed   map[uint64]int64 // target -> first call of its burst

	people    []*person
	couriers  []*courier
	riders    []*rider
	banks     []*bank
	lines     []*line
	rooms     []*room
	platforms []*platform
	agencies  []*agency
	bombs     []*bomb
}

// --- numbering ---

var (
	mobileHeads  = []uint64{134, 135, 136, 137, 138, 139, 150, 151, 152, 157, 158, 159, 182, 183, 187, 188, 130, 131, 132, 155, 156, 185, 186, 133, 153, 180, 181, 189, 177, 173, 199, 191, 193, 195, 196, 197, 198, 166}
	virtualHeads = []uint64{170, 171, 162, 165, 167}
	// Area codes and the length of their local numbers.
	areas = []struct{ code, digits uint64 }{
		{10, 8}, {21, 8}, {20, 8}, {755, 8}, {571, 8}, {28, 8}, {27, 8}, {25, 8}, {23, 8}, {29, 8}, {24, 8},
		{22, 8}, {512, 8}, {532, 8}, {551, 8}, {591, 8}, {731, 8}, {851, 8}, {871, 8}, {898, 8}, {931, 7}, {951, 7},
	}
)

func (w *world) claim(k uint64) bool {
	if w.taken[k] {
		return false
	}
	w.taken[k] = true
	return true
}

func (w *world) mobileIn(heads []uint64) uint64 {
	for {
		k := 86_000_000_000_00 + heads[w.r.IntN(len(heads))]*1_0000_0000 + w.r.Uint64N(1_0000_0000)
		if w.claim(k) {
			return k
		}
	}
}

func (w *world) mobile() uint64  { return w.mobileIn(mobileHeads) }
func (w *world) virtual() uint64 { return w.mobileIn(virtualHeads) }

// stranger is a mobile number outside the population: a customer, a list
// entry, a debtor's relative. It is not claimed, only kept clear of
// numbers that are.
func (w *world) stranger() uint64 {
	for {
		k := 86_000_000_000_00 + mobileHeads[w.r.IntN(len(mobileHeads))]*1_0000_0000 + w.r.Uint64N(1_0000_0000)
		if !w.taken[k] {
			return k
		}
	}
}

func (w *world) landline() uint64 {
	for {
		a := areas[w.r.IntN(len(areas))]
		head := 8600 + a.code
		if a.code >= 100 {
			head = 86000 + a.code
		}
		local := uint64(1)
		for range a.digits {
			local *= 10
		}
		k := head*local + local*6/10 + w.r.Uint64N(local*3/10)
		if w.claim(k) {
			return k
		}
	}
}

// serviceLine is a 95xxx/96xxx (five or six digits) or 400 number.
func (w *world) serviceLine() uint64 {
	for {
		var k uint64
		switch w.r.IntN(4) {
		case 0:
			k = 8695000 + w.r.Uint64N(1000)
		case 1:
			k = 86950000 + w.r.Uint64N(10000)
		case 2:
			k = 8696000 + w.r.Uint64N(1000)
		default:
			k = 864000000000 + w.r.Uint64N(1000_0000)
		}
		if w.claim(k) {
			return k
		}
	}
}

// near returns an unclaimed number in the same block of 1,000 as k, or a
// fresh one of the same kind when the block is full.
func (w *world) near(k uint64) uint64 {
	for range 50 {
		n := k - k%1000 + w.r.Uint64N(1000)
		if w.claim(n) {
			return n
		}
	}
	return w.mobile()
}

// --- random shapes ---

func (w *world) between(lo, hi float64) float64 { return lo + (hi-lo)*w.r.Float64() }

func (w *world) chance(p float64) bool { return w.r.Float64() < p }

// lognorm draws from a log-normal distribution by median and spread.
func (w *world) lognorm(median, spread float64) float64 {
	return median * math.Exp(spread*w.r.NormFloat64())
}

func (w *world) secs(median, spread, lo, hi float64) uint32 {
	return uint32(math.Round(math.Min(hi, math.Max(lo, w.lognorm(median, spread)))))
}

// count draws a non-negative count with the given mean (Poisson-like,
// overdispersed by a gamma-ish factor so some days are busy).
func (w *world) count(mean float64) int {
	m := mean * math.Exp(0.25*w.r.NormFloat64()-0.03)
	if m > 25 {
		return max(0, int(math.Round(m+math.Sqrt(m)*w.r.NormFloat64())))
	}
	n, p, lim := 0, 1.0, math.Exp(-m)
	for {
		p *= w.r.Float64()
		if p < lim {
			return n
		}
		n++
	}
}

// clock is Unix time of local day d at hour h (h may exceed 24).
func (w *world) clock(d int, h float64) int64 {
	return w.t0 + int64(d)*86400 + int64(math.Round(h*3600))
}

func (w *world) weekday(d int) time.Weekday { return (w.weekday0 + time.Weekday(d%7)) % 7 }

func (w *world) call(from, to uint64, at int64, answered bool, talk uint32) {
	if from == to {
		return
	}
	if !answered {
		talk = 0
	}
	w.calls = append(w.calls, ringfence.CallRecord{Caller: from, Callee: to, Start: at, Duration: talk, Answered: answered})
}

// --- assembly ---

func (w *world) run() {
	for _, p := range w.people {
		w.personCalls(p)
	}
	for _, c := range w.couriers {
		w.courierCalls(c)
	}
	for _, r := range w.riders {
		w.riderCalls(r)
	}
	for _, b := range w.banks {
		w.bankCalls(b)
	}
	for _, l := range w.lines {
		w.lineCalls(l)
	}
	for _, r := range w.rooms {
		w.roomCalls(r)
	}
	for _, p := range w.platforms {
		w.platformCalls(p)
	}
	for _, a := range w.agencies {
		w.agencyCalls(a)
	}
	for _, b := range w.bombs {
		w.bombCalls(b)
	}
}

// finish clips the calls to the period, logs them with disorder and
// duplicates, and writes the truth.
func (w *world) finish(cfg Config) simulate.Result {
	end := w.t0 + int64(w.days)*86400
	type logged struct {
		at int64 // when the switch wrote it
		c  ringfence.CallRecord
	}
	var out []logged
	disorder := max(int64(cfg.Disorder/time.Second), 0)
	for _, c := range w.calls {
		if c.Start < w.t0 || c.Start >= end || c.Caller == c.Callee {
			continue
		}
		at := c.Start
		if disorder > 0 {
			at += w.r.Int64N(disorder + 1)
		}
		out = append(out, logged{at, c})
		if cfg.Duplicates > 0 && w.chance(cfg.Duplicates) {
			out = append(out, logged{at + w.r.Int64N(30), c})
		}
	}
	slices.SortStableFunc(out, func(a, b logged) int { return cmp.Compare(a.at, b.at) })
	res := simulate.Result{Calls: make([]ringfence.CallRecord, len(out))}
	first := make(map[uint64]int64)
	for i, l := range out {
		res.Calls[i] = l.c
		if f, ok := first[l.c.Caller]; !ok || l.c.Start < f {
			first[l.c.Caller] = l.c.Start
		}
	}
	keys := make([]uint64, 0, len(w.who))
	for k := range w.who {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m := w.who[k]
		at, ok := first[k]
		if t, bombed := w.bombed[k]; bombed {
			m, at, ok = member{class: simulate.ClassBombingTarget}, t, true
		}
		if !ok {
			continue
		}
		res.Truth = append(res.Truth, simulate.Truth{Number: simulate.E164(k), Class: m.class, FirstCall: time.Unix(at, 0).UTC(), Campaign: m.campaign})
	}
	res.Truth = simulate.AssignSectors(res.Truth)
	return res
}

// WriteCSV writes calls as native ringfence CDR CSV, with each call's
// start time in UTC or in China Standard Time depending on the switch that
// logged it (a hash of the caller), as carriers' mixed feeds do.
func WriteCSV(wr io.Writer, calls []ringfence.CallRecord) error {
	bw := bufio.NewWriterSize(wr, 1<<16)
	if _, err := bw.WriteString("caller,callee,start_time,duration_s,answered\n"); err != nil {
		return err
	}
	var b []byte
	for _, c := range calls {
		at := time.Unix(c.Start, 0)
		if number.KeyHash(c.Caller)>>61 < 3 {
			at = at.UTC()
		} else {
			at = at.In(cst)
		}
		b = append(b[:0], '+')
		b = strconv.AppendUint(b, c.Caller, 10)
		b = append(b, ",+"...)
		b = strconv.AppendUint(b, c.Callee, 10)
		b = append(b, ',')
		b = at.AppendFormat(b, time.RFC3339)
		b = append(b, ',')
		b = strconv.AppendUint(b, uint64(c.Duration), 10)
		if c.Answered {
			b = append(b, ",1\n"...)
		} else {
			b = append(b, ",0\n"...)
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
