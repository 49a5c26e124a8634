package ringfence

import (
	"context"
	"time"

	"ringfence/alias"
)

// EventRetention is how long a node's event log keeps events (see
// EventLog.Trim).
const EventRetention = 7 * 24 * time.Hour

// EventType names what an event changed.
type EventType string

// The changes of state that every node must see. Each event carries the
// state after the change (a number's tallies, a subscriber's whole rules),
// never a delta, so applying an event twice, or applying it to a snapshot
// that already reflects it, changes nothing.
const (
	EventReport       EventType = "report"        // Tallies: a number's tallies after reports or a clearance
	EventRules        EventType = "rules"         // Rules: a subscriber's rules document
	EventRegistry     EventType = "registry"      // Business added, or Removed (an entry's ID)
	EventAppeal       EventType = "appeal"        // Appeal decided; Tallies after an accepted one
	EventKeyRevoked   EventType = "key_revoked"   // KeyID
	EventFlag         EventType = "flag"          // Flag raised by behaviour detection
	EventAliasBinding EventType = "alias_binding" // Binding as it now stands; Unbound when it went back to the pool
	EventLeak         EventType = "leak"          // Leak: a stranger's call on an alias
	EventPool         EventType = "alias_pool"    // Pool: unbound pool numbers as they now stand, added or called
)

// Event is one change of state, as appended to the EventLog in the same
// transaction as the change itself. Exactly the fields its Type names are
// set.
type Event struct {
	Position int64     `json:"-"` // set by the log: 1, 2, 3… in commit order
	Type     EventType `json:"type"`
	At       time.Time `json:"at"`

	Tallies  *NumberTallies     `json:"tallies,omitempty"`
	Rules    *Rules             `json:"rules,omitempty"`
	Business *Business          `json:"business,omitempty"`
	Removed  int64              `json:"removed,omitempty"`
	Appeal   *Appeal            `json:"appeal,omitempty"`
	KeyID    string             `json:"key_id,omitempty"`
	Flag     *Flag              `json:"flag,omitempty"`
	Binding  *alias.Binding     `json:"binding,omitempty"`
	Unbound  bool               `json:"unbound,omitempty"`
	Leak     *AliasEvent        `json:"leak,omitempty"`
	Pool     []alias.PoolNumber `json:"pool,omitempty"`
}

// EventLog is the ordered log of changes that every node applies to its
// in-memory indexes. A single process keeps it in its store, written in the
// same transaction as the change it records (so the change and its event
// commit together or not at all); a cluster keeps it in a replicated log.
// Both are read the same way, and the engine applies both through one path
// (engine.Engine.Apply).
type EventLog interface {
	// Append appends events in order and returns the position of the last
	// one, once they are durable.
	Append(ctx context.Context, evs ...Event) (int64, error)
	// Read calls fn for every event after position after, in order, with
	// Position set; it stops at the first error fn returns.
	Read(ctx context.Context, after int64, fn func(Event) error) error
	// Head is the position of the latest event; 0 when there is none.
	Head(ctx context.Context) (int64, error)
	// Trim deletes the events dated before t, except the latest, and
	// returns how many went: events hold personal data (a subscriber's
	// rules, a leak's caller) and are kept only as long as a lagging node
	// may need them. Positions never go back. Reading after a position
	// whose successors were trimmed fails with ECONFLICT: that reader must
	// reload a snapshot.
	Trim(ctx context.Context, before time.Time) (int64, error)
	// Subscribe is Read that does not end: after the events already in
	// the log it waits for more and calls fn for each, in order, until
	// ctx is done (returning ctx's error) or fn fails.
	Subscribe(ctx context.Context, after int64, fn func(Event) error) error
}
