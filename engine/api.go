package engine

import "ringfence"

// These value types and parsers are defined at the root, where the
// adapters' interfaces use them; the names here keep the engine's callers
// working.
type (
	AliasCall  = ringfence.AliasCall
	IndexStats = ringfence.IndexStats
	PoolStats  = ringfence.PoolStats
	Monthly    = ringfence.Monthly
)

// Attestation values a call may carry (see ringfence.CheckAttestation).
const (
	AttestationPass = ringfence.AttestationPass
	AttestationFail = ringfence.AttestationFail
)

// ClockSkew is ringfence.ClockSkew.
const ClockSkew = ringfence.ClockSkew

// Parsers of client input, defined at the root.
var (
	ParseTime        = ringfence.ParseTime
	ParseMonth       = ringfence.ParseMonth
	ParseDays        = ringfence.ParseDays
	CheckAttestation = ringfence.CheckAttestation
	NotBefore        = ringfence.NotBefore
)

// EarliestTime is ringfence.EarliestTime.
var EarliestTime = ringfence.EarliestTime
