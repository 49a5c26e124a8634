package corpus

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"ringfence/deid"
)

// Mobile segments in service (three digits) and some that are not.
var (
	mobileSegments = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "149", "150", "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167", "170", "171", "172", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "190", "191", "193", "195", "196", "197", "198", "199"}
	badSegments    = []string{"100", "101", "110", "120", "122", "125", "126", "127", "128", "129", "140", "143", "154", "160", "161", "164", "169", "179", "194"}
)

func (g gen) mobile() string {
	n := g.pick(mobileSegments) + g.digits(8)
	switch g.n(12) {
	case 0:
		return n[:3] + " " + n[3:7] + " " + n[7:]
	case 1:
		return n[:3] + "-" + n[3:7] + "-" + n[7:]
	case 2:
		return "+86" + n
	case 3:
		return "+86 " + n[:3] + " " + n[3:7] + " " + n[7:]
	case 4:
		return "+86-" + n
	case 5:
		return "0086 " + n
	case 6:
		return "(+86)" + n
	case 7:
		return "86-" + n[:3] + "-" + n[3:7] + "-" + n[7:]
	case 8:
		return fullWidth(n)
	case 9:
		return n[:3] + " " + n[3:]
	default:
		return n
	}
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r - '0' + '０')
	}
	return b.String()
}

// A sample of area codes: the two-digit ones and three-digit ones from
// every region.
var areaCodes = []string{"10", "20", "21", "22", "23", "24", "25", "27", "28", "29", "311", "351", "371", "411", "431", "451", "471", "512", "531", "551", "571", "591", "731", "755", "769", "771", "791", "851", "871", "891", "898", "931", "951", "971", "991"}

func (g gen) landline() string {
	a := g.pick(areaCodes)
	localLen := 8
	if len(a) == 3 && g.coin(0.3) {
		localLen = 7
	}
	local := string(byte('2'+g.n(8))) + g.digits(localLen-1)
	switch g.n(6) {
	case 0:
		return "(0" + a + ")" + local
	case 1:
		return "0" + a + " " + local[:localLen-4] + " " + local[localLen-4:]
	case 2:
		return "+86 " + a + " " + local
	case 3:
		return "0" + a + local
	default:
		return "0" + a + "-" + local
	}
}

var provinceCodes = []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65}

func (g gen) region() string {
	return fmt.Sprintf("%02d%02d%02d", provinceCodes[g.n(len(provinceCodes))], 1+g.n(20), 1+g.n(30))
}

// countyCodes are real GB/T 2260 county-level codes (2021), one or two per
// province, for credit codes, whose division code is checked against the
// list.
var countyCodes = []string{"110101", "110108", "120101", "130102", "140105", "150102", "210102", "220102", "230102",
	"310101", "310115", "320102", "320506", "330106", "330212", "340104", "350102", "360102", "370102", "410105",
	"420106", "430104", "440106", "440305", "450103", "460105", "500103", "510107", "520102", "530102", "540102",
	"610113", "620102", "630102", "640104", "650102", "440300", "330100", "110000"}

var daysInMonth = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func (g gen) birth(from, to int) (int, int, int) {
	y := from + g.n(to-from+1)
	m := 1 + g.n(12)
	days := daysInMonth[m]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return y, m, 1 + g.n(days)
}

// gb11643 is the check character of a 17-digit identity number body.
func gb11643(body string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i := range 17 {
		s += int(body[i]-'0') * w[i]
	}
	return "10X98765432"[s%11]
}

func (g gen) idBody() string {
	y, m, d := g.birth(1940, 2012)
	return fmt.Sprintf("%s%04d%02d%02d%s", g.region(), y, m, d, g.digits(3))
}

func (g gen) idCard() string {
	if g.coin(0.08) {
		y, m, d := g.birth(1930, 1999)
		return fmt.Sprintf("%s%02d%02d%02d%s", g.region(), y%100, m, d, g.digits(3))
	}
	body := g.idBody()
	id := body + string(gb11643(body))
	switch {
	case id[17] == 'X' && g.coin(0.3):
		return id[:17] + "x"
	case g.coin(0.1):
		return id[:6] + " " + id[6:14] + " " + id[14:]
	}
	return id
}

func (g gen) badIDCard() string {
	body := g.idBody()
	switch g.n(3) {
	case 0: // wrong check character
		c := gb11643(body)
		for {
			x := "0123456789X"[g.n(11)]
			if x != c {
				return body + string(x)
			}
		}
	case 1: // impossible birth date
		body = body[:10] + fmt.Sprintf("%02d", 13+g.n(87)) + body[12:]
		return body + string(gb11643(body))
	default: // unknown province
		body = fmt.Sprintf("%02d", []int{0, 10, 19, 20, 24, 30, 38, 40, 47, 55, 60, 66, 70, 80, 90, 99}[g.n(16)]) + body[2:]
		return body + string(gb11643(body))
	}
}

func luhn(body string) byte {
	s := 0
	for i := len(body) - 1; i >= 0; i-- {
		v := int(body[i] - '0')
		if (len(body)-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		s += v
	}
	return byte('0' + (10-s%10)%10)
}

var bins = []string{"622202", "622848", "621700", "622700", "621226", "622588", "622609", "621483", "436742", "427018", "524374", "552599", "356833", "622260", "623058", "625965"}

func (g gen) cardBody() string {
	n := []int{16, 16, 16, 17, 18, 19, 19}[g.n(7)]
	return g.pick(bins) + g.digits(n-7)
}

func (g gen) card() string {
	body := g.cardBody()
	c := body + string(luhn(body))
	if g.coin(0.25) {
		var parts []string
		for i := 0; i < len(c); i += 4 {
			parts = append(parts, c[i:min(i+4, len(c))])
		}
		return strings.Join(parts, g.pick([]string{" ", "-"}))
	}
	return c
}

func (g gen) badCard() string {
	body := g.cardBody()
	c := luhn(body)
	return body + string('0'+(c-'0'+1+byte(g.n(9)))%10)
}

const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func gb32100(s string) byte {
	w := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(usccChars, s[i]) * w[i]
	}
	return usccChars[(31-sum%31)%31]
}

func gb11714(s string) byte {
	w := []int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		c := s[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

func (g gen) usccBody() string {
	kind := g.pick([]string{"91", "91", "91", "92", "93", "11", "12", "51", "52", "53", "Y1"})
	var org strings.Builder
	for k := range 8 {
		if k == 0 && g.coin(0.4) {
			org.WriteByte("MLKJ"[g.n(4)])
			continue
		}
		org.WriteByte(usccChars[g.n(10)])
		if g.coin(0.1) {
			// An occasional letter inside the organisation code.
		}
	}
	o := org.String()
	return kind + g.pick(countyCodes) + o + string(gb11714(o))
}

func (g gen) uscc() string {
	b := g.usccBody()
	return b + string(gb32100(b))
}

func (g gen) badUSCC() string {
	b := g.usccBody()
	c := strings.IndexByte(usccChars, gb32100(b))
	return b + string(usccChars[(c+1+g.n(30))%31])
}

const (
	plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
	plateLetters   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
)

func (g gen) plateChar(letterP float64) byte {
	if g.coin(letterP) {
		return plateLetters[g.n(len(plateLetters))]
	}
	return byte('0' + g.n(10))
}

func (g gen) plate() string {
	prov := string([]rune(plateProvinces)[g.n(len([]rune(plateProvinces)))])
	auth := string(plateLetters[g.n(len(plateLetters))])
	sep := g.pick([]string{"", "", "", "·", " "})
	var serial string
	switch g.n(5) {
	case 0: // small new-energy vehicle
		serial = string("DF"[g.n(2)]) + string(g.plateChar(0.3)) + g.digits(4)
	case 1: // large new-energy vehicle
		serial = g.digits(5) + string("DF"[g.n(2)])
	default:
		var b strings.Builder
		letters := 0
		for k := range 5 {
			if k < 4 && letters < 2 && g.coin(0.2) {
				b.WriteByte(plateLetters[g.n(len(plateLetters))])
				letters++
			} else {
				b.WriteByte(byte('0' + g.n(10)))
			}
		}
		serial = b.String()
	}
	return prov + auth + sep + serial
}

func (g gen) badPlate() string {
	prov := string([]rune(plateProvinces)[g.n(len([]rune(plateProvinces)))])
	switch g.n(3) {
	case 0:
		return prov + "A" + g.digits(7) // too long
	case 1:
		return prov + "I" + g.digits(5) // I is not a plate letter
	default:
		return "G" + g.digits(4) // a train
	}
}

var (
	emailDomains = []string{"qq.com", "163.com", "126.com", "gmail.com", "sina.com.cn", "foxmail.com", "example.cn", "corp.example.com"}
	pinyin       = []string{"zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wei", "ming", "xiao", "hong", "jun", "fang", "lei"}
)

func (g gen) email() string {
	var local string
	switch g.n(3) {
	case 0:
		local = g.digits(6 + g.n(5))
		local = string('1'+byte(g.n(9))) + local[1:]
	case 1:
		local = g.pick(pinyin) + g.pick([]string{".", "_", ""}) + g.pick(pinyin)
	default:
		local = g.pick(pinyin) + g.digits(2+g.n(3))
	}
	return local + "@" + g.pick(emailDomains)
}

var (
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "郑", "梁", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任", "卢", "姚", "沈", "钟", "姜", "崔", "谭", "陆", "范", "汪", "廖", "石", "金", "欧阳", "司马", "诸葛", "上官"}
	givenChars = []rune("伟芳娜敏静秀英丽强磊军洋勇艳杰娟涛超明霞平刚桂兰辉玲华飞鑫波斌宇浩凯健俊帆帅旭宁欣怡梓涵子轩思雨佳琪晨博文昊然天佑嘉慧颖")
)

func (g gen) name() string {
	n := 1 + g.n(2)
	var b strings.Builder
	b.WriteString(g.pick(surnames))
	for range n {
		b.WriteRune(givenChars[g.n(len(givenChars))])
	}
	return b.String()
}

var places = [][3]string{
	{"北京市", "", "朝阳区"}, {"上海市", "", "浦东新区"}, {"广东省", "深圳市", "南山区"}, {"浙江省", "杭州市", "西湖区"},
	{"江苏省", "南京市", "鼓楼区"}, {"四川省", "成都市", "武侯区"}, {"湖北省", "武汉市", "洪山区"}, {"山东省", "青岛市", "市南区"},
	{"河南省", "郑州市", "金水区"}, {"福建省", "厦门市", "思明区"}, {"", "广州市", "天河区"}, {"", "苏州市", "工业园区"},
}

var roads = []string{"建国路", "中山路", "人民大道", "解放西路", "文三路", "科技园南路", "长安街", "金融大街", "南京东路", "滨江大道", "学院路", "光明巷"}

func (g gen) address() string {
	p := places[g.n(len(places))]
	var b strings.Builder
	b.WriteString(p[0] + p[1] + p[2])
	b.WriteString(g.pick(roads))
	fmt.Fprintf(&b, "%d号", 1+g.n(999))
	switch g.n(3) {
	case 0:
		fmt.Fprintf(&b, "%d栋%d单元%d室", 1+g.n(30), 1+g.n(6), 101+g.n(2900))
	case 1:
		fmt.Fprintf(&b, "%s小区%d号楼", g.pick([]string{"阳光", "幸福", "绿地", "万科"}), 1+g.n(20))
	}
	return b.String()
}

func (g gen) orderNumber() string {
	switch g.n(4) {
	case 0:
		return "2024" + g.digits(14)
	case 1:
		return "DD" + g.digits(16)
	case 2:
		return g.digits(20)
	default:
		return "1" + g.digits(17+g.n(3))
	}
}

func (g gen) timestamp() string {
	y, m, d := g.birth(2015, 2025)
	h, mi, s := g.n(24), g.n(60), g.n(60)
	switch g.n(3) {
	case 0:
		return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, m, d, h, mi, s)
	case 1:
		return fmt.Sprintf("%04d%02d%02d%02d%02d%02d", y, m, d, h, mi, s)
	default:
		return fmt.Sprintf("%04d/%02d/%02d %02d:%02d", y, m, d, h, mi)
	}
}

func (g gen) badMobile() string {
	n := g.pick(badSegments) + g.digits(8)
	switch g.n(3) {
	case 0:
		return n
	case 1:
		return g.pick(mobileSegments) + g.digits(7) // 10 digits
	default:
		return g.pick(mobileSegments) + g.digits(9) // 12 digits
	}
}

// mobile11 is a mainland mobile number written as 11 plain digits.
func (g gen) mobile11() string {
	for {
		m := g.mobile()
		if len(m) == 11 && strings.Trim(m, "0123456789") == "" {
			return m
		}
	}
}

// qq is a QQ number: 5 to 11 digits, the first not 0, that is not also a
// mobile number.
func (g gen) qq() string {
	n := 5 + g.n(7)
	first := byte('1' + g.n(9))
	if n == 11 {
		first = byte('2' + g.n(8))
	}
	return string(first) + g.digits(n-1)
}

// wechat is a WeChat id: a letter, then letters, digits, '_' and '-', 6 to
// 20 characters.
func (g gen) wechat() string {
	const rest = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789_-"
	var b strings.Builder
	b.WriteByte(byte('a' + g.n(26)))
	for range 5 + g.n(10) {
		b.WriteByte(rest[g.n(len(rest))])
	}
	return b.String()
}

// foreignPhone is a Hong Kong, Macau, Taiwan or Singapore number in one of
// the notations people use, drawn until libphonenumber (an oracle
// independent of package deid) says it is a valid number of its kind.
func (g gen) foreignPhone() (deid.Entity, string) {
	for {
		var region, nat, text string
		e := deid.Mobile
		switch g.n(5) {
		case 0:
			region, nat = "HK", string("569"[g.n(3)])+g.digits(7)
		case 1:
			region, nat = "MO", "6"+string("2368"[g.n(4)])+g.digits(6)
		case 2:
			region, nat = "TW", "9"+g.digits(8)
		case 3:
			region, nat, e = "TW", "2"+string("2345678"[g.n(7)])+g.digits(7), deid.Landline
		default:
			region, nat, e = "SG", "6"+g.digits(7), deid.Landline
		}
		cc := map[string]string{"HK": "852", "MO": "853", "TW": "886", "SG": "65"}[region]
		num, err := phonenumbers.Parse("+"+cc+nat, "ZZ")
		if err != nil || !phonenumbers.IsValidNumber(num) {
			continue
		}
		t := phonenumbers.GetNumberType(num)
		if e == deid.Mobile && t != phonenumbers.MOBILE || e == deid.Landline && t != phonenumbers.FIXED_LINE {
			continue
		}
		switch g.n(5) {
		case 0:
			text = "+" + cc + " " + nat
		case 1:
			text = "+" + cc + "-" + nat
		case 2:
			text = "00" + cc + nat
		case 3:
			text = "(" + cc + ")" + nat
		default:
			text = cc + "-" + nat
		}
		if region == "TW" && e == deid.Mobile && g.coin(0.3) {
			text = "0" + nat[:3] + "-" + nat[3:6] + "-" + nat[6:]
		}
		return e, text
	}
}
