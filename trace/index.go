package trace

import (
	"math/bits"
	"slices"

	"ringfence/number"
)

// keyTable maps found keys of one kind to the found records holding them:
// an open-addressing hash table over a sorted array of keys. Print values
// are keyed hashes, so the table hashes them with a multiply only.
type keyTable struct {
	rot   int // left rotation that brings a key's most varied bits to the top
	shift uint
	slots []uint64 // key per slot, 0 when empty (keys are never 0)
	first []uint32 // index into keys of the first key equal to the slot's
	keys  []foundKey
	// filter has 16 bits per key, one set for each: small enough to stay
	// in cache, it turns away about 94% of the lookups of absent keys,
	// which are nearly all of them.
	filter      []uint64
	filterShift uint
}

// rotWhole rotates a structured print so that its whole-value bits come
// first: the order print lists are sorted in and tables are indexed by.
const rotWhole = 64 - maskShift

// maskBitsLen is the number of mask bits of a structured print.
const maskBitsLen = 64 - maskShift

// maskKey is the found-key value of the mask part of a structured print:
// its mask bits plus one, so that no key is 0.
func maskKey(p uint64) uint64 { return MaskBits(p) + 1 }

func newKeyTable(keys []foundKey, rot int) *keyTable {
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, func(a, b foundKey) int { return cmpU64(a.value, b.value) })
	size := 1 << bits.Len(uint(2*len(keys)))
	t := &keyTable{
		rot:   rot,
		shift: uint(64 - bits.Len(uint(size-1))),
		slots: make([]uint64, size),
		first: make([]uint32, size),
		keys:  keys,
	}
	fbits := 1 << bits.Len(uint(16*len(keys)-1))
	t.filter = make([]uint64, max(fbits/64, 1))
	t.filterShift = uint(64 - bits.Len(uint(max(fbits, 64)-1)))
	mask := uint64(size - 1)
	for i, k := range keys {
		f := bits.RotateLeft64(k.value, rot) >> t.filterShift
		t.filter[f>>6] |= 1 << (f & 63)
		if i > 0 && keys[i-1].value == k.value {
			continue
		}
		tk := k.value
		for s := bits.RotateLeft64(tk, rot) >> t.shift; ; s = (s + 1) & mask {
			if t.slots[s] == 0 {
				t.slots[s] = tk
				t.first[s] = uint32(i)
				break
			}
		}
	}
	return t
}

// lookup returns the keys equal to v (nil when none).
func (t *keyTable) lookup(v uint64) []foundKey {
	r := bits.RotateLeft64(v, t.rot)
	if f := r >> t.filterShift; t.filter[f>>6]&(1<<(f&63)) == 0 {
		return nil
	}
	tk := v
	mask := uint64(len(t.slots) - 1)
	for s := r >> t.shift; ; s = (s + 1) & mask {
		switch t.slots[s] {
		case tk:
			i := int(t.first[s])
			j := i + 1
			for j < len(t.keys) && t.keys[j].value == v {
				j++
			}
			return t.keys[i:j]
		case 0:
			return nil
		}
	}
}

// foundIndex holds one table per key kind present in a found list.
type foundIndex struct {
	tables [numKeyKinds]*keyTable
}

func newFoundIndex(f *Found) *foundIndex {
	var byKind [numKeyKinds][]foundKey
	for _, k := range f.keys {
		byKind[k.kind] = append(byKind[k.kind], k)
	}
	ix := &foundIndex{}
	for kind := range byKind {
		// Whole-value keys are indexed by their low (whole-value) bits
		// first, the order print lists are sorted in, so that the lookups of
		// one list walk the table from one end to the other; mask keys
		// (mask bits plus one) by their 40 bits.
		rot := rotWhole
		if kind == keyPhoneMask || kind == keyIDMask {
			rot = 64 - maskBitsLen
		}
		ix.tables[kind] = newKeyTable(byKind[kind], rot)
	}
	return ix
}

// u64map maps non-zero uint64 keys (number keys, keyed hashes) to uint32
// values: open addressing, linear probing on number.KeyHash, at most half
// full. It is the found list's dedupe table, where Go maps cost a cache miss
// and more per operation.
type u64map struct {
	keys  []uint64
	vals  []uint32
	n     int
	shift uint
}

func newU64map(hint int) *u64map {
	m := &u64map{}
	m.init(1 << bits.Len(uint(max(2*hint, 16)-1)))
	return m
}

func (m *u64map) init(size int) {
	m.keys = make([]uint64, size)
	m.vals = make([]uint32, size)
	m.shift = uint(64 - bits.Len(uint(size-1)))
}

// slot returns the slot holding k or the empty slot where it belongs.
func (m *u64map) slot(k uint64) int {
	mask := len(m.keys) - 1
	for s := int(number.KeyHash(k) >> m.shift); ; s = (s + 1) & mask {
		if m.keys[s] == k || m.keys[s] == 0 {
			return s
		}
	}
}

// get returns the value of k.
func (m *u64map) get(k uint64) (uint32, bool) {
	s := m.slot(k)
	return m.vals[s], m.keys[s] != 0
}

// putNew sets k to v unless k is present; it reports whether it set it.
func (m *u64map) putNew(k uint64, v uint32) bool {
	s := m.slot(k)
	if m.keys[s] != 0 {
		return false
	}
	m.keys[s], m.vals[s] = k, v
	m.n++
	if 2*m.n > len(m.keys) {
		keys, vals := m.keys, m.vals
		m.init(2 * len(keys))
		for i, k := range keys {
			if k != 0 {
				s := m.slot(k)
				m.keys[s], m.vals[s] = k, vals[i]
			}
		}
	}
	return true
}
