package number

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// phoneDat is the community phone.dat (GPL-3.0), used here only as an oracle
// to measure the embedded plan against; it is never shipped.
const phoneDat = "../../shared/data/phone_202108.dat"

type datRecord struct {
	prefix         int // 7 digits
	province, city string
	carrier        uint8 // host network, as carrierNames index
	virtual        bool
}

// readPhoneDat reads phone.dat: a 4-byte version, the uint32 offset of the
// index, "province|city|postcode|areacode\0" records, then 9-byte index
// entries (uint32 prefix, uint32 record offset, uint8 carrier type) to the
// end, all little-endian.
func readPhoneDat(t *testing.T) []datRecord {
	t.Helper()
	b, err := os.ReadFile(phoneDat)
	if os.IsNotExist(err) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is absent; CI runs with ../shared beside the checkout", phoneDat)
		}
		t.Skipf("%s is absent", phoneDat)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 8 {
		t.Fatalf("%s: %d bytes is too short", phoneDat, len(b))
	}
	idx := int(binary.LittleEndian.Uint32(b[4:8]))
	if idx < 8 || idx > len(b) || (len(b)-idx)%9 != 0 {
		t.Fatalf("%s: bad index offset %d", phoneDat, idx)
	}
	// Carrier types: 1 China Mobile, 2 China Unicom, 3 China Telecom, 4–6
	// the virtual operators hosted by China Telecom, Unicom and Mobile.
	types := [...]struct {
		carrier uint8
		virtual bool
	}{1: {chinaMobile, false}, 2: {chinaUnicom, false}, 3: {chinaTelecom, false},
		4: {chinaTelecom, true}, 5: {chinaUnicom, true}, 6: {chinaMobile, true}}
	var recs []datRecord
	for i := idx; i < len(b); i += 9 {
		prefix := int(binary.LittleEndian.Uint32(b[i:]))
		off := int(binary.LittleEndian.Uint32(b[i+4:]))
		typ := int(b[i+8])
		end := bytes.IndexByte(b[min(off, len(b)):], 0)
		if off < 8 || off >= idx || end < 0 || typ < 1 || typ >= len(types) {
			t.Fatalf("%s: bad index entry %d at byte %d", phoneDat, (i-idx)/9, i)
		}
		fields := strings.Split(string(b[off:off+end]), "|")
		if len(fields) != 4 {
			t.Fatalf("%s: record at byte %d has %d fields", phoneDat, off, len(fields))
		}
		recs = append(recs, datRecord{prefix, fields[0], fields[1], types[typ].carrier, types[typ].virtual})
	}
	return recs
}

// samePlace reports whether two names of a province or city agree, allowing
// for phone.dat's short forms (广东 for 广东省, 延边 for 延边朝鲜族自治州).
func samePlace(ours, theirs string) bool {
	a, b := []rune(ours), []rune(theirs)
	if len(a) < len(b) {
		a, b = b, a
	}
	return len(b) >= 2 && string(a[:len(b)]) == string(b)
}

// TestAgreementWithPhoneDat measures the embedded plan against phone.dat
// over every 7-digit prefix both know, and reports what disagrees.
//
// Disagreement is expected and has known causes: segments move between
// carriers over time (170/171 sub-ranges were reassigned among virtual
// operators, 1349 is China Satcom's satellite range that phone.dat files as
// a China Telecom virtual operator, 1740x is satellite service over China
// Telecom), individual numbers are ported (携号转网) so any prefix table is a
// guess, and the two sources were compiled at different dates from different
// registries: phone.dat is the August 2021 edition, libphonenumber places a
// prefix where its block was first allocated and knows carriers only per
// segment. Places disagree mostly in naming rather than in fact: cities
// renamed since (襄樊 became 襄阳 in 2010), prefectures against their seat
// (黔东南苗族侗族自治州 against 凯里, 呼伦贝尔 against 海拉尔), and
// Chongqing's districts (万州, 涪陵), which libphonenumber files under the
// municipality. Numbers of segments libphonenumber does not place (see the
// coverage floor below) carry only a carrier here.
func TestAgreementWithPhoneDat(t *testing.T) {
	recs := readPhoneDat(t)
	report := func(format string, args ...any) {
		t.Logf(format, args...)
		if testing.Verbose() {
			fmt.Printf(format+"\n", args...)
		}
	}
	p := tables()
	var both, carrierOK, virtualOK, located, provinceOK, cityOK int
	unknown := map[int]int{}        // segment → phone.dat prefixes we do not know
	carrierDiff := map[string]int{} // "1703xxx: ours …, phone.dat …" → prefixes
	virtualDiff := map[string]int{}
	provinceDiff := map[string]int{} // segment → prefixes whose province disagrees
	cityDiff := map[string]int{}
	placePairs := map[string]int{} // "ours 江苏省/南京市, phone.dat 江苏/苏州" → prefixes
	for _, r := range recs {
		seg := r.prefix / 10000
		var e uint16
		if seg >= firstSegment && seg < firstSegment+numSegments && p.mobile[seg-firstSegment] != nil {
			e = p.mobile[seg-firstSegment][r.prefix%10000]
		}
		if e&mobileValid == 0 {
			unknown[seg]++
			continue
		}
		both++
		carrier := uint8(e >> carrierShift & carrierMask)
		virtual := e&mobileVirtual != 0
		block := fmt.Sprintf("%dxxx", r.prefix/1000)
		if carrier == r.carrier {
			carrierOK++
		} else {
			carrierDiff[fmt.Sprintf("%s: ours %q, phone.dat %s", block, carrierNames[carrier], carrierNames[r.carrier])]++
		}
		if virtual == r.virtual {
			virtualOK++
		} else {
			virtualDiff[fmt.Sprintf("%s: ours virtual=%v, phone.dat virtual=%v", block, virtual, r.virtual)]++
		}
		pl := p.places[e&placeMask]
		if pl.province == "" {
			continue
		}
		located++
		if samePlace(pl.province, r.province) {
			provinceOK++
		} else {
			provinceDiff[fmt.Sprintf("%dxxxx", seg)]++
		}
		if samePlace(pl.province, r.province) && samePlace(pl.city, r.city) {
			cityOK++
		} else {
			cityDiff[fmt.Sprintf("%dxxxx", seg)]++
			placePairs[fmt.Sprintf("ours %s/%s, phone.dat %s/%s", pl.province, pl.city, r.province, r.city)]++
		}
	}
	if both == 0 {
		t.Fatal("no prefix in common with phone.dat")
	}
	pct := func(n, of int) float64 { return 100 * float64(n) / float64(of) }
	report("phone.dat: %d prefixes; %d known to both, %d only to phone.dat %v", len(recs), both, len(recs)-both, unknown)
	report("carrier agreement: %.2f%% (%d of %d)", pct(carrierOK, both), carrierOK, both)
	report("virtual-operator agreement: %.2f%% (%d of %d)", pct(virtualOK, both), virtualOK, both)
	report("province agreement: %.2f%% (%d of %d placed by both)", pct(provinceOK, located), provinceOK, located)
	report("province and city agreement: %.2f%% (%d of %d placed by both)", pct(cityOK, located), cityOK, located)
	report("placed by us: %.2f%% of the prefixes known to both", pct(located, both))
	reportTop(report, "carrier disagreements", carrierDiff, 25)
	reportTop(report, "virtual-operator disagreements", virtualDiff, 15)
	reportTop(report, "province disagreements by segment", provinceDiff, 15)
	reportTop(report, "province/city disagreements by segment", cityDiff, 15)
	reportTop(report, "province/city disagreements by place", placePairs, 15)

	if got := pct(carrierOK, both); got < 95 {
		t.Errorf("carrier agreement %.2f%% is below 95%%", got)
	}
	if got := pct(virtualOK, both); got < 95 {
		t.Errorf("virtual-operator agreement %.2f%% is below 95%%", got)
	}
	if got := pct(provinceOK, located); got < 90 {
		t.Errorf("province agreement %.2f%% is below 90%%", got)
	}
	if got := pct(cityOK, located); got < 75 {
		t.Errorf("province and city agreement %.2f%% is below 75%%", got)
	}
	// libphonenumber places no prefix of the newer segments (146, 148, 149,
	// 162, 165–167, 171–175, 19x) and only part of 145, 170, 176–178.
	if got := pct(located, both); got < 65 {
		t.Errorf("only %.2f%% of the common prefixes have a place", got)
	}
}

// reportTop reports the n largest counts of m, largest first.
func reportTop(report func(string, ...any), title string, m map[string]int, n int) {
	keys := make([]string, 0, len(m))
	total := 0
	for k, v := range m {
		keys = append(keys, k)
		total += v
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	report("%s: %d prefixes in %d groups", title, total, len(keys))
	for i, k := range keys {
		if i == n {
			report("  … and %d more groups", len(keys)-n)
			break
		}
		report("  %6d  %s", m[k], k)
	}
}
