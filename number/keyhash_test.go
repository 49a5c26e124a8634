package number

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestKeyHash(t *testing.T) {
	tests := []struct{ k, want uint64 }{
		{0, 0},
		{1, 0x9E3779B97F4A7C15},
		{8613812345678, 0x766029f53d7f8566},
	}
	for _, tt := range tests {
		if got := KeyHash(tt.k); got != tt.want {
			t.Errorf("KeyHash(%d) = %#x, want %#x", tt.k, got, tt.want)
		}
	}
	// Consecutive numbers (a block of a number range) spread over the top
	// bits, which tables index by, and never collide.
	const n, bucketBits = 4096, 12
	seen := map[uint64]bool{}
	buckets := map[uint64]bool{}
	for k := uint64(8613800000000); k < 8613800000000+n; k++ {
		h := KeyHash(k)
		if seen[h] {
			t.Fatalf("KeyHash(%d) collides", k)
		}
		seen[h] = true
		buckets[h>>(64-bucketBits)] = true
	}
	if len(buckets) < n/2 {
		t.Errorf("%d consecutive keys fill %d of %d top-bit buckets, want at least %d", n, len(buckets), 1<<bucketBits, n/2)
	}
}

// The number-key hash is spelled out once, in KeyHash: tables elsewhere
// call it rather than repeat the multiply.
func TestKeyHashSpelledOnce(t *testing.T) {
	mul := regexp.MustCompile(`(?i)\*\s*0x9e3779b97f4a7c15`)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Base(path) == "keyhash.go" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if mul.MatchString(line) {
				t.Errorf("%s:%d: number-key hash spelled by hand; call number.KeyHash", path, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
