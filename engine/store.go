package engine

import "ringfence"

// The store contracts live at the root (package ringfence); these names
// keep the engine's callers working.
type (
	Judge         = ringfence.Judge
	NumberTallies = ringfence.NumberTallies
	ReportStore   = ringfence.ReportStore
	ReportEvent   = ringfence.ReportEvent
	RuleStore     = ringfence.RuleStore
	RegistryStore = ringfence.RegistryStore
	AppealStore   = ringfence.AppealStore
	KeyStore      = ringfence.KeyStore
	AuditStore    = ringfence.AuditStore
	FlagStore     = ringfence.FlagStore
	CallEvent     = ringfence.CallEvent
	CallStore     = ringfence.CallStore
	AliasEvent    = ringfence.AliasEvent
	AliasStore    = ringfence.AliasStore
)
