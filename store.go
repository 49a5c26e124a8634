package ringfence

import (
	"context"
	"time"

	"ringfence/alias"
)

// Store is ringfence's system of record. It is split into narrow parts so
// another database can implement them one by one, and so a service needs
// only the parts it uses; package storetest holds the one conformance suite
// every implementation must pass. A write returns only after it is
// durable, and an audited write takes its audit entry and commits both in
// one transaction: both or neither.
type Store interface {
	ReportStore
	RuleStore
	RegistryStore
	AppealStore
	KeyStore
	AuditStore
	FlagStore
	CallStore
	AliasStore
	// Events is the log every write above appends its event to, in the
	// write's own transaction; the write reports the event's position with
	// RecordAppended.
	Events() EventLog
	Close() error
}

// Judge weighs a report inside the store's transaction, given the
// reporter's track record and the number's tallies before the report (the
// store has set r.Complaints). It
// returns the weight to apply and whether the report agrees (+1) or
// disagrees (−1) with the crowd so far, or 0 when the crowd has no view.
type Judge func(r Report, track Track, before []Tally) (weight float64, agreement int)

// NumberTallies is a number's tallies after a write.
type NumberTallies struct {
	Number  string
	Tallies []Tally
}

// ReportStore keeps crowd reports, one per (number, reporter), and the
// per-category tallies derived from them.
type ReportStore interface {
	// AddReports stores reports in order, each replacing the same
	// reporter's earlier report on the number, and returns the new tallies
	// of every number touched. Weights are in the reference frame of
	// reputation.Config.Boost, the report's weight (set by judge) times
	// boost(report).
	AddReports(ctx context.Context, rs []Report, boost func(Report) float64, judge Judge) ([]NumberTallies, error)
	// Tallies calls fn for every number that has reports.
	Tallies(ctx context.Context, fn func(number string, ts []Tally) error) error
	// TallyOf returns one number's tallies.
	TallyOf(ctx context.Context, number string) ([]Tally, error)
	// ClearReports sets aside every report on number received before t (an
	// accepted appeal) and returns the remaining tallies.
	ClearReports(ctx context.Context, number string, before time.Time) ([]Tally, error)
	// ReportEvents calls fn for every report received in [from, to).
	ReportEvents(ctx context.Context, from, to time.Time, fn func(ReportEvent) error) error
	// CountReports is the number of stored (current) reports.
	CountReports(ctx context.Context) (int64, error)
}

// ReportEvent is one report as received, for statistics.
type ReportEvent struct {
	Number     string
	Category   Category
	Source     string
	ReceivedAt time.Time
}

// RuleStore keeps each subscriber's personal rules as one document.
type RuleStore interface {
	// Rules returns the subscriber's rules, or ENOTFOUND.
	Rules(ctx context.Context, subscriber string) (*Rules, error)
	// PutRules replaces the subscriber's document and commits the audit
	// entry that records the change in the same transaction. r.Version is
	// the version the change was based on (0: no document stored yet): if
	// the stored document has another, PutRules fails with ECONFLICT and
	// writes nothing; else it stores r as version r.Version+1 and sets
	// r.Version to it.
	PutRules(ctx context.Context, r *Rules, audit AuditEntry) error
	AllRules(ctx context.Context, fn func(*Rules) error) error
}

// RegistryStore keeps verified businesses. Each write commits the audit
// entry that records it in the same transaction: both or neither.
type RegistryStore interface {
	// AddBusiness stores b, setting its ID; ECONFLICT if the pattern exists.
	AddBusiness(ctx context.Context, b *Business, audit AuditEntry) error
	// RemoveBusiness deletes entry id; ENOTFOUND when there is none.
	RemoveBusiness(ctx context.Context, id int64, audit AuditEntry) error
	Businesses(ctx context.Context) ([]Business, error)
}

// AppealStore keeps businesses' appeals against labels. Each write commits
// the audit entry that records it, made by audit from the appeal as
// stored, in the same transaction: both or neither.
type AppealStore interface {
	FileAppeal(ctx context.Context, a *Appeal, audit func(Appeal) AuditEntry) error // sets ID
	Appeal(ctx context.Context, id int64) (Appeal, error)
	Appeals(ctx context.Context, status AppealStatus) ([]Appeal, error) // "" for all
	// DecideAppeal moves a pending appeal to accepted or rejected; ECONFLICT
	// when it is not pending. Accepting also sets aside every report on the
	// appeal's number received until at (as ClearReports does) and returns
	// the number's remaining tallies.
	DecideAppeal(ctx context.Context, id int64, status AppealStatus, by, decision string, at time.Time, audit func(Appeal) AuditEntry) (Appeal, []Tally, error)
}

// KeyStore keeps API keys by the hash of their secret. Each write commits
// its audit entry in the same transaction.
type KeyStore interface {
	CreateKey(ctx context.Context, k Key, secretHash []byte, audit AuditEntry) error
	KeyByHash(ctx context.Context, secretHash []byte) (Key, error)                  // ENOTFOUND, also for revoked keys
	RevokeKey(ctx context.Context, id string, at time.Time, audit AuditEntry) error // ENOTFOUND
	Keys(ctx context.Context) ([]Key, error)
}

// AuditStore is the append-only trail of sensitive actions.
type AuditStore interface {
	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) // newest first
}

// FlagStore keeps behaviour-detection flags so they survive a restart.
type FlagStore interface {
	SaveFlags(ctx context.Context, fs []Flag) error // replaces a number's flag of the same kind
	Flags(ctx context.Context, fn func(Flag) error) error
	// FlagsBetween calls fn for each flag raised in [from, to) (a number
	// flagged again counts at its latest flag), in the order raised.
	FlagsBetween(ctx context.Context, from, to time.Time, fn func(Flag) error) error
}

// CallEvent is one screened call.
type CallEvent struct {
	At       time.Time `json:"at"`
	Caller   string    `json:"caller"`
	Callee   string    `json:"callee"`
	Action   Action    `json:"action"`
	Category Category  `json:"category"`
	Score    float64   `json:"score"`
	Reasons  []string  `json:"reasons"`
	Source   string    `json:"source"`
}

// CallStore keeps screened calls for a bounded time.
type CallStore interface {
	AddCalls(ctx context.Context, cs []CallEvent) error
	// Calls calls fn for the calls in [from, to), oldest first.
	Calls(ctx context.Context, from, to time.Time, fn func(CallEvent) error) error
	// PruneCalls deletes calls before t and returns how many went.
	PruneCalls(ctx context.Context, before time.Time) (int64, error)
}

// AliasEvent is one call to an alias or pool number.
type AliasEvent struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	Alias       string    `json:"alias"`
	Caller      string    `json:"caller"`
	Outcome     string    `json:"outcome"` // alias.Merchant, alias.Stranger, alias.Null, alias.Quarantine
	Merchant    string    `json:"merchant,omitempty"`
	Subscriber  string    `json:"-"`
	Duration    float64   `json:"duration_s"`
	Answered    bool      `json:"answered"`
	LedgerIndex int64     `json:"ledger_index"` // the leak event's ledger entry; -1 if none
	// Sequential is set on a stranger's call when the caller had been
	// flagged for dialling numbers in sequence: recorded, but no evidence
	// of a leak on its own.
	Sequential bool `json:"sequential_dialler,omitempty"`
	// The null-alias baseline when the call was recorded: calls to numbers
	// never disclosed, over their number-days in the pool.
	NullCalls      int     `json:"-"`
	NullNumberDays float64 `json:"-"`
}

// AliasStore keeps the alias pool, bindings and calls to them.
type AliasStore interface {
	// AddPool adds numbers to the pool; numbers it already holds (in any
	// state) are skipped, so nothing is ever reissued. It returns how many
	// were added, and how many of those are null aliases.
	// The audit entry commits in the same transaction.
	AddPool(ctx context.Context, ps []alias.PoolNumber, audit AuditEntry) (added, nulls int, err error)
	Pool(ctx context.Context, fn func(alias.PoolNumber) error) error
	// BindAlias issues a random issuable number to b (setting b.Alias), or
	// fails with ENOTFOUND when none is left.
	BindAlias(ctx context.Context, b *alias.Binding, now time.Time) error
	SetBindingLedger(ctx context.Context, aliasNumber string, index int64) error
	// BindAliases binds the numbers b.Alias (each free in the pool) and
	// writes the audit entries, in one transaction.
	BindAliases(ctx context.Context, bs []*alias.Binding, audit []AuditEntry) error
	// UnbindAliases undoes BindAliases for bindings not yet in the ledger
	// (ledger index -1): the numbers go back to the pool.
	UnbindAliases(ctx context.Context, numbers []string, audit []AuditEntry) error
	// SetBindingsLedger sets the ledger index of bindings, by alias.
	SetBindingsLedger(ctx context.Context, index map[string]int64) error
	// SetBlockStrangers commits its audit entry in the same transaction.
	SetBlockStrangers(ctx context.Context, aliasNumber string, block bool, audit AuditEntry) error
	Bindings(ctx context.Context, fn func(alias.Binding) error) error
	// AddAliasEvent records a call (setting ev.ID); a call to an unissued
	// pool number also counts against it.
	AddAliasEvent(ctx context.Context, ev *AliasEvent) error
	SetAliasEventLedger(ctx context.Context, id, index int64) error
	AliasEvents(ctx context.Context, aliasNumber string) ([]AliasEvent, error)
	// UnrecordedLeaks lists strangers' calls not yet in the ledger.
	UnrecordedLeaks(ctx context.Context) ([]AliasEvent, error)
	// LeakByLedger returns the stranger's call recorded at a ledger entry:
	// the latest, when a ledger closed by a key rotation recorded another
	// at the same index.
	LeakByLedger(ctx context.Context, index int64) (AliasEvent, error)
}

// Tally is the reports on one number in one category.
type Tally struct {
	Category  Category
	Reporters int     // distinct reporters whose latest report is this category
	Weight    float64 // sum of weights in the reference frame (see reputation.Config.Boost)
	// Corroborated is how many of those reporters' reports call records
	// confirmed (see Corroboration).
	Corroborated int `json:",omitempty"`
}

// Track is a reporter's record: how many of their reports agreed or
// disagreed with the crowd's verdict on that number when they made them.
type Track struct {
	Reports   int
	Agreed    int
	Disagreed int
}
