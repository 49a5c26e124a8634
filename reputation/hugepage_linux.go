package reputation

import (
	"syscall"
	"unsafe"
)

// adviseHugePages asks the kernel to back a large table with 2 MiB pages
// where it can (transparent huge pages in "madvise" mode). A probe of a
// table of hundreds of megabytes then rarely misses the TLB: with 4 KiB
// pages nearly every probe walks the page tables. It is advice: when the
// kernel declines, the table works as before.
func adviseHugePages(slots []entry) {
	const huge = 2 << 20
	if len(slots)*slotBytes < 2*huge {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&slots[0])), len(slots)*slotBytes)
	addr := uintptr(unsafe.Pointer(&b[0]))
	from := int((addr+huge-1)&^(huge-1) - addr)
	to := int((addr+uintptr(len(b)))&^(huge-1) - addr)
	if to <= from {
		return
	}
	_ = syscall.Madvise(b[from:to], syscall.MADV_HUGEPAGE)
}
