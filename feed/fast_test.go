package feed

import (
	"strconv"
	"testing"
	"time"
)

// ftcTimes are Created_Date and Violation_Date values: the FTC's form and
// what is near it (out of range, other digits, DST gaps and overlaps in
// US Eastern, leap days, old years in local mean time).
var ftcTimes = []string{
	"2021-07-07 00:01:15", "2021-07-06 11:48:00", "2021-12-31 23:59:59", "2000-01-01 00:00:00",
	"2021-03-14 02:30:00", "2021-03-14 01:59:59", "2021-03-14 03:00:00", "2021-11-07 01:30:00", "2021-11-07 00:59:59",
	"2020-02-29 12:00:00", "2021-02-29 12:00:00", "1900-02-29 00:00:00", "2000-02-29 00:00:00", "2021-04-31 00:00:00",
	"1883-11-18 12:03:58", "1883-11-18 12:00:00", "0000-01-01 00:00:00", "9999-12-31 23:59:59",
	"2021-00-07 00:01:15", "2021-13-07 00:01:15", "2021-07-00 00:01:15", "2021-07-32 00:01:15",
	"2021-07-07 24:00:00", "2021-07-07 23:60:00", "2021-07-07 23:59:60",
	"2021-07-07 0:01:15", "2021-07-07 00:01:1", "2021-07-07T00:01:15", "2021/07/07 00:01:15",
	"+021-07-07 00:01:15", "-021-07-07 00:01:15", "2021-07-07 +1:01:15", "2021-07-07 00:01:15.5",
	"2021-07-07 00:01:15 ", " 2021-07-07 00:01:15", "2021-07-07", "", "٢٠٢١-07-07 00:01:15", "2021-07-07 00:01:1５",
}

// sameTime reports whether parseFTCTime and time.ParseInLocation agree on
// s: the same instant in the same location, or the same error.
func sameTime(t *testing.T, s string) {
	t.Helper()
	got, err := parseFTCTime(s)
	want, werr := time.ParseInLocation(ftcTime, s, eastern)
	if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
		t.Fatalf("%q: error %v, ParseInLocation %v", s, err, werr)
	}
	if !got.Equal(want) || got.Location() != want.Location() || got.String() != want.String() {
		t.Fatalf("%q: %v, ParseInLocation %v", s, got, want)
	}
}

// TestFTCTime checks that the fast read of FTC times gives what
// time.ParseInLocation gives, and that it is taken for the FTC's form.
func TestFTCTime(t *testing.T) {
	for _, s := range ftcTimes {
		sameTime(t, s)
	}
	for _, s := range []string{"2021-07-07 00:01:15", "2021-03-14 02:30:00", "2020-02-29 12:00:00"} {
		if _, ok := fastFTCTime(s); !ok {
			t.Errorf("%q not read by the fast path", s)
		}
	}
	for _, s := range []string{"2021-02-29 12:00:00", "2021-07-07 24:00:00", "+021-07-07 00:01:15", "2021-07-07 0:01:15"} {
		if _, ok := fastFTCTime(s); ok {
			t.Errorf("%q read by the fast path", s)
		}
	}
}

// FuzzFTCTime: the fast read of FTC times and time.ParseInLocation agree
// on any input.
func FuzzFTCTime(f *testing.F) {
	for _, s := range ftcTimes {
		f.Add(s)
	}
	f.Fuzz(sameTime)
}

// TestCategoryMemo: a Reader's remembered categories are FTCCategory's,
// also for the subjects after it stopped remembering.
func TestCategoryMemo(t *testing.T) {
	fr := &Reader{}
	subjects := []string{"Reducing your debt", "Dropped call or no message", "Medical  & prescriptions", "No Subject Provided", ""}
	for round := 0; round < 2; round++ {
		for i := 0; i < maxSubjects+10; i++ {
			s := subjects[i%len(subjects)]
			if i >= len(subjects) {
				s += " " + strconv.Itoa(i)
			}
			for _, robo := range []string{"Y", "", "N"} {
				if got, want := fr.category(s, robo), FTCCategory(s, robo); got != want {
					t.Fatalf("%q/%q: %s, want %s", s, robo, got, want)
				}
			}
		}
	}
	if len(fr.cats) > maxSubjects {
		t.Fatalf("%d subjects remembered, at most %d", len(fr.cats), maxSubjects)
	}
}
