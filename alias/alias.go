// Package alias decides what happens to a call to an alias number: an
// exclusive number a subscriber gives one merchant instead of their own.
// The merchant's own numbers reach the subscriber; any other caller is a
// leak by that merchant. Numbers held back from issue (null aliases) and
// numbers still in quarantine ring nowhere: calls to them measure the noise
// of random and sequential dialling against which leaks are judged.
package alias

import (
	"strings"
	"time"
)

// Pool states.
const (
	StatePool    = "pool"    // waiting or available for issue
	StateBound   = "bound"   // issued to a (subscriber, merchant); never reissued
	StateRetired = "retired" // called too often in quarantine: someone still dials it
)

// MaxQuarantineCalls is how many calls a number may receive in quarantine
// and still be issued; more mean it still belongs to someone's list.
const MaxQuarantineCalls = 2

// PoolNumber is a number the operator controls.
type PoolNumber struct {
	Number      string    `json:"number"` // E.164
	AddedAt     time.Time `json:"added_at"`
	AvailableAt time.Time `json:"available_at"` // end of quarantine
	Null        bool      `json:"null"`         // reserved: never disclosed
	State       string    `json:"state"`
	Calls       int       `json:"calls"` // calls received while unissued
}

// Issuable reports whether p may be bound now.
func (p PoolNumber) Issuable(now time.Time) bool {
	return p.State == StatePool && !p.Null && !now.Before(p.AvailableAt) && p.Calls <= MaxQuarantineCalls
}

// Purposes of a binding.
const (
	PurposeAlias  = "alias"  // a subscriber's number for one merchant
	PurposeCanary = "canary" // a number planted in one export; it reaches nobody
)

// Binding is an alias issued to one subscriber for one merchant, or a
// canary number planted in one export given to one recipient (then
// Merchant is that recipient and Subscriber is empty).
type Binding struct {
	Alias           string    `json:"alias"` // E.164
	Purpose         string    `json:"purpose"`
	ExportID        string    `json:"export_id,omitempty"` // the export the alias or canary was made for
	Org             string    `json:"org,omitempty"`       // the organisation whose export it was made for
	Subscriber      string    `json:"subscriber"`          // E.164 of the real number; "" for canaries
	Merchant        string    `json:"merchant"`
	MerchantNumbers []string  `json:"merchant_numbers"` // E.164 numbers or prefixes ending in "*"
	BlockStrangers  bool      `json:"block_strangers"`
	CreatedAt       time.Time `json:"created_at"`
	LedgerIndex     int64     `json:"ledger_index"` // the binding's entry in the disclosure ledger; -1 if none
}

// Outcomes of a call to a pool number.
const (
	Merchant   = "merchant"   // the merchant calls: forward to the subscriber
	Stranger   = "stranger"   // anyone else on a bound alias: a leak
	Null       = "null"       // a reserved number: background noise
	Quarantine = "quarantine" // not yet issued: recorded
)

// Decision is what to do with one call to an alias or pool number.
type Decision struct {
	Outcome string
	Target  string // where to send the call; "" to refuse it
	Leak    bool
	Reason  string
}

// Covers reports whether caller is one of the merchant's numbers.
func (b *Binding) Covers(caller string) bool {
	for _, m := range b.MerchantNumbers {
		if p, ok := strings.CutSuffix(m, "*"); ok {
			if strings.HasPrefix(caller, p) {
				return true
			}
		} else if m == caller {
			return true
		}
	}
	return false
}

// Route decides a call from caller to the alias of b.
func Route(b *Binding, caller string) Decision {
	if b.Covers(caller) {
		return Decision{Outcome: Merchant, Target: b.Subscriber, Reason: "alias for " + b.Merchant + ": the merchant calls"}
	}
	d := Decision{Outcome: Stranger, Leak: true, Reason: "alias given only to " + b.Merchant + " called by another number: leaked"}
	if b.Purpose == PurposeCanary {
		d.Reason = "canary planted only in export " + b.ExportID + " for " + b.Merchant + " was called: leaked"
	}
	if !b.BlockStrangers {
		d.Target = b.Subscriber
	}
	return d
}

// RouteUnbound decides a call to a pool number that is not bound.
func RouteUnbound(p PoolNumber) Decision {
	if p.Null {
		return Decision{Outcome: Null, Reason: "reserved number: never disclosed"}
	}
	return Decision{Outcome: Quarantine, Reason: "unissued number"}
}
