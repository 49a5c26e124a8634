package cdr

import (
	"bytes"
	"fmt"
	"time"
)

// timeCache parses start times. The common layouts (RFC 3339 and
// "2006-01-02 15:04:05") are parsed by hand, with the day of the last date
// remembered since records arrive in time order, and the last time read
// too: a time that differs from it in the seconds alone (most, in a busy
// stream: the same minute) is its minute's start plus the seconds.
// Anything else goes to the time package.
type timeCache struct {
	date [10]byte
	days int64

	last   [32]byte       // the last time fast read, when it was no longer
	n      int            // its length (0: none)
	loc    *time.Location // the zone it was read in
	minute int64          // its Unix seconds less its seconds field
}

func digits(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic
// Gregorian date.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

var monthDays = [13]int64{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// parse returns the Unix seconds of b. Times without a zone are in loc.
func (c *timeCache) parse(b []byte, loc *time.Location) (int64, error) {
	b = bytes.TrimSpace(b)
	if t, ok := c.fast(b, loc); ok {
		return t, nil
	}
	s := string(b)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == "2006-01-02T15:04:05.999999999" {
				t, _ = time.ParseInLocation(layout, s, loc)
			}
			return t.Unix(), nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006/01/02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.Unix(), nil
		}
	}
	if n, ok := digits(b); ok && len(b) >= 9 && len(b) <= 10 { // Unix seconds
		return n, nil
	}
	return 0, fmt.Errorf("%q is not an RFC 3339 time", s)
}

func (c *timeCache) fast(b []byte, loc *time.Location) (int64, bool) {
	if c.n != 0 && len(b) == c.n && loc == c.loc && string(b[:17]) == string(c.last[:17]) && string(b[19:]) == string(c.last[19:c.n]) {
		// The last time's minute, zone and fraction: only the seconds
		// are new.
		s0, s1 := b[17]-'0', b[18]-'0'
		if ss := int64(s0)*10 + int64(s1); s0 <= 9 && s1 <= 9 && ss <= 60 {
			return c.minute + ss, true
		}
		return 0, false
	}
	t, ok := c.full(b, loc)
	if ok && len(b) <= len(c.last) {
		copy(c.last[:], b)
		c.n, c.loc = len(b), loc
		c.minute = t - (int64(b[17]-'0')*10 + int64(b[18]-'0'))
	}
	return t, ok
}

// full is fast for a time not in the last one's minute.
func (c *timeCache) full(b []byte, loc *time.Location) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	if !bytes.Equal(b[:10], c.date[:]) {
		y, ok1 := digits(b[0:4])
		m, ok2 := digits(b[5:7])
		d, ok3 := digits(b[8:10])
		if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > monthDays[m] ||
			(m == 2 && d == 29 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0))) {
			return 0, false
		}
		copy(c.date[:], b[:10])
		c.days = daysFromCivil(y, m, d)
	}
	hh, ok1 := digits(b[11:13])
	mm, ok2 := digits(b[14:16])
	ss, ok3 := digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 60 {
		return 0, false
	}
	t := c.days*86400 + hh*3600 + mm*60 + ss
	rest := b[19:]
	if len(rest) > 0 && rest[0] == '.' { // fraction, dropped
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 0:
		if loc == CST {
			return t - 8*3600, true
		}
		if loc == time.UTC {
			return t, true
		}
		return 0, false // the time package knows the zone's rules
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
		return t, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		off := oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
		return t - off, true
	}
	return 0, false
}
