package detect

import (
	"unsafe"

	"ringfence"
	"ringfence/number"
)

// Batches are observed in a software pipeline. While a call is observed,
// the table entries of the call aheadB places later are prefetched by its
// entries in the caller index (the states of its caller and callee), and
// those of the call aheadA places later by hash (its pair buckets, its
// slot in the duplicate filter, its line of the inbound sketch, its
// callee's campaign and ask slots and the caller index). A prefetch is a hint that
// neither waits nor changes a value, so the memory reads of later calls
// overlap the work on this one instead of stalling it; on tables of
// millions of subscribers those reads are most of a call's cost.
//
// The distances are in calls: far enough ahead for a read from memory to
// arrive while the calls before it are observed (a few hundred
// nanoseconds each), near enough that what arrives is still in the cache
// when its call comes.
const (
	aheadA = 8
	aheadB = 4
)

// prefetchA prefetches the entries that a call's hashes locate.
func (d *Detector) prefetchA(c *ringfence.CallRecord) {
	hab := mixPair(c.Caller, c.Callee)
	hba := mixPair(c.Callee, c.Caller)
	hcallee := number.Mix(c.Callee)
	prefetch4(
		uintptr(unsafe.Pointer(d.pairs.bucket(hab))),
		uintptr(unsafe.Pointer(d.pairs.bucket(hba))),
		uintptr(unsafe.Pointer(&d.rows.fps[rowHash(c, hab)>>20&d.rows.mask])),
		uintptr(unsafe.Pointer(d.bursts.counts.line(hcallee))),
	)
	prefetch4(
		uintptr(unsafe.Pointer(&d.callers.index[d.callers.slotOf(c.Caller)])),
		uintptr(unsafe.Pointer(&d.callers.index[(hcallee|1<<63)&d.callers.mask])), // slotOf(c.Callee)
		uintptr(unsafe.Pointer(d.campaigns.slot(c.Callee))),
		uintptr(unsafe.Pointer(d.asks.slot(c.Callee))),
	)
}

// prefetchB prefetches the states of a call's caller and callee, placed
// by the first entries of their probe sequences in the caller index
// (which prefetchA brought in): the lines of the record, which may span
// four.
func (d *Detector) prefetchB(c *ringfence.CallRecord) {
	const size = unsafe.Sizeof(caller{})
	if e := d.callers.index[d.callers.slotOf(c.Caller)]; e != 0 && uint32(e) < d.callers.n {
		a := uintptr(unsafe.Pointer(d.callers.at(uint32(e))))
		prefetch4(a, a+64, a+128, a+size-1)
	}
	if e := d.callers.index[d.callers.slotOf(c.Callee)]; e != 0 && uint32(e) < d.callers.n {
		b := uintptr(unsafe.Pointer(d.callers.at(uint32(e))))
		prefetch4(b, b+64, b+128, b+size-1)
	}
}
