package engine

import (
	"context"
	"strconv"
	"strings"

	"ringfence"
)

// audit records a sensitive action. A failure to audit fails the action's
// caller: an unaudited sensitive action must not look successful.
func (e *Engine) audit(ctx context.Context, actor, action, target, detail string) error {
	return e.store.Audit(ctx, ringfence.AuditEntry{At: e.Now(), Actor: actor, Action: action, Target: target, Detail: detail})
}

// AddBusiness registers a verified business number or prefix.
func (e *Engine) AddBusiness(ctx context.Context, actor, pattern, name string) (ringfence.Business, error) {
	p, err := Pattern(pattern)
	if err != nil {
		return ringfence.Business{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return ringfence.Business{}, ringfence.Errorf(ringfence.EINVALID, "name: empty")
	}
	b := ringfence.Business{Pattern: p, Name: name, AddedBy: actor, CreatedAt: e.Now()}
	if err := e.store.AddBusiness(ctx, &b); err != nil {
		return b, err
	}
	if err := e.audit(ctx, actor, "registry.add", p, name); err != nil {
		return b, err
	}
	return b, e.loadRegistry(ctx)
}

// RemoveBusiness removes a registry entry.
func (e *Engine) RemoveBusiness(ctx context.Context, actor string, id int64) error {
	if err := e.store.RemoveBusiness(ctx, id); err != nil {
		return err
	}
	if err := e.audit(ctx, actor, "registry.remove", strconv.FormatInt(id, 10), ""); err != nil {
		return err
	}
	return e.loadRegistry(ctx)
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
	if err := e.store.FileAppeal(ctx, &a); err != nil {
		return a, err
	}
	return a, e.audit(ctx, actor, "appeal.file", a.Number, "appeal "+strconv.FormatInt(a.ID, 10)+" by "+a.Business)
}

// DecideAppeal accepts or rejects a pending appeal. Accepting sets aside
// every report on the number received until now, which lifts the label;
// reports received later count again.
func (e *Engine) DecideAppeal(ctx context.Context, actor string, id int64, accept bool, decision string) (ringfence.Appeal, error) {
	status := ringfence.AppealRejected
	if accept {
		status = ringfence.AppealAccepted
	}
	now := e.Now()
	a, err := e.store.DecideAppeal(ctx, id, status, actor, strings.TrimSpace(decision), now)
	if err != nil {
		return a, err
	}
	if accept {
		e.reportMu.Lock()
		ts, err := e.store.ClearReports(ctx, a.Number, now.Add(1))
		if err == nil {
			e.SetTallies(a.Number, ts)
		}
		e.reportMu.Unlock()
		if err != nil {
			return a, err
		}
	}
	return a, e.audit(ctx, actor, "appeal."+status, a.Number, "appeal "+strconv.FormatInt(id, 10))
}

// Appeals lists appeals with the given status ("" for all).
func (e *Engine) Appeals(ctx context.Context, status string) ([]ringfence.Appeal, error) {
	switch status {
	case "", ringfence.AppealPending, ringfence.AppealAccepted, ringfence.AppealRejected:
	default:
		return nil, ringfence.Errorf(ringfence.EINVALID, "status: %q is not pending, accepted or rejected", status)
	}
	return e.store.Appeals(ctx, status)
}

// Audit records a sensitive action taken through an adapter.
func (e *Engine) Audit(ctx context.Context, actor, action, target, detail string) error {
	return e.audit(ctx, actor, action, target, detail)
}
