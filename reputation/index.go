package reputation

import (
	"math/bits"
	"sync"

	"ringfence/number"
)

// Index maps numbers (as keys from number.Key) to their Summary. It is an
// open-addressing hash table with linear probing over two flat arrays, 16
// bytes a slot, kept between 54% and 85% full, so it costs about 19–30 bytes
// per number and a lookup touches one or two cache lines and allocates
// nothing. Safe for concurrent use; readers share a lock.
type Index struct {
	mu   sync.RWMutex
	keys []uint64 // 0 marks an empty slot; number keys are never 0
	vals []Summary
	n    int
}

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
	x.keys = make([]uint64, size)
	x.vals = make([]Summary, size)
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
	keys := x.keys
	i := slot(k, len(keys))
	for {
		switch keys[i] {
		case k:
			return x.vals[i]
		case 0:
			return 0
		}
		if i++; i == len(keys) {
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
	if float64(x.n+1) > maxLoad*float64(len(x.keys)) {
		x.grow()
	}
	x.put(k, s)
}

func (x *Index) put(k uint64, s Summary) {
	i := slot(k, len(x.keys))
	for {
		switch x.keys[i] {
		case k:
			x.vals[i] = s
			return
		case 0:
			x.keys[i], x.vals[i] = k, s
			x.n++
			return
		}
		if i++; i == len(x.keys) {
			i = 0
		}
	}
}

// remove deletes k with backward-shift deletion, keeping probe chains whole.
func (x *Index) remove(k uint64) {
	size := len(x.keys)
	i := slot(k, size)
	for x.keys[i] != k {
		if x.keys[i] == 0 {
			return
		}
		if i++; i == size {
			i = 0
		}
	}
	for {
		x.keys[i], x.vals[i] = 0, 0
		j := i
		for {
			if j++; j == size {
				j = 0
			}
			if x.keys[j] == 0 {
				x.n--
				return
			}
			home := slot(x.keys[j], size)
			// Move j back to i unless its home lies cyclically in (i, j].
			if (i <= j && (home <= i || home > j)) || (i > j && home <= i && home > j) {
				x.keys[i], x.vals[i] = x.keys[j], x.vals[j]
				i = j
				break
			}
		}
	}
}

func (x *Index) grow() {
	keys, vals := x.keys, x.vals
	x.alloc(int(float64(x.n) * 1.3))
	for i, k := range keys {
		if k != 0 {
			x.put(k, vals[i])
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
	return len(x.keys) * 16
}

// Range calls f for every key and summary until f returns false. It holds
// the read lock throughout: f must not call Set.
func (x *Index) Range(f func(k uint64, s Summary) bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for i, k := range x.keys {
		if k != 0 && !f(k, x.vals[i]) {
			return
		}
	}
}
