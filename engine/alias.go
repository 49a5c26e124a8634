package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
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

// Disclosures appends alias bindings, exports and leak events to the
// disclosure ledger, returning the entry's index, and finds what it holds
// (for the reconciliation after a crash).
type Disclosures interface {
	AliasBound(ctx context.Context, b alias.Binding) (int64, error)
	Leaked(ctx context.Context, b alias.Binding, ev AliasEvent) (int64, error)
	// Disclosed records bindings and, when rec is not nil, the export
	// they were made for, in one append; binding i is at first+i, the
	// export at first+len(bs).
	Disclosed(ctx context.Context, bs []alias.Binding, rec *trace.ExportRecord, prints []trace.Print) (first int64, err error)
	// BindingEntry finds the entry binding an alias number.
	BindingEntry(aliasNumber string) (int64, bool, error)
	// BindingEntries maps each alias number bound in the ledger to the
	// entries binding it.
	BindingEntries() (map[string][]int64, error)
	// ExportRecorded reports whether an export is in the ledger.
	ExportRecorded(exportID string) bool
	// LeakEntry finds the entry recording a stranger's call.
	LeakEntry(ev AliasEvent) (int64, bool, error)
}

// SetDisclosures connects the ledger; without one, bindings and leaks are
// kept in the store only.
func (e *AliasService) SetDisclosures(d Disclosures) { e.disclosures = d }

func (e *AliasService) loadAliases(ctx context.Context) error {
	e.aliasMu.Lock()
	defer e.aliasMu.Unlock()
	e.aliases = map[string]*alias.Binding{}
	e.pool = map[string]alias.PoolNumber{}
	e.reserved = map[string]bool{}
	e.aliasOf = map[[2]string]string{}
	e.subAliases = map[string]int{}
	e.orgCanaries = map[string]int{}
	if err := e.store.Bindings(ctx, func(b alias.Binding) error {
		e.indexBindingLocked(&b)
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
func (e *AliasService) AddAliasPool(ctx context.Context, actor string, numbers []string, quarantine time.Duration, nullShare float64) (added, nulls int, err error) {
	if nullShare < 0 || nullShare >= 1 {
		return 0, 0, ringfence.Errorf(ringfence.EINVALID, "null_share: %v is not in [0, 1)", nullShare)
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
	ctx, app := ringfence.WithAppended(ctx)
	if added, nulls, err = e.store.AddPool(ctx, ps, e.entry(actor, "alias.pool_add", "", "")); err != nil {
		return 0, 0, err
	}
	e.applyOwn(app)
	return added, nulls, nil
}

// applyOwn applies to memory the alias events that a write of this
// service appended (as the store recorded them in app), then records
// their positions.
func (e *AliasService) applyOwn(app *ringfence.Appended) {
	e.aliasMu.Lock()
	for _, ev := range app.Events() {
		if ev.Type == ringfence.EventPool || ev.Type == ringfence.EventAliasBinding {
			e.apply(ev)
		}
	}
	e.aliasMu.Unlock()
	e.wrote(app)
}

// NewAlias binds an exclusive alias to (subscriber, merchant) and records
// the binding in the ledger.
func (e *AliasService) NewAlias(ctx context.Context, actor, subscriber, merchant string, merchantNumbers []string, blockStrangers bool) (alias.Binding, error) {
	sub, err := Subscriber(subscriber)
	if err != nil {
		return alias.Binding{}, err
	}
	merchant = strings.TrimSpace(merchant)
	if merchant == "" {
		return alias.Binding{}, ringfence.Errorf(ringfence.EINVALID, "merchant: empty")
	}
	b := alias.Binding{Purpose: alias.PurposeAlias, Subscriber: sub, Merchant: merchant, BlockStrangers: blockStrangers, CreatedAt: e.Now().Truncate(time.Millisecond), LedgerIndex: -1, MerchantNumbers: []string{}}
	for _, m := range merchantNumbers {
		p, err := Pattern(m)
		if err != nil {
			return b, ringfence.Errorf(ringfence.EINVALID, "merchant number: %v", ringfence.ErrorMessage(err))
		}
		b.MerchantNumbers = append(b.MerchantNumbers, p)
	}
	x := e.NewIssue(actor, "")
	defer x.Abort()
	if err := x.reserve(ctx, &b); err != nil {
		return b, err
	}
	if _, err := x.Commit(ctx, nil, nil); err != nil {
		return b, err
	}
	return b, nil
}

// AliasLimits bound what one organisation and one subscriber may take
// from the alias pool.
type AliasLimits struct {
	// OrgCanaryQuota is how many pool numbers one organisation's exports
	// may hold as canaries: 0 for a quarter of the pool (at least 10),
	// negative for no quota.
	OrgCanaryQuota int
	// SubscriberAliasCap is how many aliases one subscriber may hold: 0
	// for DefaultSubscriberAliasCap, negative for no cap.
	SubscriberAliasCap int
}

// DefaultSubscriberAliasCap is the default number of aliases a subscriber
// may hold.
const DefaultSubscriberAliasCap = 50

// SetAliasLimits sets the pool quotas.
func (e *AliasService) SetAliasLimits(l AliasLimits) {
	e.aliasMu.Lock()
	e.limits = l
	e.aliasMu.Unlock()
}

// SetLogger sets where the engine logs warnings (the alias pool running
// low); nil logs nothing.
func (e *AliasService) SetLogger(l *slog.Logger) { e.logger = l }

// indexBindingLocked makes b live; aliasMu must be held.
func (e *AliasService) indexBindingLocked(b *alias.Binding) {
	bb := *b
	e.aliases[b.Alias] = &bb
	delete(e.pool, b.Alias)
	delete(e.reserved, b.Alias)
	switch b.Purpose {
	case alias.PurposeAlias:
		e.aliasOf[[2]string{b.Subscriber, b.Merchant}] = b.Alias
		e.subAliases[b.Subscriber]++
	case alias.PurposeCanary:
		e.orgCanaries[b.Org]++
	}
}

// orgQuotaLocked is the canary quota of one organisation.
func (e *AliasService) orgQuotaLocked() int {
	q := e.limits.OrgCanaryQuota
	if q != 0 {
		return q
	}
	capacity := 0
	for _, p := range e.pool {
		if !p.Null && p.State != alias.StateRetired {
			capacity++
		}
	}
	return max(10, (capacity+len(e.aliases))/4)
}

func (e *AliasService) subscriberCapLocked() int {
	if e.limits.SubscriberAliasCap == 0 {
		return DefaultSubscriberAliasCap
	}
	return e.limits.SubscriberAliasCap
}

// Issue reserves pool numbers for one disclosure (an export, or a single
// alias) and binds them only when the disclosure completes: nothing is
// stored or recorded in the ledger for a disclosure that did not.
// Reserved numbers are held in memory, out of reach of other issues, until
// Commit or Abort. An issue that binds per-recipient aliases holds the
// engine's alias issuer for its life, so that two exports cannot both
// issue an alias for the same number and merchant.
//
// Issue implements trace.NumberSource and trace.AliasBinder.
type Issue struct {
	e       *AliasService
	actor   string
	org     string
	pending []*alias.Binding
	bySub   map[[2]string]*alias.Binding // pending aliases
	cand    []string                     // shuffled free numbers to reserve from
	locked  bool                         // holds e.issueMu
	done    bool
}

// NewIssue starts an issue for org's disclosure ("" when no organisation
// is involved); actor is who the audit log names.
func (e *AliasService) NewIssue(actor, org string) *Issue {
	return &Issue{e: e, actor: actor, org: org, bySub: map[[2]string]*alias.Binding{}}
}

// Reserved is the number of pool numbers the issue holds.
func (x *Issue) Reserved() int { return len(x.pending) }

// Canaries implements trace.NumberSource: n free pool numbers, chosen at
// random, as canaries of export d. Asking more than are free, or more
// than the organisation's quota, is a conflict and reserves nothing.
func (x *Issue) Canaries(ctx context.Context, n int, d trace.Disclosure) ([]string, error) {
	if x.done {
		return nil, errIssueDone
	}
	e := x.e
	now := e.Now().Truncate(time.Millisecond) // what the store keeps
	e.aliasMu.Lock()
	free := e.freeLocked(now)
	held, pendingCanaries := e.orgCanaries[x.org], 0
	for _, b := range x.pending {
		if b.Purpose == alias.PurposeCanary {
			pendingCanaries++
		}
	}
	quota := e.orgQuotaLocked()
	e.aliasMu.Unlock()
	if n > len(free) {
		return nil, ringfence.Errorf(ringfence.ECONFLICT, "alias pool: %d canaries asked, but only %d numbers are free (add numbers with 'alias pool add', or ask fewer canaries)", n, len(free))
	}
	if quota >= 0 && held+pendingCanaries+n > quota {
		return nil, ringfence.Errorf(ringfence.ECONFLICT, "alias pool: organisation %q holds %s; %d more would exceed its quota of %d", x.org, ringfence.Plural(held+pendingCanaries, "canary number"), n, quota)
	}
	out := make([]string, 0, n)
	for range n {
		b := &alias.Binding{Purpose: alias.PurposeCanary, ExportID: d.ExportID, Org: x.org, Merchant: d.Recipient, MerchantNumbers: []string{},
			BlockStrangers: true, CreatedAt: now, LedgerIndex: -1}
		if err := x.reserve(ctx, b); err != nil {
			return nil, err
		}
		out = append(out, b.Alias)
	}
	return out, nil
}

// Alias implements trace.AliasBinder: the alias that stands for a
// subscriber's real number in what is disclosed to d.Recipient; the same
// real number given to the same recipient always gets the same alias.
func (x *Issue) Alias(ctx context.Context, real string, d trace.Disclosure) (string, error) {
	if x.done {
		return "", errIssueDone
	}
	sub, err := Subscriber(real)
	if err != nil {
		return "", err
	}
	merchant := strings.TrimSpace(d.Recipient)
	if !x.locked {
		x.e.issueMu.Lock()
		x.locked = true
	}
	key := [2]string{sub, merchant}
	x.e.aliasMu.RLock()
	a, ok := x.e.aliasOf[key]
	x.e.aliasMu.RUnlock()
	if ok {
		return a, nil
	}
	if b := x.bySub[key]; b != nil {
		return b.Alias, nil
	}
	b := &alias.Binding{Purpose: alias.PurposeAlias, Subscriber: sub, Merchant: merchant, ExportID: d.ExportID, Org: x.org,
		MerchantNumbers: []string{}, CreatedAt: x.e.Now().Truncate(time.Millisecond), LedgerIndex: -1}
	if err := x.reserve(ctx, b); err != nil {
		return "", err
	}
	return b.Alias, nil
}

var errIssueDone = errors.New("alias issue: already committed or aborted")

// freeLocked lists the issuable numbers no issue holds; aliasMu held.
func (e *AliasService) freeLocked(now time.Time) []string {
	var out []string
	for n, p := range e.pool {
		if p.Issuable(now) && !e.reserved[n] {
			out = append(out, n)
		}
	}
	return out
}

// reserve takes a free pool number, chosen at random (pools are blocks of
// consecutive numbers, and sequential diallers must not find the issued
// ones next to each other), for b.
func (x *Issue) reserve(ctx context.Context, b *alias.Binding) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e := x.e
	now := e.Now()
	e.aliasMu.Lock()
	defer e.aliasMu.Unlock()
	if b.Purpose == alias.PurposeAlias {
		held := e.subAliases[b.Subscriber]
		for _, p := range x.pending {
			if p.Purpose == alias.PurposeAlias && p.Subscriber == b.Subscriber {
				held++
			}
		}
		if c := e.subscriberCapLocked(); c >= 0 && held >= c {
			return ringfence.Errorf(ringfence.ECONFLICT, "alias pool: the subscriber already holds %s, the most one subscriber may hold", ringfence.Plural(held, "alias"))
		}
	}
	for attempt := 0; ; attempt++ {
		for len(x.cand) > 0 {
			n := x.cand[len(x.cand)-1]
			x.cand = x.cand[:len(x.cand)-1]
			if p, ok := e.pool[n]; ok && p.Issuable(now) && !e.reserved[n] {
				e.reserved[n] = true
				b.Alias = n
				x.pending = append(x.pending, b)
				if b.Purpose == alias.PurposeAlias {
					x.bySub[[2]string{b.Subscriber, b.Merchant}] = b
				}
				return nil
			}
		}
		if attempt > 0 {
			break
		}
		x.cand = e.freeLocked(now)
		shuffle(x.cand)
	}
	return ringfence.Errorf(ringfence.ECONFLICT, "alias pool: no number free (%d reserved for this disclosure); add numbers with 'alias pool add' or wait for quarantine to end", len(x.pending))
}

// shuffle puts s in random order.
func shuffle(s []string) {
	for i := len(s) - 1; i > 0; i-- {
		j, _ := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		s[i], s[j.Int64()] = s[j.Int64()], s[i]
	}
}

// Commit completes the disclosure: it binds the reserved numbers and
// writes their audit entries in one transaction, then records the
// bindings and, when rec is not nil, the export in the ledger in one
// append, then stores their ledger indexes and makes the bindings live.
// When the ledger append fails the bindings are undone. It returns the
// export's ledger entry (-1 when rec is nil).
func (x *Issue) Commit(ctx context.Context, rec *trace.ExportRecord, prints []trace.Print) (int64, error) {
	if x.done {
		return -1, errIssueDone
	}
	defer x.Abort()
	e := x.e
	e.commitMu.RLock()
	defer e.commitMu.RUnlock()
	ctx, app := ringfence.WithAppended(ctx)
	if rec != nil && e.disclosures == nil {
		return -1, ringfence.Errorf(ringfence.EINTERNAL, "export %s: no disclosure ledger to record it in", rec.ExportID)
	}
	bs := x.pending
	if len(bs) > 0 {
		audit := make([]ringfence.AuditEntry, len(bs))
		for i, b := range bs {
			audit[i] = ringfence.AuditEntry{At: e.Now(), Actor: x.actor, Action: "alias." + b.Purpose, Target: b.Alias, Detail: b.Merchant}
		}
		if err := e.store.BindAliases(ctx, bs, audit); err != nil {
			return -1, err
		}
	}
	exportEntry := int64(-1)
	var indexErr error
	if e.disclosures != nil && (len(bs) > 0 || rec != nil) {
		vals := make([]alias.Binding, len(bs))
		for i, b := range bs {
			vals[i] = *b
		}
		// Not cancelled half-way: the bindings are stored and must be
		// either recorded or undone.
		first, err := e.disclosures.Disclosed(context.WithoutCancel(ctx), vals, rec, prints)
		if err != nil {
			if len(bs) > 0 {
				nums := make([]string, len(bs))
				for i, b := range bs {
					nums[i] = b.Alias
				}
				undo := []ringfence.AuditEntry{{At: e.Now(), Actor: x.actor, Action: "alias.unbind", Target: strconv.Itoa(len(bs)), Detail: "ledger append failed"}}
				if uerr := e.store.UnbindAliases(context.WithoutCancel(ctx), nums, undo); uerr != nil {
					err = fmt.Errorf("%w; undoing the bindings failed too (reconciled at the next start): %v", err, uerr)
				}
			}
			return -1, err
		}
		idx := make(map[string]int64, len(bs))
		for i, b := range bs {
			b.LedgerIndex = first + int64(i)
			idx[b.Alias] = b.LedgerIndex
		}
		if rec != nil {
			exportEntry = first + int64(len(bs))
		}
		if len(idx) > 0 {
			if err := e.store.SetBindingsLedger(context.WithoutCancel(ctx), idx); err != nil {
				// The ledger holds them: the next start sets the indexes.
				indexErr = fmt.Errorf("bindings recorded in the ledger from entry %d, but their indexes were not stored (reconciled at the next start): %w", first, err)
			}
		}
	}
	e.aliasMu.Lock()
	for _, b := range bs {
		e.apply(ringfence.Event{Type: ringfence.EventAliasBinding, Binding: b})
	}
	e.aliasMu.Unlock()
	if indexErr == nil {
		e.wrote(app)
	}
	x.pending = nil
	e.warnPoolLow()
	return exportEntry, indexErr
}

// Abort releases what the issue holds; after Commit it does nothing.
func (x *Issue) Abort() {
	if x.done {
		return
	}
	x.done = true
	e := x.e
	e.aliasMu.Lock()
	for _, b := range x.pending {
		if e.aliases[b.Alias] == nil {
			delete(e.reserved, b.Alias)
		}
	}
	e.aliasMu.Unlock()
	x.pending = nil
	if x.locked {
		x.locked = false
		e.issueMu.Unlock()
	}
}

// BeginExport is NewIssue as the trace.Issue an adapter holds.
func (e *AliasService) BeginExport(actor, org string) trace.Issue { return e.NewIssue(actor, org) }

// PoolStats counts the alias pool.
func (e *AliasService) PoolStats() PoolStats {
	now := e.Now()
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	s := PoolStats{Bound: len(e.aliases)}
	for n, p := range e.pool {
		switch {
		case p.Null:
			s.Null++
		case p.State == alias.StateRetired || p.Calls > alias.MaxQuarantineCalls:
			s.Retired++
		case e.reserved[n]:
			s.Reserved++
		case p.Issuable(now):
			s.Free++
		default:
			s.Waiting++
		}
	}
	s.Numbers = s.Null + s.Retired + s.Reserved + s.Free + s.Waiting + s.Bound
	capacity := s.Numbers - s.Null - s.Retired
	s.Low = capacity > 0 && (s.Free+s.Waiting)*10 < capacity
	return s
}

// warnPoolLow logs when the pool runs low, once each time it does.
func (e *AliasService) warnPoolLow() {
	s := e.PoolStats()
	if s.Low == e.poolLow.Swap(s.Low) || !s.Low || e.logger == nil {
		return
	}
	e.logger.Warn("alias pool low: under 10% of its numbers are free; add numbers with 'alias pool add'", "free", s.Free, "waiting", s.Waiting, "bound", s.Bound, "numbers", s.Numbers)
}

// NullAliases lists the pool numbers reserved as never disclosed.
func (e *AliasService) NullAliases() []string {
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

// nullBaseline is the calls to undisclosed pool numbers (null aliases, and
// numbers still in quarantine, whose calls from a previous life only make
// the baseline more conservative) and their number-days in the pool: the
// background rate of random and sequential dialling. Below
// minBaselineDays number-days it says too little, and the leak statement
// takes a conservative prior instead (evidence.LeakLog10).
func (e *AliasService) nullBaseline(now time.Time) (calls int, numberDays float64) {
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	for _, p := range e.pool {
		calls += p.Calls
		numberDays += max(now.Sub(p.AddedAt).Hours()/24, 0)
	}
	if calls > 0 && numberDays == 0 {
		numberDays = 1.0 / 24 // calls within the first hour
	}
	return calls, numberDays
}

// Aliases lists the bindings of a subscriber ("" for all).
func (e *AliasService) Aliases(subscriber string) ([]alias.Binding, error) {
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
func (e *AliasService) Alias(num string) (alias.Binding, error) {
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
func (e *AliasService) AliasEvents(ctx context.Context, num string) ([]AliasEvent, error) {
	n, err := number.E164(num)
	if err != nil {
		return nil, ringfence.Errorf(ringfence.EINVALID, "alias: %v", err)
	}
	return e.store.AliasEvents(ctx, n)
}

// RouteAlias routes a call whose callee may be an alias or pool number.
// handled is false (and nothing is recorded) when the callee is neither.
// A stranger's call on a bound alias is recorded as a leak event and
// appended to the ledger before RouteAlias returns.
func (e *AliasService) RouteAlias(ctx context.Context, c AliasCall) (d alias.Decision, ev AliasEvent, handled bool, err error) {
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
	// The store keeps milliseconds: the ledger records the same instant.
	c.At = c.At.Truncate(time.Millisecond).UTC()
	ev = AliasEvent{At: c.At, Alias: c.Callee, Caller: c.Caller, Duration: c.Duration, Answered: c.Answered, LedgerIndex: -1}
	if b != nil && c.At.Before(b.CreatedAt.Truncate(time.Millisecond)) {
		return d, ev, true, ringfence.Errorf(ringfence.EINVALID, "call at %s precedes the alias binding (%s): it cannot be a leak", c.At.Format(time.RFC3339), b.CreatedAt.Format(time.RFC3339))
	}
	if b != nil {
		d = alias.Route(b, c.Caller)
		ev.Merchant, ev.Subscriber = b.Merchant, b.Subscriber
	} else {
		d = alias.RouteUnbound(p)
	}
	ev.Outcome = d.Outcome
	if d.Leak {
		ev.Sequential = e.detect.SequentialDialler(c.Caller, c.At)
	}
	actx, app := ringfence.WithAppended(ctx)
	if err := e.store.AddAliasEvent(actx, &ev); err != nil {
		return d, ev, true, err
	}
	e.applyOwn(app) // a call to an unissued number counts against it
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
	if d.Leak && ev.Sequential {
		// As the ledger entry and its bundle say: recorded, not claimed.
		d.Leak = false
		d.Reason = "alias given only to " + b.Merchant + " called by a number flagged for dialling sequential blocks: recorded, but not claimed as a leak"
	}
	return d, ev, true, nil
}

// IssuableAliases counts the pool numbers that could be issued now and
// no disclosure in progress holds.
func (e *AliasService) IssuableAliases() int {
	now := e.Now()
	e.aliasMu.RLock()
	defer e.aliasMu.RUnlock()
	return len(e.freeLocked(now))
}

// SetBlockStrangers changes whether callers other than the merchant are
// refused on an alias (they are leak events either way). subscriber, when
// not empty, must own the alias.
func (e *AliasService) SetBlockStrangers(ctx context.Context, actor, subscriber, num string, block bool) (alias.Binding, error) {
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
	ctx, app := ringfence.WithAppended(ctx)
	if err := e.store.SetBlockStrangers(ctx, b.Alias, block, e.entry(actor, "alias.block_strangers", b.Alias, strconv.FormatBool(block))); err != nil {
		return b, err
	}
	b.BlockStrangers = block
	e.aliasMu.Lock()
	e.apply(ringfence.Event{Type: ringfence.EventAliasBinding, Binding: &b})
	e.aliasMu.Unlock()
	e.wrote(app)
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

// Reconciled says what Reconcile repaired.
type Reconciled struct {
	Indexed  int `json:"indexed"`  // bindings and leaks found in the ledger, their indexes stored
	Appended int `json:"appended"` // bindings and leaks missing from the ledger, appended
	Released int `json:"released"` // bindings of exports that never completed, numbers back in the pool
	Rebound  int `json:"rebound"`  // bindings recorded in an earlier ledger (before its key was rotated), recorded again in this one
}

// Reconcile brings the store in line with the ledger after a crash
// between the two: a binding or a stranger's call stored with no ledger
// index (-1) gets the index of its ledger entry when the ledger holds
// one, is appended when it does not, and a binding made for an export the
// ledger does not hold is undone (the export never completed, so its
// numbers were never disclosed). A binding whose stored index is no entry
// binding it in this ledger was recorded in an earlier one, closed when
// the ledger's key was rotated (docs/deploy.md): it is recorded again, so
// that a stranger's call to it is recorded as a leak in this ledger. Run
// it at start, before serving.
func (e *AliasService) Reconcile(ctx context.Context) (Reconciled, error) {
	var r Reconciled
	if e.disclosures == nil {
		return r, nil
	}
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	entries, err := e.disclosures.BindingEntries()
	if err != nil {
		return r, err
	}
	e.aliasMu.RLock()
	var todo, earlier []alias.Binding
	for _, b := range e.aliases {
		switch {
		case b.LedgerIndex < 0:
			todo = append(todo, *b)
		case !slices.Contains(entries[b.Alias], b.LedgerIndex):
			earlier = append(earlier, *b)
		}
	}
	e.aliasMu.RUnlock()
	slices.SortFunc(earlier, func(a, b alias.Binding) int { return a.CreatedAt.Compare(b.CreatedAt) })
	idx := map[string]int64{}
	for _, b := range earlier {
		i, err := e.disclosures.AliasBound(ctx, b)
		if err != nil {
			return r, err
		}
		idx[b.Alias] = i
		r.Rebound++
	}
	slices.SortFunc(todo, func(a, b alias.Binding) int { return a.CreatedAt.Compare(b.CreatedAt) })
	var release []string
	for _, b := range todo {
		i, ok, err := e.disclosures.BindingEntry(b.Alias)
		if err != nil {
			return r, err
		}
		switch {
		case ok:
			r.Indexed++
		case b.ExportID != "" && !e.disclosures.ExportRecorded(b.ExportID):
			release = append(release, b.Alias)
			continue
		default:
			if i, err = e.disclosures.AliasBound(ctx, b); err != nil {
				return r, err
			}
			r.Appended++
		}
		idx[b.Alias] = i
	}
	if len(idx) > 0 {
		if err := e.store.SetBindingsLedger(ctx, idx); err != nil {
			return r, err
		}
	}
	if len(release) > 0 {
		audit := []ringfence.AuditEntry{{At: e.Now(), Actor: "ringfence", Action: "alias.unbind", Target: strconv.Itoa(len(release)), Detail: "export never completed"}}
		if err := e.store.UnbindAliases(ctx, release, audit); err != nil {
			return r, err
		}
		r.Released = len(release)
	}
	if err := e.loadAliases(ctx); err != nil {
		return r, err
	}
	evs, err := e.store.UnrecordedLeaks(ctx)
	if err != nil {
		return r, err
	}
	for _, ev := range evs {
		e.aliasMu.RLock()
		b := e.aliases[ev.Alias]
		e.aliasMu.RUnlock()
		if b == nil {
			continue
		}
		i, ok, err := e.disclosures.LeakEntry(ev)
		if err != nil {
			return r, err
		}
		if ok {
			r.Indexed++
		} else {
			if i, err = e.disclosures.Leaked(ctx, *b, ev); err != nil {
				return r, err
			}
			r.Appended++
		}
		if err := e.store.SetAliasEventLedger(ctx, ev.ID, i); err != nil {
			return r, err
		}
	}
	return r, nil
}

// LeakCaller returns the number in clear that made the stranger's call
// recorded at a ledger entry: the ledger holds only its fingerprint.
func (e *AliasService) LeakCaller(ctx context.Context, entry int64) (string, error) {
	ev, err := e.store.LeakByLedger(ctx, entry)
	if err != nil {
		return "", err
	}
	return ev.Caller, nil
}
