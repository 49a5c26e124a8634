package cdr

import (
	"testing"
	"time"
)

// A time read in the last one's minute (only its seconds differ) has the
// value the time package gives it, and so has every other in a sequence
// that changes minute, zone, fraction, layout and location between rows.
func TestTimeCacheMinute(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		shanghai = CST
	}
	seq := []struct {
		in  string
		loc *time.Location
	}{
		{"2024-03-04T09:00:00+08:00", CST},
		{"2024-03-04T09:00:59+08:00", CST},
		{"2024-03-04T09:00:60+08:00", CST}, // a leap second reads as the next minute
		{"2024-03-04T09:00:07+09:00", CST},
		{"2024-03-04T09:00:07Z", CST},
		{"2024-03-04T09:00:08Z", CST},
		{"2024-03-04T09:01:08Z", CST},
		{"2024-03-04 09:01:09", CST},
		{"2024-03-04 09:01:10", time.UTC},
		{"2024-03-04 09:01:11", CST},
		{"2024-03-04T09:01:11.250+08:00", CST},
		{"2024-03-04T09:01:12.250+08:00", CST},
		{"2024-03-04T09:01:12.5+08:00", CST},
		{"2024-03-05T09:01:12+08:00", CST},
		{"2024-03-05T09:01:13-05:30", CST},
		{"2024-03-05 09:01:14", shanghai},
	}
	var c timeCache
	for _, s := range seq {
		got, err := c.parse([]byte(s.in), s.loc)
		if err != nil {
			t.Fatalf("%s: %v", s.in, err)
		}
		var want time.Time
		if len(s.in) == 19 {
			want, err = time.ParseInLocation("2006-01-02 15:04:05", s.in, s.loc)
		} else {
			want, err = time.Parse(time.RFC3339Nano, s.in)
		}
		if err != nil { // 60 s: the time package refuses it; a minute on
			want, _ = time.Parse(time.RFC3339, s.in[:17]+"00"+s.in[19:])
			want = want.Add(60 * time.Second)
		}
		if got != want.Unix() {
			t.Errorf("%s in %v: %d, want %d", s.in, s.loc, got, want.Unix())
		}
	}
	// Bad seconds in the last minute are refused as they are in any other.
	for _, bad := range []string{"2024-03-05T09:01:61-05:30", "2024-03-05T09:01:6x-05:30", "2024-03-05T09:01:/0-05:30"} {
		if _, err := c.parse([]byte("2024-03-05T09:01:13-05:30"), CST); err != nil {
			t.Fatal(err)
		}
		if got, err := c.parse([]byte(bad), CST); err == nil {
			t.Errorf("%s: read as %d", bad, got)
		}
	}
}

// The eight-digits-at-once check refuses the bytes next to the digits.
func TestFastMobileDigits(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"13812345678", 8613812345678, true},
		{"+8613812345678", 8613812345678, true},
		{"+8619999999999", 0, false}, // not allocated: package number decides
		{"1381234567/", 0, false},
		{"138123456:8", 0, false},
		{"13812/45678", 0, false},
		{"1381234:678", 0, false},
		{"13812345\x008", 0, false},
		{"1381234567\xb8", 0, false},
		{"138\xb12345678", 0, false},
	}
	for _, tt := range tests {
		k, ok := fastMobile([]byte(tt.in))
		if tt.want == 0 && !tt.ok {
			if ok {
				if want, err := slowKey([]byte(tt.in)); err != nil || want != k {
					t.Errorf("%q: fast path %d, package number %d %v", tt.in, k, want, err)
				}
			}
			continue
		}
		if k != tt.want || ok != tt.ok {
			t.Errorf("%q: %d %v, want %d %v", tt.in, k, ok, tt.want, tt.ok)
		}
	}
}
