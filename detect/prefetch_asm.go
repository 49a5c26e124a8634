//go:build amd64 || arm64

package detect

// prefetch4 asks the processor to bring the cache lines at four addresses
// towards the core, without waiting for them: a hint that cannot fault and
// changes no value (an address may be stale or bogus).
//
//go:noescape
func prefetch4(a, b, c, d uintptr)
