package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// Subscriber normalises a subscriber's identity (their own phone number).
func Subscriber(id string) (string, error) {
	s, err := number.E164(id)
	if err != nil {
		return "", ringfence.Errorf(ringfence.EINVALID, "subscriber: %v", err)
	}
	return s, nil
}

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

// RegistryPattern normalises a verified-business pattern.
func RegistryPattern(s string) (string, error) {
	return Pattern(s)
}

// Rules returns a copy of the subscriber's rules; a subscriber without
// rules gets empty ones.
func (e *Engine) Rules(subscriber string) (*screen.Rules, error) {
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
// result, stores it and makes it live.
func (e *Engine) UpdateRules(ctx context.Context, subscriber string, f func(*screen.Rules) error) (*screen.Rules, error) {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	r, err := e.Rules(subscriber)
	if err != nil {
		return nil, err
	}
	if err := f(r); err != nil {
		return nil, err
	}
	r.Subscriber, _ = Subscriber(subscriber)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := e.store.PutRules(ctx, r); err != nil {
		return nil, err
	}
	live := cloneRules(r)
	e.mu.Lock()
	e.rules[r.Subscriber] = live
	e.mu.Unlock()
	return r, nil
}

// SetEntry adds or replaces the subscriber's rule for pattern.
func (e *Engine) SetEntry(ctx context.Context, subscriber string, en screen.Entry) (*screen.Rules, error) {
	p, err := Pattern(en.Pattern)
	if err != nil {
		return nil, err
	}
	en.Pattern = p
	return e.UpdateRules(ctx, subscriber, func(r *screen.Rules) error {
		r.Entries = slices.DeleteFunc(r.Entries, func(x screen.Entry) bool { return x.Pattern == p })
		r.Entries = append(r.Entries, en)
		return nil
	})
}

// RemoveEntry removes the subscriber's rule for pattern.
func (e *Engine) RemoveEntry(ctx context.Context, subscriber, pattern string) (*screen.Rules, error) {
	p, err := Pattern(pattern)
	if err != nil {
		return nil, err
	}
	return e.UpdateRules(ctx, subscriber, func(r *screen.Rules) error {
		n := len(r.Entries)
		r.Entries = slices.DeleteFunc(r.Entries, func(x screen.Entry) bool { return x.Pattern == p })
		if len(r.Entries) == n {
			return ringfence.Errorf(ringfence.ENOTFOUND, "no rule for %s", pattern)
		}
		return nil
	})
}

// ReplaceRules replaces the subscriber's whole rule document, normalising
// every pattern.
func (e *Engine) ReplaceRules(ctx context.Context, subscriber string, in *screen.Rules) (*screen.Rules, error) {
	for i := range in.Entries {
		p, err := Pattern(in.Entries[i].Pattern)
		if err != nil {
			return nil, ringfence.Errorf(ringfence.EINVALID, "entries[%d].pattern: %v", i, ringfence.ErrorMessage(err))
		}
		in.Entries[i].Pattern = p
	}
	return e.UpdateRules(ctx, subscriber, func(r *screen.Rules) error {
		*r = *in
		if r.Entries == nil {
			r.Entries = []screen.Entry{}
		}
		if r.BlockedCategories == nil {
			r.BlockedCategories = map[ringfence.Category]ringfence.Action{}
		}
		return nil
	})
}

// Pass grants an expected-call pass to pattern until the given time.
func (e *Engine) Pass(ctx context.Context, subscriber, pattern string, until time.Time, note string) (*screen.Rules, error) {
	if !until.After(e.Now()) {
		return nil, ringfence.Errorf(ringfence.EINVALID, "until: %s is not in the future", until.Format(time.RFC3339))
	}
	return e.SetEntry(ctx, subscriber, screen.Entry{Pattern: pattern, Kind: screen.EntryPass, Until: until, Note: note})
}
