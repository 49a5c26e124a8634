package number

// KeyHash spreads the bits of a number key (see Key) for hash tables:
// Fibonacci hashing, a multiply by 2⁶⁴/φ. It is a bijection that keeps 0
// at 0 (so 0 can still mark an empty slot), and its top bits are well
// mixed even for consecutive numbers: index tables by them, shifting right.
func KeyHash(k uint64) uint64 { return k * 0x9E3779B97F4A7C15 }

// Mix is the splitmix64 finaliser: every bit of x affects every bit of the
// result. For sketches and filters that need independent hashes of one key
// (mix it with different seeds), where KeyHash's top bits are not enough.
func Mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
