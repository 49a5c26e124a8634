// Package engine is ringfence's running state: the hot in-memory indexes
// (crowd reputation, personal rules, verified businesses, behaviour flags)
// rebuilt from a Store at start and kept current on every write, and the
// operations that the CLI, the HTTP API and the SIP front share: check a
// call, report a number, manage rules, the registry and appeals, keys,
// statistics. Writes go to the Store first and reach the indexes only once
// they are durable.
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
	"ringfence/detect"
	"ringfence/number"
	"ringfence/reputation"
	"ringfence/screen"
)

// Engine answers verdicts from memory and writes through to its Store.
type Engine struct {
	store  Store
	cfg    reputation.Config
	policy *screen.Policy
	Now    func() time.Time

	index *reputation.Index
	t0    time.Time // the frame of the index's weights
	frame float64   // reference frame → index frame

	mu       sync.RWMutex
	rules    map[string]*screen.Rules     // by subscriber E.164; values are never mutated
	behave   map[uint64]*screen.Behaviour // callers flagged by behaviour detection
	attacked map[uint64]*screen.Behaviour // callees under a call-bombing attack
	lifted   map[uint64]*screen.Lifted    // numbers whose label an accepted appeal lifted
	registry atomic.Pointer[screen.Registry]

	bizMu      sync.Mutex           // serialises registry writes
	businesses []ringfence.Business // the live registry's entries; replaced, never modified

	writeMu sync.Mutex   // serialises read-modify-write of rules
	keys    sync.Map     // secret hash (string) → ringfence.Key
	keyMu   sync.RWMutex // orders key lookups that fill the cache with revocations

	detMu    sync.Mutex
	detector *detect.Detector // behaviour detection over call records, made on first use

	reportMu    sync.Mutex   // orders report writes with their index updates
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

	applied atomic.Int64 // the log position memory reflects
	catchMu sync.Mutex   // one CatchUp at a time
}

// Open builds an engine over store, rebuilding every index from it.
func Open(ctx context.Context, store Store, cfg reputation.Config) (*Engine, error) {
	e := &Engine{
		store:    store,
		cfg:      cfg,
		policy:   screen.NewPolicy(cfg),
		Now:      func() time.Time { return time.Now().UTC() },
		rules:    map[string]*screen.Rules{},
		behave:   map[uint64]*screen.Behaviour{},
		attacked: map[uint64]*screen.Behaviour{},
		lifted:   map[uint64]*screen.Lifted{},
	}
	if err := e.rebuild(ctx); err != nil {
		return nil, fmt.Errorf("rebuild indexes: %w", err)
	}
	return e, nil
}

// Store returns the engine's store.
func (e *Engine) Store() Store { return e.store }

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
	e.applied.Store(head)
	n, err := e.store.CountReports(ctx)
	if err != nil {
		return err
	}
	e.t0 = e.Now()
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

func (e *Engine) loadRegistry(ctx context.Context) error {
	bs, err := e.store.Businesses(ctx)
	if err != nil {
		return err
	}
	e.setBusinesses(bs)
	return nil
}

// IndexStats reports the size of the reputation index.
func (e *Engine) IndexStats() IndexStats {
	return IndexStats{Numbers: e.index.Len(), Bytes: e.index.Bytes()}
}

// Crowd is number e164's crowd reputation at time at.
func (e *Engine) Crowd(e164 string, at time.Time) reputation.Crowd {
	k, ok := number.Key(e164)
	if !ok {
		return reputation.Crowd{}
	}
	return e.index.Get(k).Crowd(e.cfg.Decay(e.t0, at))
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
func (e *Engine) Check(v *screen.Verdict, c Call) error {
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
		sig.Crowd = e.index.Get(k).Crowd(e.cfg.Decay(e.t0, at))
		e.mu.RLock()
		if b := e.behave[k]; b != nil && at.Sub(b.At) < BehaviourTTL {
			sig.Behaviour = b
		}
		if l := e.lifted[k]; l != nil && !at.Before(l.At) {
			sig.Lifted = l
		}
		if callee != "" {
			sig.Rules = e.rules[callee]
			if ck, ok := number.Key(callee); ok {
				if a := e.attacked[ck]; a != nil && at.Sub(a.At) < AttackTTL {
					sig.UnderAttack = a
				}
			}
		}
		e.mu.RUnlock()
	}
	sig.Business = e.registry.Load().Lookup(caller.E164)
	e.policy.Decide(v, screen.Call{Caller: caller, Input: input, At: at, Attestation: attestation}, sig)
}
