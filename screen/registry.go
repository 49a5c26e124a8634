package screen

import (
	"strings"

	"ringfence"
)

// Registry answers "is this caller a verified business?" for numbers and
// prefixes registered by an operator. It is immutable; build a new one to
// change it. Lookups allocate nothing.
type Registry struct {
	exact    map[string]*ringfence.Business
	prefixes map[string]*ringfence.Business
	lengths  []int // prefix lengths present, longest first
}

// NewRegistry builds a registry from businesses whose patterns are E.164
// numbers or E.164 prefixes ending in "*".
func NewRegistry(bs []ringfence.Business) *Registry {
	r := &Registry{exact: map[string]*ringfence.Business{}, prefixes: map[string]*ringfence.Business{}}
	seen := map[int]bool{}
	for i := range bs {
		b := &bs[i]
		if p, ok := strings.CutSuffix(b.Pattern, "*"); ok {
			r.prefixes[p] = b
			if !seen[len(p)] {
				seen[len(p)] = true
				r.lengths = append(r.lengths, len(p))
			}
		} else {
			r.exact[b.Pattern] = b
		}
	}
	for i := 1; i < len(r.lengths); i++ { // insertion sort, longest first
		for j := i; j > 0 && r.lengths[j] > r.lengths[j-1]; j-- {
			r.lengths[j], r.lengths[j-1] = r.lengths[j-1], r.lengths[j]
		}
	}
	return r
}

// Lookup returns the business covering e164, the exact number first, then
// the longest prefix; nil when none does.
func (r *Registry) Lookup(e164 string) *ringfence.Business {
	if r == nil {
		return nil
	}
	if b := r.exact[e164]; b != nil {
		return b
	}
	for _, n := range r.lengths {
		if n <= len(e164) {
			if b := r.prefixes[e164[:n]]; b != nil {
				return b
			}
		}
	}
	return nil
}

// Len is the number of registered numbers and prefixes.
func (r *Registry) Len() int {
	if r == nil {
		return 0
	}
	return len(r.exact) + len(r.prefixes)
}
