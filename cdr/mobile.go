package cdr

import (
	"strconv"
	"sync/atomic"

	"ringfence/number"
)

// Most numbers in call records are Chinese mobile numbers, written
// +86 1xx xxxx xxxx or 1xx xxxx xxxx without separators. Whether one is
// valid depends on its first seven digits only (the allocated ranges of
// the numbering plan), so the reader keeps the answer of package number
// for each seven-digit prefix in a bitmap (87 KiB for all of 130–199,
// built per three-digit segment on first use) and reads such a number
// without asking again. Anything else, and an invalid number (for its
// error), takes the general path.

// segBits is the validity of the 10,000 seven-digit prefixes of a segment.
type segBits [10000/64 + 1]uint64

var mobileSegs [100]atomic.Pointer[segBits] // by the segment's 2nd and 3rd digits

// segment returns the bitmap of segment 1xy (xy = 30..99).
func segment(xy int) *segBits {
	if s := mobileSegs[xy].Load(); s != nil {
		return s
	}
	s := new(segBits)
	buf := []byte("+861000000" + "0000")
	buf[4], buf[5] = byte('0'+xy/10), byte('0'+xy%10)
	for p := range 10000 {
		copy(buf[6:10], strconv.Itoa(10000 + p)[1:])
		if e, err := number.E164(string(buf)); err == nil && e == string(buf) {
			s[p>>6] |= 1 << (p & 63)
		}
	}
	mobileSegs[xy].Store(s) // a race builds it twice, alike
	return s
}

// fastMobile returns the key of b when b is a valid Chinese mobile number
// written as +86 and 11 digits, or as the 11 digits alone; ok is false
// for anything else, which key reads the general way.
func fastMobile(b []byte) (k uint64, ok bool) {
	if len(b) == 14 && b[0] == '+' && b[1] == '8' && b[2] == '6' {
		b = b[3:]
	}
	if len(b) != 11 || b[0] != '1' || b[1] < '3' || b[1] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + uint64(c)
	}
	s := segment(int(b[1]-'0')*10 + int(b[2]-'0'))
	p := v / 10000 % 10000
	if s[p>>6]&(1<<(p&63)) == 0 {
		return 0, false
	}
	return 86_000_000_000_00 + v, true
}
