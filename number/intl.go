package number

import (
	"errors"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// intlInfo is what phonenumbers says of a number outside mainland China.
type intlInfo struct {
	e164    string
	country string // the country or region, in Chinese
	place   string // the geocoder's description within the country, when it has one
}

// parseInternational parses digits that start with a country code other
// than 86, through phonenumbers.
func parseInternational(s string, d []byte) (*intlInfo, error) {
	num, e164, err := internationalE164(s, d)
	if err != nil {
		return nil, err
	}
	info := &intlInfo{
		e164:    e164,
		country: countryName(phonenumbers.GetRegionCodeForNumber(num)),
	}
	if desc, err := phonenumbers.GetGeocodingForNumber(num, "zh"); err == nil && desc != info.country {
		info.place = desc
	}
	return info, nil
}

// internationalE164 is the part of parseInternational that decides whether
// the number is valid and its E.164 form (all that E164 needs), without
// the country's name and the geocoder's place, which cost as much again.
func internationalE164(s string, d []byte) (*phonenumbers.PhoneNumber, string, error) {
	if num := nanpNumber(d); num != nil && phonenumbers.IsValidNumber(num) {
		// What Parse would give, and the E.164 form Format would.
		return num, "+" + string(d), nil
	}
	if len(d) > maxKeyDigits {
		return nil, "", invalid(s, "%d digits is too long for an international number (at most 15)", len(d))
	}
	num, err := phonenumbers.Parse("+"+string(d), "ZZ")
	if err != nil {
		switch {
		case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
			return nil, "", invalid(s, "no country has the calling code of +%s", string(d[:min(3, len(d))]))
		case errors.Is(err, phonenumbers.ErrNotANumber), errors.Is(err, phonenumbers.ErrTooShortNSN):
			return nil, "", invalid(s, "too short for an international number")
		}
		return nil, "", invalid(s, "%v", err)
	}
	cc := strconv.Itoa(int(num.GetCountryCode()))
	if !phonenumbers.IsValidNumber(num) {
		region := phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
		where := "+" + cc
		if name := countryName(region); name != "" {
			where += " (" + name + ")"
		}
		switch phonenumbers.IsPossibleNumberWithReason(num) {
		case phonenumbers.TOO_SHORT:
			return nil, "", invalid(s, "too short for a %s number", where)
		case phonenumbers.TOO_LONG:
			return nil, "", invalid(s, "too long for a %s number", where)
		}
		return nil, "", invalid(s, "not a valid %s number", where)
	}
	return num, phonenumbers.Format(num, phonenumbers.E164), nil
}

var countryNames sync.Map // region code → Chinese name

// countryName returns the Chinese name of a region code such as "US", or ""
// when there is none (non-geographic codes such as "001").
func countryName(region string) string {
	if v, ok := countryNames.Load(region); ok {
		return v.(string)
	}
	name := ""
	if r, err := language.ParseRegion(region); err == nil && r.IsCountry() {
		name = display.Regions(language.SimplifiedChinese).Name(r)
	}
	countryNames.Store(region, name)
	return name
}
