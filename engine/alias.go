package engine

import (
	"context"
	"crypto/rand"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"ringfence"
	"ringfence/alias"
	"ringfence/number"
)

// Disclosures appends alias bindings and leak events to the disclosure
// ledger, returning the entry's index.
type Disclosures interface {
	AliasBound(ctx context.Context, b alias.Binding) (int64, error)
	Leaked(ctx context.Context, b alias.Binding, ev AliasEvent) (int64, error)
}

// SetDisclosures connects the ledger; without one, bindings and leaks are
// kept in the store only.
func (e *Engine) SetDisclosures(d Disclosures) { e.disclosures = d }

func (e *Engine) loadAliases(ctx context.Context) error {
	e.aliasMu.Lock()
	defer e.aliasMu.Unlock()
	e.aliases = map[string]*alias.Binding{}
	e.pool = map[string]alias.PoolNumber{}
	if err := e.store.Bindings(ctx, func(b alias.Binding) error {
		e.aliases[b.Alias] = &b
		return nil
	}); err != nil {
		return err
	}
	return e.store.Pool(ctx, func(p alias.PoolNumber) error {
		if p.State != alias.StateBound {
			e.pool[p.Number] = p
		}
		return nil
	})
}

// AddAliasPool adds numbers the operator controls to the alias pool. They
// wait in quarantine for the given time; a nullShare of them is reserved as
// null aliases that are never disclosed. Numbers already known are skipped.
func (e *Engine) AddAliasPool(ctx context.Context, actor string, numbers []string, quarantine time.Duration, nullShare float64) (added, nulls int, err error) {
	if nullShare < 0 || nullShare >= 1 {
		return 0, 0, ringfence.Errorf(ringfence.EINVALID, "null share: %v is not in [0, 1)", nullShare)
	}
	if quarantine < 0 {
		return 0, 0, ringfence.Errorf(ringfence.EINVALID, "quarantine: %v is negative", quarantine)
	}
	now := e.Now()
	ps := make([]alias.PoolNumber, 0, len(numbers))
	for _, n := range numbers {
		ps = append(ps, alias.PoolNumber{Number: n, AddedAt: now, AvailableAt: now.Add(quarantine), State: alias.StatePool})
	}
	// Reserve a random share as null aliases.
	for i := len(ps) - 1; i > 0; i-- {
		j, _ := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		ps[i], ps[j.Int64()] = ps[j.Int64()], ps[i]
	}
	nulls = int(float64(len(ps))*nullShare + 0.5)
	for i := 0; i < nulls; i++ {
		ps[i].Null = true
	}
	if added, err = e.store.AddPool(ctx, ps); err != nil {
		return 0, 0, err
	}
	if err := e.audit(ctx, actor, "alias.pool_add", "", ""); err != nil {
		return added, nulls, err
	}
	return added, nulls, e.loadAliases(ctx)
}

// NewAlias binds an exclusive alias to (subscriber, merchant) and records
// the binding in the ledger.
func (e *Engine) NewAlias(ctx context.Context, actor, subscriber, merchant string, merchantNumbers []string, blockStrangers bool) (alias.Binding, error) {
	sub, err := Subscriber(subscriber)
	if err != nil {
		return alias.Binding{}, err
	}
	merchant = strings.TrimSpace(merchant)
	if merchant == "" {
		return alias.Binding{}, ringfence.Errorf(ringfence.EINVALID, "merchant: empty")
	}
	b := alias.Binding{Subscriber: sub, Merchant: merchant, BlockStrangers: blockStrangers, CreatedAt: e.Now(), LedgerIndex: -1, MerchantNumbers: []string{}}
	for _, m := range merchantNumbers {
		p, err := Pattern(m)
		if err != nil {
			return b, ringfence.Errorf(ringfence.EINVALID, "merchant number: %v", ringfence.ErrorMessage(err))
		}
		b.MerchantNumbers = append(b.MerchantNumbers, p)
	}
	if err := e.store.BindAlias(ctx, &b, e.Now()); err != nil {
		return b, err
	}
	if e.disclosures != nil {
		idx, err := e.disclosures.AliasBound(ctx, b)
		if err != nil {
			return b, err
		}
		b.LedgerIndex = idx
		if err := e.store.SetBindingLedger(ctx, b.Alias, idx); err != nil {
			return b, err
		}
	}
	if err := e.audit(ctx, actor, "alias.new", b.Alias, merchant); err != nil {
		return b, err
	}
	e.aliasMu.Lock()
	e.aliases[b.Alias] = &b
	delete(e.pool, b.Alias)
	e.aliasMu.Unlock()
	return b, nil
}

// Aliases lists the bindings of a subscriber ("" for all).
func (e *Engine) Aliases(subscriber string) ([]alias.Binding, error) {
	sub := ""
	if subscriber != "" {
		var err error
		if sub, err = Subscriber(subscriber); err != nil {
			return nil, err
		}
	}
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	out := []alias.Binding{}
	for _, b := range e.aliases {
		if sub == "" || b.Subscriber == sub {
			out = append(out, *b)
		}
	}
	slices.SortFunc(out, func(a, b alias.Binding) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// Alias returns the binding of an alias number.
func (e *Engine) Alias(num string) (alias.Binding, error) {
	n, err := number.E164(num)
	if err != nil {
		return alias.Binding{}, ringfence.Errorf(ringfence.EINVALID, "alias: %v", err)
	}
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	if b := e.aliases[n]; b != nil {
		return *b, nil
	}
	return alias.Binding{}, ringfence.Errorf(ringfence.ENOTFOUND, "%s is not a bound alias", n)
}

// AliasEvents lists the calls recorded on an alias or pool number.
func (e *Engine) AliasEvents(ctx context.Context, num string) ([]AliasEvent, error) {
	n, err := number.E164(num)
	if err != nil {
		return nil, ringfence.Errorf(ringfence.EINVALID, "alias: %v", err)
	}
	return e.store.AliasEvents(ctx, n)
}

// AliasCall is a call to route through the alias table.
type AliasCall struct {
	Callee, Caller string // E.164
	At             time.Time
	Duration       float64
	Answered       bool
}

// RouteAlias routes a call whose callee may be an alias or pool number.
// handled is false (and nothing is recorded) when the callee is neither.
// A stranger's call on a bound alias is recorded as a leak event and
// appended to the ledger before RouteAlias returns.
func (e *Engine) RouteAlias(ctx context.Context, c AliasCall) (d alias.Decision, ev AliasEvent, handled bool, err error) {
	e.aliasMu.RLock()
	b := e.aliases[c.Callee]
	p, inPool := e.pool[c.Callee]
	e.aliasMu.RUnlock()
	if b == nil && !inPool {
		return d, ev, false, nil
	}
	if c.At.IsZero() {
		c.At = e.Now()
	}
	ev = AliasEvent{At: c.At, Alias: c.Callee, Caller: c.Caller, Duration: c.Duration, Answered: c.Answered, LedgerIndex: -1}
	if b != nil {
		d = alias.Route(b, c.Caller)
		ev.Merchant, ev.Subscriber = b.Merchant, b.Subscriber
	} else {
		d = alias.RouteUnbound(p)
	}
	ev.Outcome = d.Outcome
	if err := e.store.AddAliasEvent(ctx, &ev); err != nil {
		return d, ev, true, err
	}
	if d.Leak && e.disclosures != nil {
		idx, err := e.disclosures.Leaked(ctx, *b, ev)
		if err != nil {
			return d, ev, true, err
		}
		ev.LedgerIndex = idx
		if err := e.store.SetAliasEventLedger(ctx, ev.ID, idx); err != nil {
			return d, ev, true, err
		}
	}
	if !d.Leak && b == nil {
		p.Calls++
		e.aliasMu.Lock()
		e.pool[c.Callee] = p
		e.aliasMu.Unlock()
	}
	return d, ev, true, nil
}

// ParseDays parses a duration given in days ("30d") or in Go's units
// ("720h", "0").
func ParseDays(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 {
			return 0, ringfence.Errorf(ringfence.EINVALID, "%q is not a number of days", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, ringfence.Errorf(ringfence.EINVALID, "%q is not a duration (e.g. 30d, 12h)", s)
	}
	return d, nil
}
