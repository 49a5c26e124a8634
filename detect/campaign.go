package detect

import (
	"ringfence/number"
	"strconv"
)

// campaignIndex links flagged numbers that belong to one campaign: numbers
// rotated by the same call room, which share callees (the same bought list,
// its redials and follow-ups), a number block and a kind of behaviour.
//
// A direct-mapped table remembers, per callee slot, the last flagged caller
// that dialled it, or else the last suspicious one, and when. A caller
// that keeps dialling callees that flagged numbers dialled on an earlier
// day (12 hours to 3 days before) accumulates a link to their campaign (a
// one-counter majority vote, so chance overlaps of unrelated lists do not
// link): a replacement number works its predecessor's list on a later day
// (redials, follow-ups of the prospects who talked), while the numbers
// dialling a list on the same day are as often other firms that bought it.
// A second table remembers, per number segment, the last flagged number
// that dialled it in order: a number dialling the same segment in order
// votes for its campaign too, on the same day as well (seats sharing out
// a segment, or the room's next number carrying on through it).
// The link also lets the next number of a campaign be scored from fewer
// calls (minCampaignCalls). A newly flagged number joins
// the campaign it is linked to; failing that, a campaign flagged recently in
// the same block of 1,000 numbers with the same kind within a day (a
// block of 10,000 links unrelated rooms once a carrier sees hundreds of
// flags a day).
//
// The same table gives the score its list evidence: the share of a
// caller's contacts at callees another suspicious number dialled within
// days, and at callees of a flagged number.
//
// Links are made when a number is flagged, from the evidence then at hand:
// a flag is raised once, with its campaign.
type campaignIndex struct {
	slots    []calleeSlot
	mask     uint64
	segments []segmentSlot
	smask    uint64
	roots    map[uint64]rootRecord // flagged number -> its campaign's root
	blocks   map[uint64]rootRecord // number block -> latest campaign flagged in it
}

// calleeSlot is the last suspicious or flagged number that dialled a
// callee hashed to it, and when (detector-relative seconds).
type calleeSlot struct {
	fp     uint32
	at     uint32
	caller uint64
}

// segmentSlot is the last flagged number that dialled a segment of
// segmentSize numbers hashed to the slot while dialling in order, the
// segment, and when (detector-relative seconds).
type segmentSlot struct {
	segment uint64
	caller  uint64
	at      uint32
}

// segmentSize is a mobile number segment: the first seven digits of a
// mainland mobile number (the HLR code) name a block of 10,000, and lists
// sold or split "by segment" are such blocks. A room's seats split one and
// dial their shares in order; its next numbers carry on where the last
// ones stopped.
const segmentSize = 10_000

// segmentSpan is how long after a flagged number dialled a segment in order
// a newly flagged number dialling the same segment in order joins its
// campaign on that call alone.
const segmentSpan = 3600

type rootRecord struct {
	root uint64
	at   int64
	kind uint8
}

// Links between numbers flagged more than this far apart by block alone
// are not made: a room rotates its numbers daily.
const blockLinkSpan = 86400 + 3600

// sharedSpan is how long a callee is remembered as dialled by a
// suspicious or flagged number: a list is worked over days.
const sharedSpan = 3 * 86400

// minBlockKey is the least number key (twelve digits: 86 and a
// ten-digit national number) linked by its block.
const minBlockKey = 100_000_000_000

// campaignGap is how long before a contact a flagged number must have
// dialled the callee for the contact to vote for its campaign: a number
// that replaces a retired one works its list on a later day (its
// predecessor's redials and follow-ups), while numbers working a list at
// the same time are as often other firms that bought it as seats of one
// room.
const campaignGap = 12 * 3600

// minShared is the link strength (shared callees, net of others) needed to
// join a campaign by callees.
const minShared = 3

func newCampaignIndex(bits uint) campaignIndex {
	if bits < 8 {
		bits = 8
	}
	n := 1 << bits
	r := n >> 2
	return campaignIndex{
		slots:    make([]calleeSlot, n),
		mask:     uint64(n - 1),
		segments: make([]segmentSlot, r),
		smask:    uint64(r - 1),
		roots:    make(map[uint64]rootRecord),
		blocks:   make(map[uint64]rootRecord),
	}
}

// slot returns the slot of callee.
func (x *campaignIndex) slot(callee uint64) *calleeSlot {
	return &x.slots[number.Mix(callee^0x5bd1e995)&x.mask]
}

// segmentOf returns the slot of callee's segment.
func (x *campaignIndex) segmentOf(callee uint64) *segmentSlot {
	return &x.segments[number.Mix(callee/segmentSize^0x27d4eb2f)&x.smask]
}

// inOrder reports whether caller s dials mostly in number order (more
// than half of its recent calls a few numbers from the one before).
func inOrder(s *caller) bool {
	return s.seq*2 > s.n
}

// note records a call by flagged number s at relative time t.
func (x *campaignIndex) note(s *caller, callee uint64, t uint32) {
	h := number.Mix(callee ^ 0x5bd1e995)
	x.slots[h&x.mask] = calleeSlot{fp: uint32(h >> 32), at: t, caller: s.key}
	if inOrder(s) {
		*x.segmentOf(callee) = segmentSlot{segment: callee / segmentSize, caller: s.key, at: t}
	}
}

// vote counts a contact for campaign root in caller s's one-counter
// majority vote.
func vote(s *caller, root uint64) {
	switch {
	case s.partner == root:
		if s.pcnt < 1<<15 {
			s.pcnt++
		}
	case s.pcnt == 0:
		s.partner, s.pcnt = root, 1
	default:
		s.pcnt--
	}
}

// segmentVote reports the campaign of the flagged number that last dialled
// callee's segment in order within span before t, when caller s dials in
// order too: seats of one room sharing out a segment, or a room's next
// number carrying on through it.
func (x *campaignIndex) segmentVote(s *caller, callee uint64, t, span uint32) (uint64, bool) {
	if !inOrder(s) {
		return 0, false
	}
	r := x.segmentOf(callee)
	if r.caller == 0 || r.caller == s.key || r.segment != callee/segmentSize || r.at > t || t-r.at >= span {
		return 0, false
	}
	root, ok := x.roots[r.caller]
	return root.root, ok
}

// observe looks up a new contact by a caller not flagged, at relative
// time t, and remembers the caller as the callee's latest dialler when it
// is suspicious. It reports whether another suspicious number
// dialled the same callee within days (shared) and whether that number is
// flagged (listed), and updates the caller's link: a one-counter majority
// vote over the numbers whose callees it shares.
func (x *campaignIndex) observe(s *caller, callee uint64, t uint32, suspicious bool) (shared, listed bool) {
	h := number.Mix(callee ^ 0x5bd1e995)
	slot := &x.slots[h&x.mask]
	keep := false
	if slot.fp == uint32(h>>32) && slot.caller != 0 && slot.caller != s.key && (slot.at >= t || t-slot.at < sharedSpan) {
		shared = true
		// Votes go to flagged numbers' campaigns only: a room's numbers
		// not yet flagged are many, and votes split among them would
		// cancel out.
		if r, ok := x.roots[slot.caller]; ok {
			listed = true
			if t >= slot.at+campaignGap {
				vote(s, r.root)
				return shared, listed // the flagged number keeps the slot
			}
			// The same day: another number working the list alongside,
			// a seat of the room or another firm. The flagged number
			// keeps the slot; a segment may still vote.
			keep = true
		}
	}
	if root, ok := x.segmentVote(s, callee, t, sharedSpan); ok {
		vote(s, root)
	}
	if suspicious && !keep {
		*slot = calleeSlot{fp: uint32(h >> 32), at: t, caller: s.key}
	}
	return shared, listed
}

// link places a newly flagged caller in a campaign and returns the
// campaign's name, or "" when it starts a campaign of its own (its name is
// then derived from its number should others join). It joins the
// campaign whose callees it shares most; or else, when its call to callee
// at relative time t is in a segment a flagged number dialled in order
// within the hour, that number's; or else one flagged within a day in the
// same block of 1,000 numbers with the same kind.
func (x *campaignIndex) link(s *caller, kind uint8, now int64, callee uint64, t uint32) string {
	block := s.key / 1000
	root := s.key
	if s.pcnt >= minShared {
		if r, ok := x.roots[s.partner]; ok {
			root = r.root
		}
	}
	if root == s.key {
		if r, ok := x.segmentVote(s, callee, t, segmentSpan); ok {
			root = r
		}
	}
	// Blocks mean something only among full-length numbers: all 95xxx
	// and 96xxx service numbers share one.
	blocky := s.key >= minBlockKey
	if root == s.key && blocky {
		if b, ok := x.blocks[block]; ok && b.kind == kind && now-b.at <= blockLinkSpan {
			root = b.root
		}
	}
	x.roots[s.key] = rootRecord{root: root, at: now, kind: kind}
	if blocky {
		x.blocks[block] = rootRecord{root: root, at: now, kind: kind}
	}
	if r, ok := x.roots[root]; ok && root != s.key {
		r.at = now
		x.roots[root] = r
	}
	if root == s.key {
		return ""
	}
	return CampaignName(root)
}

// CampaignName is the name of the campaign founded by the number with key
// root: "campaign-" and the number's E.164 digits.
func CampaignName(root uint64) string {
	return "campaign-" + strconv.FormatUint(root, 10)
}

func (x *campaignIndex) expire(cutoff int64) {
	for _, m := range []map[uint64]rootRecord{x.roots, x.blocks} {
		for k, r := range m {
			if r.at < cutoff {
				delete(m, k)
			}
		}
	}
}

func (x *campaignIndex) bytes() int64 {
	return int64(len(x.slots))*16 + int64(len(x.segments))*24 + int64(len(x.roots)+len(x.blocks))*48
}
