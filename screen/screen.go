// Package screen decides what happens to one call: allow, label or block,
// with a category, a score and the reasons, from every signal ringfence has
// about the caller and the callee. It is pure and deterministic: the same
// call and signals always give the same verdict, built without allocating
// into a Verdict the caller reuses.
//
// Precedence, strongest first: personal allow and expected-call passes;
// personal blocks (lists, contacts-only, quiet hours); a failed caller-ID
// attestation; a call-bombing attack on the callee; a verified business;
// crowd reputation and behaviour signals (with the subscriber's blocked
// categories); range risk. A personal rule that asks for a label sets a
// floor: the call is labelled at least, and blocked when the signals below
// call for a block.
package screen

import (
	"math"
	"strings"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/reputation"
)

// Verdict is the decision for one call. Its JSON is the verdict contract.
type Verdict struct {
	Number     string             `json:"number"`
	E164       string             `json:"e164"`
	Action     ringfence.Action   `json:"action"`
	Category   ringfence.Category `json:"category"`
	Score      float64            `json:"score"`
	Reasons    []Reason           `json:"reasons"`
	NumberInfo number.Info        `json:"number_info"`
}

// ReasonStrings renders the reasons for people.
func (v *Verdict) ReasonStrings() []string {
	out := make([]string, len(v.Reasons))
	for i, r := range v.Reasons {
		out[i] = r.String()
	}
	return out
}

// Behaviour is a behaviour-detection signal about a number.
type Behaviour struct {
	Kind    ringfence.FlagKind
	Score   float64 // 0..1
	Reasons []string
	At      time.Time
}

// Category is the report category matching a detector kind.
func (b *Behaviour) Category() ringfence.Category {
	switch b.Kind {
	case ringfence.KindRobocall:
		return "robocall"
	case ringfence.KindDebtCollection:
		return "debt_collection"
	case ringfence.KindCallBombingTarget:
		return "call_bombing"
	}
	return "sales"
}

// Call is the call being screened.
type Call struct {
	Caller number.Info // the caller, parsed
	Input  string      // the caller as given
	At     time.Time
	// Attestation is the STIR/SHAKEN verification status when the network
	// supplied one: "" (none), "pass", or "fail".
	Attestation string
}

// Signals are what ringfence knows about the caller and callee.
type Signals struct {
	Rules       *Rules              // the callee's personal rules, nil when none
	Business    *ringfence.Business // the caller's verified-business entry, nil when none
	Crowd       reputation.Crowd    // the caller's crowd reputation, decayed to the call time
	Behaviour   *Behaviour          // a behaviour flag on the caller, nil when none
	UnderAttack *Behaviour          // a call-bombing flag on the callee, nil when none
	Lifted      *Lifted             // the accepted appeal that lifted the caller's label, nil when none
}

// Lifted says that an accepted appeal set aside the crowd reports on a
// number received until At.
type Lifted struct {
	Appeal int64
	At     time.Time
	Day    string // At's date, YYYY-MM-DD, rendered once
}

// Policy holds the thresholds of decisions.
type Policy struct {
	Crowd reputation.Config
}

// NewPolicy returns a policy with the given crowd configuration.
func NewPolicy(c reputation.Config) *Policy { return &Policy{Crowd: c} }

// Decide fills v with the verdict for call given sig, which it reads and
// does not keep. v's Reasons slice is reused, so a caller that keeps v
// allocates nothing. Scores are rounded to three decimals.
func (p *Policy) Decide(v *Verdict, call *Call, sig *Signals) {
	p.decide(v, call, sig)
	v.Score = math.Round(v.Score*1000) / 1000
}

func (p *Policy) decide(v *Verdict, call *Call, sig *Signals) {
	v.Number = call.Input
	v.E164 = call.Caller.E164
	v.NumberInfo = call.Caller
	v.Action, v.Category, v.Score = ringfence.Allow, "", 0
	v.Reasons = v.Reasons[:0]
	// floor is the least a personal rule asks for: a personal label never
	// weakens a block that other signals call for.
	floor := p.personal(v, call, sig.Rules)
	switch floor {
	case ringfence.Allow:
		if len(v.Reasons) > 0 { // an allow-list entry or a pass
			return
		}
	case ringfence.Block:
		return
	}
	p.network(v, call, sig)
	if floor.Severity() > v.Action.Severity() {
		v.Action, v.Score = floor, max(v.Score, 0.5)
	}
}

// personal applies the callee's own rules. It returns Allow with a reason
// added for an allow-list entry or a pass (the call rings, nothing else
// counts), Block with its reason for a personal block, Label with its
// reasons when a rule asks for at least a label, and Allow with no reason
// when no rule applies.
func (p *Policy) personal(v *Verdict, call *Call, rules *Rules) ringfence.Action {
	if rules == nil {
		return ringfence.Allow
	}
	allow, block := match(rules, call.Caller.E164, call.At)
	if e := allow; e != nil {
		code := ReasonAllowList
		if e.Kind == EntryPass {
			code = ReasonPass
		}
		v.add(Reason{Code: code, Text: e.Pattern})
		return ringfence.Allow
	}
	floor := ringfence.Allow
	if e := block; e != nil {
		if e.Kind == EntryBlock {
			floor = raise(v, floor, ringfence.Block, Reason{Code: ReasonBlockList, Text: e.Pattern})
		} else {
			floor = raise(v, floor, ringfence.Label, Reason{Code: ReasonLabelList, Text: e.Pattern})
		}
	}
	if a := rules.ContactsOnly; a == ringfence.Block || a == ringfence.Label {
		floor = raise(v, floor, a, Reason{Code: ReasonContactsOnly})
	}
	if q := rules.Quiet; q != nil && quietContains(q, call.At) {
		floor = raise(v, floor, q.Action, Reason{Code: ReasonQuietHours, Text: q.From, Text2: q.To})
	}
	if floor == ringfence.Block {
		v.Action, v.Score = ringfence.Block, 1
	}
	return floor
}

// raise adds r to v and returns the stronger of floor and a.
func raise(v *Verdict, floor, a ringfence.Action, r Reason) ringfence.Action {
	v.add(r)
	if a.Severity() > floor.Severity() {
		return a
	}
	return floor
}

// network applies what ringfence knows beyond the callee's rules.
func (p *Policy) network(v *Verdict, call *Call, sig *Signals) {
	if call.Attestation == "fail" {
		v.set(ringfence.Block, 0.9, Reason{Code: ReasonAttestationFailed, Text: "TN-Validation-Failed"})
		return
	}
	if a := sig.UnderAttack; a != nil {
		why := "callers outside your allow list are held back"
		if len(a.Reasons) > 0 {
			why = a.Reasons[0]
		}
		v.Category = "call_bombing"
		if sig.Business != nil {
			v.set(ringfence.Label, 0.6, Reason{Code: ReasonCalleeUnderAttack, Text: why})
			v.add(Reason{Code: ReasonVerifiedBusiness, Text: sig.Business.Name})
		} else {
			v.set(ringfence.Block, 0.9, Reason{Code: ReasonCalleeUnderAttack, Text: why})
		}
		return
	}
	if b := sig.Business; b != nil {
		v.add(Reason{Code: ReasonVerifiedBusiness, Text: b.Name})
		if c := sig.Crowd.Category; c != "" && benign(c) {
			v.Category = c
		}
		return
	}
	p.reputation(v, call, sig)
}

// reputation applies crowd, behaviour, the subscriber's categories and range risk.
func (p *Policy) reputation(v *Verdict, call *Call, sig *Signals) {
	cfg := &p.Crowd
	threshold := cfg.LabelWeight
	if sig.Rules != nil && sig.Rules.MinReportWeight > 0 {
		threshold = sig.Rules.MinReportWeight
	}
	c := &sig.Crowd
	crowd := func(code ReasonCode) Reason {
		return Reason{Code: code, Category: c.Category, N: c.Reporters, Second: c.Second, N2: c.SecondReporters, N3: c.Corroborated, Weight: c.Weight, Threshold: threshold}
	}
	info := &call.Caller
	risky := info.VirtualOperator
	benignCrowd := benign(c.Category)

	switch {
	case c.Category == "":
		switch {
		case sig.Lifted != nil:
			v.add(Reason{Code: ReasonLifted, N: int(sig.Lifted.Appeal), Text: sig.Lifted.Day})
		case sig.Behaviour == nil:
			v.add(Reason{Code: ReasonNoReports})
		}
	case benignCrowd:
		v.Category = c.Category
		v.add(crowd(ReasonCrowdBenign))
	case c.Weight >= cfg.BlockWeight*slack && c.Reporters >= cfg.BlockReporters &&
		c.Weight >= cfg.BlockAverage*float64(c.Reporters)*slack && c.Majority() >= cfg.BlockMajority:
		v.set(ringfence.Block, score(c, threshold), crowd(ReasonCrowd))
		v.Category = c.Category
	case c.Weight >= threshold*slack || (risky && c.Weight >= threshold/2*slack):
		v.set(ringfence.Label, score(c, threshold), crowd(ReasonCrowd))
		v.Category = c.Category
	default:
		v.Score = score(c, threshold)
		v.add(crowd(ReasonCrowdWeak))
		if sig.Lifted != nil {
			v.add(Reason{Code: ReasonLifted, N: int(sig.Lifted.Appeal), Text: sig.Lifted.Day})
		}
	}

	if b := sig.Behaviour; b != nil {
		for _, r := range b.Reasons {
			v.add(Reason{Code: ReasonBehaviour, Text: r})
		}
		if len(b.Reasons) == 0 {
			v.add(Reason{Code: ReasonBehaviour, Text2: string(b.Kind)}) // "detected <kind>"
		}
		cat := b.Category()
		switch {
		case v.Action == ringfence.Label && !benignCrowd && b.Score >= 0.5:
			// Two independent signals agree that the caller harasses.
			v.Action, v.Score = ringfence.Block, max(v.Score, b.Score, 0.85)
			v.add(Reason{Code: ReasonCorroborated, Category: v.Category})
		case v.Action == ringfence.Allow && !benignCrowd:
			v.Action, v.Category, v.Score = ringfence.Label, cat, max(v.Score, b.Score)
		}
	}

	if rules := sig.Rules; rules != nil && v.Category != "" && v.Action != ringfence.Allow {
		if a, ok := rules.BlockedCategories[v.Category]; ok && a.Severity() > v.Action.Severity() {
			v.set(a, v.Score, Reason{Code: ReasonBlockedCategory, Category: v.Category, Action: a})
		}
	}

	switch {
	case risky:
		v.add(Reason{Code: ReasonVirtualRange, Text: rangeOf(info.E164)})
		v.Score = max(v.Score, 0.1)
	case info.Type == number.Service:
		v.add(Reason{Code: ReasonServiceRange, Text: "95/96 call-centre number"})
	case info.Type == number.TollFree:
		v.add(Reason{Code: ReasonServiceRange, Text: "400/800 business number"})
	}
}

// benignKeys holds the benign categories' keys by key length, so that
// benign answers Category.Benign with a comparison or two instead of a map
// lookup.
var benignKeys [32][]ringfence.Category

func init() {
	for _, c := range ringfence.Categories() {
		if c.Benign && len(c.Key) < len(benignKeys) {
			benignKeys[len(c.Key)] = append(benignKeys[len(c.Key)], c.Key)
		}
	}
}

// benign is c.Benign().
func benign(c ringfence.Category) bool {
	if len(c) >= len(benignKeys) {
		return c.Benign()
	}
	for _, k := range benignKeys[len(c)] {
		if k == c {
			return true
		}
	}
	return false
}

// slack absorbs the rounding of weights in the index (bfloat16 keeps three
// significant digits): a weight that is the threshold is at the threshold.
const slack = 0.995

// score maps crowd weight to 0..1: half at the label weight, rising towards
// 1 with more weight, scaled by the share of the top category.
func score(c *reputation.Crowd, threshold float64) float64 {
	if c.Weight <= 0 {
		return 0
	}
	return c.Weight / (c.Weight + threshold) * c.Majority()
}

func rangeOf(e164 string) string {
	if n, ok := strings.CutPrefix(e164, "+86"); ok && len(n) >= 3 {
		return n[:3]
	}
	return e164
}

func (v *Verdict) add(r Reason) { v.Reasons = append(v.Reasons, r) }

// set takes action a; a label scores at least 0.5 and a block at least 0.8,
// so the score always reads in line with the action.
func (v *Verdict) set(a ringfence.Action, score float64, r Reason) {
	switch a {
	case ringfence.Label:
		score = max(score, 0.5)
	case ringfence.Block:
		score = max(score, 0.8)
	}
	v.Action, v.Score = a, min(score, 1)
	v.add(r)
}
