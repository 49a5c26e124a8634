package engine

import (
	"context"
	"slices"

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
		e.writeMu.Lock()
		defer e.writeMu.Unlock()
	case ringfence.EventRegistry:
		e.bizMu.Lock()
		defer e.bizMu.Unlock()
	case ringfence.EventAliasBinding:
		e.aliasMu.Lock()
		defer e.aliasMu.Unlock()
	}
	e.apply(ev)
}

// apply is Apply with the concern's write lock held by the caller (the
// alias lock for alias bindings).
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
			e.rules[live.Subscriber] = live
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
	case ringfence.EventLeak:
		// Recorded for evidence; no index holds leaks.
	}
	for {
		cur := e.applied.Load()
		if ev.Position <= cur || e.applied.CompareAndSwap(cur, ev.Position) {
			break
		}
	}
}

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
// engine's memory reflects.
func (e *Engine) Position() int64 { return e.applied.Load() }

// CatchUp applies, in order, the events appended to the store's log since
// Position: how a node learns of writes made by another.
func (e *Engine) CatchUp(ctx context.Context) error {
	e.catchMu.Lock()
	defer e.catchMu.Unlock()
	return e.store.Events().Read(ctx, e.Position(), func(ev ringfence.Event) error {
		e.Apply(ev)
		return nil
	})
}

// Follow applies events as other writers append them to the store's log,
// from Position on, until ctx is done: CatchUp that does not end.
func (e *Engine) Follow(ctx context.Context) error {
	e.catchMu.Lock()
	defer e.catchMu.Unlock()
	return e.store.Events().Subscribe(ctx, e.Position(), func(ev ringfence.Event) error {
		e.Apply(ev)
		return nil
	})
}
