package detect

// pairFilter remembers which (caller, callee) pairs occurred recently: a
// Bloom filter in two generations, each covering one window, so a pair is
// remembered for at least one window and at most two. False positives are
// rare at the configured size and only ever make a caller look more
// reciprocal (less suspicious) or more repetitive.
type pairFilter struct {
	cur, old []uint64
	mask     uint64
	window   int64
	genStart int64
}

func newPairFilter(bits uint, window int64) pairFilter {
	if bits < 10 {
		bits = 10
	}
	if window <= 0 {
		window = 86400
	}
	words := uint64(1) << (bits - 6)
	return pairFilter{
		cur:    make([]uint64, words),
		old:    make([]uint64, words),
		mask:   uint64(1)<<bits - 1,
		window: window,
	}
}

// advance rotates the generations when now has left the current window.
func (p *pairFilter) advance(now int64) {
	if p.genStart == 0 {
		p.genStart = now
		return
	}
	if now-p.genStart < p.window {
		return
	}
	if now-p.genStart >= 2*p.window {
		clear(p.old)
		clear(p.cur)
	} else {
		p.cur, p.old = p.old, p.cur
		clear(p.cur)
	}
	p.genStart = now
}

// The filter is blocked: both bits of a pair lie in one 64-bit word, so a
// lookup costs one memory access per generation.
func (p *pairFilter) word(h uint64) (uint64, uint64) {
	w := h & (p.mask >> 6)
	bits := uint64(1)<<((h>>40)&63) | uint64(1)<<((h>>50)&63)
	return w, bits
}

func (p *pairFilter) has(h uint64) bool {
	w, bits := p.word(h)
	return p.cur[w]&bits == bits || p.old[w]&bits == bits
}

func (p *pairFilter) add(h uint64) {
	w, bits := p.word(h)
	p.cur[w] |= bits
}

func (p *pairFilter) bytes() int64 { return int64(len(p.cur)+len(p.old)) * 8 }
