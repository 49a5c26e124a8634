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
	"ringfence/trace"
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
	for i, n := range numbers {
		if err := PoolNumber(n); err != nil {
			return 0, 0, ringfence.Errorf(ringfence.EINVALID, "numbers[%d]: %v", i, ringfence.ErrorMessage(err))
		}
		ps = append(ps, alias.PoolNumber{Number: n, AddedAt: now, AvailableAt: now.Add(quarantine), State: alias.StatePool})
	}
	// Reserve a random share as null aliases.
	for i := len(ps) - 1; i > 0; i-- {
		j, _ := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		ps[i], ps[j.Int64()] = ps[j.Int64()], ps[i]
	}
	for i := 0; i < int(float64(len(ps))*nullShare+0.5); i++ {
		ps[i].Null = true
	}
	if added, nulls, err = e.store.AddPool(ctx, ps, e.entry(actor, "alias.pool_add", "", "")); err != nil {
		return 0, 0, err
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
	b := alias.Binding{Purpose: alias.PurposeAlias, Subscriber: sub, Merchant: merchant, BlockStrangers: blockStrangers, CreatedAt: e.Now(), LedgerIndex: -1, MerchantNumbers: []string{}}
	for _, m := range merchantNumbers {
		p, err := Pattern(m)
		if err != nil {
			return b, ringfence.Errorf(ringfence.EINVALID, "merchant number: %v", ringfence.ErrorMessage(err))
		}
		b.MerchantNumbers = append(b.MerchantNumbers, p)
	}
	return b, e.bind(ctx, actor, &b)
}

// bind issues a pool number to b, records the binding in the ledger and
// makes it live.
func (e *Engine) bind(ctx context.Context, actor string, b *alias.Binding) error {
	if err := e.store.BindAlias(ctx, b, e.Now()); err != nil {
		return err
	}
	if e.disclosures != nil {
		idx, err := e.disclosures.AliasBound(ctx, *b)
		if err != nil {
			return err
		}
		b.LedgerIndex = idx
		if err := e.store.SetBindingLedger(ctx, b.Alias, idx); err != nil {
			return err
		}
	}
	if err := e.audit(ctx, actor, "alias."+b.Purpose, b.Alias, b.Merchant); err != nil {
		return err
	}
	e.aliasMu.Lock()
	bb := *b
	e.aliases[b.Alias] = &bb
	delete(e.pool, b.Alias)
	e.aliasMu.Unlock()
	return nil
}

// AliasFor returns the alias that stands for a subscriber's real number in
// what is disclosed to merchant, issuing one the first time: the same real
// number given to the same merchant always gets the same alias.
func (e *Engine) AliasFor(ctx context.Context, actor, real, merchant string) (string, error) {
	sub, err := Subscriber(real)
	if err != nil {
		return "", err
	}
	merchant = strings.TrimSpace(merchant)
	// One issuer at a time, so two exports cannot both issue an alias for
	// the same number and merchant.
	e.issueMu.Lock()
	defer e.issueMu.Unlock()
	e.aliasMu.RLock()
	for _, b := range e.aliases {
		if b.Purpose == alias.PurposeAlias && b.Subscriber == sub && b.Merchant == merchant {
			e.aliasMu.RUnlock()
			return b.Alias, nil
		}
	}
	e.aliasMu.RUnlock()
	b, err := e.NewAlias(ctx, actor, sub, merchant, nil, false)
	return b.Alias, err
}

// BindCanaries issues n pool numbers as canaries for one export given to
// recipient: they reach nobody, and any call to one is a leak event against
// that recipient.
func (e *Engine) BindCanaries(ctx context.Context, actor string, n int, recipient, exportID string) ([]string, error) {
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		b := alias.Binding{Purpose: alias.PurposeCanary, ExportID: exportID, Merchant: recipient, MerchantNumbers: []string{},
			BlockStrangers: true, CreatedAt: e.Now(), LedgerIndex: -1}
		if err := e.bind(ctx, actor, &b); err != nil {
			return out, err
		}
		out = append(out, b.Alias)
	}
	return out, nil
}

// NullAliases lists the pool numbers reserved as never disclosed.
func (e *Engine) NullAliases() []string {
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	var out []string
	for n, p := range e.pool {
		if p.Null {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// minBaselineDays is the observation, in number-days, below which the
// null-alias baseline says too little to be used.
const minBaselineDays = 30

// nullBaseline is the calls to undisclosed pool numbers (null aliases, and
// numbers still in quarantine, whose calls from a previous life only make
// the baseline more conservative) and their number-days in the pool: the
// background rate of random and sequential dialling. It is zero until the
// pool has been watched for minBaselineDays number-days.
func (e *Engine) nullBaseline(now time.Time) (calls int, numberDays float64) {
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	for _, p := range e.pool {
		calls += p.Calls
		numberDays += max(now.Sub(p.AddedAt).Hours()/24, 0)
	}
	if numberDays < minBaselineDays {
		return 0, 0
	}
	return calls, numberDays
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
	if b != nil && c.At.Before(b.CreatedAt) {
		return d, ev, true, ringfence.Errorf(ringfence.EINVALID, "call at %s precedes the alias binding (%s): it cannot be a leak", c.At.Format(time.RFC3339), b.CreatedAt.Format(time.RFC3339))
	}
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
		ev.NullCalls, ev.NullNumberDays = e.nullBaseline(c.At)
		idx, err := e.disclosures.Leaked(ctx, *b, ev)
		if err != nil {
			return d, ev, true, err
		}
		ev.LedgerIndex = idx
		if err := e.store.SetAliasEventLedger(ctx, ev.ID, idx); err != nil {
			return d, ev, true, err
		}
	}
	if b == nil {
		e.aliasMu.Lock()
		if q, ok := e.pool[c.Callee]; ok { // still unbound
			q.Calls++
			e.pool[c.Callee] = q
		}
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

// IssuableAliases counts the pool numbers that could be issued now.
func (e *Engine) IssuableAliases() int {
	now := e.Now()
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	n := 0
	for _, p := range e.pool {
		if p.Issuable(now) {
			n++
		}
	}
	return n
}

// TracePool lends the alias pool to salted exports: canary numbers that
// ring into ringfence (trace.NumberSource) and per-recipient aliases that
// replace real numbers (trace.AliasBinder). Actor is who the audit log names.
type TracePool struct {
	E     *Engine
	Actor string
}

// Canaries implements trace.NumberSource.
func (p TracePool) Canaries(ctx context.Context, n int, d trace.Disclosure) ([]string, error) {
	return p.E.BindCanaries(ctx, p.Actor, n, d.Recipient, d.ExportID)
}

// Alias implements trace.AliasBinder.
func (p TracePool) Alias(ctx context.Context, real string, d trace.Disclosure) (string, error) {
	return p.E.AliasFor(ctx, p.Actor, real, d.Recipient)
}

// SetBlockStrangers changes whether callers other than the merchant are
// refused on an alias (they are leak events either way). subscriber, when
// not empty, must own the alias.
func (e *Engine) SetBlockStrangers(ctx context.Context, actor, subscriber, num string, block bool) (alias.Binding, error) {
	b, err := e.Alias(num)
	if err != nil {
		return b, err
	}
	if subscriber != "" && b.Subscriber != subscriber {
		return b, ringfence.Errorf(ringfence.ENOTFOUND, "%s is not a bound alias", b.Alias)
	}
	if b.Purpose != alias.PurposeAlias {
		return b, ringfence.Errorf(ringfence.EINVALID, "%s is a canary: it always refuses callers", b.Alias)
	}
	if err := e.store.SetBlockStrangers(ctx, b.Alias, block, e.entry(actor, "alias.block_strangers", b.Alias, strconv.FormatBool(block))); err != nil {
		return b, err
	}
	b.BlockStrangers = block
	e.aliasMu.Lock()
	e.aliases[b.Alias] = &b
	e.aliasMu.Unlock()
	return b, nil
}

// PoolNumber checks that n (E.164) can serve as an alias: a mobile or
// fixed-line number, which a merchant would take for a customer's own.
func PoolNumber(n string) error {
	info, err := number.Parse(n)
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "%v", err)
	}
	if info.Type != number.Mobile && info.Type != number.FixedLine {
		return ringfence.Errorf(ringfence.EINVALID, "%s is a %s number; an alias must be a mobile or fixed-line number", info.E164, info.Type)
	}
	return nil
}
