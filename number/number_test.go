package number

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"ringfence"
)

func TestParse(t *testing.T) {
	mobile := Info{E164: "+8613812345678", Type: Mobile, Carrier: "中国移动", Province: "江苏省", City: "连云港市"}
	beijing := Info{E164: "+861012345678", Type: FixedLine, Province: "北京市", City: "北京市"}
	changsha := Info{E164: "+8673188888888", Type: FixedLine, Province: "湖南省", City: "长沙市"}
	tests := []struct {
		in   string
		want Info
	}{
		// Mobile numbers in every common notation.
		{"13812345678", mobile},
		{"+86 138-1234-5678", mobile},
		{"+8613812345678", mobile},
		{"008613812345678", mobile},
		{"86 13812345678", mobile},
		{"8613812345678", mobile},
		{"013812345678", mobile}, // trunk 0 before a mobile, as dialled from a fixed line
		{"138.1234.5678", mobile},
		{"(+86) 138 1234 5678", mobile},
		{"１３８１２３４５６７８", mobile},
		{"＋８６ １３８－１２３４－５６７８", mobile},
		{"138\u00a01234\u30005678", mobile},
		{"tel:+86-138-1234-5678", mobile},
		{"TEL:13812345678;phone-context=+86", mobile},
		{"  13812345678  ", mobile},
		{"13812345678\r\n", mobile},
		// Fixed lines.
		{"010-12345678", beijing},
		{"01012345678", beijing},
		{"+86 10 1234 5678", beijing},
		{"+86 (0)10 1234 5678", beijing},
		{"0086 10 12345678", beijing},
		{"(0731)88888888", changsha},
		{"0731-8888-8888", changsha},
		{"（0731）88888888", changsha},
		{"+86 731 8888 8888", changsha},
		{"0755-22345678", Info{E164: "+8675522345678", Type: FixedLine, Province: "广东省", City: "深圳市"}},
		{"024-22345678", Info{E164: "+862422345678", Type: FixedLine, Province: "辽宁省", City: "沈阳市"}},
		{"0471-2345678", Info{E164: "+864712345678", Type: FixedLine, Province: "内蒙古", City: "呼和浩特市"}},
		{"0951-5123456", Info{E164: "+869515123456", Type: FixedLine, Province: "宁夏", City: "银川市"}},
		{"021 6123 4567", Info{E164: "+862161234567", Type: FixedLine, Province: "上海市", City: "上海市"}},
		// Service, toll-free and short codes.
		{"95588", Info{E164: "+8695588", Type: Service}},
		{"95 588", Info{E164: "+8695588", Type: Service}},
		{"+86 95588", Info{E164: "+8695588", Type: Service}},
		{"96777", Info{E164: "+8696777", Type: Service}},
		{"95105888", Info{E164: "+8695105888", Type: Service}},
		{"0731-96258", Info{E164: "+8673196258", Type: Service, Province: "湖南省", City: "长沙市"}},
		{"400-812-3123", Info{E164: "+864008123123", Type: TollFree}},
		{"4008123123", Info{E164: "+864008123123", Type: TollFree}},
		{"800-810-8888", Info{E164: "+868008108888", Type: TollFree}},
		{"12321", Info{E164: "+8612321", Type: ShortCode}},
		{"10086", Info{E164: "+8610086", Type: ShortCode}},
		{"110", Info{E164: "+86110", Type: ShortCode}},
		{"116114", Info{E164: "+86116114", Type: ShortCode}},
		// Carriers and virtual operators.
		{"17001234567", Info{E164: "+8617001234567", Type: Mobile, Carrier: "中国电信", VirtualOperator: true, Province: "北京市", City: "北京市"}},
		{"17031234567", Info{E164: "+8617031234567", Type: Mobile, Carrier: "中国移动", VirtualOperator: true}},
		{"17041234567", Info{E164: "+8617041234567", Type: Mobile, Carrier: "中国联通", VirtualOperator: true}},
		{"17112345678", Info{E164: "+8617112345678", Type: Mobile, Carrier: "中国联通", VirtualOperator: true}},
		{"16212345678", Info{E164: "+8616212345678", Type: Mobile, Carrier: "中国电信", VirtualOperator: true}},
		{"16512345678", Info{E164: "+8616512345678", Type: Mobile, Carrier: "中国移动", VirtualOperator: true}},
		{"16712345678", Info{E164: "+8616712345678", Type: Mobile, Carrier: "中国联通", VirtualOperator: true}},
		{"16612345678", Info{E164: "+8616612345678", Type: Mobile, Carrier: "中国联通"}},
		{"19212345678", Info{E164: "+8619212345678", Type: Mobile, Carrier: "中国广电"}},
		{"14912345678", Info{E164: "+8614912345678", Type: Mobile, Carrier: "中国电信"}},
		{"18912345678", Info{E164: "+8618912345678", Type: Mobile, Carrier: "中国电信", Province: "江苏省", City: "常州市"}},
		{"13012345678", Info{E164: "+8613012345678", Type: Mobile, Carrier: "中国联通", Province: "重庆市", City: "重庆市"}},
		// International.
		{"+1 415 555 2671", Info{E164: "+14155552671", Type: International, Province: "美国", City: "San Francisco, CA"}},
		{"001 415 555 2671", Info{E164: "+14155552671", Type: International, Province: "美国", City: "San Francisco, CA"}},
		{"+44 20 7946 0958", Info{E164: "+442079460958", Type: International, Province: "英国", City: "London"}},
		{"+852 2345 6789", Info{E164: "+85223456789", Type: International, Province: "中国香港特别行政区"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			tt.want.Input = tt.in
			if got != tt.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			e, err := E164(tt.in)
			if err != nil || e != tt.want.E164 {
				t.Errorf("E164(%q) = %q, %v; want %q", tt.in, e, err, tt.want.E164)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, reason string // reason: the error text after `"in" is not a number: `
	}{
		{"", "empty"},
		{"   ", "no digits"},
		{"abc", "contains the letter 'a'"},
		{"1380013800a", "contains the letter 'a'"},
		{"1-800-FLOWERS", "contains the letter 'F'"},
		{"138*1234", "contains '*'"},
		{"138#", "contains '#'"},
		{"13812345678;ext=1", "contains ';'"},
		{"138+12345678", "'+' may only start a number"},
		{"++8613812345678", "'+' may only start a number"},
		{"138１２３４５６７８€", "contains '€'"},
		{"\xff13812345678", "contains an invalid UTF-8 byte"},
		{"138\x0012345678", "contains a control character"},
		{"1381234", "7 digits is too short for a Chinese mobile number"},
		{"1381234567", "10 digits is too short for a Chinese mobile number"},
		{"138123456789", "12 digits is too long for a Chinese mobile number"},
		{"+86 1381234567", "10 digits is too short for a Chinese mobile number"},
		{"12812345678", "128 is not a Chinese mobile segment"},
		{"15412345678", "154 is not a Chinese mobile segment"},
		{"19412345678", "194 is not a Chinese mobile segment"},
		{"17491234567", "1749123xxxx is not an allocated Chinese mobile range"},
		{"123456789", "9 digits is too long for a short code"},
		{"13", "2 digits is too short for a number"},
		{"0300-1234567", "unknown area code 0300"},
		{"0123-1234567", "unknown area code 012"},
		{"0731-123456", "fixed-line numbers in area 0731 have 8 digits after the area code, not 6"},
		{"0433-12345", "fixed-line numbers in area 0433 have 7 or 8 digits after the area code, not 5"},
		{"0991-12345678", "fixed-line numbers in area 0991 have 7 digits after the area code, not 8"},
		{"010-1234567", "fixed-line numbers in area 010 have 8 digits after the area code, not 7"},
		{"010-123456789", "fixed-line numbers in area 010 have 8 digits after the area code, not 9"},
		{"0731", "no subscriber number after the area code 0731"},
		{"0", "a lone 0 is not a number"},
		{"88888888", "8 digits without an area code (write it as 0xx-88888888)"},
		{"86123456", "8 digits without an area code (write it as 0xx-86123456)"},
		{"0955-96123", "fixed-line numbers in area 0955 have 7 digits after the area code, not 5"},
		{"7311234567", "a Chinese number starting with 7 must begin with 0 and an area code"},
		{"400-812-312", "400 numbers have 10 digits, not 9"},
		{"95", "2 digits is too short for a 95 service number"},
		{"+86", "no digits after the country code 86"},
		{"+", "no digits"},
		{"00", "no digits after the international prefix"},
		{"+0123", "country codes do not start with 0"},
		{"+86 0", "no digits after the trunk prefix 0"},
		{"+999 1234 5678", "no country has the calling code of +999"},
		{"+1 415", "too short for a +1 (美国) number"},
		{"+1 415 555 2671 1234 5", "16 digits is too long for an international number (at most 15)"},
		{"+44 20 7946 0958123", "too long for a +44 (英国) number"},
		{"123456789012345678901", "too long (more than 20 digits)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			info, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.in, info)
			}
			if want := `"` + strings.ReplaceAll(strings.ReplaceAll(tt.in, "\xff", `\xff`), "\x00", `\x00`) + `" is not a number: ` + tt.reason; err.Error() != want {
				t.Errorf("Parse(%q) error\n got %s\nwant %s", tt.in, err, want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%q) error does not wrap ErrInvalid", tt.in)
			}
			if code := ringfence.ErrorCode(err); code != ringfence.EINVALID {
				t.Errorf("Parse(%q) error code = %q, want %q", tt.in, code, ringfence.EINVALID)
			}
			if info != (Info{}) {
				t.Errorf("Parse(%q) returned %+v with its error", tt.in, info)
			}
			if e, err2 := E164(tt.in); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("E164(%q) = %q, %v; want the error of Parse", tt.in, e, err2)
			}
		})
	}
}

// TestE164NoCopy checks that E164 and Parse return the input itself when it
// already is E.164.
func TestE164NoCopy(t *testing.T) {
	in := "+8613812345678"
	got, err := E164(in)
	if err != nil || got != in {
		t.Fatalf("E164(%q) = %q, %v", in, got, err)
	}
	if allocs := testing.AllocsPerRun(100, func() { E164(in) }); allocs != 0 {
		t.Errorf("E164(%q) allocates %v times, want 0", in, allocs)
	}
	if allocs := testing.AllocsPerRun(100, func() { Parse(in) }); allocs != 0 {
		t.Errorf("Parse(%q) allocates %v times, want 0", in, allocs)
	}
	for _, in := range []string{"138 1234 5678", "0731-8888-8888"} {
		if allocs := testing.AllocsPerRun(100, func() { Parse(in) }); allocs > 1 {
			t.Errorf("Parse(%q) allocates %v times, want at most 1", in, allocs)
		}
		if allocs := testing.AllocsPerRun(100, func() { E164(in) }); allocs > 1 {
			t.Errorf("E164(%q) allocates %v times, want at most 1", in, allocs)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"+8613812345678", 8613812345678, true},
		{"+14155552671", 14155552671, true},
		{"+8695588", 8695588, true},
		{"+1", 1, true},
		{"+999999999999999", 999999999999999, true},
		{"+9999999999999999", 0, false}, // 16 digits
		{"8613812345678", 0, false},
		{"+", 0, false},
		{"", 0, false},
		{"+086", 0, false},
		{"+86 138", 0, false},
		{"+86a", 0, false},
	}
	for _, tt := range tests {
		got, ok := Key(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Key(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok {
			if back := FromKey(got); back != tt.in {
				t.Errorf("FromKey(%d) = %q, want %q", got, back, tt.in)
			}
		}
	}
	if got := FromKey(0); got != "" {
		t.Errorf("FromKey(0) = %q, want \"\"", got)
	}
	if allocs := testing.AllocsPerRun(100, func() { keySink, _ = Key("+8613812345678") }); allocs != 0 {
		t.Errorf("Key allocates %v times, want 0", allocs)
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"170*", "+86170"},
		{"+86170*", "+86170"},
		{"0086170", "+86170"},
		{"86170", "+86170"},
		{"1703xxx", "+861703"},
		{"95*", "+8695"},
		{"96", "+8696"},
		{"010*", "+8610"},
		{"0731-", "+86731"},
		{"07*", "+867"},
		{"+86 (0)731", "+86731"},
		{"400*", "+86400"},
		{"800", "+86800"},
		{"1", "+861"},
		{"10086", "+8610086"},
		{"+86", "+86"},
		{"+1415*", "+1415"},
		{"+1 (415) *", "+1415"},
		{"001415", "+1415"},
		{"+44 20", "+4420"},
		{"+4", "+4"},
		{"+85", "+85"},
		{"１７０＊", "+86170"},
	}
	for _, tt := range tests {
		got, err := Prefix(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Prefix(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestPrefixErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"*", "empty"},
		{"abc*", "contains the letter 'a'"},
		{"17*0", "contains '*'"},
		{"0*", "a lone 0 matches every fixed line; add an area code"},
		{"154*", "154 is not a Chinese mobile segment"},
		{"17495", "no Chinese mobile range starts 17495"},
		{"1749123", "1749123xxxx is not an allocated Chinese mobile range"},
		{"128456789", "128 is not a Chinese mobile segment and short codes have at most 8 digits"},
		{"138123456789", "12 digits after +86 is longer than any Chinese number"},
		{"0300", "unknown area code 0300"},
		{"030", "no area code starts 030"},
		{"0001", "country codes do not start with 0"},
		{"41*", "41 is neither a 400/800 prefix nor after an area code"},
		{"97*", "97 is neither a 95/96 prefix nor after an area code"},
		{"5*", "a Chinese prefix starting with 5 must begin with 0 and an area code"},
		{"+999", "no country calling code starts +999"},
		{"+0", "country codes do not start with 0"},
		{"00", "no digits after the international prefix"},
		{"+8600", "a second trunk prefix 0"},
		{"+1234567890123456", "16 digits is longer than any international number"},
	}
	for _, tt := range tests {
		got, err := Prefix(tt.in)
		if err == nil {
			t.Errorf("Prefix(%q) = %q, want an error", tt.in, got)
			continue
		}
		if want := `"` + tt.in + `" is not a number prefix: ` + tt.reason; err.Error() != want {
			t.Errorf("Prefix(%q) error\n got %s\nwant %s", tt.in, err, want)
		}
		if !errors.Is(err, ErrInvalid) || ringfence.ErrorCode(err) != ringfence.EINVALID {
			t.Errorf("Prefix(%q) error %v does not wrap ErrInvalid with code %s", tt.in, err, ringfence.EINVALID)
		}
	}
}

// TestPrefixMatchesParse checks that the prefix of a number's notation is a
// prefix of its E.164 form.
func TestPrefixMatchesParse(t *testing.T) {
	for _, n := range []struct{ number, prefix string }{
		{"17031234567", "1703*"},
		{"010-12345678", "010*"},
		{"0731-8888-8888", "0731"},
		{"95588", "955*"},
		{"400-812-3123", "400*"},
		{"+1 415 555 2671", "+1415*"},
		{"001 415 555 2671", "00141*"},
	} {
		e, err := E164(n.number)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Prefix(n.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e, p) {
			t.Errorf("Prefix(%q) = %q is not a prefix of E164(%q) = %q", n.prefix, p, n.number, e)
		}
	}
}

func TestSplitPlace(t *testing.T) {
	tests := []struct{ in, province, city string }{
		{"广东省深圳市", "广东省", "深圳市"},
		{"北京市", "北京市", "北京市"},
		{"天津", "天津市", "天津市"},
		{"重庆市", "重庆市", "重庆市"},
		{"辽宁省沈阳市、铁岭市、抚顺市", "辽宁省", "沈阳市"},
		{"内蒙古呼和浩特市", "内蒙古", "呼和浩特市"},
		{"新疆维吾尔自治区乌鲁木齐市", "新疆维吾尔自治区", "乌鲁木齐市"},
		{"西藏日喀则地区、仲巴县", "西藏", "日喀则地区"},
		{"吉林省延边朝鲜族自治州、珲春市、延吉市", "吉林省", "延边朝鲜族自治州"},
		{"海南省", "海南省", ""},
		{"某地", "某地", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := splitPlace(tt.in); got != (place{tt.province, tt.city}) {
			t.Errorf("splitPlace(%q) = %q/%q, want %q/%q", tt.in, got.province, got.city, tt.province, tt.city)
		}
	}
}

// TestPlanLoad checks the tables built from the embedded plan and that a
// damaged plan is refused.
func TestPlanLoad(t *testing.T) {
	p := tables()
	if len(p.places) < 300 {
		t.Errorf("%d places, want the 300-odd Chinese cities", len(p.places))
	}
	for _, seg := range virtualSegments {
		m := p.mobile[seg-firstSegment]
		if m == nil {
			t.Fatalf("virtual segment %d has no ranges", seg)
		}
		for i, e := range m {
			if e&mobileValid != 0 && (e&mobileVirtual == 0 || e>>carrierShift&carrierMask == noCarrier) {
				t.Fatalf("%d%04d: virtual-operator prefix without host carrier or flag (%016b)", seg, i, e)
			}
		}
	}
	if _, err := loadPlan([]byte("not gzip")); err == nil {
		t.Error("loadPlan accepted garbage")
	}
	raw := encodePlan(&rawPlan{strings: []string{""}, runs: []rawRun{{length: numPrefixes - 1}}})
	if _, err := decodePlan(raw); err == nil || !strings.Contains(err.Error(), "runs cover") {
		t.Errorf("decodePlan of short runs: %v", err)
	}
	raw = encodePlan(&rawPlan{strings: []string{""}, areas: []rawArea{{code: 10, mask: 1, place: 5}}, runs: []rawRun{{length: numPrefixes}}})
	if _, err := decodePlan(raw); err == nil || !strings.Contains(err.Error(), "area place 5 out of range") {
		t.Errorf("decodePlan of a bad place index: %v", err)
	}
}

// TestParseGolden parses every line of testdata/parse.txt and compares the
// JSON results (or errors) with testdata/parse.golden; -update rewrites it.
func TestParseGolden(t *testing.T) {
	f, err := os.Open("testdata/parse.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		info, err := Parse(line)
		if err != nil {
			b, _ := json.Marshal(map[string]string{"input": line, "error": err.Error()})
			out.Write(b)
		} else {
			b, _ := json.Marshal(info)
			out.Write(b)
		}
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/parse.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	gotLines, wantLines := strings.Split(out.String(), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gotLines) || i < len(wantLines); i++ {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Errorf("%s line %d:\n got %s\nwant %s", golden, i+1, g, w)
		}
	}
}

// TestPlanRoundTrip parses a number in every mobile range and area code of
// the tables, written domestically, and checks that its E.164 form parses to
// the same number, type, carrier and place.
func TestPlanRoundTrip(t *testing.T) {
	p := tables()
	check := func(domestic string, typ Type) {
		t.Helper()
		info, err := Parse(domestic)
		if err != nil {
			t.Fatalf("Parse(%q): %v", domestic, err)
		}
		if info.Type != typ {
			t.Fatalf("Parse(%q).Type = %s, want %s", domestic, info.Type, typ)
		}
		again, err := Parse(info.E164)
		if err != nil {
			t.Fatalf("Parse(%q) (from %q): %v", info.E164, domestic, err)
		}
		again.Input = info.Input
		if again != info {
			t.Fatalf("Parse(%q) = %+v\nbut Parse(%q) = %+v", domestic, info, info.E164, again)
		}
	}
	mobiles := 0
	for i, seg := range p.mobile {
		if seg == nil {
			continue
		}
		for j, e := range seg {
			if e&mobileValid != 0 {
				check(fmt.Sprintf("%d%04d5678", firstSegment+i, j), Mobile)
				mobiles++
			}
		}
	}
	areas := 0
	for code, e := range p.area {
		if e&(area7|area8) == 0 {
			continue
		}
		areas++
		if e&area7 != 0 {
			check(fmt.Sprintf("0%d-2345678", code), FixedLine)
		}
		if e&area8 != 0 {
			check(fmt.Sprintf("0%d-23456789", code), FixedLine)
		}
		if code != 10 && code/10 != 95 && code/10 != 96 {
			check(fmt.Sprintf("0%d-96123", code), Service)
		}
	}
	if mobiles < 500_000 || areas < 300 {
		t.Errorf("%d mobile ranges and %d area codes; the plan looks truncated", mobiles, areas)
	}
}

func TestAreaCode(t *testing.T) {
	for code, want := range map[string]bool{"10": true, "21": true, "755": true, "951": true, "310": true,
		"11": false, "13": false, "3": false, "0755": false, "7550": false, "400": false, "": false, "1x": false} {
		if got := AreaCode(code); got != want {
			t.Errorf("AreaCode(%q) = %v, want %v", code, got, want)
		}
	}
}

// keySink keeps the compiler from dropping calls whose allocations a test
// counts.
var keySink uint64
