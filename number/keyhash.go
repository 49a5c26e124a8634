package number

// KeyHash spreads the bits of a number key (see Key) for hash tables:
// Fibonacci hashing, a multiply by 2⁶⁴/φ. It is a bijection that keeps 0
// at 0 (so 0 can still mark an empty slot), and its top bits are well
// mixed even for consecutive numbers: index tables by them, shifting right.
func KeyHash(k uint64) uint64 { return k * 0x9E3779B97F4A7C15 }
