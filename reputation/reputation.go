// Package reputation turns crowd reports into a number's reputation: reporter
// weights earned from track record, exponential decay of old reports, the
// per-category tally of a number, and a compact in-memory index of tallies
// that answers lookups in nanoseconds without allocating.
//
// Weights are kept in a fixed reference frame so decay never requires
// rewriting stored values: a report of weight w made at time t contributes
// w·2^((t−Epoch)/h) to its category, and the decayed weight at time now is
// that sum times 2^(−(now−Epoch)/h), a factor shared by every number.
package reputation

import (
	"math"
	"time"

	"ringfence"
)

// Epoch is the reference time of stored weights.
var Epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Config holds the crowd defaults of DESIGN §4; all of it is configurable.
type Config struct {
	HalfLife time.Duration // reports lose half their weight in this time

	// LabelWeight is the decayed weight one category needs for a label:
	// about five ordinary reporters agreeing.
	LabelWeight float64

	// The crowd alone blocks only with far stronger evidence: BlockWeight of
	// decayed weight from at least BlockReporters distinct reporters whose
	// average weight is at least BlockAverage (reporters with good records,
	// not a swarm of fresh accounts), with the category holding at least
	// BlockMajority of all weight.
	BlockWeight    float64
	BlockReporters int
	BlockAverage   float64
	BlockMajority  float64

	// Reporter weights: a new reporter counts NewReporterWeight; an ordinary
	// one with a good record about 1; nobody more than MaxReporterWeight,
	// which stays below LabelWeight so one reporter alone never changes
	// what anyone else sees.
	NewReporterWeight float64
	MaxReporterWeight float64

	// SourceWeights gives official feeds (such as "ftc") a fixed weight per
	// reporter group instead of a track record.
	SourceWeights map[string]float64

	// Crowd reports checked against the carrier's call records (see
	// package corroborate): when the records cover the reporter, a report
	// about a number that called them in the lookback weighs
	// CorroboratedBoost times its reporter weight, one about a number that
	// did not weighs UncorroboratedFactor times it; a reporter the records
	// do not cover keeps the reporter weight. Official feeds are never
	// scaled. MaxReporterWeight × CorroboratedBoost stays below LabelWeight,
	// so one confirmed reporter alone still labels nothing.
	CorroboratedBoost    float64
	UncorroboratedFactor float64
}

// DefaultConfig returns the defaults of DESIGN §4.
func DefaultConfig() Config {
	return Config{
		HalfLife:          90 * 24 * time.Hour,
		LabelWeight:       5,
		BlockWeight:       30,
		BlockReporters:    24,
		BlockAverage:      0.5,
		BlockMajority:     0.8,
		NewReporterWeight: 0.2,
		MaxReporterWeight: 2,
		SourceWeights:     map[string]float64{ringfence.SourceFTC: 1},

		CorroboratedBoost:    2,
		UncorroboratedFactor: 0.25,
	}
}

// Corroborated scales a crowd report's weight w by what call records made
// of it: × CorroboratedBoost when confirmed, × UncorroboratedFactor when
// unconfirmed, unchanged otherwise. A factor left at 0 (a Config built
// before these fields) counts as 1.
func (c Config) Corroborated(w float64, k ringfence.Corroboration) float64 {
	f := 1.0
	switch k {
	case ringfence.Confirmed:
		f = c.CorroboratedBoost
	case ringfence.Unconfirmed:
		f = c.UncorroboratedFactor
	}
	if f <= 0 {
		return w
	}
	return w * f
}

// Boost is the reference-frame multiplier 2^((t−Epoch)/h) of a report made at t.
func (c Config) Boost(t time.Time) float64 {
	return math.Exp2(float64(t.Sub(Epoch)) / float64(c.HalfLife))
}

// Decay is 2^(−(now−from)/h): what a weight at time from is worth at now.
func (c Config) Decay(from, now time.Time) float64 {
	return math.Exp2(-float64(now.Sub(from)) / float64(c.HalfLife))
}

// Track is a reporter's record (defined at the root, where the store
// contracts use it).
type Track = ringfence.Track

// ReporterWeight is the weight of a crowd reporter with track record t.
// It starts at NewReporterWeight, grows with agreement, is pulled down by
// disagreement, and never exceeds MaxReporterWeight. Ten agreements and no
// disagreement make about one ordinary reporter.
func (c Config) ReporterWeight(t Track) float64 {
	lo, hi := c.NewReporterWeight, c.MaxReporterWeight
	a, d := float64(t.Agreed), float64(t.Disagreed)
	w := lo + (hi-lo)*a/(a+2*d+10)
	return math.Min(math.Max(w, lo/2), hi)
}

// SourceWeight is the weight of a report from source with record t.
func (c Config) SourceWeight(source string, t Track) float64 {
	if w, ok := c.SourceWeights[source]; ok {
		return w
	}
	return c.ReporterWeight(t)
}

// Tally is the reports on one number in one category (defined at the
// root, where the store contracts use it).
type Tally = ringfence.Tally
