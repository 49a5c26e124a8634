package reputation

import (
	"math/bits"
	"sync"

	"ringfence/number"
)

// Index maps numbers (as keys from number.Key) to their Summary. It is an
// open-addressing hash table with linear probing over one flat array of
// 16-byte slots, a key beside its summary, kept between 54% and 85% full, so
// it costs about 19–30 bytes per number. Four slots share a 64-byte cache
// line (the runtime starts a large array on a page), so a lookup usually
// touches one cache line and one page, and allocates nothing. Safe for concurrent use;
// readers share a lock.
type Index struct {
	mu    sync.RWMutex
	slots []entry
	n     int
}

// entry is one slot: key 0 marks an empty slot (number keys are never 0).
type entry struct {
	key uint64
	val Summary
}

const slotBytes = 16 // the size of an entry

const (
	targetLoad = 0.7
	maxLoad    = 0.85
)

// NewIndex returns an index sized for about n numbers.
func NewIndex(n int) *Index {
	x := &Index{}
	x.alloc(n)
	return x
}

func (x *Index) alloc(n int) {
	size := max(int(float64(n)/targetLoad)+1, 16)
	x.slots = make([]entry, size)
	adviseHugePages(x.slots)
	x.n = 0
}

// slot maps a key to its home slot by multiply-shift range reduction of a
// mixed hash, so the table size need not be a power of two.
func slot(k uint64, size int) int {
	h := number.KeyHash(k)
	h ^= h >> 29
	hi, _ := bits.Mul64(h*0xbf58476d1ce4e5b9, uint64(size))
	return int(hi)
}

// Get returns the summary of key k, or 0 when k has none.
func (x *Index) Get(k uint64) Summary {
	x.mu.RLock()
	v := x.get(k)
	x.mu.RUnlock()
	return v
}

func (x *Index) get(k uint64) Summary {
	slots := x.slots
	for i := slot(k, len(slots)); ; {
		e := &slots[i]
		switch e.key {
		case k:
			return e.val
		case 0:
			return 0
		}
		if i++; i == len(slots) {
			i = 0
		}
	}
}

// Set stores s for key k; s == 0 removes k. Key 0 is ignored.
func (x *Index) Set(k uint64, s Summary) {
	if k == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if s == 0 {
		x.remove(k)
		return
	}
	if float64(x.n+1) > maxLoad*float64(len(x.slots)) {
		x.grow()
	}
	x.put(k, s)
}

func (x *Index) put(k uint64, s Summary) {
	for i := slot(k, len(x.slots)); ; {
		e := &x.slots[i]
		switch e.key {
		case k:
			e.val = s
			return
		case 0:
			*e = entry{k, s}
			x.n++
			return
		}
		if i++; i == len(x.slots) {
			i = 0
		}
	}
}

// remove deletes k with backward-shift deletion, keeping probe chains whole.
func (x *Index) remove(k uint64) {
	sl := x.slots
	size := len(sl)
	i := slot(k, size)
	for sl[i].key != k {
		if sl[i].key == 0 {
			return
		}
		if i++; i == size {
			i = 0
		}
	}
	for {
		sl[i] = entry{}
		j := i
		for {
			if j++; j == size {
				j = 0
			}
			if sl[j].key == 0 {
				x.n--
				return
			}
			home := slot(sl[j].key, size)
			// Move j back to i unless its home lies cyclically in (i, j].
			if (i <= j && (home <= i || home > j)) || (i > j && home <= i && home > j) {
				sl[i] = sl[j]
				i = j
				break
			}
		}
	}
}

func (x *Index) grow() {
	old := x.slots
	x.alloc(int(float64(x.n) * 1.3))
	for _, e := range old {
		if e.key != 0 {
			x.put(e.key, e.val)
		}
	}
}

// Len is the number of keys held.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.n
}

// Bytes is the memory held by the table's arrays.
func (x *Index) Bytes() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.slots) * slotBytes
}

// Range calls f for every key and summary until f returns false. It holds
// the read lock throughout: f must not call Set.
func (x *Index) Range(f func(k uint64, s Summary) bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, e := range x.slots {
		if e.key != 0 && !f(e.key, e.val) {
			return
		}
	}
}
