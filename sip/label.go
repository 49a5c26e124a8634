package sip

import "ringfence"

// Short category labels for caller displays, which are narrow: the
// taxonomy's full labels (ringfence.Category.Label) run to six characters.
var shortLabels = map[ringfence.Category]string{
	"sales":            "推销",
	"loan":             "贷款",
	"insurance":        "保险",
	"real_estate":      "房产",
	"decoration":       "装修",
	"education":        "培训",
	"debt_collection":  "催收",
	"fraud":            "诈骗",
	"call_bombing":     "轰炸",
	"robocall":         "群呼",
	"delivery":         "快递",
	"ride_hailing":     "约车",
	"customer_service": "客服",
}

// Display prefixes without a category.
const (
	prefixSuspect = "[可疑] " // labelled by a rule or a range, not a category
	prefixLeak    = "[泄露] " // a stranger calling an alias number: the alias leaked
)

// displayPrefix is put before the caller's display name on a labelled call:
// "[骚扰·贷款] " for a harassment category, "[快递] " for a benign one.
func displayPrefix(c ringfence.Category, leak bool) string {
	if c == "" {
		if leak {
			return prefixLeak
		}
		return prefixSuspect
	}
	short, ok := shortLabels[c]
	if !ok {
		short = c.Label()
	}
	if c.Benign() {
		return "[" + short + "] "
	}
	return "[骚扰·" + short + "] "
}

// prefixes holds displayPrefix for every category, so answers build none.
var prefixes = func() map[ringfence.Category]string {
	m := make(map[ringfence.Category]string, len(ringfence.Categories()))
	for _, c := range ringfence.Categories() {
		m[c.Key] = displayPrefix(c.Key, false)
	}
	return m
}()

func prefixFor(c ringfence.Category, leak bool) string {
	if p, ok := prefixes[c]; ok {
		return p
	}
	return displayPrefix(c, leak)
}
