package reputation

import (
	"fmt"
	"math"
	"time"

	"ringfence"
)

// Summary packs what screening needs of a number's tallies into 64 bits:
// the two heaviest categories with their reporter counts, the top weight
// (as bfloat16 without its sign bit: weights are never negative, in the
// frame of the index that holds it), the top category's share of all
// weight, and the share of the top category's reporters whose reports call
// records confirmed.
//
//	bits  0..3  top category code     bits  4..7  second category code
//	bits  8..19 top reporters (≤4095) bits 20..31 second reporters (≤4095)
//	bits 32..46 top weight (bf16, no sign)
//	bits 47..54 majority: top weight / total weight, in 255ths, rounded down
//	bits 55..63 confirmed: confirmed / top reporters, in 511ths
//
// The confirmed count reads back exactly up to 511 reporters and within
// one in a thousand beyond; the majority never reads higher than it is.
type Summary uint64

const maxCount = 1<<12 - 1

// categoryBits is the width of each packed category code.
const (
	categoryBits = 4
	categoryMask = 1<<categoryBits - 1
)

func init() {
	if err := checkCategoryCodes(ringfence.MaxCategoryCode()); err != nil {
		panic(err)
	}
}

// checkCategoryCodes reports an error when category codes up to max do not
// fit the packed field: such a category would read back as none. Adding a
// category past the field's room means widening the Summary layout.
func checkCategoryCodes(max uint8) error {
	if max >= 1<<categoryBits {
		return fmt.Errorf("reputation: category code %d does not fit the %d-bit field of a Summary", max, categoryBits)
	}
	return nil
}

// Summarize builds the summary of tallies, multiplying weights by scale to
// bring them from the reference frame into the index's frame.
func Summarize(tallies []Tally, scale float64) Summary {
	var first, second Tally
	var total float64
	for _, t := range tallies {
		if t.Reporters <= 0 || t.Category.Code() == 0 {
			continue
		}
		total += t.Weight
		switch {
		case t.Weight > first.Weight:
			first, second = t, first
		case t.Weight > second.Weight:
			second = t
		}
	}
	if first.Reporters == 0 {
		return 0
	}
	top := min(first.Reporters, maxCount)
	return Summary(uint64(first.Category.Code()) |
		uint64(second.Category.Code())<<categoryBits |
		uint64(top)<<8 |
		uint64(min(second.Reporters, maxCount))<<20 |
		uint64(toBF16(first.Weight*scale)&0x7fff)<<32 |
		uint64(majorityOf(first.Weight, total))<<47 |
		uint64(confirmedShare(first.Corroborated, first.Reporters))<<55)
}

// majorityOf is top/total in 255ths, rounded down (to block on a majority
// the crowd must really have it).
func majorityOf(top, total float64) uint64 {
	if total <= 0 || top >= total {
		return 255
	}
	return uint64(math.Floor(top/total*255 + 1e-9))
}

// confirmedShare is confirmed/reporters in 511ths, rounded to nearest.
func confirmedShare(confirmed, reporters int) uint64 {
	if confirmed <= 0 || reporters <= 0 {
		return 0
	}
	return uint64(math.Round(float64(min(confirmed, reporters)) * 511 / float64(reporters)))
}

// Crowd is a number's crowd reputation at a moment, decayed.
type Crowd struct {
	Category        ringfence.Category // heaviest category, "" when there are no reports
	Reporters       int                // reporters whose latest report is Category
	Weight          float64            // decayed weight of Category
	Total           float64            // decayed weight of all categories
	Second          ringfence.Category
	SecondReporters int
	Corroborated    int // of Reporters, those whose report call records confirmed
}

// Crowd unpacks s, multiplying weights by decay (see Config.Decay).
func (s Summary) Crowd(decay float64) Crowd {
	if s == 0 {
		return Crowd{}
	}
	top := int(s >> 8 & maxCount)
	w := float64(fromBF16(uint16(s>>32)&0x7fff)) * decay
	total := w
	if m := s >> 47 & 0xff; m > 0 && m < 255 {
		total = w * 255 / float64(m)
	}
	return Crowd{
		Category:        ringfence.CategoryByCode(uint8(s & categoryMask)),
		Second:          ringfence.CategoryByCode(uint8(s >> categoryBits & categoryMask)),
		Reporters:       top,
		SecondReporters: int(s >> 20 & maxCount),
		Weight:          w,
		Total:           total,
		Corroborated:    int((uint64(top)*uint64(s>>55) + 255) / 511),
	}
}

// Decayer is Config.Decay from a fixed time, with the time arithmetic done
// once: the hot path's decay of index weights to a call's time.
type Decayer struct {
	from     int64   // Unix nanoseconds
	halfLife float64 // nanoseconds
}

// DecayFrom returns the decay of weights from time from.
func (c Config) DecayFrom(from time.Time) Decayer {
	return Decayer{from: from.UnixNano(), halfLife: float64(c.HalfLife)}
}

// At is c.Decay(from, now), to the bit, for times between the years 1678
// and 2262.
func (d Decayer) At(now time.Time) float64 {
	return math.Exp2(-float64(now.UnixNano()-d.from) / d.halfLife)
}

// Majority is the share of all weight held by the top category.
func (c Crowd) Majority() float64 {
	if c.Total <= 0 {
		return 0
	}
	return min(c.Weight/c.Total, 1)
}

// toBF16 rounds f to the nearest bfloat16 (float32's top 16 bits).
func toBF16(f float64) uint16 {
	b := math.Float32bits(float32(f))
	b += 0x7fff + (b >> 16 & 1) // round half to even
	return uint16(b >> 16)
}

func fromBF16(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }
