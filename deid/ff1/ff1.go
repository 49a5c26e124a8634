// Package ff1 implements the FF1 format-preserving encryption mode of NIST
// SP 800-38G on the AES block cipher from crypto/aes.
//
// FF1 encrypts a string of numerals in a given radix (2 to 65536) into a
// string of the same length in the same radix, under a key and an optional
// tweak. ringfence uses it to encrypt phone numbers, identity numbers and
// cards into values of the same shape that the key holder can decrypt.
package ff1

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
)

// Limits of the mode.
const (
	MinRadix  = 2
	MaxRadix  = 1 << 16
	MinDomain = 1000000 // radix^n must reach this (SP 800-38G Rev. 1)
	MaxLen    = 1 << 16 // longest numeral string accepted
	MaxTweak  = 1 << 16 // longest tweak accepted, in bytes
	rounds    = 10
	blockSize = aes.BlockSize
)

// Cipher is an FF1 cipher for one key and radix. It is safe for concurrent
// use.
type Cipher struct {
	block  cipher.Block
	radix  int
	minLen int
}

// ErrDomain is returned when a string is too short or too long for the
// cipher's radix.
var ErrDomain = errors.New("ff1: numeral string outside the domain")

// fastLimit bounds radix^v for the uint64 round arithmetic; a variable so
// that tests can force the big.Int path.
var fastLimit uint64 = 1 << 56

// New returns an FF1 cipher with an AES key of 16, 24 or 32 bytes for
// numerals in the given radix.
func New(key []byte, radix int) (*Cipher, error) {
	if radix < MinRadix || radix > MaxRadix {
		return nil, fmt.Errorf("ff1: radix %d outside [%d, %d]", radix, MinRadix, MaxRadix)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("ff1: %w", err)
	}
	minLen := 2
	for d := radix * radix; d < MinDomain; d *= radix {
		minLen++
	}
	return &Cipher{block: block, radix: radix, minLen: minLen}, nil
}

// MinLen is the shortest numeral string the cipher accepts, the least n with
// radix^n >= MinDomain.
func (c *Cipher) MinLen() int { return c.minLen }

// Encrypt encrypts the numerals x (each below the radix) under tweak and
// returns a new slice of the same length.
func (c *Cipher) Encrypt(x []uint16, tweak []byte) ([]uint16, error) {
	return c.crypt(x, tweak, true)
}

// Decrypt is the inverse of Encrypt.
func (c *Cipher) Decrypt(x []uint16, tweak []byte) ([]uint16, error) {
	return c.crypt(x, tweak, false)
}

func (c *Cipher) crypt(x []uint16, tweak []byte, encrypt bool) ([]uint16, error) {
	n := len(x)
	if n < c.minLen || n > MaxLen {
		return nil, fmt.Errorf("%w: length %d, radix %d needs %d to %d numerals", ErrDomain, n, c.radix, c.minLen, MaxLen)
	}
	if len(tweak) > MaxTweak {
		return nil, fmt.Errorf("ff1: tweak of %d bytes exceeds %d", len(tweak), MaxTweak)
	}
	for i, v := range x {
		if int(v) >= c.radix {
			return nil, fmt.Errorf("ff1: numeral %d at position %d is not below radix %d", v, i, c.radix)
		}
	}
	u := n / 2
	v := n - u
	b := (ceilLog2Pow(c.radix, v) + 7) / 8
	d := 4*((b+3)/4) + 4

	// P: the fixed first block of every round's PRF input.
	var p [blockSize]byte
	p[0], p[1], p[2] = 1, 2, 1
	p[3], p[4], p[5] = byte(c.radix>>16), byte(c.radix>>8), byte(c.radix)
	p[6], p[7] = 10, byte(u)
	binary.BigEndian.PutUint32(p[8:12], uint32(n))
	binary.BigEndian.PutUint32(p[12:16], uint32(len(tweak)))

	// Q = T || 0^((-t-b-1) mod 16) || [i] || [NUM(B)]^b.
	qLen := len(tweak) + b + 1
	qLen += (blockSize - qLen%blockSize) % blockSize
	q := make([]byte, qLen)
	copy(q, tweak)

	// The CBC-MAC state after P and the tweak-only blocks of Q is the same
	// for every round, so compute it once.
	var prefix [blockSize]byte
	c.block.Encrypt(prefix[:], p[:])
	fixed := len(tweak) / blockSize * blockSize
	if fixed > qLen-blockSize {
		fixed = qLen - blockSize
	}
	for off := 0; off < fixed; off += blockSize {
		xorBlock(prefix[:], q[off:off+blockSize])
		c.block.Encrypt(prefix[:], prefix[:])
	}

	a := append([]uint16(nil), x[:u]...)
	bb := append([]uint16(nil), x[u:]...)
	s := make([]byte, ((d+blockSize-1)/blockSize)*blockSize)

	fast := fitsFast(c.radix, v)
	var numBig, yBig, modBig big.Int
	for r := 0; r < rounds; r++ {
		i := r
		if !encrypt {
			i = rounds - 1 - r
		}
		// The half fed to the PRF: B when encrypting, A when decrypting.
		src := bb
		if !encrypt {
			src = a
		}
		q[qLen-b-1] = byte(i)
		numBytes := q[qLen-b:]
		if fast {
			putUint(numBytes, num(src, c.radix))
		} else {
			numBig.SetBytes(nil)
			numRadixBig(&numBig, src, c.radix)
			numBig.FillBytes(numBytes)
		}
		// R = PRF(P || Q).
		var rr [blockSize]byte
		copy(rr[:], prefix[:])
		for off := fixed; off < qLen; off += blockSize {
			xorBlock(rr[:], q[off:off+blockSize])
			c.block.Encrypt(rr[:], rr[:])
		}
		// S = R || CIPH(R xor [1]) || CIPH(R xor [2]) || ... truncated to d.
		copy(s, rr[:])
		for j := 1; j*blockSize < d; j++ {
			var blk [blockSize]byte
			copy(blk[:], rr[:])
			binary.BigEndian.PutUint64(blk[8:], binary.BigEndian.Uint64(blk[8:])^uint64(j))
			c.block.Encrypt(s[j*blockSize:], blk[:])
		}
		m := u
		if i%2 == 1 {
			m = v
		}
		// The half being replaced: A when encrypting, B when decrypting.
		dst := a
		if !encrypt {
			dst = bb
		}
		var out []uint16
		if fast {
			mod := pow(c.radix, m)
			y := modBytes(s[:d], mod)
			cur := num(dst, c.radix)
			var cv uint64
			if encrypt {
				cv = (cur + y) % mod
			} else {
				cv = (cur + mod - y) % mod
			}
			out = str(cv, c.radix, m)
		} else {
			modBig.Exp(big.NewInt(int64(c.radix)), big.NewInt(int64(m)), nil)
			yBig.SetBytes(s[:d])
			numBig.SetBytes(nil)
			numRadixBig(&numBig, dst, c.radix)
			if encrypt {
				numBig.Add(&numBig, &yBig)
			} else {
				numBig.Sub(&numBig, &yBig)
			}
			numBig.Mod(&numBig, &modBig)
			out = strBig(&numBig, c.radix, m)
		}
		if encrypt {
			a, bb = bb, out
		} else {
			bb, a = a, out
		}
	}
	return append(a, bb...), nil
}

func xorBlock(dst, src []byte) {
	for i := range blockSize {
		dst[i] ^= src[i]
	}
}

// ceilLog2Pow returns ceil(v * log2(radix)), the bit length of radix^v - 1.
func ceilLog2Pow(radix, v int) int {
	var p big.Int
	p.Exp(big.NewInt(int64(radix)), big.NewInt(int64(v)), nil)
	p.Sub(&p, big.NewInt(1))
	return p.BitLen()
}

// fitsFast reports whether radix^v < 2^56, so that the round arithmetic can
// be done in uint64 (a remainder times 256 plus a byte never overflows).
func fitsFast(radix, v int) bool {
	acc := uint64(1)
	for range v {
		hi, lo := bits.Mul64(acc, uint64(radix))
		if hi != 0 || lo >= fastLimit {
			return false
		}
		acc = lo
	}
	return true
}

func pow(radix, m int) uint64 {
	p := uint64(1)
	for range m {
		p *= uint64(radix)
	}
	return p
}

// num is NUM_radix(x), most significant numeral first.
func num(x []uint16, radix int) uint64 {
	var n uint64
	for _, d := range x {
		n = n*uint64(radix) + uint64(d)
	}
	return n
}

func numRadixBig(z *big.Int, x []uint16, radix int) {
	r := big.NewInt(int64(radix))
	var d big.Int
	for _, v := range x {
		z.Mul(z, r)
		z.Add(z, d.SetInt64(int64(v)))
	}
}

// modBytes is NUM(s) mod m for a big-endian byte string, with m < 2^56.
func modBytes(s []byte, m uint64) uint64 {
	var r uint64
	for _, c := range s {
		r = (r<<8 | uint64(c)) % m
	}
	return r
}

func putUint(dst []byte, n uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte(n)
		n >>= 8
	}
}

// str is STR^m_radix(n).
func str(n uint64, radix, m int) []uint16 {
	out := make([]uint16, m)
	for i := m - 1; i >= 0; i-- {
		out[i] = uint16(n % uint64(radix))
		n /= uint64(radix)
	}
	return out
}

func strBig(n *big.Int, radix, m int) []uint16 {
	out := make([]uint16, m)
	r := big.NewInt(int64(radix))
	var q, rem big.Int
	q.Set(n)
	for i := m - 1; i >= 0; i-- {
		q.QuoRem(&q, r, &rem)
		out[i] = uint16(rem.Int64())
	}
	return out
}
