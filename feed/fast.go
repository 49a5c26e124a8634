package feed

import (
	"time"

	"ringfence"
)

// cols are the indexes of the columns a report reads, -1 for a column the
// header lacks: found once, not looked up by name row after row.
type cols struct {
	phone, created, violation, area, subject, robocall int
}

func (fr *Reader) indexes() cols {
	at := func(name string) int {
		if i, ok := fr.cols[name]; ok {
			return i
		}
		return -1
	}
	return cols{
		phone:     at("company_phone_number"),
		created:   at("created_date"),
		violation: at("violation_date"),
		area:      at("consumer_area_code"),
		subject:   at("subject"),
		robocall:  at("recorded_message_or_robocall"),
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ftcSubject is what FTCCategory maps: a file has few distinct ones.
type ftcSubject struct{ subject, robocall string }

// maxSubjects bounds the subjects a Reader remembers the category of.
const maxSubjects = 4096

// category is FTCCategory(subject, robocall), remembered per subject.
func (fr *Reader) category(subject, robocall string) ringfence.Category {
	k := ftcSubject{subject, robocall}
	if c, ok := fr.cats[k]; ok {
		return c
	}
	c := FTCCategory(subject, robocall)
	if fr.cats == nil {
		fr.cats = map[ftcSubject]ringfence.Category{}
	}
	if len(fr.cats) < maxSubjects {
		fr.cats[k] = c
	}
	return c
}

// parseFTCTime is time.ParseInLocation(ftcTime, s, eastern). The FTC's own
// form, exactly "YYYY-MM-DD hh:mm:ss" in ASCII digits, is read here
// directly (with the same range checks and the same time.Date that
// ParseInLocation ends in); anything else goes to ParseInLocation, so
// that the result and error are always the same (FuzzFTCTime).
func parseFTCTime(s string) (time.Time, error) {
	if t, ok := fastFTCTime(s); ok {
		return t, nil
	}
	return time.ParseInLocation(ftcTime, s, eastern)
}

func fastFTCTime(s string) (time.Time, bool) {
	if len(s) != len(ftcTime) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, eastern), true
}

// daysIn is the number of days in month m of year y.
func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
