// Package engine is ringfence's running node: the hot in-memory indexes
// (crowd reputation, personal rules, verified businesses, behaviour flags,
// aliases) rebuilt from a ringfence.Store at start, and the operations the
// CLI, the HTTP API and the SIP front share. It is split by concern into
// services (ReportService, RuleService, RegistryService, KeyService,
// AliasService, DetectService), each with its own lock and memory; Engine
// wires them and answers verdicts. A write commits its state, its audit
// entry and its event in one store transaction; memory changes only after,
// through Apply, the same path by which CatchUp applies events that other
// writers appended to the log.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/corroborate"
	"ringfence/detect"
	"ringfence/number"
	"ringfence/reputation"
	"ringfence/screen"
)

// Engine wires the services, one per concern, over one store and its
// event log, and answers verdicts from their memory. Each service keeps
// its own lock and its own part of memory; their methods are the engine's.
// Writes go to the store first, with their audit entry and event in one
// transaction, and reach memory only through Apply once they have
// committed.
type Engine struct {
	*ReportService   // crowd reports and the reputation index
	*RuleService     // subscribers' personal rules
	*RegistryService // verified businesses and appeals
	*KeyService      // API keys and the audit trail
	*AliasService    // alias pool, bindings, exports, leaks
	*DetectService   // behaviour detection and its flags

	store  ringfence.Store
	cfg    reputation.Config
	policy *screen.Policy
	Now    func() time.Time

	pos     positions  // the log position memory reflects
	catchMu sync.Mutex // one CatchUp at a time
}

// deps is what every service shares: the store, the engine's clock, and
// the engine's apply path for the events its writes commit.
type deps struct {
	store ringfence.Store
	now   func() time.Time
	apply func(ringfence.Event)
	// wrote takes, after a write applied its events, where the store
	// appended them; the write's context came from ringfence.WithAppended.
	wrote func(*ringfence.Appended)
	calls *corroborate.Sketch // who called whom in the call records observed: fed by DetectService, read by ReportService
}

// Now is the engine's clock.
func (d *deps) Now() time.Time { return d.now() }

// entry is the audit entry of an action taken now.
func (d *deps) entry(actor, action, target, detail string) ringfence.AuditEntry {
	return ringfence.AuditEntry{At: d.now(), Actor: actor, Action: action, Target: target, Detail: detail}
}

// ReportService keeps crowd reports and the hot reputation index.
type ReportService struct {
	*deps
	cfg   reputation.Config
	index *reputation.Index
	t0    time.Time          // the frame of the index's weights; when memory was loaded from the store
	snap  int64              // the log position the loaded snapshot was tagged with
	decay reputation.Decayer // from t0
	frame float64            // reference frame → index frame

	reportMu sync.Mutex // orders report writes with their index updates

	keySubscribers sync.Map // key ID → its subscriber's number key (0 for other keys), for corroboration
}

// RuleService keeps subscribers' personal rules.
type RuleService struct {
	*deps
	// writeMu serialises the read-modify-write of a subscriber's rules
	// (writeLock picks a subscriber's): writes of different subscribers
	// go to the store together, which commits them in one transaction
	// when it can (the PostgreSQL store's group commit).
	writeMu [64]sync.Mutex
	mu      sync.RWMutex
	rules   map[string]*screen.Rules // by subscriber E.164; values are never mutated
}

// RegistryService keeps verified businesses and appeals against labels.
type RegistryService struct {
	*deps
	reports *ReportService // an accepted appeal sets reports aside

	bizMu      sync.Mutex           // serialises registry writes
	businesses []ringfence.Business // the live registry's entries; replaced, never modified
	registry   atomic.Pointer[screen.Registry]

	liftMu sync.Mutex                                // serialises writers of lifted
	lifted atomic.Pointer[map[uint64]*screen.Lifted] // numbers whose label an accepted appeal lifted; copied on write, read without a lock
}

// KeyService keeps API keys and the audit trail.
type KeyService struct {
	*deps
	keys  sync.Map     // secret hash (string) → ringfence.Key
	keyMu sync.RWMutex // orders key lookups that fill the cache with revocations
}

// DetectService runs behaviour detection over call records and keeps the
// flags it raised.
type DetectService struct {
	*deps
	detMu    sync.Mutex
	detector *detect.Detector // made on first use

	mu       sync.RWMutex
	behave   map[uint64]*screen.Behaviour // callers flagged by behaviour detection
	attacked map[uint64]*screen.Behaviour // callees under a call-bombing attack
}

// AliasService keeps the alias pool and bindings, issues numbers for
// exports and routes calls to aliases, recording leaks.
type AliasService struct {
	*deps
	detect *DetectService // a sequential dialler's call is no evidence

	issueMu     sync.Mutex   // serialises find-or-issue of per-recipient aliases
	commitMu    sync.RWMutex // issues commit under read, Reconcile runs under write
	aliasMu     sync.RWMutex
	aliases     map[string]*alias.Binding   // bound aliases by number
	pool        map[string]alias.PoolNumber // unbound pool numbers
	reserved    map[string]bool             // pool numbers held by issues in progress
	aliasOf     map[[2]string]string        // alias by (subscriber, merchant)
	subAliases  map[string]int              // aliases held per subscriber
	orgCanaries map[string]int              // canaries held per organisation
	limits      AliasLimits
	disclosures Disclosures
	logger      *slog.Logger
	poolLow     atomic.Bool
}

// Open builds an engine over store, rebuilding every index from it.
func Open(ctx context.Context, store ringfence.Store, cfg reputation.Config) (*Engine, error) {
	e := &Engine{store: store, cfg: cfg, policy: screen.NewPolicy(cfg), Now: func() time.Time { return time.Now().UTC() }}
	d := &deps{store: store, now: func() time.Time { return e.Now() }, apply: e.apply, wrote: e.wrote, calls: corroborate.New(corroborate.DefaultConfig())}
	e.ReportService = &ReportService{deps: d, cfg: cfg}
	e.RuleService = &RuleService{deps: d, rules: map[string]*screen.Rules{}}
	e.RegistryService = &RegistryService{deps: d, reports: e.ReportService}
	e.RegistryService.lifted.Store(&map[uint64]*screen.Lifted{})
	e.KeyService = &KeyService{deps: d}
	e.DetectService = &DetectService{deps: d, behave: map[uint64]*screen.Behaviour{}, attacked: map[uint64]*screen.Behaviour{}}
	e.AliasService = &AliasService{deps: d, detect: e.DetectService}
	if err := e.rebuild(ctx); err != nil {
		return nil, fmt.Errorf("rebuild indexes: %w", err)
	}
	return e, nil
}

// Snapshot is the log position the engine's memory was loaded at (Open)
// and when it was loaded: since then it has moved on by applying events,
// not by loading again.
func (e *Engine) Snapshot() (position int64, loaded time.Time) { return e.snap, e.t0 }

// Store returns the engine's store.
func (e *Engine) Store() ringfence.Store { return e.store }

// Config returns the crowd configuration.
func (e *Engine) Config() reputation.Config { return e.cfg }

func (e *Engine) rebuild(ctx context.Context) error {
	// The snapshot read below reflects at least every event up to head;
	// events after it that it also reflects are applied again by CatchUp,
	// which changes nothing.
	head, err := e.store.Events().Head(ctx)
	if err != nil {
		return err
	}
	e.pos.reset(head)
	e.snap = head
	n, err := e.store.CountReports(ctx)
	if err != nil {
		return err
	}
	e.t0 = e.Now()
	e.decay = e.cfg.DecayFrom(e.t0)
	e.frame = e.cfg.Decay(reputation.Epoch, e.t0)
	// Tallies are fewer than reports; size for a third and let it grow.
	e.index = reputation.NewIndex(int(n/3) + 1024)
	err = e.store.Tallies(ctx, func(num string, ts []reputation.Tally) error {
		if k, ok := number.Key(num); ok {
			e.index.Set(k, reputation.Summarize(ts, e.frame))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.store.AllRules(ctx, func(r *screen.Rules) error {
		e.rules[r.Subscriber] = r
		return nil
	}); err != nil {
		return err
	}
	if err := e.loadRegistry(ctx); err != nil {
		return err
	}
	if err := e.loadLifted(ctx); err != nil {
		return err
	}
	if err := e.loadAliases(ctx); err != nil {
		return err
	}
	return e.store.Flags(ctx, func(f ringfence.Flag) error {
		e.applyFlag(f)
		return nil
	})
}

func (e *RegistryService) loadRegistry(ctx context.Context) error {
	bs, err := e.store.Businesses(ctx)
	if err != nil {
		return err
	}
	e.setBusinesses(bs)
	return nil
}

// IndexStats reports the size of the reputation index.
func (e *ReportService) IndexStats() IndexStats {
	return IndexStats{Numbers: e.index.Len(), Bytes: e.index.Bytes()}
}

// Crowd is number e164's crowd reputation at time at.
func (e *ReportService) Crowd(e164 string, at time.Time) reputation.Crowd {
	k, ok := number.Key(e164)
	if !ok {
		return reputation.Crowd{}
	}
	return e.index.Get(k).Crowd(e.decay.At(at))
}

// How long behaviour flags count in verdicts after they are raised: a
// harassing caller's flag for a month, a call-bombing attack on a callee
// for two hours after it was detected.
const (
	BehaviourTTL = 30 * 24 * time.Hour
	AttackTTL    = 2 * time.Hour
)

// Check screens a call, filling v (reused: its Reasons keep their capacity).
// It fails only when the caller or callee is not a number or the
// attestation is not one it knows.
func (e *Engine) Check(v *screen.Verdict, c ringfence.CheckRequest) error {
	if err := CheckAttestation(c.Attestation); err != nil {
		return err
	}
	info, err := number.Parse(c.Caller)
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "caller: %v", err)
	}
	callee := ""
	if c.Callee != "" {
		if callee, err = number.E164(c.Callee); err != nil {
			return ringfence.Errorf(ringfence.EINVALID, "callee: %v", err)
		}
	}
	if c.At.IsZero() {
		c.At = e.Now()
	}
	e.Decide(v, info, c.Caller, callee, c.At, c.Attestation)
	return nil
}

// Decide screens a call whose caller is already parsed and whose callee is
// E.164 (or ""). It allocates nothing when v is reused.
func (e *Engine) Decide(v *screen.Verdict, caller number.Info, input, callee string, at time.Time, attestation string) {
	var sig screen.Signals
	if k, ok := number.Key(caller.E164); ok {
		sig.Crowd = e.index.Get(k).Crowd(e.decay.At(at))
		d := e.DetectService
		d.mu.RLock()
		if b := d.behave[k]; b != nil && at.Sub(b.At) < BehaviourTTL {
			sig.Behaviour = b
		}
		if callee != "" && len(d.attacked) > 0 {
			if ck, ok := number.Key(callee); ok {
				if a := d.attacked[ck]; a != nil && at.Sub(a.At) < AttackTTL {
					sig.UnderAttack = a
				}
			}
		}
		d.mu.RUnlock()
		if l := (*e.RegistryService.lifted.Load())[k]; l != nil && !at.Before(l.At) {
			sig.Lifted = l
		}
		if callee != "" {
			rs := e.RuleService
			rs.mu.RLock()
			sig.Rules = rs.rules[callee]
			rs.mu.RUnlock()
		}
	}
	sig.Business = e.registry.Load().Lookup(caller.E164)
	call := screen.Call{Caller: caller, Input: input, At: at, Attestation: attestation}
	e.policy.Decide(v, &call, &sig)
}
