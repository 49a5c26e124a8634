package detect

import (
	"fmt"
	"math"
	"strings"
)

// features are a caller's rates, shrunk towards neutral priors so that a
// few calls cannot look extreme.
type features struct {
	n, hour, ep, distinct float64 // distinct: people called today
	unreturned            float64 // missed episodes nobody returned
	answer, reach         float64 // answered share of calls; of episodes
	callback, returned    float64 // call-backs per missed episode; per missed call
	known                 float64 // episodes returning a call received
	inbound               float64 // calls received per call made
	retry, recall         float64 // calls again within an episode: after a miss; after getting through
	revisit, persist      float64 // episodes at callees contacted within hours; three times or more
	seq, hangup, talk     float64
	gapCV, durCV          float64
	cadence, regularGaps  bool // enough gaps to judge their regularity; machine-regular
	lattice               bool
	regularTalk           bool
}

func (s *caller) features() features {
	n, ep := float64(s.n), float64(s.ep)
	ans, epAns := float64(s.ans), float64(s.epAns)
	f := features{
		n:          n,
		hour:       float64(s.hour),
		ep:         ep,
		distinct:   ep - float64(s.revisit),
		unreturned: math.Max(ep-epAns-float64(s.cb), 0),
		answer:     (ans + 6) / (n + 10),
		reach:      (epAns + 6) / (ep + 10),
		callback:   (float64(s.cb) + 0.25) / (ep - epAns + 5),
		returned:   (float64(s.cb) + 0.25) / (n - ans + 5),
		known:      float64(s.known) / (ep + 5),
		inbound:    float64(s.in) / (n + 10),
		retry:      math.Max(n-ep-float64(s.recall), 0) / (n + 5),
		recall:     float64(s.recall) / (n + 5),
		revisit:    float64(s.revisit) / (ep + 5),
		persist:    float64(s.persist) / (ep + 5),
		seq:        float64(s.seq) / (n + 5),
		hangup:     (float64(s.short) + 1) / (ans + 3),
		talk:       (float64(s.talk) + 60*2) / (ans + 2),
		gapCV:      cv(s.gapMean, s.gapSq),
		durCV:      cv(s.durMean, s.durSq),
	}
	f.cadence = s.total >= 15
	f.regularGaps = f.cadence && f.gapCV < 0.2 && s.gapMean < 600
	f.lattice = s.latticeRun >= 15
	f.regularTalk = ans >= 10 && (f.durCV < 0.25 || s.modeShare >= 0.25)
	return f
}

// unwelcome is the evidence, common to every kind of harassment, that a
// caller's calls are not wanted: few get through, nobody calls back or
// calls in, none returns a call received.
func (f *features) unwelcome(rng uint8) float64 {
	l := clamp((0.55-f.reach)*8, -4, 2.5) // few contacts get through
	l += clamp(1-f.inbound*40, -4, 1)     // nobody calls this number
	l -= math.Min(f.known*20, 6)          // returning calls received
	if rng == rangeVirtual {
		l += 1 // a third of complaints concern virtual-operator ranges
	}
	return l
}

// campaign is the log-odds that the caller works through a list:
// telemarketing, or a robocall when the timing is a machine's.
func (f *features) campaign(rng uint8) float64 {
	l := -3 + f.unwelcome(rng)
	l += clamp(1.5-f.callback*25, -5, 1.5) // missed calls nobody calls back
	// Unwanted volume: missed contacts nobody returned today, or six
	// hours of them at the last hour's pace, relative to a busy person.
	l += clamp(math.Log2(math.Max(f.unreturned, 6*f.hour*(1-f.reach))/30), -4, 3.5)
	l += math.Min(f.seq*8, 3)             // dialling a list in number order
	l -= math.Min(f.retry*5, 1.5)         // trying a missed person again within minutes
	l += clamp((f.hangup-0.3)*2, -0.5, 1) // answered, then hung up on at once
	if f.cadence {
		l += clamp((0.9-f.gapCV)*2, -0.5, 1) // dialling one number after another, not as needs arise
	}
	l -= clamp((f.talk-75)/45, 0, 2.5) // conversations of minutes, not pitches cut short
	if f.regularGaps || f.lattice {
		l += 1.5
	}
	if f.regularTalk {
		l += 0.5
	}
	return l
}

// pursuit is the log-odds that the caller pursues the same few people
// many times a day against their will: debt collection. Answers are
// counted per call here: a debtor picking up once among many calls does
// not make them welcome.
func (f *features) pursuit(rng uint8) float64 {
	// The core: the same people again and again, three or more attempts
	// within hours; calling again right after getting through adds only
	// to that.
	p := math.Min(f.persist*10, 4) + math.Min(f.revisit*4, 3)
	l := -4 + p + math.Min(math.Min(f.recall*4, 1.5), p/4)
	l += clamp((0.55-f.answer)*8, -4, 2.5)       // few calls answered
	l += clamp(1-f.inbound*20, -3, 1)            // few call this number (a debtor may call back)
	l -= math.Min(f.known*20, 6)                 // returning calls received
	l += clamp(1.5-f.returned*25, -3, 1.5)       // missed calls seldom returned
	l += clamp(math.Log2(f.distinct/8), -3, 0.5) // at more than a handful of people
	l -= clamp((f.talk-120)/60, 0, 2)            // long conversations
	if rng == rangeVirtual {
		l++
	}
	return l
}

// logit is the log-odds that the caller is abusive, of its likelier kind.
func (f *features) logit(rng uint8) float64 {
	return math.Max(f.campaign(rng), f.pursuit(rng))
}

func (f *features) kind(rng uint8) uint8 {
	switch {
	case f.pursuit(rng) > f.campaign(rng):
		return kindDebt
	case f.regularGaps || f.lattice || (f.regularTalk && f.hour >= 100) || f.hour >= 400 || f.n >= 2500:
		return kindRobocall
	}
	return kindTelemarketing
}

// minPeople is the least number of people called in a day that a flag
// needs: pursuing one or two people is a private matter.
const minPeople = 4

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// score returns the caller's log-odds of being abusive, and its features;
// minus infinity when it called too few people to be judged.
func (s *caller) score() (float64, features) {
	f := s.features()
	if f.distinct < minPeople { // one person called again and again is not a campaign
		return math.Inf(-1), f
	}
	return f.logit(s.rng), f
}

// sequentialReason ends the reason given for dialling in sequence.
const sequentialReason = "of numbers dialled in sequence"

// SequentialReason reports whether a flag's reason says the caller dials
// numbers in sequence (blocks of consecutive numbers).
func SequentialReason(reason string) bool { return strings.HasSuffix(reason, sequentialReason) }

// reasons explains a flag in terms a person can check against the
// records.
func (s *caller) reasons(f *features) []string {
	var reasons []string
	n := math.Max(float64(s.n), 1)
	ep := math.Max(float64(s.ep), 1)
	reasons = append(reasons, fmt.Sprintf("%s calls in 24 h to %s people, %.0f%% reached, %.1f%% called back",
		thousands(int64(math.Round(float64(s.n)))), thousands(int64(math.Round(f.distinct))), float64(s.epAns)/ep*100, float64(s.cb)/ep*100))
	if s.ans >= 1 {
		reasons = append(reasons, fmt.Sprintf("answered calls last %.0f s on average, %.0f%% under 10 s",
			float64(s.talk)/float64(s.ans), float64(s.short)/float64(s.ans)*100))
	}
	if r := float64(s.known) / ep; r >= 0.01 {
		reasons = append(reasons, fmt.Sprintf("%.0f%% of contacts return a call received", r*100))
	}
	reasons = append(reasons, fmt.Sprintf("called %.0f times in 24 h", s.in))
	if f.seq >= 0.1 {
		reasons = append(reasons, fmt.Sprintf("%.0f%% "+sequentialReason, float64(s.seq)/n*100))
	}
	if f.revisit >= 0.1 {
		reasons = append(reasons, fmt.Sprintf("%.0f%% of contacts at people already called within hours", float64(s.revisit)/ep*100))
	}
	if f.persist >= 0.05 {
		reasons = append(reasons, fmt.Sprintf("%.0f%% of contacts at people called three or more times within hours", float64(s.persist)/ep*100))
	}
	if f.regularGaps {
		reasons = append(reasons, fmt.Sprintf("machine-regular dialling: a call every %.0f s (variation %.0f%%)", s.gapMean, f.gapCV*100))
	} else if f.lattice {
		reasons = append(reasons, fmt.Sprintf("machine-regular dialling: calls start on a %d s grid", s.lattice))
	}
	if f.regularTalk {
		reasons = append(reasons, fmt.Sprintf("uniform talk time: %.0f%% of answered calls last exactly %d s", s.modeShare*100, s.modeDur))
	}
	if f.hour >= 60 {
		reasons = append(reasons, fmt.Sprintf("%.0f calls in the last hour", f.hour))
	}
	if s.rng == rangeVirtual {
		reasons = append(reasons, "virtual-operator number range")
	}
	return reasons
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
