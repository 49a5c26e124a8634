package deid

import (
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestMobileSegmentsAgainstPhoneDat checks the segment table against the
// August 2021 phone.dat: every three-digit segment in it must be accepted.
// Segments opened since (such as 192) may be accepted beyond it.
func TestMobileSegmentsAgainstPhoneDat(t *testing.T) {
	data, err := os.ReadFile("../../shared/data/phone_202108.dat")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("phone_202108.dat not available; CI runs with ../shared beside the checkout:", err)
		}
		t.Skip("phone_202108.dat not available:", err)
	}
	index := int(binary.LittleEndian.Uint32(data[4:8]))
	seen := map[int]int{}
	for off := index; off+9 <= len(data); off += 9 {
		prefix := int(binary.LittleEndian.Uint32(data[off:]))
		seen[prefix/10000]++
	}
	var missing, extra []int
	for seg, n := range seen {
		if seg < 130 || seg > 199 || !mobileSegments[seg-100] {
			missing = append(missing, seg)
			t.Logf("segment %d (%d prefixes) not accepted", seg, n)
		}
	}
	for s := 30; s < 100; s++ {
		if mobileSegments[s] && seen[100+s] == 0 {
			extra = append(extra, 100+s)
		}
	}
	sort.Ints(missing)
	sort.Ints(extra)
	t.Logf("%d segments in phone.dat; accepted beyond it: %v", len(seen), extra)
	if len(missing) > 0 {
		t.Errorf("segments in phone.dat that validMobile rejects: %v", missing)
	}
}

// TestAreaCodesAgainstPhonenumbers compares the area code table with the
// fixed-line metadata of libphonenumber.
func TestAreaCodesAgainstPhonenumbers(t *testing.T) {
	disagree := 0
	for code := 10; code < 1000; code++ {
		if code < 100 && code != 10 && (code < 20 || code > 29) || code >= 100 && code < 300 {
			continue
		}
		ac := fmt.Sprint(code)
		theirs := false
		for _, local := range []string{"2345678", "23456789", "6345678", "63456789", "8345678", "83456789"} {
			n, err := phonenumbers.Parse("0"+ac+local, "CN")
			if err == nil && phonenumbers.IsValidNumber(n) && phonenumbers.GetNumberType(n) == phonenumbers.FIXED_LINE {
				theirs = true
				break
			}
		}
		_, ours := landlineArea([]byte(ac + "23456789"))
		if ours != theirs {
			disagree++
			t.Errorf("area code 0%s: ours %v, libphonenumber %v", ac, ours, theirs)
		}
	}
	if disagree == 0 {
		t.Logf("area codes agree with libphonenumber")
	}
}
