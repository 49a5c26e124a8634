package engine

import (
	"context"
	"maps"
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
func (e *KeyService) audit(ctx context.Context, actor, action, target, detail string) error {
	return e.store.Audit(ctx, e.entry(actor, action, target, detail))
}

// entry is the audit entry of an action taken now.
func (e *RegistryService) entry(actor, action, target, detail string) ringfence.AuditEntry {
	return ringfence.AuditEntry{At: e.Now(), Actor: actor, Action: action, Target: target, Detail: detail}
}

// AddBusiness registers a verified business number or prefix. The entry
// and its audit record commit together; the live registry changes only
// after they have.
func (e *RegistryService) AddBusiness(ctx context.Context, actor, pattern, name string) (ringfence.Business, error) {
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
	existing, err := e.store.Businesses(ctx)
	if err != nil {
		return ringfence.Business{}, err
	}
	for _, x := range existing {
		if how := overlap(p, x.Pattern); how != "" {
			return ringfence.Business{}, ringfence.Errorf(ringfence.ECONFLICT, "pattern: %q %s registry entry %d (%s, %s); remove that entry first to change it", pattern, how, x.ID, x.Pattern, x.Name)
		}
	}
	ctx, app := ringfence.WithAppended(ctx)
	if err := e.store.AddBusiness(ctx, &b, e.entry(actor, "registry.add", p, name)); err != nil {
		return b, err
	}
	e.apply(ringfence.Event{Type: ringfence.EventRegistry, Business: &b})
	e.wrote(app)
	return b, nil
}

// overlap says how the stored registry patterns p and q share numbers
// ("is", "is covered by", "covers"), or "" when they share none.
func overlap(p, q string) string {
	pb, pp := strings.CutSuffix(p, "*")
	qb, qp := strings.CutSuffix(q, "*")
	switch {
	case p == q:
		return "duplicates"
	case qp && strings.HasPrefix(pb, qb):
		return "is covered by"
	case pp && strings.HasPrefix(qb, pb):
		return "covers"
	}
	return ""
}

// RemoveBusiness removes a registry entry, with its audit record in the
// same transaction; the live registry changes only after it commits.
func (e *RegistryService) RemoveBusiness(ctx context.Context, actor string, id int64) error {
	e.bizMu.Lock()
	defer e.bizMu.Unlock()
	ctx, app := ringfence.WithAppended(ctx)
	if err := e.store.RemoveBusiness(ctx, id, e.entry(actor, "registry.remove", strconv.FormatInt(id, 10), "")); err != nil {
		return err
	}
	e.apply(ringfence.Event{Type: ringfence.EventRegistry, Removed: id})
	e.wrote(app)
	return nil
}

// setBusinesses makes bs the live registry; bs is not modified afterwards.
// The caller holds bizMu (or is rebuilding).
func (e *RegistryService) setBusinesses(bs []ringfence.Business) {
	e.businesses = bs
	e.registry.Store(screen.NewRegistry(bs))
}

// Businesses lists the registry.
func (e *RegistryService) Businesses(ctx context.Context) ([]ringfence.Business, error) {
	return e.store.Businesses(ctx)
}

// FileAppeal records a business's appeal against the label on a number.
func (e *RegistryService) FileAppeal(ctx context.Context, actor string, a ringfence.Appeal) (ringfence.Appeal, error) {
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
func (e *RegistryService) DecideAppeal(ctx context.Context, actor string, id int64, accept bool, decision string) (ringfence.Appeal, error) {
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
	e.reports.reportMu.Lock()
	defer e.reports.reportMu.Unlock()
	ctx, app := ringfence.WithAppended(ctx)
	a, ts, err := e.store.DecideAppeal(ctx, id, status, actor, strings.TrimSpace(decision), now, audit)
	if err != nil {
		return a, err
	}
	if accept {
		e.apply(ringfence.Event{Type: ringfence.EventAppeal, Appeal: &a, Tallies: &ringfence.NumberTallies{Number: a.Number, Tallies: ts}})
	}
	e.wrote(app)
	return a, nil
}

// setLifted remembers that accepted appeals lifted the labels on their
// numbers, for the verdict to say so.
func (e *RegistryService) setLifted(as ...ringfence.Appeal) {
	e.liftMu.Lock()
	defer e.liftMu.Unlock()
	m := maps.Clone(*e.lifted.Load())
	for _, a := range as {
		k, ok := number.Key(a.Number)
		if !ok {
			continue
		}
		if l := m[k]; l == nil || a.DecidedAt.After(l.At) {
			m[k] = &screen.Lifted{Appeal: a.ID, At: a.DecidedAt, Day: a.DecidedAt.Format(time.DateOnly)}
		}
	}
	e.lifted.Store(&m)
}

func (e *RegistryService) loadLifted(ctx context.Context) error {
	as, err := e.store.Appeals(ctx, ringfence.AppealAccepted)
	if err != nil {
		return err
	}
	e.setLifted(as...)
	return nil
}

// Appeals lists appeals with the given status ("" for all).
func (e *RegistryService) Appeals(ctx context.Context, status string) ([]ringfence.Appeal, error) {
	var st ringfence.AppealStatus
	if status != "" {
		var err error
		if st, err = ringfence.ParseAppealStatus(status); err != nil {
			return nil, ringfence.Errorf(ringfence.EINVALID, "status: %v", err)
		}
	}
	return e.store.Appeals(ctx, st)
}

// AuditLog returns the latest limit entries of the audit trail, newest
// first.
func (e *KeyService) AuditLog(ctx context.Context, limit int) ([]ringfence.AuditEntry, error) {
	return e.store.AuditLog(ctx, limit)
}

// Audit records a sensitive action taken through an adapter.
func (e *KeyService) Audit(ctx context.Context, actor, action, target, detail string) error {
	return e.audit(ctx, actor, action, target, detail)
}
