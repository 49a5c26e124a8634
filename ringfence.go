// Package ringfence holds the domain types shared by every part of ringfence:
// categories, verdicts, reports, call records, detector flags and errors.
//
// ringfence stops harassment calls and finds out who leaked the number. The
// core packages (number, reputation, screen, detect, trace, ledger, deid) take
// and return these values and do no I/O; adapters (sqlite, http, sip, cdr)
// move them in and out of the world; cmd/ringfence wires the two together.
//
// The contracts between them live here too: the store interfaces (Store and
// its parts, store.go) that sqlite implements and package storetest checks,
// and the event log (EventLog, event.go) through which every change of
// state reaches every node's memory.
package ringfence

import "time"

// Action is what a verdict tells the network to do with a call.
type Action string

// The three actions a verdict may take, from least to most severe.
const (
	Allow Action = "allow"
	Label Action = "label"
	Block Action = "block"
)

// Severity orders actions: allow < label < block.
func (a Action) Severity() int {
	switch a {
	case Label:
		return 1
	case Block:
		return 2
	}
	return 0
}

// CDR is one call detail record, with numbers already in E.164.
type CDR struct {
	Caller   string
	Callee   string
	Start    time.Time
	Duration time.Duration // talk time; 0 when unanswered
	Answered bool
}

// Flag kinds raised by behaviour detection.
const (
	KindTelemarketing     = "telemarketing"
	KindRobocall          = "robocall"
	KindDebtCollection    = "debt_collection"
	KindCallBombingTarget = "call_bombing_target"
)

// Flag is one number flagged by behaviour detection over call records. Its
// JSON form is the detector output contract (one JSON line per flag).
type Flag struct {
	Number    string    `json:"number"` // E.164
	Kind      string    `json:"kind"`
	Score     float64   `json:"score"` // 0..1
	FlaggedAt time.Time `json:"flagged_at"`
	Reasons   []string  `json:"reasons"`
	Campaign  string    `json:"campaign,omitempty"`
}
