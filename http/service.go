package http

import (
	"context"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/screen"
	"ringfence/trace"
)

// The API depends on these narrow interfaces, declared here where they are
// used, not on the engine: the engine implements them all (see Service),
// and a test may give the server a fake of only the part it exercises.

// Screener answers verdicts.
type Screener interface {
	// Check screens a call, filling v; it fails only on bad input.
	Check(v *screen.Verdict, c ringfence.CheckRequest) error
	// NotFuture refuses a client's time for field that lies in the future.
	NotFuture(field string, t time.Time) error
	IndexStats() ringfence.IndexStats
}

// Reporter takes crowd reports and call records.
type Reporter interface {
	Report(ctx context.Context, r ringfence.Report) (ringfence.Report, error)
	Observe(ctx context.Context, cdrs []ringfence.CallRecord) ([]ringfence.Flag, error)
}

// RuleBook keeps subscribers' personal rules; every change is audited as
// actor's.
type RuleBook interface {
	Rules(subscriber string) (*screen.Rules, error)
	ReplaceRules(ctx context.Context, actor, subscriber string, in *screen.Rules) (*screen.Rules, error)
	SetEntry(ctx context.Context, actor, subscriber string, en screen.Entry) (*screen.Rules, error)
	RemoveEntry(ctx context.Context, actor, subscriber, pattern string) (*screen.Rules, error)
}

// Registry keeps verified businesses and their appeals.
type Registry interface {
	AddBusiness(ctx context.Context, actor, pattern, name string) (ringfence.Business, error)
	RemoveBusiness(ctx context.Context, actor string, id int64) error
	Businesses(ctx context.Context) ([]ringfence.Business, error)
	FileAppeal(ctx context.Context, actor string, a ringfence.Appeal) (ringfence.Appeal, error)
	DecideAppeal(ctx context.Context, actor string, id int64, accept bool, decision string) (ringfence.Appeal, error)
	Appeals(ctx context.Context, status string) ([]ringfence.Appeal, error)
}

// Keys authenticates API keys and keeps the audit trail.
type Keys interface {
	Authenticate(ctx context.Context, secret string) (ringfence.Key, error)
	RevokeKey(ctx context.Context, actor, id string) error
	Audit(ctx context.Context, actor, action, target, detail string) error
	AuditLog(ctx context.Context, limit int) ([]ringfence.AuditEntry, error)
}

// Aliases issues alias numbers, routes calls to them and exports salted
// customer lists.
type Aliases interface {
	AddAliasPool(ctx context.Context, actor string, numbers []string, quarantine time.Duration, nullShare float64) (added, nulls int, err error)
	NewAlias(ctx context.Context, actor, subscriber, merchant string, merchantNumbers []string, blockStrangers bool) (alias.Binding, error)
	Alias(num string) (alias.Binding, error)
	Aliases(subscriber string) ([]alias.Binding, error)
	AliasEvents(ctx context.Context, num string) ([]ringfence.AliasEvent, error)
	SetBlockStrangers(ctx context.Context, actor, subscriber, num string, block bool) (alias.Binding, error)
	RouteAlias(ctx context.Context, c ringfence.AliasCall) (d alias.Decision, ev ringfence.AliasEvent, handled bool, err error)
	LeakCaller(ctx context.Context, entry int64) (string, error)
	NullAliases() []string
	IssuableAliases() int
	PoolStats() ringfence.PoolStats
	// BeginExport starts the issue of one export's canaries and aliases.
	BeginExport(actor, org string) trace.Issue
}

// Stats computes the monthly report.
type Stats interface {
	MonthlyStats(ctx context.Context, month time.Time) (ringfence.Monthly, error)
}

// Service is everything the API serves.
type Service interface {
	Screener
	Reporter
	RuleBook
	Registry
	Keys
	Aliases
	Stats
	Sources
}
