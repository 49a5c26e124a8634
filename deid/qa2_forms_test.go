package deid

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// deidJSONL runs v as the value of a JSON line (names by context rules)
// and returns the value written.
func deidJSONL(t *testing.T, v string) string {
	t.Helper()
	in, _ := json.Marshal(map[string]string{"c": v})
	out, _ := process(t, Policy{Format: JSONL}, nil, append(in, '\n'), Options{})
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%q: output %q: %v", v, out, err)
	}
	return got["c"]
}

// deidText runs v as a text line (names by context rules and the tagger).
func deidText(t *testing.T, v string) string {
	t.Helper()
	out, _ := process(t, Policy{Format: Text}, nil, []byte(v+"\n"), Options{})
	return strings.TrimSuffix(string(out), "\n")
}

// TestSelfNamedAndSaid: 我是X, 我叫X and X说 name a person in context
// mode too (JSON lines, CSV notes), and a name found once in a value is
// masked wherever it recurs in it.
func TestSelfNamedAndSaid(t *testing.T) {
	tests := []struct{ in, want string }{
		{"我是王建国，想退款", "我是王**，想退款"},
		{"我是王建国的家属，王建国说明天来", "我是王**的家属，王**说明天来"},
		{"我叫李娜，电话打不通", "我叫李*，电话打不通"},
		{"王建国说明天来", "王**说明天来"},
		{"昨天，张伟说不要了", "昨天，张*说不要了"},
		{"联系人：赵丽颖。赵丽颖已签收", "联系人：赵**。赵**已签收"},
		// Look-alikes.
		{"我是客户", "我是客户"},
		{"我是学生", "我是学生"},
		{"他说", "他说"},
		{"老师说", "老师说"},
		{"我是江苏人", "我是江苏人"},
		{"我是高中生", "我是高中生"},
		{"我是来退款的", "我是来退款的"},
		{"他很高兴说好", "他很高兴说好"},
		{"应该说清楚", "应该说清楚"},
		{"据说明天下雨", "据说明天下雨"},
	}
	for _, tt := range tests {
		if got := deidJSONL(t, tt.in); got != tt.want {
			t.Errorf("JSON line %q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	// A CSV note column.
	in := "id,备注\n1,我是王建国的家属，王建国说明天来\n"
	out, _ := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
	if want := "id,备注\n1,我是王**的家属，王**说明天来\n"; string(out) != want {
		t.Errorf("CSV note: got %q, want %q", out, want)
	}
}

// TestRecurNames: a name found once is masked wherever it recurs, the
// longest name at a place first, and so when a line holds many names.
func TestRecurNames(t *testing.T) {
	// 王伟 and 王伟明 are both names: 王伟明 is masked whole where it
	// recurs, not as 王伟 and a 明 left in clear.
	if got, want := deidText(t, "我是王伟，王伟明说王伟明和王伟都来"), "我是王*，王**说王**和王*都来"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// More names on one line than are compared one by one.
	var in, want strings.Builder
	for _, n := range []string{"赵建国", "钱丽华", "孙志强", "李秀英", "周海涛", "吴晓燕", "郑国栋", "冯雪梅", "陈立新", "褚文静", "卫明辉", "蒋文博"} {
		fmt.Fprintf(&in, "我是%s，%s明天来。", n, n)
		m := n[:3] + "**"
		fmt.Fprintf(&want, "我是%s，%s明天来。", m, m)
	}
	if got := deidText(t, in.String()); got != want.String() {
		t.Errorf("many names:\n got %q\nwant %q", got, want.String())
	}
}

// TestSurnameTitles: a surname alone before a title (王女士, 赵经理, 王总)
// or after 老/小 (老王, 小李说) is a name, and its surname is masked.
func TestSurnameTitles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"王女士投诉", "*女士投诉"},
		{"李女士投诉", "*女士投诉"},
		{"王先生来电", "*先生来电"},
		{"黄先生来电说", "*先生来电说"},
		{"赵经理", "*经理"},
		{"王总您好", "*总您好"},
		{"请转告刘总，", "请转告*总，"},
		{"张小姐的快递", "*小姐的快递"},
		{"感谢李先生", "感谢*先生"},
		{"欧阳女士", "**女士"},
		{"找陈老师", "找*老师"},
		{"老王", "老*"},
		{"老张说", "老*说"},
		{"小王说", "小*说"},
		{"老李说", "老*说"},
		{"我和小陈来电", "我和小*来电"},
		{"王建国先生", "王**先生"},
		// Look-alikes.
		{"老师说", "老师说"},
		{"老公说", "老公说"},
		{"两小时的", "两小时的"},
		{"小区门口", "小区门口"},
		{"小于10", "小于10"},
		{"养老金", "养老金"},
		{"总部在北京", "总部在北京"},
		{"华为总部", "华为总部"},
		{"先生您好", "先生您好"},
		{"小米的手机", "小米的手机"},
	}
	for _, tt := range tests {
		if got := deidJSONL(t, tt.in); got != tt.want {
			t.Errorf("JSON line %q: got %q, want %q", tt.in, got, tt.want)
		}
		if got := deidText(t, tt.in); strings.ContainsRune(tt.want, '*') && got != tt.want {
			t.Errorf("text %q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNumeralsAfterLabels: identity numbers, bank cards and fixed-line
// numbers in Chinese or circled numerals, alone or mixed with digits,
// are read after a label that names them, and masked as such.
func TestNumeralsAfterLabels(t *testing.T) {
	tests := []struct {
		in   string
		kind Entity
		want string
	}{
		{"身份证号码：一一零一零五一九九零零五一二一二三六", IDCard, "身份证号码：一一零一零五********一二三六"},
		{"身份证号：110105一九九零0512一二三六", IDCard, "身份证号：110105********一二三六"},
		{"身份证：①①⓪①⓪⑤①⑨⑨⓪⓪⑤①②①②③⑥", IDCard, "身份证：①①⓪①⓪⑤********①②③⑥"},
		{"身份证号：一一零一零五一九九零零五一二一二三X", IDCard, "身份证号：一一零一零五********一二三X"},
		{"卡号：六二一七零零一二三四五六七八九三", BankCard, "卡号：六二一七零零******七八九三"},
		{"银行卡号 六二二二 零二一二 三四五六 七八九零", BankCard, "银行卡号 六二二二 零二** **** 七八九零"},
		{"座机：零一零 六二三四五六七八", Landline, "座机：零一零 ****五六七八"},
		{"固话：六二三四五六七八", Landline, "固话：****五六七八"},
	}
	for _, tt := range tests {
		var kinds []Entity
		for _, m := range Find([]byte(tt.in)) {
			kinds = append(kinds, m.Entity)
		}
		if len(kinds) != 1 || kinds[0] != tt.kind {
			t.Errorf("Find(%q) = %v, want one %v", tt.in, kinds, tt.kind)
		}
		if got := deidJSONL(t, tt.in); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	// Look-alikes: numerals without a label, or not of the labelled kind.
	for _, s := range []string{
		"一一零一零五一九九零零五一二一二三六",
		"第一二三四五六七八九十期",
		"卡号：一二三",
		"身份证号：一二三四五六七八九",
		"座机：一二三四",
		"三五一九九零年代",
		"卡里有一千二百块",
	} {
		if ms := Find([]byte(s)); len(ms) != 0 {
			t.Errorf("Find(%q) = %v, want nothing", s, ms)
		}
	}
}

// TestRegionIDs: Hong Kong, Taiwan and Macao identity numbers after their
// labels, and Hong Kong (check digit in brackets) and Taiwan ones with a
// valid check digit anywhere, are id_card with every digit masked.
func TestRegionIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"香港身份证A123456(7)", "香港身份证A******(*)"},
		{"身份证号：H123456(7)", "身份证号：H******(*)"},
		{"证件号码：AB987654（1）", "证件号码：AB******（*）"},
		{"台湾身份证A123456789", "台湾身份证A*********"},
		{"澳门身份证：1234567(8)", "澳门身份证：*******(*)"},
		{"持证人 A123456(3) 已核实", "持证人 A******(*) 已核实"}, // valid HK check digit
		{"台湾居民身份证号码：F131104093", "台湾居民身份证号码：F*********"},
	}
	for _, tt := range tests {
		if got := deidJSONL(t, tt.in); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
		ms := Find([]byte(tt.in))
		if len(ms) != 1 || ms[0].Entity != IDCard {
			t.Errorf("Find(%q) = %v, want one id_card", tt.in, ms)
		}
	}
	for _, s := range []string{
		"型号 A123456(7)",      // HK shape, check digit wrong, no label
		"订单 A123456788",      // Taiwan shape, check digit wrong
		"编号 A123456789",      // Taiwan shape, check valid, but no label: a SKU as often
		"身份证号：A323456789",    // sex digit not 1, 2, 8 or 9
		"第1234567(8)号",       // Macao shape without a label
		"SKU AB123456(0) 有货", // wrong check digit
	} {
		if ms := Find([]byte(s)); len(ms) != 0 {
			t.Errorf("Find(%q) = %v, want nothing", s, ms)
		}
	}
}

// TestPassportForms: passport numbers in full-width forms, after 证件号码
// when they start with a letter, and with a dash or spaces.
func TestPassportForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"护照号：ＥＡ１２３４５６７", "护照号：Ｅ******６７"},
		{"证件号码：E12345678", "证件号码：E******78"},
		{"护照：E-12345678", "护照：E-******78"},
		{"护照号码 E 1234 5678", "护照号码 E **** **78"},
		{"护照 G1234567 abc", "护照 G*****67 abc"},
		{"护照号E12345678，已过期", "护照号E******78，已过期"},
		// Look-alikes: an identity number after 证件号码 stays an identity
		// number; a month after the number is not part of it.
		{"证件号码：110105194912310021", "证件号码：110105********0021"},
		{"护照 E1234567 8月到期", "护照 E*****67 8月到期"},
		{"证件号码：12345678", "证件号码：12345678"},
	}
	for _, tt := range tests {
		if got := deidJSONL(t, tt.in); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLatinNames: two or three capitalised Latin words after a name label
// are a name.
func TestLatinNames(t *testing.T) {
	tests := []struct{ in, name string }{
		{"姓名:Zhang Wei", "Zhang Wei"},
		{"姓名：Zhang Wei，电话", "Zhang Wei"},
		{"Name: Li Na, Mobile: 13812345678", "Li Na"},
		{"联系人：Wang Xiao Ming", "Wang Xiao Ming"},
		{"contact: Chen Jie", "Chen Jie"},
		{"NAME:Ou Yang", "Ou Yang"},
		// Look-alikes.
		{"Name: admin", ""},
		{"Name: Zhang", ""},
		{"Zhang Wei called", ""},
		{"name of the Product Manager", ""},
		{"filename: Report Final", ""},
	}
	for _, tt := range tests {
		var names []string
		for _, m := range Find([]byte(tt.in)) {
			if m.Entity == Name {
				names = append(names, tt.in[m.Start:m.End])
			}
		}
		if got := strings.Join(names, "|"); got != tt.name {
			t.Errorf("Find(%q) names %q, want %q", tt.in, got, tt.name)
		}
		if tt.name != "" && strings.Contains(deidJSONL(t, tt.in), tt.name) {
			t.Errorf("%q: name left in clear", tt.in)
		}
	}
}

// TestMinorForms: spaced e-mail after its label, full-width plates, spaced
// QQ numbers after the label, one-character e-mail local parts, and the
// mask of a grouped identity number.
func TestMinorForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"邮箱 zhangsan @ qq . com", "邮箱 z******* @ qq . com"},
		{"邮箱：zhangsan@qq .com", "邮箱：z*******@qq .com"},
		{"email: li.na @ 163 . com，谢谢", "email: l**** @ 163 . com，谢谢"},
		{"车牌：京Ａ１２３４５", "车牌：京Ａ****５"},
		{"京Ａ１２３４５已入场", "京Ａ****５已入场"},
		{"qq 1234 5678 9", "qq 1*** **** 9"},
		{"QQ：1234 5678 9", "QQ：1*** **** 9"},
		{"a@b.com", "*@b.com"},
		{"邮件 ab@b.com", "邮件 a*@b.com"},
		{"身份证：310115-1978-0101-001-X", "身份证：310115-****-****-001-X"},
		{"身份证：31011519780101001X", "身份证：310115********001X"},
		{"身份证：310115 1978 0101 001 X", "身份证：310115 **** **** 001 X"},
		// Look-alikes.
		{"zhangsan @ qq . com", "zhangsan @ qq . com"}, // no label
		{"look at me @ home . com", "look at me @ home . com"},
		{"京Ａ１２", "京Ａ１２"},
		{"qq 1234 有 3 个", "qq 1234 有 3 个"},
	}
	for _, tt := range tests {
		if got := deidJSONL(t, tt.in); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTextPlace: a national number written without its calling code, after
// a phone label or in groups, is read in the one place the whole text
// names by a country, a city or a currency (posts by Chinese communities
// abroad); a number the place's plan does not hold falls back as before,
// and an order number stays.
func TestTextPlace(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"墨尔本中餐馆招厨房帮工，A$17/hr，请电 0458735097\n", "墨尔本中餐馆招厨房帮工，A$17/hr，请电 ********97\n"},
		{"多伦多接机 $111，预约：289-413-0063（微信同号）\n", "多伦多接机 $111，预约：***-***-**63（微信同号）\n"},
		{"曼彻斯特自提 £1730，联系 07580 486551\n", "曼彻斯特自提 £1730，联系 ***** ****51\n"},
		{"大阪居酒屋招聘 時給1100円，店长：080-1566-3182\n", "大阪居酒屋招聘 時給1100円，店长：***-****-**82\n"},
		{"吉隆坡接送 RM165，联系0106407240\n", "吉隆坡接送 RM165，联系********40\n"},
		// Not valid in Singapore: the label's default (Taiwan) as before.
		{"新加坡留学中介 電話 02-2591-3247\n", "新加坡留学中介 電話 **-****-**47\n"},
		// Look-alikes.
		{"订单 2345678901 美国发货\n", "订单 2345678901 美国发货\n"},
		{"美国 订单号2345678901\n", "美国 订单号2345678901\n"},
		// Two places named: neither is taken; a number written in groups
		// without a label stays (after a label it is read anyway:
		// TestLabelledAbroad).
		{"多伦多 悉尼 0458 735 097\n", "多伦多 悉尼 0458 735 097\n"},
		// Read a line at a time, a line's place holds for the lines after
		// it, to a blank line.
		{"墨尔本中餐馆招厨房帮工，A$17/hr\n0458 735 097\n\n0458 735 097\n",
			"墨尔本中餐馆招厨房帮工，A$17/hr\n**** *** *97\n\n0458 735 097\n"},
	})
}

// TestLabelledAbroad: after a phone label, a number that is no mainland
// number and that the text places nowhere is read in the first of the
// places Chinese communities abroad post from whose plan holds it (a
// label says what it is; leaving it because the text names no country
// failed open). A mainland local number still comes first, and what no
// plan holds, or follows no label, stays. 市話 labels a fixed line.
func TestLabelledAbroad(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"ed & insured，$77/hr\nTel: 6042692907\n", "ed & insured，$77/hr\nTel: ********07\n"},
		{"VIN: 2T3P1RFV7LU412674\n电话 (714) 623-1362\n", "VIN: 2T3P1RFV7LU412674\n电话 (***) ***-**62\n"},
		{"租金 RM900/月，只限华人女生\n欢迎致电 0187870812\n", "租金 RM900/月，只限华人女生\n欢迎致电 ********12\n"},
		{"馆招前台，学生签证可\nCall  0443817273\n", "馆招前台，学生签证可\nCall  ********73\n"},
		{"多伦多 悉尼 电话 0458735097\n", "多伦多 悉尼 电话 ********97\n"},
		{"Tel: 212-555-0198 ext. 12\n", "Tel: ***-***-**98 ext. 12\n"},
		// A mainland local number first, as before, also with an extension
		// or another number after it.
		{"电话：8765 4321\n", "电话：**** 4321\n"},
		{"电话 6234567-801\n", "电话 ***4567-801\n"},
		{"电话 6234 5678 12\n", "电话 **** 5678 12\n"},
		{"电话 623-4567 138-1234-5678\n", "电话 623-4567 138-****-5678\n"},
		{"电话 6234567 010-62345678\n", "电话 6234567 010-****5678\n"},
		// Look-alikes: no label, no plan's number, a mainland-shaped one.
		{"订单号 2063899417\n", "订单号 2063899417\n"},
		{"Tel: 1234567890\n", "Tel: 1234567890\n"},
		{"手机 12345678901\n", "手机 12345678901\n"},
		{"时间戳 1700000000\n", "时间戳 1700000000\n"},
		// 市話, a fixed line's own word in Taiwan, beside a mobile.
		{"聯絡電話 0957-770-423 侯先生\n市話 (02)3411-2964\n", "聯絡電話 ****-***-*23 *先生\n市話 (**)****-**64\n"},
		{"市话：62345678\n", "市话：****5678\n"},
		{"城市话题 2024\n", "城市话题 2024\n"},
		// Japanese 携帯 (a mobile), not Chinese 携带 (carry).
		{"店电话：+81-75-252-9624\n携帯：09055232079\n", "店电话：+81-**-***-**24\n携帯：*********79\n"},
		{"携带 09055232079\n", "携带 09055232079\n"},
		// An office's number read out in numerals, as after 座机.
		{"或者打办公室 零五幺零 七五九幺 九二零九 再见\n", "或者打办公室 零五幺零 **** 九二零九 再见\n"},
		{"办公室在三零二\n", "办公室在三零二\n"},
		// office in lower case, as Office and OFFICE.
		{"联络 +65-9925-6464 / office 6989-6294\n", "联络 +65-****-**64 / office ****-6294\n"},
		{"the office 2024 plan\n", "the office 2024 plan\n"},
	})
}

// TestSlashWeChat: a WeChat id given after a slash with a mobile number
// (second-hand posts) is masked; a word, a label or a path after the
// slash is not.
func TestSlashWeChat(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"☎️18260620365/JasonZhao15\n", "☎️182****0365/J**********\n"},
		{"电话/微信 +86 171 9656 7144/taoyi_cheng00\n", "电话/微信 +86 171 **** 7144/t************\n"},
		{"联系 13812345678 / jenny_yuan\n", "联系 138****5678 / j*********\n"},
		// Look-alikes.
		{"US cell: (650) 290-2166/Welcome to contact us\n", "US cell: (***) ***-**66/Welcome to contact us\n"},
		{"Mobile：186 7059 7685/E-mail : x\n", "Mobile：186 **** 7685/E-mail : x\n"},
		{"付先生132-6067-6986/QQ988416039\n", "*先生132-****-6986/QQ9*******9\n"},
		{"电话 13812345678/index.html\n", "电话 138****5678/index.html\n"},
	})
}
