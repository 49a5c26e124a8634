package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
func (e *RuleService) updateRules(ctx context.Context, actor, action, subscriber, detail string, f func(*screen.Rules) error) (*screen.Rules, error) {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	for attempt := 1; ; attempt++ {
		r, err := e.Rules(subscriber)
		if err != nil {
			return nil, err
		}
		if err := f(r); ringfence.ErrorCode(err) == ringfence.ECONFLICT && attempt < maxRulesAttempts {
			// f found memory's version behind the one it was given:
			// memory may lag the store.
			if err := e.reloadRules(ctx, r.Subscriber); err != nil {
				return nil, err
			}
			continue
		} else if err != nil {
			return nil, err
		}
		r.Subscriber, _ = Subscriber(subscriber)
		if err := r.Validate(); err != nil {
			return nil, err
		}
		// The entry names neither the subscriber nor the numbers in their
		// rules (their contacts): the audit trail is read by regulators.
		wctx, app := ringfence.WithAppended(ctx)
		err = e.store.PutRules(wctx, r, e.entry(actor, action, "", detail))
		if ringfence.ErrorCode(err) == ringfence.ECONFLICT && attempt < maxRulesAttempts {
			// Another node changed the document since this one's memory
			// had it: take the stored one and make the change again on it,
			// so that neither change is lost.
			if err := e.reloadRules(ctx, r.Subscriber); err != nil {
				return nil, err
			}
			continue
		} else if err != nil {
			return nil, err
		}
		e.apply(ringfence.Event{Type: ringfence.EventRules, Rules: r}) // keeps a copy
		e.wrote(app)
		return r, nil
	}
}

// maxRulesAttempts bounds how often a rules write is made again on a
// document another node changed meanwhile.
const maxRulesAttempts = 5

// reloadRules puts the subscriber's stored rules into memory, when they are
// newer than memory's (the caller holds writeMu).
func (e *RuleService) reloadRules(ctx context.Context, sub string) error {
	r, err := e.store.Rules(ctx, sub)
	if err != nil {
		return err
	}
	e.mu.RLock()
	cur := e.rules[sub]
	e.mu.RUnlock()
	if cur == nil || r.Version > cur.Version {
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
