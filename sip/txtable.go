package sip

import (
	"sync"
	"time"
)

// The transaction memory keeps each INVITE's decision for between txSpan
// and twice that: longer than a client retransmits an INVITE (Timer B,
// 64·T1 = 32 s) and than a CANCEL or ACK can trail it.
const (
	txSpan        = 32 * time.Second
	txShards      = 16
	txMaxPerShard = 1 << 15 // per generation: bounds memory under a flood (≈1M decisions, ~50 MB)
)

// txTable remembers recent INVITE decisions by transaction key, in two
// generations per shard: lookups see both, writes go to the current one,
// and the previous one is dropped when the current one is txSpan old or
// full. Memory is bounded and no per-entry timer is kept.
type txTable struct {
	span   time.Duration
	max    int
	shards [txShards]txShard
}

type txShard struct {
	mu       sync.Mutex
	cur, old map[uint64]decision
	since    time.Time
}

func newTxTable(span time.Duration, max int) *txTable {
	t := &txTable{span: span, max: max}
	now := time.Now()
	for i := range t.shards {
		t.shards[i].cur = map[uint64]decision{}
		t.shards[i].since = now
	}
	return t
}

func (t *txTable) shard(key uint64) *txShard { return &t.shards[key%txShards] }

func (t *txTable) get(key uint64) (decision, bool) {
	sh := t.shard(key)
	now := time.Now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.age(now, t.span, false)
	if d, ok := sh.cur[key]; ok {
		return d, true
	}
	d, ok := sh.old[key]
	return d, ok
}

func (t *txTable) put(key uint64, d decision) {
	sh := t.shard(key)
	now := time.Now()
	sh.mu.Lock()
	sh.age(now, t.span, len(sh.cur) >= t.max)
	sh.cur[key] = d
	sh.mu.Unlock()
}

// age starts a new generation when the current one is span old or full,
// and drops both when the shard has been idle for twice span. Every entry
// is kept at least span unless the shard fills up.
func (sh *txShard) age(now time.Time, span time.Duration, full bool) {
	switch e := now.Sub(sh.since); {
	case e >= 2*span:
		sh.old, sh.cur, sh.since = nil, map[uint64]decision{}, now
	case e >= span || full:
		sh.old, sh.cur, sh.since = sh.cur, make(map[uint64]decision, len(sh.cur)), now
	}
}
