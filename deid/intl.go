package deid

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone numbers outside mainland China: Hong Kong, Macau, Taiwan and every
// other country, validated with the numbering plans of libphonenumber
// (github.com/nyaruka/phonenumbers), which the project embeds.

// international classifies the numerals d as a phone number outside
// mainland China, returning the entity, the number of digits before the
// national number (00 and the calling code), the length of its area code
// and its calling code; 0 when it is none. A number is read as
// international when its calling code is written as such: after '+'
// (plus), after 00, in parentheses (paren) or as a group of its own
// (852-97392372, 886-2-2752-1874). Without a calling code, an 8-digit Hong
// Kong or Macau number is read after a word that names the place, and a
// Taiwan mobile number by its 09 prefix.
func (s *scan) international(d []byte, plus, paren bool, gs []group, start int) (Entity, uint8, uint8, uint16) {
	n := len(d)
	lead := 0
	written := plus || paren
	if !plus && (d[0] == '0' && n >= 9 && n <= 11 || d[0] >= '2' && n == 10) {
		// A number with its trunk 0 ((04)2371-1547, 019-720 7387) or a
		// North American one without +1 (213-337-7768), where the text
		// names the place (TW:, 台湾, 马来西亚, 美国, US). After a phone
		// label, a number with a trunk 0 that is no mainland number is
		// read as Taiwan's (電話：(02)2730-4963).
		r := placeBefore(s.b, start)
		if r == "" && (s.labelled == start+1 || len(gs) > 1) {
			// After a phone label or written in groups, the place the
			// whole text names, if the number is valid there.
			if tp := s.textPlace(); trunkRegion(d, tp) {
				if e, cc, area, country := regional(d, tp); e != 0 {
					return e, cc, area, country
				}
			}
		}
		if r == "" && s.labelled == start+1 {
			r = "TW"
		}
		if trunkRegion(d, r) {
			return regional(d, r)
		}
	}
	switch {
	case plus || paren:
	case n >= 10 && d[0] == '0' && d[1] == '0' && d[2] != '0':
		lead, written = 2, true
	case len(gs) > 1 && groupLen(gs[0]) <= 3 && !gs[1].decimal && callingCode(d[:groupLen(gs[0])]):
		// The calling code stands as a group of its own; the national
		// number must then be valid, not only possible.
	case n == 10 && d[0] == '0' && d[1] == '9' && twGrouping(gs):
		return regional(d, "TW")
	case n == 8 && (len(gs) == 1 || len(gs) == 2 && groupLen(gs[0]) == 4):
		if r := eightDigitPlace(s.b, start, gs[len(gs)-1].end); r != "" {
			return regional(d, r)
		}
		if s.labelled == start+1 || len(gs) == 2 {
			// After a phone label or written 4-4, in a text set in
			// Singapore, Hong Kong or Macau (Contact 范老师 9974 9094).
			if r := s.textPlace(); r == "SG" || r == "HK" || r == "MO" {
				return regional(d, r)
			}
		}
		return 0, 0, 0, 0
	default:
		return 0, 0, 0, 0
	}
	if n-lead < 8 || d[lead] == '0' || d[lead] == '8' && d[lead+1] == '6' {
		return 0, 0, 0, 0
	}
	var buf [24]byte
	num, err := phonenumbers.Parse(string(append(append(buf[:0], '+'), d[lead:]...)), "ZZ")
	if err != nil {
		return 0, 0, 0, 0
	}
	country := num.GetCountryCode()
	ccLen := len(strconv.Itoa(int(country)))
	if lead+ccLen >= n || country == 86 {
		return 0, 0, 0, 0
	}
	nat := d[lead+ccLen:]
	valid := phonenumbers.IsValidNumber(num)
	// A number written with its calling code and grouped as phone numbers
	// are may be one the plan does not list yet (886-2369-9886): a
	// possible length is enough then, for national numbers of 8 digits or
	// more that do not start with 0.
	if !valid && (!(written || len(gs) > 2) || len(nat) < 8 || nat[0] == '0' || !phonenumbers.IsPossibleNumber(num)) {
		return 0, 0, 0, 0
	}
	e, area := kindOf(num)
	if e == 0 {
		return 0, 0, 0, 0
	}
	return e, uint8(lead + ccLen), area, uint16(country)
}

// abroadRegions are the places textPlaceWords name, in the order a number
// valid in more than one is read as: where Chinese communities abroad
// post numbers written the way people there dial them.
var abroadRegions = func() []string {
	var rs []string
	seen := map[string]bool{"CN": true}
	for _, w := range textPlaceWords {
		if !seen[w.region] {
			seen[w.region] = true
			rs = append(rs, w.region)
		}
	}
	return rs
}()

// abroad classifies the numerals d of a number after a phone label that is
// no mainland number and names no place: the first of abroadRegions whose
// numbering plan holds it as a personal number, written as people there
// dial it (Tel: 6042692907, 电话 (714) 623-1362, 欢迎致电 0187870812,
// 电话 090-5523-2079). A label says what the number is; leaving it in
// clear because the text does not say where is failing open. Numbers
// written without a trunk 0 outside North America (Hong Kong's, Macau's,
// Singapore's 8 digits) are not read here: after a label those are
// mainland local numbers first, and the text's place reads them
// (international).
func abroad(d []byte) (Entity, uint8, uint8, uint16) {
	if len(d) < 8 || len(d) > 12 {
		return 0, 0, 0, 0
	}
	for _, r := range abroadRegions {
		if trunkRegion(d, r) {
			if e, cc, area, country := regional(d, r); e != 0 {
				return e, cc, area, country
			}
		}
	}
	return 0, 0, 0, 0
}

// trunkRegion reports whether national numerals d are written as region r's
// are: with a trunk 0, or without one in North America.
func trunkRegion(d []byte, r string) bool {
	switch r {
	case "":
		return false
	case "US", "CA":
		return d[0] != '0'
	case "HK", "MO":
		return false
	}
	return d[0] == '0'
}

// kindOf is the entity of a valid number and, for a landline, the length of
// its area code.
func kindOf(num *phonenumbers.PhoneNumber) (Entity, uint8) {
	e := phoneEntity(phonenumbers.GetNumberType(num))
	if e == Landline {
		return e, uint8(phonenumbers.GetLengthOfGeographicalAreaCode(num))
	}
	return e, 0
}

// regional validates the national numerals d in region ("HK", "MO", "TW").
func regional(d []byte, region string) (Entity, uint8, uint8, uint16) {
	num, err := phonenumbers.Parse(string(d), region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return 0, 0, 0, 0
	}
	e, area := kindOf(num)
	if e == 0 {
		return 0, 0, 0, 0
	}
	return e, 0, area, uint16(num.GetCountryCode())
}

// phoneEntity maps a number type to mobile or landline; numbers of
// businesses (toll-free, premium rate, shared cost, UAN) are not personal.
func phoneEntity(t phonenumbers.PhoneNumberType) Entity {
	switch t {
	case phonenumbers.FIXED_LINE, phonenumbers.UNKNOWN:
		return Landline
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE, phonenumbers.PERSONAL_NUMBER, phonenumbers.VOIP, phonenumbers.PAGER:
		return Mobile
	}
	return 0
}

// callingCodes marks the country calling codes of libphonenumber.
var callingCodes = func() (t [1000]bool) {
	for c := range phonenumbers.GetSupportedCallingCodes() {
		if c > 0 && c < 1000 && c != 86 {
			t[c] = true
		}
	}
	return t
}()

// callingCode reports whether the 1 to 3 digits d are a calling code other
// than 86.
func callingCode(d []byte) bool {
	if len(d) == 0 || len(d) > 3 || d[0] == '0' {
		return false
	}
	v := 0
	for _, c := range d {
		v = v*10 + int(c-'0')
	}
	return callingCodes[v]
}

// twGrouping accepts a Taiwan mobile number as 0912345678, 0912-345-678 or
// 0912-345678.
func twGrouping(gs []group) bool {
	switch len(gs) {
	case 1:
		return true
	case 2:
		return groupLen(gs[0]) == 4
	case 3:
		return groupLen(gs[0]) == 4 && groupLen(gs[1]) == 3
	}
	return false
}

// placeWords name Hong Kong and Macau before an 8-digit number written
// without its calling code, and the place of a national number written with
// its trunk 0.
var placeWords = []struct{ word, region string }{
	{"香港", "HK"}, {"港", "HK"}, {"HK", "HK"}, {"Hong Kong", "HK"}, {"HongKong", "HK"},
	{"澳门", "MO"}, {"澳門", "MO"}, {"Macau", "MO"}, {"Macao", "MO"},
	{"台湾", "TW"}, {"台灣", "TW"}, {"臺灣", "TW"}, {"Taiwan", "TW"}, {"TW", "TW"}, {"台北", "TW"}, {"臺北", "TW"},
	{"美国", "US"}, {"美國", "US"}, {"USA", "US"}, {"US", "US"}, {"U.S.", "US"},
	// Places whose national numbers start with a trunk 0, as people there
	// write them: 马来西亚：019-720 7387, 英国 07580 027510.
	{"马来西亚", "MY"}, {"馬來西亞", "MY"}, {"大马", "MY"}, {"Malaysia", "MY"},
	{"英国", "GB"}, {"英國", "GB"}, {"UK", "GB"},
	{"澳大利亚", "AU"}, {"澳大利亞", "AU"}, {"澳洲", "AU"}, {"Australia", "AU"},
	{"日本", "JP"}, {"Japan", "JP"}, {"韩国", "KR"}, {"韓國", "KR"}, {"Korea", "KR"},
	{"泰国", "TH"}, {"泰國", "TH"}, {"Thailand", "TH"}, {"越南", "VN"}, {"Vietnam", "VN"},
	{"德国", "DE"}, {"德國", "DE"}, {"Germany", "DE"}, {"法国", "FR"}, {"法國", "FR"}, {"France", "FR"},
	{"新西兰", "NZ"}, {"紐西蘭", "NZ"}, {"菲律宾", "PH"}, {"菲律賓", "PH"}, {"印尼", "ID"}, {"Indonesia", "ID"},
}

// placeLead marks the first bytes of placeWords.
var placeLead = func() (t [256]bool) {
	for _, w := range placeWords {
		t[w.word[0]] = true
	}
	return t
}()

// cityBefore returns Hong Kong or Macau when 香港, 澳门 or 澳門 stands in
// the 36 bytes before b[start] (香港那边找邓子涵，6788-6148): the words
// name the place from a little further than the others.
func cityBefore(b []byte, start int) string {
	for p := start - 6; p >= 0 && p >= start-36; p-- {
		switch {
		case hasPrefixAt(b, p, "香港"):
			return "HK"
		case hasPrefixAt(b, p, "澳门"), hasPrefixAt(b, p, "澳門"):
			return "MO"
		}
	}
	return ""
}

// eightDigitPlace returns the place an 8-digit number at b[start:end]
// written without its calling code belongs to, by the first that says: a
// place word before it (placeBefore), 香港 or 澳门 a little further back
// (cityBefore), a place in brackets after it (placeAfter), written
// Cantonese near it (Hong Kong); "" when nothing does.
func eightDigitPlace(b []byte, start, end int) string {
	if r := placeBefore(b, start); r != "" {
		return r
	}
	if r := cityBefore(b, start); r != "" {
		return r
	}
	if r := placeAfter(b, end); r != "" {
		return r
	}
	if cantoneseNear(b, start, end) {
		return "HK"
	}
	return ""
}

// cantoneseWords are written Cantonese, which Mandarin text does not use
// (呢個 this, 嘅, 咗, 喺, 嚟, 唔, 冇, 佢哋 …): they place a text in Hong
// Kong (or Macau) as a place's name would.
const cantoneseWords = "呢嘅咗喺嚟唔冇佢哋啲嗰咁嘢"

// cantoneseNear reports whether written Cantonese stands within 24 bytes
// before b[start] or after b[end] (呢個55858145成日打嚟).
func cantoneseNear(b []byte, start, end int) bool {
	for _, r := range [2][2]int{{max(start-24, 0), start}, {end, min(end+24, len(b))}} {
		for p := r[0]; p+3 <= r[1]; p++ {
			if b[p] < 0xE5 {
				continue
			}
			if q, ok := runeAt(b, p); ok && strings.ContainsRune(cantoneseWords, q) {
				return true
			}
		}
	}
	return false
}

// placeAfter returns Hong Kong or Macau when a note in brackets right
// after an 8-digit number at b[end] names it: 5950 8798（香港）, 6556
// 2441 (HK).
func placeAfter(b []byte, end int) string {
	p := end
	for p < len(b) && b[p] == ' ' {
		p++
	}
	switch {
	case hasPrefixAt(b, p, "（"):
		p += len("（")
	case p < len(b) && b[p] == '(':
		p++
	default:
		return ""
	}
	for _, w := range placeWords {
		if (w.region == "HK" || w.region == "MO") && (len(w.word) > 3 || w.word == "HK") && hasPrefixAt(b, p, w.word) {
			q := p + len(w.word)
			if hasPrefixAt(b, q, "）") || q < len(b) && b[q] == ')' {
				return w.region
			}
		}
	}
	return ""
}

// placeBefore returns the region named in the 24 bytes before b[start].
func placeBefore(b []byte, start int) string {
	from := max(start-24, 0)
	for p := start - 1; p >= from; p-- {
		if !placeLead[b[p]] {
			continue
		}
		for _, w := range placeWords {
			if hasPrefixAt(b, p, w.word) && p+len(w.word) <= start {
				return w.region
			}
		}
	}
	return ""
}

// textPlaceWords name a place anywhere in a text: a country, its cities
// and its currency, as posts by Chinese communities abroad give them
// (墨尔本中餐馆招厨房帮工，A$17/hr … 请电 0458735097). Short or ambiguous
// words of placeWords are left out.
var textPlaceWords = []struct{ word, region string }{
	{"香港", "HK"}, {"澳门", "MO"}, {"澳門", "MO"}, {"台湾", "TW"}, {"台灣", "TW"}, {"臺灣", "TW"},
	{"美国", "US"}, {"美國", "US"}, {"纽约", "US"}, {"洛杉矶", "US"}, {"旧金山", "US"}, {"湾区", "US"}, {"芝加哥", "US"},
	{"西雅图", "US"}, {"休斯顿", "US"}, {"波士顿", "US"}, {"尔湾", "US"}, {"美金", "US"},
	{"加拿大", "CA"}, {"多伦多", "CA"}, {"温哥华", "CA"}, {"万锦", "CA"}, {"列治文", "CA"}, {"蒙特利尔", "CA"}, {"卡尔加里", "CA"}, {"加币", "CA"}, {"C$", "CA"},
	{"马来西亚", "MY"}, {"馬來西亞", "MY"}, {"大马", "MY"}, {"吉隆坡", "MY"}, {"新山", "MY"}, {"槟城", "MY"}, {"马币", "MY"},
	{"新加坡", "SG"}, {"狮城", "SG"}, {"新币", "SG"}, {"S$", "SG"},
	{"英国", "GB"}, {"英國", "GB"}, {"伦敦", "GB"}, {"曼彻斯特", "GB"}, {"伯明翰", "GB"}, {"格拉斯哥", "GB"}, {"爱丁堡", "GB"}, {"英镑", "GB"}, {"£", "GB"},
	{"澳大利亚", "AU"}, {"澳洲", "AU"}, {"墨尔本", "AU"}, {"悉尼", "AU"}, {"布里斯班", "AU"}, {"珀斯", "AU"}, {"阿德莱德", "AU"}, {"澳币", "AU"}, {"A$", "AU"},
	{"日本", "JP"}, {"东京", "JP"}, {"東京", "JP"}, {"大阪", "JP"}, {"京都", "JP"}, {"横滨", "JP"}, {"名古屋", "JP"}, {"日元", "JP"}, {"円", "JP"},
	{"韩国", "KR"}, {"韓國", "KR"}, {"首尔", "KR"}, {"釜山", "KR"}, {"韩元", "KR"},
	{"新西兰", "NZ"}, {"紐西蘭", "NZ"}, {"奥克兰", "NZ"},
}

// textPlace returns the one region the text being scanned names
// (textPlaceWords), or "" when it names none or more than one; in text
// read a line at a time, a line that names none takes the place the lines
// before it named (scan.carried). It is read once a text.
func (s *scan) textPlace() string {
	if !s.placeRead {
		r, named := placeOf(s.b)
		s.placeRead, s.place = true, r
		if !named && s.lines {
			s.place = s.carried
		}
	}
	return s.place
}

// placeOf returns the one region that text names (textPlaceWords), and
// whether it names any: "" and true when it names two. It reads text once,
// looking words up by their first character.
func placeOf(text []byte) (string, bool) {
	place, named := "", false
	for i := 0; i < len(text); {
		c := text[i]
		if c < 0x80 {
			if c == '$' && i > 0 {
				if r := dollarRegion(text[i-1]); r != "" {
					if named && r != place {
						return "", true
					}
					place, named = r, true
				}
			}
			i++
			continue
		}
		w := runeLen(c)
		for _, k := range placeByFirst[string(text[i:min(i+w, len(text))])] {
			pw := textPlaceWords[k]
			if !hasPrefixAt(text, i, pw.word) {
				continue
			}
			if named && pw.region != place {
				return "", true // two places: none is the text's
			}
			place, named = pw.region, true
			break
		}
		i += w
	}
	return place, named
}

// dollarRegion is the region of a dollar written with the letter c before
// it: A$, C$, S$.
func dollarRegion(c byte) string {
	switch c {
	case 'A':
		return "AU"
	case 'C':
		return "CA"
	case 'S':
		return "SG"
	}
	return ""
}

// placeByFirst indexes the non-ASCII textPlaceWords by their first
// character.
var placeByFirst = func() map[string][]int {
	m := make(map[string][]int)
	for k, w := range textPlaceWords {
		if w.word[0] < 0x80 {
			continue // A$, C$, S$: dollarRegion
		}
		first := w.word[:runeLen(w.word[0])]
		m[first] = append(m[first], k)
	}
	return m
}()
