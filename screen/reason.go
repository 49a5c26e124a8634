package screen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"ringfence"
)

// ReasonCode says which signal a reason reports.
type ReasonCode uint8

// Reason codes, one per signal.
const (
	ReasonAllowList ReasonCode = iota + 1
	ReasonPass
	ReasonBlockList
	ReasonLabelList
	ReasonContactsOnly
	ReasonQuietHours
	ReasonAttestationFailed
	ReasonCalleeUnderAttack
	ReasonVerifiedBusiness
	ReasonCrowd
	ReasonCrowdBenign
	ReasonCrowdWeak
	ReasonBehaviour
	ReasonCorroborated
	ReasonBlockedCategory
	ReasonVirtualRange
	ReasonServiceRange
	ReasonNoReports
	ReasonLifted
)

// Reason is one line of a verdict's explanation. It is a value so a verdict
// can be built without allocating; String renders it for people.
type Reason struct {
	Code      ReasonCode
	Text      string // a rule pattern, a business name, a detector's own words
	Text2     string // the end of quiet hours (Text is their start); a detector's kind
	Category  ringfence.Category
	Second    ringfence.Category
	N, N2     int
	N3        int // crowd reasons: reports of Category that call records confirmed
	Weight    float64
	Threshold float64
	Action    ringfence.Action
}

// String renders the reason in English with the Chinese category label.
func (r Reason) String() string {
	switch r.Code {
	case ReasonAllowList:
		return "in your allow list (" + r.Text + ")"
	case ReasonPass:
		return "expected call (" + r.Text + ")"
	case ReasonBlockList:
		return "in your block list (" + r.Text + ")"
	case ReasonLabelList:
		return "in your label list (" + r.Text + ")"
	case ReasonContactsOnly:
		return "contacts only: caller is not in your allow list"
	case ReasonQuietHours:
		return "quiet hours " + r.Text + "–" + r.Text2 + ": caller is not in your allow list"
	case ReasonAttestationFailed:
		return "caller ID failed verification (STIR/SHAKEN: " + r.Text + ")"
	case ReasonCalleeUnderAttack:
		return "you are under a call-bombing attack: " + r.Text
	case ReasonVerifiedBusiness:
		return "verified business: " + r.Text
	case ReasonCrowd, ReasonCrowdBenign, ReasonCrowdWeak:
		s := "crowd reports: " + distribution(r)
		if r.Code == ReasonCrowdWeak {
			s += ", below the label weight " + trim(r.Threshold)
		}
		return s
	case ReasonBehaviour:
		if r.Text == "" {
			return "detected " + r.Text2
		}
		return r.Text
	case ReasonCorroborated:
		return "crowd reports and call behaviour agree: " + catName(r.Category)
	case ReasonBlockedCategory:
		return "you " + verb(r.Action) + " the category " + catName(r.Category)
	case ReasonVirtualRange:
		return "virtual-operator range " + r.Text + " (a third of harassment complaints come from such ranges)"
	case ReasonServiceRange:
		return r.Text
	case ReasonNoReports:
		return "no crowd reports"
	case ReasonLifted:
		return "label lifted on appeal " + strconv.Itoa(r.N) + " (" + r.Text + "): reports before it set aside"
	}
	return "reason " + strconv.Itoa(int(r.Code))
}

func distribution(r Reason) string {
	s := fmt.Sprintf("%s %d", r.Category, r.N)
	if r.N3 > 0 {
		s += fmt.Sprintf(" (%d confirmed by call records)", r.N3)
	}
	if r.Second != "" {
		s += fmt.Sprintf(" · %s %d", r.Second, r.N2)
	}
	return s + " (" + r.Category.Label() + ", weight " + trim(r.Weight) + ")"
}

func catName(c ringfence.Category) string { return string(c) + " (" + c.Label() + ")" }

func verb(a ringfence.Action) string {
	if a == ringfence.Block {
		return "block"
	}
	return "label"
}

func trim(f float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
}

// MarshalJSON renders the reason as a JSON string.
func (r Reason) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }
