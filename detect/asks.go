package detect

import "ringfence/number"

// askIndex remembers who rang a service line lately: a direct-mapped
// table of the numbers that called a 95/96 service number or a 400/800
// number, and when. A bank or a utility returns its customers' calls, often
// from an outbound line of its own that the customer never rang, so the
// customer's call to the hotline does not show as the callee having called
// the caller (known). That a callee had rung a service line shortly before
// is what tells such a line from a telemarketer working a list, whose
// callees rang no one: it is evidence of welcome, read per contact
// (asked), never of abuse.
//
// A slot is 8 bytes: the fingerprint of the number and the time of its
// latest call to a service line. A slot taken by another number forgets
// the first, which can only withhold evidence of welcome.
type askIndex struct {
	slots []uint64
	mask  uint64
}

// askSpan is how long after a call to a service line its caller counts as
// expecting a call back: a bank or a utility returns calls within the day.
const askSpan = 86400

func newAskIndex(bits uint) askIndex {
	if bits < 8 {
		bits = 8
	}
	n := 1 << bits
	return askIndex{slots: make([]uint64, n), mask: uint64(n - 1)}
}

func askHash(key uint64) uint64 { return number.Mix(key ^ 0x2545f4914f6cdd1d) }

// slot returns the slot of number key.
func (x *askIndex) slot(key uint64) *uint64 { return &x.slots[askHash(key)&x.mask] }

// note records that number key called a service line at relative time t.
func (x *askIndex) note(key uint64, t uint32) {
	h := askHash(key)
	x.slots[h&x.mask] = h>>32<<32 | uint64(t)
}

// asked reports whether number key called a service line within askSpan
// before relative time t (or at most Disorder's few minutes after it).
func (x *askIndex) asked(key uint64, t uint32) bool {
	h := askHash(key)
	e := x.slots[h&x.mask]
	if e == 0 || e>>32 != h>>32 {
		return false
	}
	at := uint32(e)
	return at <= t && t-at < askSpan || at > t && at-t < 600
}

// serviceLine reports whether number key is a 95/96 service number or a
// 400/800 number. Digit ranges of the key (86 and 95 or 96 and three to
// six digits more; 86 and 400 or 800 and seven more) pass the few calls
// that may be to one (a landline's key is longer), and the number plan
// decides.
func serviceLine(key uint64) bool {
	switch {
	case key >= 86_95_000 && key < 86_97_000,
		key >= 86_95_0000 && key < 86_97_0000,
		key >= 86_95_00000 && key < 86_97_00000,
		key >= 86_95_000000 && key < 86_97_000000,
		key >= 86_400_0000000 && key < 86_401_0000000,
		key >= 86_800_0000000 && key < 86_801_0000000:
		return rangeOf(key) == rangeService
	}
	return false
}
