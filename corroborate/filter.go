package corroborate

import "ringfence/number"

// A dayFilter is one day's cuckoo filter: a chain of tables, each of
// buckets of four 16-bit fingerprints (0 marks an empty slot), filled one
// after the other. A fingerprint lives in one of two buckets of its table,
// i1 from the item's hash and i2 = (g(fp) − i1) mod n, an involution, so a
// fingerprint moved by a kick finds its other bucket without the item; a
// fingerprint that cannot be placed after maxKicks waits in a small stash.
type dayFilter struct {
	day   int64
	tabs  []table
	stash []stashed
	n     int  // items held
	sized bool // the first table was sized from the day before
}

type table struct {
	b [][slots]uint16
	n int
}

type stashed struct {
	tab    int
	bucket int
	fp     uint16
}

const (
	slots    = 4
	maxLoad  = 0.94 // a table takes items up to this share of its slots
	maxKicks = 500
	// The first day's first table, before any day's count is known: small,
	// so that a sketch of few callers stays small; the day chains tables
	// as it grows (see insert).
	initialItems = 1 << 8
	minBuckets   = 16
)

// grow chains a table sized for about items more items.
func (f *dayFilter) grow(items int) {
	nb := max(int(float64(items)/(maxLoad*slots))+1, minBuckets)
	f.tabs = append(f.tabs, table{b: make([][slots]uint16, nb)})
}

func fingerprint(h uint64) uint16 {
	fp := uint16(h) // reduce takes the bucket from the high bits
	if fp == 0 {
		fp = 1
	}
	return fp
}

// alt is the other bucket of fingerprint fp in bucket i of a table of n
// buckets: alt(alt(i)) == i.
func alt(fp uint16, i, n int) int {
	g := reduce(number.Mix(uint64(fp)), n)
	j := g - i
	if j < 0 {
		j += n
	}
	return j
}

func (t *table) has(i int, fp uint16) bool {
	b := &t.b[i]
	return b[0] == fp || b[1] == fp || b[2] == fp || b[3] == fp
}

func (t *table) put(i int, fp uint16) bool {
	b := &t.b[i]
	for k := range b {
		if b[k] == 0 {
			b[k] = fp
			t.n++
			return true
		}
	}
	return false
}

func (f *dayFilter) contains(h uint64) bool {
	fp := fingerprint(h)
	for ti := range f.tabs {
		t := &f.tabs[ti]
		n := len(t.b)
		i := reduce(h, n)
		if t.has(i, fp) || t.has(alt(fp, i, n), fp) {
			return true
		}
	}
	for _, s := range f.stash {
		if s.fp == fp {
			t := &f.tabs[s.tab]
			if i := reduce(h, len(t.b)); s.bucket == i || s.bucket == alt(fp, i, len(t.b)) {
				return true
			}
		}
	}
	return false
}

// insert adds the item of hash h unless the filter holds it already.
func (f *dayFilter) insert(h uint64) {
	if f.contains(h) {
		return
	}
	t := &f.tabs[len(f.tabs)-1]
	if float64(t.n+1) > maxLoad*float64(len(t.b)*slots) {
		// The day outgrew its table: chain another, half as big as the
		// day so far when the first was a guess (the tables grow by half,
		// so a day that starts from nothing chains about twenty, and
		// holds at most 1.5 × 2/0.94 ≈ 3.2 bytes an item), a sixteenth
		// when it was sized from the day before (a busier day than that
		// one is seldom much busier).
		chunk := max(f.n/2, initialItems)
		if f.sized {
			chunk = max(f.n/16, 256)
		}
		f.grow(chunk)
		t = &f.tabs[len(f.tabs)-1]
	}
	f.n++
	fp := fingerprint(h)
	n := len(t.b)
	i := reduce(h, n)
	if t.put(i, fp) {
		return
	}
	i = alt(fp, i, n)
	if t.put(i, fp) {
		return
	}
	// Kick: swap with a resident of i and move the resident to its other
	// bucket, until one fits. The victim's slot rotates so a cycle breaks.
	for k := 0; k < maxKicks; k++ {
		s := k % slots
		fp, t.b[i][s] = t.b[i][s], fp
		i = alt(fp, i, n)
		if t.put(i, fp) {
			return
		}
	}
	f.stash = append(f.stash, stashed{tab: len(f.tabs) - 1, bucket: i, fp: fp})
}

func (f *dayFilter) bytes() int {
	b := len(f.stash) * 16
	for _, t := range f.tabs {
		b += len(t.b) * slots * 2
	}
	return b
}
