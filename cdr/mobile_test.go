package cdr

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// The mobile fast path reads every number as package number does: same
// key, and no number it would refuse.
func TestFastMobileAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var inputs []string
	for seg := 100; seg < 200; seg++ {
		for range 300 {
			n := fmt.Sprintf("%d%08d", seg, rng.IntN(100_000_000))
			inputs = append(inputs, n, "+86"+n, "+87"+n, "86"+n, n[:10], n+"1", " "+n, n[:5]+"x"+n[6:])
		}
	}
	fast := 0
	for _, in := range inputs {
		k, ok := fastMobile([]byte(in))
		want, err := slowKey([]byte(in))
		if !ok {
			continue
		}
		fast++
		if err != nil || k != want {
			t.Errorf("%q: fast path %d, package number %d, %v", in, k, want, err)
		}
	}
	if fast < len(inputs)/10 {
		t.Errorf("fast path took %d of %d inputs", fast, len(inputs))
	}
}

// FuzzKey: key (with its fast path) and package number agree on any field.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"+8613812345678", "13812345678", "+8614012345678", "1381234567", "+86 138 1234 5678", "010-12345678", "+8619912345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := key([]byte(s))
		want, werr := slowKey(bytes.TrimSpace([]byte(s)))
		if (err == nil) != (werr == nil) || k != want {
			t.Fatalf("%q: key %d %v, package number %d %v", s, k, err, want, werr)
		}
	})
}

func BenchmarkSegment(b *testing.B) {
	for range b.N {
		mobileSegs[38].Store(nil)
		segment(38)
	}
}
