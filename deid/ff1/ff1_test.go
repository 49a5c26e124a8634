package ff1

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

const alphabet36 = "0123456789abcdefghijklmnopqrstuvwxyz"

func numerals(t testing.TB, s string) []uint16 {
	t.Helper()
	out := make([]uint16, len(s))
	for i := range len(s) {
		j := strings.IndexByte(alphabet36, s[i])
		if j < 0 {
			t.Fatalf("bad numeral %q", s[i])
		}
		out[i] = uint16(j)
	}
	return out
}

func text(x []uint16) string {
	var b strings.Builder
	for _, v := range x {
		b.WriteByte(alphabet36[v])
	}
	return b.String()
}

// The nine FF1 samples published by NIST for SP 800-38G.
var nistSamples = []struct {
	name, key, tweak string
	radix            int
	pt, ct           string
}{
	{"sample1", "2B7E151628AED2A6ABF7158809CF4F3C", "", 10, "0123456789", "2433477484"},
	{"sample2", "2B7E151628AED2A6ABF7158809CF4F3C", "39383736353433323130", 10, "0123456789", "6124200773"},
	{"sample3", "2B7E151628AED2A6ABF7158809CF4F3C", "3737373770717273373737", 36, "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
	{"sample4", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F", "", 10, "0123456789", "2830668132"},
	{"sample5", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F", "39383736353433323130", 10, "0123456789", "2496655549"},
	{"sample6", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F", "3737373770717273373737", 36, "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
	{"sample7", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", "", 10, "0123456789", "6657667009"},
	{"sample8", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", "39383736353433323130", 10, "0123456789", "1001623463"},
	{"sample9", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", "3737373770717273373737", 36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
}

func TestNISTSamples(t *testing.T) {
	for _, path := range []string{"uint64", "big"} {
		for _, s := range nistSamples {
			t.Run(path+"/"+s.name, func(t *testing.T) {
				if path == "big" {
					old := fastLimit
					fastLimit = 0
					defer func() { fastLimit = old }()
				}
				key, _ := hex.DecodeString(s.key)
				tweak, _ := hex.DecodeString(s.tweak)
				c, err := New(key, s.radix)
				if err != nil {
					t.Fatal(err)
				}
				ct, err := c.Encrypt(numerals(t, s.pt), tweak)
				if err != nil {
					t.Fatal(err)
				}
				if got := text(ct); got != s.ct {
					t.Errorf("Encrypt(%s) = %s, want %s", s.pt, got, s.ct)
				}
				pt, err := c.Decrypt(numerals(t, s.ct), tweak)
				if err != nil {
					t.Fatal(err)
				}
				if got := text(pt); got != s.pt {
					t.Errorf("Decrypt(%s) = %s, want %s", s.ct, got, s.pt)
				}
			})
		}
	}
}

// TestRoundTrip covers both arithmetic paths (uint64 and big.Int), long
// tweaks spanning several blocks and radixes up to 2^16.
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(rng.IntN(256))
	}
	for _, radix := range []int{2, 10, 26, 36, 62, 256, 20992, 65536} {
		c, err := New(key, radix)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{c.MinLen(), c.MinLen() + 1, 17, 40, 101} {
			if n < c.MinLen() {
				continue
			}
			for _, tl := range []int{0, 5, 16, 17, 40} {
				x := make([]uint16, n)
				for i := range x {
					x[i] = uint16(rng.IntN(radix))
				}
				tweak := make([]byte, tl)
				for i := range tweak {
					tweak[i] = byte(rng.IntN(256))
				}
				ct, err := c.Encrypt(x, tweak)
				if err != nil {
					t.Fatalf("radix %d n %d: %v", radix, n, err)
				}
				for i, v := range ct {
					if int(v) >= radix {
						t.Fatalf("radix %d: numeral %d = %d out of range", radix, i, v)
					}
				}
				pt, err := c.Decrypt(ct, tweak)
				if err != nil {
					t.Fatal(err)
				}
				if !equal(pt, x) {
					t.Fatalf("radix %d n %d tweak %d: round trip %v -> %v -> %v", radix, n, tl, x, ct, pt)
				}
			}
		}
	}
}

func TestErrors(t *testing.T) {
	key := bytes.Repeat([]byte{1}, 16)
	if _, err := New(key, 1); err == nil {
		t.Error("radix 1 accepted")
	}
	if _, err := New(key, 1<<16+1); err == nil {
		t.Error("radix 65537 accepted")
	}
	if _, err := New(key[:15], 10); err == nil {
		t.Error("15-byte key accepted")
	}
	c, _ := New(key, 10)
	if c.MinLen() != 6 {
		t.Errorf("MinLen radix 10 = %d, want 6", c.MinLen())
	}
	if _, err := c.Encrypt(make([]uint16, 5), nil); !errors.Is(err, ErrDomain) {
		t.Errorf("5 decimal numerals: err %v, want ErrDomain", err)
	}
	if _, err := c.Encrypt([]uint16{1, 2, 3, 4, 5, 10}, nil); err == nil {
		t.Error("numeral 10 accepted in radix 10")
	}
}

func equal(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("0123456789"), []byte("tweak"), uint16(10))
	f.Add([]byte("abcdefghijklmnopqrs"), []byte{}, uint16(36))
	key, _ := hex.DecodeString("2B7E151628AED2A6ABF7158809CF4F3C")
	f.Fuzz(func(t *testing.T, data, tweak []byte, radix uint16) {
		if radix < 2 || len(data) > 200 {
			return
		}
		c, err := New(key, int(radix))
		if err != nil {
			t.Fatal(err)
		}
		x := make([]uint16, len(data))
		for i, b := range data {
			x[i] = uint16(b) % radix
		}
		ct, err := c.Encrypt(x, tweak)
		if err != nil {
			if errors.Is(err, ErrDomain) {
				return
			}
			t.Fatal(err)
		}
		pt, err := c.Decrypt(ct, tweak)
		if err != nil || !equal(pt, x) {
			t.Fatalf("round trip failed: %v %v", pt, err)
		}
	})
}

func BenchmarkEncrypt8Digits(b *testing.B) {
	key, _ := hex.DecodeString("2B7E151628AED2A6ABF7158809CF4F3C")
	c, _ := New(key, 10)
	x := numerals(b, "12345678")
	for b.Loop() {
		c.Encrypt(x, []byte("138"))
	}
}
