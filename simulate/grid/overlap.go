package grid

import (
	"fmt"

	"ringfence/simulate"
)

// box is the range a busy benign behaviour spans on the per-caller axes.
type box struct {
	kind                 string
	perDay, answer, talk [2]float64
	returned             [2]float64
	prior                [2]float64 // unprompted calls from the people it calls, per outbound call
	repeat               bool       // calls mostly people it called before (own clients, friends), not new ones
	note                 string
}

// benignRanges are the plausible ranges of the busy benign callers (the
// issue's figures for couriers and riders; agents and heavy users as the
// generator makes them, swept). Service centres are left out: most of
// the people they call had called them first, which no abusive cell
// shows, so a per-caller rule separates them.
var benignRanges = []box{
	{KindCourier, [2]float64{25, 200}, [2]float64{0.5, 0.95}, [2]float64{6, 60}, [2]float64{0.1, 0.4}, [2]float64{0.03, 0.15}, false, "couriers and riders"},
	{KindAgent, [2]float64{20, 150}, [2]float64{0.5, 0.9}, [2]float64{40, 300}, [2]float64{0.2, 0.6}, [2]float64{0.3, 1}, true, "agents with their own clients"},
	{KindHeavyUser, [2]float64{30, 150}, [2]float64{0.6, 0.95}, [2]float64{30, 300}, [2]float64{0.3, 0.8}, [2]float64{0.3, 1}, true, "heavy personal users"},
}

func in(v float64, r [2]float64) bool { return v >= r[0] && v <= r[1] }

// Overlap names the benign cell an abusive cell cannot be told from by
// any per-caller rule, and why: every per-caller axis of the cell (calls
// a day, answer rate, talk median, share of missed calls returned) lies
// within that benign behaviour's range. Only signals that are not per
// caller (callees shared between callers, callees' own behaviour, the
// number's range) can separate them. It is "" for a benign cell, a call
// bombing cell, and an abusive cell outside every benign range.
func Overlap(c Cell) string {
	if !c.Abusive() || c.Kind == simulate.SectorCallBombing {
		return ""
	}
	p := c.P
	for _, b := range benignRanges {
		// Debt collectors call the same debtors again and again, as
		// agents call their clients; the others dial new numbers, as
		// couriers do.
		repeat := c.Kind == simulate.SectorDebt
		if repeat == b.repeat && in(p.PerDay, b.perDay) && in(p.Answer, b.answer) && in(p.Talk, b.talk) && in(p.Returned, b.returned) && in(p.Prior, b.prior) {
			callees := "new callees every day"
			if b.repeat {
				callees = "the same people again and again"
			}
			return fmt.Sprintf("%s: every per-caller axis within %s' range (%g–%g/day, %.0f–%.0f%% answered, %g–%g s talk, %.0f–%.0f%% of misses returned, %.0f–%.0f unprompted calls in per 100 out, %s)",
				b.kind, b.note, b.perDay[0], b.perDay[1], b.answer[0]*100, b.answer[1]*100, b.talk[0], b.talk[1], b.returned[0]*100, b.returned[1]*100, b.prior[0]*100, b.prior[1]*100, callees)
		}
	}
	return ""
}
