package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"

	"ringfence"
)

// keyPrefix marks ringfence secrets so they are recognisable in config files
// and secret scanners.
const keyPrefix = "rf_"

// CreateKey makes a new API key and returns its secret, which is shown once
// and never stored: only its SHA-256 is.
// A subscriber key belongs to a subscriber (their number), an org key to an
// organisation; other keys to neither.
func (e *KeyService) CreateKey(ctx context.Context, actor string, role ringfence.Role, subscriber, org string) (secret string, k ringfence.Key, err error) {
	if role, err = ringfence.ParseRole(string(role)); err != nil {
		return "", k, err
	}
	switch {
	case role == ringfence.RoleSubscriber && subscriber == "":
		return "", k, ringfence.Errorf(ringfence.EINVALID, "subscriber: a subscriber key needs --subscriber (the subscriber's own number)")
	case role != ringfence.RoleSubscriber && subscriber != "":
		return "", k, ringfence.Errorf(ringfence.EINVALID, "subscriber: only subscriber keys belong to a subscriber")
	case role == ringfence.RoleOrg && strings.TrimSpace(org) == "":
		return "", k, ringfence.Errorf(ringfence.EINVALID, "org: an org key needs --org (the organisation's name)")
	case role != ringfence.RoleOrg && org != "":
		return "", k, ringfence.Errorf(ringfence.EINVALID, "org: only org keys belong to an organisation")
	}
	if subscriber != "" {
		if subscriber, err = Subscriber(subscriber); err != nil {
			return "", k, err
		}
	}
	var raw [20]byte
	var id [6]byte
	rand.Read(raw[:])
	rand.Read(id[:])
	secret = keyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	k = ringfence.Key{ID: "key_" + hex.EncodeToString(id[:]), Role: role, Subscriber: subscriber, Org: strings.TrimSpace(org), CreatedAt: e.Now()}
	if err := e.store.CreateKey(ctx, k, hashSecret(secret), e.entry(actor, "key.create", k.ID, string(role))); err != nil {
		return "", k, err
	}
	return secret, k, nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// Authenticate returns the key whose secret is given, or EUNAUTHORIZED.
func (e *KeyService) Authenticate(ctx context.Context, secret string) (ringfence.Key, error) {
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 100 {
		return ringfence.Key{}, ringfence.Errorf(ringfence.EUNAUTHORIZED, "invalid API key")
	}
	h := hashSecret(secret)
	if k, ok := e.keys.Load(string(h)); ok {
		return k.(ringfence.Key), nil
	}
	// A revocation must not be overtaken by a lookup that read the key
	// before it committed and caches it after.
	e.keyMu.RLock()
	defer e.keyMu.RUnlock()
	k, err := e.store.KeyByHash(ctx, h)
	if ringfence.ErrorCode(err) == ringfence.ENOTFOUND {
		return k, ringfence.Errorf(ringfence.EUNAUTHORIZED, "invalid API key")
	} else if err != nil {
		return k, err
	}
	e.keys.Store(string(h), k)
	return k, nil
}

// RevokeKey stops a key from authenticating, at once and for good. The
// revocation and its audit record commit together; the key leaves the
// cache once they have.
func (e *KeyService) RevokeKey(ctx context.Context, actor, id string) error {
	// A lookup that read the key before the revocation committed finishes
	// (caching it) before the write starts; one that starts after reads it
	// revoked. The cached copy then goes, before RevokeKey returns.
	ctx, app := ringfence.WithAppended(ctx)
	e.keyMu.Lock()
	err := e.store.RevokeKey(ctx, id, e.Now(), e.entry(actor, "key.revoke", id, ""))
	e.keyMu.Unlock()
	if err != nil {
		return err
	}
	e.apply(ringfence.Event{Type: ringfence.EventKeyRevoked, KeyID: id})
	e.wrote(app)
	return nil
}
