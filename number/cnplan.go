package number

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// cnplan.gz is China's numbering plan as libphonenumber knows it, extracted
// from github.com/nyaruka/phonenumbers (Apache-2.0) through its public API:
// for every 7-digit mobile prefix 1300000–1999999 whether it is a mobile
// range, its carrier and its geocoder description (zh), and for every area
// code its geocoder description and the subscriber lengths it takes.
//
// The phonenumbers package keeps its prefix maps unexported, and asking its
// API for all 700,000 prefixes takes over a second, too slow for start-up;
// so the extraction runs once, when the dependency changes, and
// TestPlanMatchesPhonenumbers fails whenever this file and the library
// disagree. Regenerate it with:
//
//	go test ./number -run TestPlanMatchesPhonenumbers -update
//
//go:generate go test -run TestPlanMatchesPhonenumbers -update
//go:embed cnplan.gz
var cnplanGz []byte

// Layout of cnplan.gz once gunzipped (all integers are unsigned varints):
//
//	"rfcnplan1\n"
//	count, then count strings as length and UTF-8 bytes; string 0 is ""
//	count, then count area codes as code (10, 20–29, 300–999),
//	    mask (1: 7-digit subscriber numbers, 2: 8-digit) and geocoder string
//	count, then count runs covering the prefixes 1300000–1999999 in order,
//	    each as length, carrier string + 1 (0: not a mobile range) and
//	    geocoder string
const planMagic = "rfcnplan1\n"

const (
	firstSegment = 130 // first 3-digit mobile segment in the tables
	numSegments  = 70  // 130–199
	firstPrefix  = firstSegment * 10000
	numPrefixes  = numSegments * 10000
)

// Bits of a mobile table entry.
const (
	mobileValid   = 1 << 15
	carrierShift  = 12
	carrierMask   = 7
	mobileVirtual = 1 << 11
	placeMask     = 1<<11 - 1
)

// Bits of an area table entry (with the place in placeMask).
const (
	area7 = 1 << 15 // takes 7-digit subscriber numbers
	area8 = 1 << 14 // takes 8-digit subscriber numbers
)

// Carriers, as indexes into carrierNames.
const (
	noCarrier = iota
	chinaMobile
	chinaUnicom
	chinaTelecom
	chinaBroadnet
)

var carrierNames = [carrierMask + 1]string{"", "中国移动", "中国联通", "中国电信", "中国广电"}

// The virtual-operator segments. Virtual operators resell a host network, so
// their numbers carry the host's carrier and VirtualOperator = true.
var virtualSegments = [...]int{162, 165, 167, 170, 171}

// planAmendments are what ringfence knows of the plan beyond libphonenumber:
// carriers it lacks for virtual-operator segments, and the 11-digit data
// segments 146, 148 and 149, which it leaves out because they carry no
// voice but whose numbers do appear as callers (SMS, VoLTE data plans). A
// segment's carrier applies only where the extracted data has none; a
// segment with no mobile range at all is opened whole.
var planAmendments = [...]struct {
	segment int
	carrier uint8
}{
	{146, chinaUnicom},
	{148, chinaMobile},
	{149, chinaTelecom},
	{162, chinaTelecom},
	{165, chinaMobile},
}

// place is a province and city, interned once.
type place struct{ province, city string }

// plan holds the lookup tables built from cnplan.gz.
type plan struct {
	mobile [numSegments]*[10000]uint16 // by segment - 130; nil when no range is a mobile range
	area   [1000]uint16                // by area code without the trunk 0: 10, 20–29, 300–999
	places []place                     // index 0 is the unknown place
}

var (
	planOnce sync.Once
	thePlan  *plan
)

// tables returns the lookup tables, building them on first use.
func tables() *plan {
	planOnce.Do(func() {
		p, err := loadPlan(cnplanGz)
		if err != nil {
			panic("number: embedded numbering plan: " + err.Error())
		}
		thePlan = p
	})
	return thePlan
}

// loadPlan builds the tables from a gzipped plan.
func loadPlan(gz []byte) (*plan, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	rp, err := decodePlan(raw)
	if err != nil {
		return nil, err
	}
	p := &plan{places: []place{{}}}

	// Intern the places and carriers of the strings.
	placeOf := make([]uint16, len(rp.strings))
	carrierOf := make([]uint8, len(rp.strings))
	seen := map[place]uint16{{}: 0}
	for i, s := range rp.strings {
		pl := splitPlace(s)
		idx, ok := seen[pl]
		if !ok {
			idx = uint16(len(p.places))
			if idx > placeMask {
				return nil, fmt.Errorf("more than %d places", placeMask)
			}
			seen[pl] = idx
			p.places = append(p.places, pl)
		}
		placeOf[i] = idx
		for c, name := range carrierNames {
			if name != "" && s == name {
				carrierOf[i] = uint8(c)
			}
		}
	}

	for _, a := range rp.areas {
		e := placeOf[a.place]
		if a.mask&1 != 0 {
			e |= area7
		}
		if a.mask&2 != 0 {
			e |= area8
		}
		p.area[a.code] = e
	}

	prefix := 0
	for _, run := range rp.runs {
		if run.carrier > 0 {
			e := mobileValid | uint16(carrierOf[run.carrier-1])<<carrierShift | placeOf[run.place]
			for i := prefix; i < prefix+run.length; i++ {
				seg := p.segment(i / 10000)
				seg[i%10000] = e
			}
		}
		prefix += run.length
	}
	p.amend()
	return p, nil
}

// segment returns the table of segment index i, allocating it when absent.
func (p *plan) segment(i int) *[10000]uint16 {
	if p.mobile[i] == nil {
		p.mobile[i] = new([10000]uint16)
	}
	return p.mobile[i]
}

// amend applies planAmendments and marks the virtual-operator segments.
func (p *plan) amend() {
	for _, a := range planAmendments {
		i := a.segment - firstSegment
		if p.mobile[i] == nil {
			seg := p.segment(i)
			for j := range seg {
				seg[j] = mobileValid
			}
		}
		seg := p.mobile[i]
		for j, e := range seg {
			if e&mobileValid != 0 && e>>carrierShift&carrierMask == noCarrier {
				seg[j] = e | uint16(a.carrier)<<carrierShift
			}
		}
	}
	for _, s := range virtualSegments {
		if seg := p.mobile[s-firstSegment]; seg != nil {
			for j, e := range seg {
				if e&mobileValid != 0 {
					seg[j] = e | mobileVirtual
				}
			}
		}
	}
}

// rawPlan is a decoded cnplan.gz.
type rawPlan struct {
	strings []string
	areas   []rawArea
	runs    []rawRun
}

type rawArea struct {
	code, mask, place int
}

type rawRun struct {
	length, carrier, place int // carrier is a string index + 1, 0 for no mobile range
}

// decodePlan decodes a gunzipped plan, checking every index.
func decodePlan(raw []byte) (*rawPlan, error) {
	if !bytes.HasPrefix(raw, []byte(planMagic)) {
		return nil, errors.New("bad magic")
	}
	r := bytes.NewReader(raw[len(planMagic):])
	var rerr error
	next := func(what string, limit int) int {
		if rerr != nil {
			return 0
		}
		v, err := binary.ReadUvarint(r)
		if err != nil {
			rerr = fmt.Errorf("read %s: %w", what, err)
			return 0
		}
		if v >= uint64(limit) {
			rerr = fmt.Errorf("%s %d out of range (limit %d)", what, v, limit)
			return 0
		}
		return int(v)
	}
	rp := &rawPlan{}
	n := next("string count", 1<<16)
	rp.strings = make([]string, 0, n)
	for range n {
		l := next("string length", 1<<10)
		if rerr != nil {
			return nil, rerr
		}
		b := make([]byte, l)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("read string %d: %w", len(rp.strings), err)
		}
		rp.strings = append(rp.strings, string(b))
	}
	if len(rp.strings) == 0 || rp.strings[0] != "" {
		return nil, errors.New("string 0 is not empty")
	}
	n = next("area count", 1000)
	for range n {
		a := rawArea{code: next("area code", 1000), mask: next("area mask", 4), place: next("area place", len(rp.strings))}
		rp.areas = append(rp.areas, a)
	}
	n = next("run count", numPrefixes+1)
	total := 0
	for range n {
		run := rawRun{length: next("run length", numPrefixes+1), carrier: next("run carrier", len(rp.strings)+1), place: next("run place", len(rp.strings))}
		total += run.length
		rp.runs = append(rp.runs, run)
	}
	if rerr != nil {
		return nil, rerr
	}
	if total != numPrefixes {
		return nil, fmt.Errorf("runs cover %d prefixes, want %d", total, numPrefixes)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%d bytes after the runs", r.Len())
	}
	return rp, nil
}

// encodePlan encodes rp in the layout decodePlan reads (not gzipped).
func encodePlan(rp *rawPlan) []byte {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	var tmp [binary.MaxVarintLen64]byte
	put := func(v int) { w.Write(tmp[:binary.PutUvarint(tmp[:], uint64(v))]) }
	w.WriteString(planMagic)
	put(len(rp.strings))
	for _, s := range rp.strings {
		put(len(s))
		w.WriteString(s)
	}
	put(len(rp.areas))
	for _, a := range rp.areas {
		put(a.code)
		put(a.mask)
		put(a.place)
	}
	put(len(rp.runs))
	for _, run := range rp.runs {
		put(run.length)
		put(run.carrier)
		put(run.place)
	}
	w.Flush()
	return buf.Bytes()
}

// Provincial-level divisions whose names do not end in 省, longest first.
var provinceNames = [...]string{
	"内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
	"香港特别行政区", "澳门特别行政区",
	"内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
}

// splitPlace splits a geocoder description such as "广东省深圳市" into its
// province and city. Municipalities are their own city (北京市 → 北京市 /
// 北京市). Where one area code serves several cities
// ("辽宁省沈阳市、铁岭市、抚顺市") the first, the principal city, is kept.
// Descriptions that name no province are kept whole as the province.
func splitPlace(s string) place {
	if s == "" {
		return place{}
	}
	for _, m := range [...]string{"北京", "天津", "上海", "重庆"} {
		if strings.HasPrefix(s, m) {
			return place{m + "市", m + "市"}
		}
	}
	province, city := s, ""
	if i := strings.Index(s, "省"); i > 0 {
		province, city = s[:i+len("省")], s[i+len("省"):]
	} else {
		for _, p := range provinceNames {
			if strings.HasPrefix(s, p) {
				province, city = p, s[len(p):]
				break
			}
		}
	}
	if i := strings.Index(city, "、"); i >= 0 {
		city = city[:i]
	}
	return place{province, city}
}
