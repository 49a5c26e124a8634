package sip

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// limiterBuckets is how many token buckets a limiter has. Sources share a
// bucket when their addresses hash alike, so memory stays fixed however many
// (possibly spoofed) addresses send.
const limiterBuckets = 1 << 14

// limiter keeps two token budgets per source address: new INVITEs and
// packets of any kind. Each refills at its rate per second up to one
// second's worth.
type limiter struct {
	seed    maphash.Seed
	invites float64
	packets float64
	t0      time.Time
	buckets [limiterBuckets]bucket
}

type bucket struct {
	mu      sync.Mutex
	invites float64
	packets float64
	last    int64 // nanoseconds since the limiter's t0
}

func newLimiter(invites, packets float64) *limiter {
	return &limiter{seed: maphash.MakeSeed(), invites: invites, packets: packets, t0: time.Now()}
}

func (l *limiter) bucket(a netip.Addr) *bucket {
	b := a.As16()
	return &l.buckets[maphash.Bytes(l.seed, b[:])%limiterBuckets]
}

// refill tops up b for the time since it was last seen; b.mu is held.
func (l *limiter) refill(b *bucket) {
	now := int64(time.Since(l.t0))
	if b.last == 0 {
		b.invites, b.packets, b.last = l.invites, l.packets, now
		return
	}
	dt := float64(now-b.last) / 1e9
	b.last = now
	b.invites = min(l.invites, b.invites+dt*l.invites)
	b.packets = min(l.packets, b.packets+dt*l.packets)
}

// invite spends one INVITE token of a's budget, reporting false when none
// is left.
func (l *limiter) invite(a netip.Addr) bool {
	return l.take(a, func(b *bucket) *float64 { return &b.invites })
}

// packet spends one packet token of a's budget.
func (l *limiter) packet(a netip.Addr) bool {
	return l.take(a, func(b *bucket) *float64 { return &b.packets })
}

// take spends one token of the budget that which picks from a's bucket.
func (l *limiter) take(a netip.Addr, which func(*bucket) *float64) bool {
	b := l.bucket(a)
	b.mu.Lock()
	defer b.mu.Unlock()
	l.refill(b)
	tokens := which(b)
	if *tokens < 1 {
		return false
	}
	*tokens--
	return true
}
