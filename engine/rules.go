package engine

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// Subscriber normalises a subscriber's identity (their own phone number).
func Subscriber(id string) (string, error) { return number.Subscriber(id) }

// Pattern normalises a number or a prefix ending in "*" (e.g. "170*") to
// the stored form: an E.164 number, or an E.164 prefix followed by "*".
func Pattern(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "*") {
		p, err := number.Prefix(s)
		if err != nil {
			return "", ringfence.Errorf(ringfence.EINVALID, "prefix %q: %v", s, err)
		}
		return p + "*", nil
	}
	n, err := number.E164(s)
	if err != nil {
		return "", ringfence.Errorf(ringfence.EINVALID, "%v (a prefix ends in *, e.g. 170*)", err)
	}
	return n, nil
}

// Rules returns a copy of the subscriber's rules; a subscriber without
// rules gets empty ones.
func (e *RuleService) Rules(subscriber string) (*screen.Rules, error) {
	sub, err := Subscriber(subscriber)
	if err != nil {
		return nil, err
	}
	e.mu.RLock()
	r := e.rules[sub]
	e.mu.RUnlock()
	if r == nil {
		return &screen.Rules{Subscriber: sub, Entries: []screen.Entry{}, BlockedCategories: map[ringfence.Category]ringfence.Action{}}, nil
	}
	return cloneRules(r), nil
}

func cloneRules(r *screen.Rules) *screen.Rules {
	c := *r
	c.Entries = slices.Clone(r.Entries)
	if c.Entries == nil {
		c.Entries = []screen.Entry{}
	}
	c.BlockedCategories = make(map[ringfence.Category]ringfence.Action, len(r.BlockedCategories))
	for k, v := range r.BlockedCategories {
		c.BlockedCategories[k] = v
	}
	if r.Quiet != nil {
		q := *r.Quiet
		c.Quiet = &q
	}
	return &c
}

// UpdateRules applies f to a copy of the subscriber's rules, validates the
// result, and stores it with the audit entry that records the change (by
// actor) in one transaction; the rules go live only after that commits.
func (e *RuleService) UpdateRules(ctx context.Context, actor, subscriber string, f func(*screen.Rules) error) (*screen.Rules, error) {
	return e.updateRules(ctx, actor, "rules.update", subscriber, "", f)
}

// updateRules is UpdateRules recording action (with detail, which holds
// no personal data) in the audit trail.
//
// When the store refuses the write because another node changed the
// document since this node's memory had it, the change is made again on
// the stored document, as often as it takes, after a jittered backoff
// (writeMu is not held meanwhile), until ctx ends or, for a ctx without a
// deadline, rulesRetryFor has passed: an entry change is not refused for
// a concurrent one. When f refuses the document as memory has it, memory
// is brought up to the store's and f tried again, once per version the
// store moves on; f's refusal of the stored document is the answer.
func (e *RuleService) updateRules(ctx context.Context, actor, action, subscriber, detail string, f func(*screen.Rules) error) (*screen.Rules, error) {
	var deadline time.Time
	if _, ok := ctx.Deadline(); !ok {
		deadline = time.Now().Add(rulesRetryFor)
	}
	backoff := time.Millisecond
	for {
		r, retry, err := e.tryUpdateRules(ctx, actor, action, subscriber, detail, f)
		if !retry {
			return r, err
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			return nil, err
		}
		// Full jitter: concurrent writers on other nodes spread out.
		t := time.NewTimer(time.Duration(rand.Int64N(int64(backoff)) + 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		backoff = min(2*backoff, maxRulesBackoff)
	}
}

// rulesRetryFor bounds how long a rules write whose ctx has no deadline
// is made again on a document other nodes keep changing; maxRulesBackoff
// bounds the wait between two attempts.
const (
	rulesRetryFor   = time.Minute
	maxRulesBackoff = 50 * time.Millisecond
)

// tryUpdateRules is one attempt of updateRules: retry says the store
// refused the write for a concurrent change, and memory now holds the
// stored document.
func (e *RuleService) tryUpdateRules(ctx context.Context, actor, action, subscriber, detail string, f func(*screen.Rules) error) (_ *screen.Rules, retry bool, _ error) {
	mu := e.writeLock(subscriber)
	mu.Lock()
	defer mu.Unlock()
	var r *screen.Rules
	for {
		var err error
		if r, err = e.Rules(subscriber); err != nil {
			return nil, false, err
		}
		if err = f(r); err != nil {
			// f refused the document as memory has it (a version given
			// that memory does not hold, an entry to remove that it does
			// not have): memory may lag the store.
			seen := r.Version
			if err := e.reloadRules(ctx, r.Subscriber); err != nil {
				return nil, false, err
			}
			if now, _ := e.Rules(subscriber); now != nil && now.Version != seen {
				continue
			}
			return nil, false, err
		}
		break
	}
	r.Subscriber, _ = Subscriber(subscriber)
	if err := r.Validate(); err != nil {
		return nil, false, err
	}
	// The entry names neither the subscriber nor the numbers in their
	// rules (their contacts): the audit trail is read by regulators.
	wctx, app := ringfence.WithAppended(ctx)
	err := e.store.PutRules(wctx, r, e.entry(actor, action, "", detail))
	if ringfence.ErrorCode(err) == ringfence.ECONFLICT {
		// Another node changed the document since this one's memory had
		// it: take the stored one and make the change again on it, so
		// that neither change is lost.
		if err := e.reloadRules(ctx, r.Subscriber); err != nil {
			return nil, false, err
		}
		return nil, true, err
	} else if err != nil {
		return nil, false, err
	}
	e.apply(ringfence.Event{Type: ringfence.EventRules, Rules: r}) // keeps a copy
	e.wrote(app)
	return r, false, nil
}

// writeLock is the lock of the subscriber's rules writes: one of
// writeMu, by the subscriber's number as stored (a subscriber written
// in any form takes the same lock).
func (e *RuleService) writeLock(subscriber string) *sync.Mutex {
	if sub, err := Subscriber(subscriber); err == nil {
		subscriber = sub
	}
	h := fnv.New32a()
	h.Write([]byte(subscriber))
	return &e.writeMu[h.Sum32()%uint32(len(e.writeMu))]
}

// reloadRules puts the subscriber's stored rules into memory, when their
// version is not memory's (the caller holds its writeLock): the store is the
// record. A subscriber without stored rules leaves memory as it is.
func (e *RuleService) reloadRules(ctx context.Context, sub string) error {
	r, err := e.store.Rules(ctx, sub)
	if ringfence.ErrorCode(err) == ringfence.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	e.mu.RLock()
	cur := e.rules[sub]
	e.mu.RUnlock()
	if cur == nil || r.Version != cur.Version {
		e.apply(ringfence.Event{Type: ringfence.EventRules, Rules: r})
	}
	return nil
}

// checkEntry normalises en's pattern and checks it against the rules
// current before the change; field prefixes the names of its fields in
// errors ("entries[2]." in a whole document). It is the one check of an
// entry, whichever way it arrives: a pass must end in the future, unless it
// is already stored as it is (a document read and written back keeps its
// expired passes).
func (e *RuleService) checkEntry(field string, en *screen.Entry, current *screen.Rules) error {
	p, err := Pattern(en.Pattern)
	if err != nil {
		return ringfence.Errorf(ringfence.EINVALID, "%spattern: %s", field, ringfence.ErrorMessage(err))
	}
	en.Pattern = p
	switch en.Kind {
	case screen.EntryAllow, screen.EntryBlock, screen.EntryLabel:
		if !en.Until.IsZero() {
			return ringfence.Errorf(ringfence.EINVALID, "%suntil: only a pass ends; %s %s rule has no \"until\"", field, map[bool]string{true: "an", false: "a"}[en.Kind == screen.EntryAllow], en.Kind)
		}
	case screen.EntryPass:
		if en.Until.IsZero() {
			return ringfence.Errorf(ringfence.EINVALID, "%suntil: a pass needs \"until\" (RFC 3339)", field)
		}
		stored := slices.ContainsFunc(current.Entries, func(x screen.Entry) bool {
			return x.Pattern == en.Pattern && x.Kind == en.Kind && x.Until.Equal(en.Until)
		})
		if !en.Until.After(e.Now()) && !stored {
			return ringfence.Errorf(ringfence.EINVALID, "%suntil: %s is not in the future", field, en.Until.Format(time.RFC3339))
		}
	default:
		return ringfence.Errorf(ringfence.EINVALID, "%saction: %q is not allow, pass, block or label", field, en.Kind)
	}
	return nil
}

// SetEntry adds or replaces the subscriber's rule for pattern.
func (e *RuleService) SetEntry(ctx context.Context, actor, subscriber string, en screen.Entry) (*screen.Rules, error) {
	return e.updateRules(ctx, actor, "rules.set", subscriber, en.Kind, func(r *screen.Rules) error {
		if err := e.checkEntry("", &en, r); err != nil {
			return err
		}
		r.Entries = slices.DeleteFunc(r.Entries, func(x screen.Entry) bool { return x.Pattern == en.Pattern })
		r.Entries = append(r.Entries, en)
		return nil
	})
}

// RemoveEntry removes the subscriber's rule for pattern.
func (e *RuleService) RemoveEntry(ctx context.Context, actor, subscriber, pattern string) (*screen.Rules, error) {
	p, err := Pattern(pattern)
	if err != nil {
		return nil, ringfence.Errorf(ringfence.EINVALID, "pattern: %s", ringfence.ErrorMessage(err))
	}
	return e.updateRules(ctx, actor, "rules.remove", subscriber, "", func(r *screen.Rules) error {
		n := len(r.Entries)
		r.Entries = slices.DeleteFunc(r.Entries, func(x screen.Entry) bool { return x.Pattern == p })
		if len(r.Entries) == n {
			return ringfence.Errorf(ringfence.ENOTFOUND, "no rule for %s", pattern)
		}
		return nil
	})
}

// ReplaceRules replaces the subscriber's whole rule document, checking
// every entry as SetEntry does.
func (e *RuleService) ReplaceRules(ctx context.Context, actor, subscriber string, in *screen.Rules) (*screen.Rules, error) {
	return e.updateRules(ctx, actor, "rules.replace", subscriber, "", func(r *screen.Rules) error {
		// A document that names the version it was based on replaces
		// only that version; without one (0) it replaces whatever is
		// stored.
		if in.Version < 0 {
			return ringfence.Errorf(ringfence.EINVALID, "version: %d is negative (give the version read, or 0 for none)", in.Version)
		}
		if in.Version != 0 && in.Version != r.Version {
			return ringfence.Errorf(ringfence.ECONFLICT, "version: the rules are at version %d, not %d: another write came first; read them again", r.Version, in.Version)
		}
		for i := range in.Entries {
			if err := e.checkEntry(fmt.Sprintf("entries[%d].", i), &in.Entries[i], r); err != nil {
				return err
			}
		}
		current := r.Version
		*r = *in
		r.Version = current
		if r.Entries == nil {
			r.Entries = []screen.Entry{}
		}
		if r.BlockedCategories == nil {
			r.BlockedCategories = map[ringfence.Category]ringfence.Action{}
		}
		return nil
	})
}

// Pass grants an expected-call pass to pattern until the given time, which
// must be in the future.
func (e *RuleService) Pass(ctx context.Context, actor, subscriber, pattern string, until time.Time, note string) (*screen.Rules, error) {
	return e.SetEntry(ctx, actor, subscriber, screen.Entry{Pattern: pattern, Kind: screen.EntryPass, Until: until, Note: note})
}
