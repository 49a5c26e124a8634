package engine

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"ringfence"
	"ringfence/alias"
)

// Apply applies one committed event to the in-memory indexes. It is the one
// path by which a change of state reaches memory: the engine's own writes
// apply the event they committed (holding the write lock of its concern),
// and CatchUp applies the events other writers appended to the log. Events
// carry the state after the change, so applying one twice changes nothing.
func (e *Engine) Apply(ev ringfence.Event) {
	switch ev.Type {
	case ringfence.EventReport, ringfence.EventAppeal:
		e.reportMu.Lock()
		defer e.reportMu.Unlock()
	case ringfence.EventRules:
		if ev.Rules != nil {
			mu := e.writeLock(ev.Rules.Subscriber)
			mu.Lock()
			defer mu.Unlock()
		}
	case ringfence.EventRegistry:
		e.bizMu.Lock()
		defer e.bizMu.Unlock()
	case ringfence.EventAliasBinding, ringfence.EventPool:
		e.aliasMu.Lock()
		defer e.aliasMu.Unlock()
	}
	if ev.Position > 0 && ev.Position <= e.Position() {
		// Memory reflects it already: the write that appended it applied
		// it (and maybe a later write of the same concern, while this
		// waited for the lock) before releasing the lock.
		return
	}
	e.apply(ev)
	e.pos.logged(ev.Position)
}

// apply is Apply with the concern's write lock held by the caller (the
// alias lock for alias bindings and pool numbers).
func (e *Engine) apply(ev ringfence.Event) {
	switch ev.Type {
	case ringfence.EventReport:
		if ev.Tallies != nil {
			e.SetTallies(ev.Tallies.Number, ev.Tallies.Tallies)
		}
	case ringfence.EventRules:
		if ev.Rules != nil {
			live := cloneRules(ev.Rules)
			e.RuleService.mu.Lock()
			// A document reloaded after a conflict may be ahead of the
			// events still to apply: a version never goes back.
			if cur := e.rules[live.Subscriber]; cur == nil || live.Version == 0 || live.Version >= cur.Version {
				e.rules[live.Subscriber] = live
			}
			e.RuleService.mu.Unlock()
		}
	case ringfence.EventRegistry:
		bs := slices.DeleteFunc(slices.Clone(e.businesses), func(b ringfence.Business) bool {
			return (ev.Business != nil && b.ID == ev.Business.ID) || (ev.Removed != 0 && b.ID == ev.Removed)
		})
		if ev.Business != nil {
			bs = append(bs, *ev.Business)
		}
		e.setBusinesses(bs)
	case ringfence.EventAppeal:
		if ev.Appeal != nil && ev.Appeal.Status == ringfence.AppealAccepted {
			if ev.Tallies != nil {
				e.SetTallies(ev.Tallies.Number, ev.Tallies.Tallies)
			}
			e.setLifted(*ev.Appeal)
		}
	case ringfence.EventKeyRevoked:
		e.keyMu.Lock()
		e.keys.Range(func(h, k any) bool {
			if k.(ringfence.Key).ID == ev.KeyID {
				e.keys.Delete(h)
			}
			return true
		})
		e.keyMu.Unlock()
	case ringfence.EventFlag:
		if ev.Flag != nil {
			e.applyFlag(*ev.Flag)
		}
	case ringfence.EventAliasBinding:
		if ev.Binding != nil {
			e.applyBindingLocked(*ev.Binding, ev.Unbound)
		}
	case ringfence.EventPool:
		e.applyPoolLocked(ev.Pool)
	case ringfence.EventLeak:
		// Recorded for evidence; no index holds leaks.
	}
}

// applyPoolLocked makes unbound pool numbers stand as ps says; a number
// bound meanwhile stays bound. aliasMu is held.
func (e *AliasService) applyPoolLocked(ps []alias.PoolNumber) {
	for _, p := range ps {
		if _, bound := e.aliases[p.Number]; bound || p.State == alias.StateBound {
			continue
		}
		e.pool[p.Number] = p
	}
}

// positions tracks the log position the engine's memory reflects: every
// event up to applied is in memory, applied from the log or by the
// engine's own write that appended it.
type positions struct {
	applied atomic.Int64 // read without the lock
	mu      sync.Mutex
	// ahead holds, sorted, positions past applied+1 of events that the
	// engine's own writes applied to memory: when the events before them
	// arrive from the same node's writes, applied moves over them. An
	// event from the log that is applied clears ahead, since it may have
	// overwritten what they applied; the log applies them again.
	ahead []int64
}

// maxAhead bounds ahead for a node whose log has events of other writers
// it never catches up with; what it drops, CatchUp applies again.
const maxAhead = 4096

func (p *positions) reset(pos int64) {
	p.mu.Lock()
	p.applied.Store(pos)
	p.ahead = p.ahead[:0]
	p.mu.Unlock()
}

// logged records that the event at pos, read from the log, was applied.
func (p *positions) logged(pos int64) {
	if pos <= 0 {
		return
	}
	p.mu.Lock()
	if pos > p.applied.Load() {
		p.applied.Store(pos)
	}
	p.ahead = p.ahead[:0]
	p.mu.Unlock()
}

// wrote records that the engine's own write applied its events, which the
// store appended at positions pos.
func (p *positions) wrote(pos []int64) {
	if len(pos) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	applied := p.applied.Load()
	for _, q := range pos {
		if i, found := slices.BinarySearch(p.ahead, q); q > applied && !found {
			p.ahead = slices.Insert(p.ahead, i, q)
		}
	}
	n := 0
	for n < len(p.ahead) && p.ahead[n] <= applied+1 {
		applied = max(applied, p.ahead[n])
		n++
	}
	p.ahead = p.ahead[:copy(p.ahead, p.ahead[n:])]
	if len(p.ahead) > maxAhead {
		p.ahead = p.ahead[:0]
	}
	p.applied.Store(applied)
}

// wrote is how a service's write, having applied its events to memory,
// tells the engine where the store appended them.
func (e *Engine) wrote(a *ringfence.Appended) { e.pos.wrote(a.Positions()) }

// applyBindingLocked makes b live, replacing the binding of the same
// number, or (unbound) returns the number to the pool; aliasMu is held.
func (e *AliasService) applyBindingLocked(b alias.Binding, unbound bool) {
	old := e.aliases[b.Alias]
	if old != nil {
		delete(e.aliases, b.Alias)
		switch old.Purpose {
		case alias.PurposeAlias:
			delete(e.aliasOf, [2]string{old.Subscriber, old.Merchant})
			e.subAliases[old.Subscriber]--
		case alias.PurposeCanary:
			e.orgCanaries[old.Org]--
		}
	}
	if unbound {
		if old != nil {
			e.pool[b.Alias] = alias.PoolNumber{Number: b.Alias, State: alias.StatePool, AddedAt: old.CreatedAt, AvailableAt: old.CreatedAt}
		}
		return
	}
	e.indexBindingLocked(&b)
}

// Position is the position in the event log of the latest event the
// engine's memory reflects, together with every event before it. The
// engine's own writes move it over the events they appended when nothing
// from another writer came between.
func (e *Engine) Position() int64 { return e.pos.applied.Load() }

// CatchUp applies, in order, the events appended to the store's log since
// Position: how a node learns of writes made by another.
func (e *Engine) CatchUp(ctx context.Context) error {
	e.catchMu.Lock()
	defer e.catchMu.Unlock()
	return e.store.Events().Read(ctx, e.Position(), e.applyLogged)
}

// Follow applies events as other writers append them to the store's log,
// from Position on, until ctx is done: CatchUp that does not end.
func (e *Engine) Follow(ctx context.Context) error {
	e.catchMu.Lock()
	defer e.catchMu.Unlock()
	return e.store.Events().Subscribe(ctx, e.Position(), e.applyLogged)
}

// applyLogged applies an event read from the log unless memory already
// reflects it: the engine's own writes move Position over theirs.
func (e *Engine) applyLogged(ev ringfence.Event) error {
	if ev.Position > e.Position() {
		e.Apply(ev)
	}
	return nil
}
