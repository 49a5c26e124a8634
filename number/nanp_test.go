package number

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// sameAsParse checks nanpNumber(d) against phonenumbers.Parse("+"+d, "ZZ")
// and, when the number is valid, "+"+d against Format's E.164.
func sameAsParse(t *testing.T, d string) {
	t.Helper()
	fast := nanpNumber([]byte(d))
	if fast == nil {
		return
	}
	slow, err := phonenumbers.Parse("+"+d, "ZZ")
	if err != nil {
		t.Fatalf("%s: fast path taken, Parse: %v", d, err)
	}
	if fast.String() != slow.String() {
		t.Fatalf("%s: fast %v, Parse %v", d, fast, slow)
	}
	if v := phonenumbers.IsValidNumber(slow); v != phonenumbers.IsValidNumber(fast) {
		t.Fatalf("%s: valid %v, Parse's %v", d, !v, v)
	} else if v {
		if e := phonenumbers.Format(slow, phonenumbers.E164); e != "+"+d {
			t.Fatalf("%s: E.164 +%s, Format %s", d, d, e)
		}
	}
}

// nanpSeeds are digits after +: North American numbers (US, Canada, the
// Caribbean, toll-free, invalid area and exchange codes) and near misses.
var nanpSeeds = []string{
	"14703352559", "12178398804", "19508409827", "18051587621", "18005551234", "14165550123", "16495551234",
	"18765551234", "12684601234", "16715551234", "17875551234", "19005551234", "15555550123", "12125550100",
	"11234567890", "10234567890", "1212555010", "121255501000", "2125550100", "4470311234567", "1212555O100",
}

func TestNANPNumber(t *testing.T) {
	taken := 0
	for _, d := range nanpSeeds {
		if nanpNumber([]byte(d)) != nil {
			taken++
		}
		sameAsParse(t, d)
	}
	if taken < 10 {
		t.Fatalf("fast path taken for %d of the seeds", taken)
	}
	// Every number of the FTC file (../../shared/data), when present.
	f, err := os.Open("../../shared/data/ftc_dnc_2021-07-08.csv")
	if err != nil {
		t.Skip("FTC data not present")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		num, _, _ := strings.Cut(sc.Text(), ",")
		if len(num) == 10 {
			num = "1" + num
		}
		sameAsParse(t, num)
		n++
	}
	if n < 14000 {
		t.Fatalf("read %d FTC rows", n)
	}
}

func FuzzNANPNumber(f *testing.F) {
	for _, d := range nanpSeeds {
		f.Add(d)
	}
	f.Fuzz(sameAsParse)
}
