package engine

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// audit records a sensitive action that changes nothing else. A failure to
// audit fails the action's caller: an unaudited sensitive action must not
// look successful. Actions that change the store hand their entry (made by
// entry) to the store method that commits both in one transaction.
func (e *Engine) audit(ctx context.Context, actor, action, target, detail string) error {
	return e.store.Audit(ctx, e.entry(actor, action, target, detail))
}

// entry is the audit entry of an action taken now.
func (e *Engine) entry(actor, action, target, detail string) ringfence.AuditEntry {
	return ringfence.AuditEntry{At: e.Now(), Actor: actor, Action: action, Target: target, Detail: detail}
}

// AddBusiness registers a verified business number or prefix. The entry
// and its audit record commit together; the live registry changes only
// after they have.
func (e *Engine) AddBusiness(ctx context.Context, actor, pattern, name string) (ringfence.Business, error) {
	p, err := RegistryPattern(pattern)
	if err != nil {
		return ringfence.Business{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return ringfence.Business{}, ringfence.Errorf(ringfence.EINVALID, "name: empty")
	}
	b := ringfence.Business{Pattern: p, Name: name, AddedBy: actor, CreatedAt: e.Now()}
	e.bizMu.Lock()
	defer e.bizMu.Unlock()
	if err := e.store.AddBusiness(ctx, &b, e.entry(actor, "registry.add", p, name)); err != nil {
		return b, err
	}
	e.setBusinesses(append(slices.Clone(e.businesses), b))
	return b, nil
}

// RemoveBusiness removes a registry entry, with its audit record in the
// same transaction; the live registry changes only after it commits.
func (e *Engine) RemoveBusiness(ctx context.Context, actor string, id int64) error {
	e.bizMu.Lock()
	defer e.bizMu.Unlock()
	if err := e.store.RemoveBusiness(ctx, id, e.entry(actor, "registry.remove", strconv.FormatInt(id, 10), "")); err != nil {
		return err
	}
	e.setBusinesses(slices.DeleteFunc(slices.Clone(e.businesses), func(b ringfence.Business) bool { return b.ID == id }))
	return nil
}

// setBusinesses makes bs the live registry; bs is not modified afterwards.
// The caller holds bizMu (or is rebuilding).
func (e *Engine) setBusinesses(bs []ringfence.Business) {
	e.businesses = bs
	e.registry.Store(screen.NewRegistry(bs))
}

// Businesses lists the registry.
func (e *Engine) Businesses(ctx context.Context) ([]ringfence.Business, error) {
	return e.store.Businesses(ctx)
}

// FileAppeal records a business's appeal against the label on a number.
func (e *Engine) FileAppeal(ctx context.Context, actor string, a ringfence.Appeal) (ringfence.Appeal, error) {
	n, err := Pattern(a.Number)
	if err != nil || strings.HasSuffix(n, "*") {
		return a, ringfence.Errorf(ringfence.EINVALID, "number: %q is not a single number", a.Number)
	}
	a.Number = n
	a.Business, a.Reason = strings.TrimSpace(a.Business), strings.TrimSpace(a.Reason)
	if a.Business == "" {
		return a, ringfence.Errorf(ringfence.EINVALID, "business: empty")
	}
	if a.Reason == "" {
		return a, ringfence.Errorf(ringfence.EINVALID, "reason: empty")
	}
	a.Status, a.FiledBy, a.CreatedAt = ringfence.AppealPending, actor, e.Now()
	err = e.store.FileAppeal(ctx, &a, func(a ringfence.Appeal) ringfence.AuditEntry {
		return e.entry(actor, "appeal.file", a.Number, "appeal "+strconv.FormatInt(a.ID, 10)+" by "+a.Business)
	})
	return a, err
}

// DecideAppeal accepts or rejects a pending appeal. Accepting sets aside
// every report on the number received until now, which lifts the label;
// reports received later count again. The decision, the reports set aside
// and the audit record commit in one transaction, and the live index
// changes only after it has.
func (e *Engine) DecideAppeal(ctx context.Context, actor string, id int64, accept bool, decision string) (ringfence.Appeal, error) {
	status := ringfence.AppealRejected
	if accept {
		status = ringfence.AppealAccepted
	}
	now := e.Now()
	audit := func(a ringfence.Appeal) ringfence.AuditEntry {
		return e.entry(actor, "appeal."+string(status), a.Number, "appeal "+strconv.FormatInt(id, 10))
	}
	// Report writes are ordered with their index updates; the tallies this
	// returns must not be overtaken by an older report's.
	e.reportMu.Lock()
	defer e.reportMu.Unlock()
	a, ts, err := e.store.DecideAppeal(ctx, id, status, actor, strings.TrimSpace(decision), now, audit)
	if err != nil {
		return a, err
	}
	if accept {
		e.SetTallies(a.Number, ts)
		e.setLifted(a)
	}
	return a, nil
}

// setLifted remembers that an accepted appeal lifted the label on its
// number, for the verdict to say so.
func (e *Engine) setLifted(a ringfence.Appeal) {
	k, ok := number.Key(a.Number)
	if !ok {
		return
	}
	e.mu.Lock()
	if l := e.lifted[k]; l == nil || a.DecidedAt.After(l.At) {
		e.lifted[k] = &screen.Lifted{Appeal: a.ID, At: a.DecidedAt, Day: a.DecidedAt.Format(time.DateOnly)}
	}
	e.mu.Unlock()
}

func (e *Engine) loadLifted(ctx context.Context) error {
	as, err := e.store.Appeals(ctx, ringfence.AppealAccepted)
	if err != nil {
		return err
	}
	for _, a := range as {
		e.setLifted(a)
	}
	return nil
}

// Appeals lists appeals with the given status ("" for all).
func (e *Engine) Appeals(ctx context.Context, status string) ([]ringfence.Appeal, error) {
	var st ringfence.AppealStatus
	if status != "" {
		var err error
		if st, err = ringfence.ParseAppealStatus(status); err != nil {
			return nil, ringfence.Errorf(ringfence.EINVALID, "status: %v", err)
		}
	}
	return e.store.Appeals(ctx, st)
}

// Audit records a sensitive action taken through an adapter.
func (e *Engine) Audit(ctx context.Context, actor, action, target, detail string) error {
	return e.audit(ctx, actor, action, target, detail)
}
