//go:build !amd64 && !arm64

package detect

// prefetch4 is a hint that does nothing on this architecture.
func prefetch4(a, b, c, d uintptr) {}
