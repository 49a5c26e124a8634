package cdr

import (
	"encoding/binary"
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
	// The first eight digits at once (SWAR): every byte must be '0'..'9'.
	u := binary.LittleEndian.Uint64(b)
	if u&0xf0f0f0f0f0f0f0f0 != 0x3030303030303030 || (u+0x0606060606060606)&0xf0f0f0f0f0f0f0f0 != 0x3030303030303030 {
		return 0, false
	}
	d8, d9, d10 := b[8]-'0', b[9]-'0', b[10]-'0'
	if d8 > 9 || d9 > 9 || d10 > 9 {
		return 0, false
	}
	v := eightDigits(u)*1000 + uint64(d8)*100 + uint64(d9)*10 + uint64(d10)
	s := segment(int(b[1]-'0')*10 + int(b[2]-'0'))
	p := v / 10000 % 10000
	if s[p>>6]&(1<<(p&63)) == 0 {
		return 0, false
	}
	return 86_000_000_000_00 + v, true
}

// eightDigits is the value of eight decimal digits read as a little-endian
// word (the first digit in the low byte), combined in pairs, quads and
// halves by three multiplications.
func eightDigits(u uint64) uint64 {
	u = (u & 0x0f0f0f0f0f0f0f0f) * 2561 >> 8
	u = (u & 0x00ff00ff00ff00ff) * 6553601 >> 16
	return (u & 0x0000ffff0000ffff) * 42949672960001 >> 32
}
