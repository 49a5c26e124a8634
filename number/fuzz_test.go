package number

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// seeds returns the inputs of testdata/parse.txt for the fuzz corpora.
func seeds(f *testing.F) []string {
	file, err := os.Open("testdata/parse.txt")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// FuzzParse checks that Parse never panics, that it and E164 agree, that an
// accepted number's E.164 form parses to itself with the same type and
// place, and that its Key round-trips.
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, err := Parse(s)
		e, err2 := E164(s)
		if (err == nil) != (err2 == nil) || e != info.E164 {
			t.Fatalf("Parse(%q) = %+v, %v but E164 = %q, %v", s, info, err, e, err2)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		again, err := Parse(info.E164)
		if err != nil {
			t.Fatalf("Parse(%q) = %+v, but its E.164 form does not parse: %v", s, info, err)
		}
		again.Input = info.Input
		if again != info {
			t.Fatalf("Parse(%q) = %+v\nbut Parse(%q) = %+v", s, info, info.E164, again)
		}
		k, ok := Key(info.E164)
		if !ok {
			t.Fatalf("Key(%q) not ok", info.E164)
		}
		if back := FromKey(k); back != info.E164 {
			t.Fatalf("FromKey(Key(%q)) = %q", info.E164, back)
		}
	})
}

// FuzzPrefix checks that Prefix never panics and that what it accepts is an
// E.164 prefix that Prefix maps to itself.
func FuzzPrefix(f *testing.F) {
	for _, s := range []string{"170*", "+86170*", "0086170", "95*", "010*", "400*", "+1415*", "0731", "1703xxx", "+4", "+86 (0)10", "86", "１７０＊"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Prefix(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Prefix(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if _, ok := Key(p); !ok {
			t.Fatalf("Prefix(%q) = %q, not an E.164 prefix", s, p)
		}
		again, err := Prefix(p)
		if err != nil || again != p {
			t.Fatalf("Prefix(%q) = %q, but Prefix(%q) = %q, %v", s, p, p, again, err)
		}
	})
}
