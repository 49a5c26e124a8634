package http

import (
	"sync"
	"time"

	"ringfence"
)

// limiter is a token bucket per key.
type limiter struct {
	limits Limits
	mu     sync.Mutex
	keys   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(l Limits) *limiter { return &limiter{limits: l, keys: map[string]*bucket{}} }

func (l *limiter) allow(k ringfence.Key) bool {
	rate, ok := l.limits[k.Role]
	if !ok {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.keys[k.ID]
	if b == nil {
		b = &bucket{tokens: rate.Burst, last: now}
		l.keys[k.ID] = b
	}
	b.tokens = min(rate.Burst, b.tokens+now.Sub(b.last).Seconds()*rate.PerSecond)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
