package deid

import "testing"

// TestNameAfterWeakLabel: in call-centre notes a name follows 客户, 患者 or
// 业主 with no colon (客户王芳来电); it is masked when what follows it is
// said of a person, and words that only start with 客户 stay.
func TestNameAfterWeakLabel(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"客户王芳来电咨询\n", "客户王*来电咨询\n"},
		{"客户张伟说要退款\n", "客户张*说要退款\n"},
		{"客户王小明来电\n", "客户王**来电\n"},
		{"患者李娜已出院\n", "患者李*已出院\n"},
		{"业主陈静反映噪音\n", "业主陈*反映噪音\n"},
		{"客户王芳，电话13812345678\n", "客户王*，电话138****5678\n"},
		{"客户服务中心来电\n", "客户服务中心来电\n"},
		{"客户经理说\n", "客户经理说\n"},
		{"客户满意度调查\n", "客户满意度调查\n"},
		{"车主 时间戳 1774668449017\n", "车主 时间戳 1774668449017\n"},
	})
	// The same in a CSV notes column, where context rules are the default.
	out, _ := process(t, Policy{}, nil, []byte("备注\n客户王芳来电咨询\n"), Options{Format: CSV})
	if want := "备注\n客户王*来电咨询\n"; string(out) != want {
		t.Errorf("csv: got %q, want %q", out, want)
	}
}

// TestRelativesAndSpacedNames: names after the relatives and others a
// note mentions (妻子李秀英来电, 家属黄小明代办, 老婆叫刘晓燕), after more
// role labels (来电人：, 推荐人), and two-character names spaced as forms
// align them after a name label (联系人：张 三); a review found each in
// clear. Words that only start like them stay.
func TestRelativesAndSpacedNames(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"妻子李秀英来电\n", "妻子李**来电\n"},
		{"家属黄小明代办\n", "家属黄**代办\n"},
		{"老婆叫刘晓燕\n", "老婆叫刘**\n"},
		{"来电人：赵敏\n", "来电人：赵*\n"},
		{"推荐人李秀英\n", "推荐人李**\n"},
		{"联系人：张 三\n", "联系人：张 *\n"},
		{"姓名：王\u3000芳\n", "姓名：王**\n"},
		{"收件人 李 娜\n", "收件人 李 *\n"},
		{"朋友们都来了\n", "朋友们都来了\n"},
		{"顾问费用100元\n", "顾问费用100元\n"},
		{"儿子叫什么\n", "儿子叫什么\n"},
		{"联系人：张 经理\n", "联系人：张 经理\n"},
	})
}

// TestAddressWithFunctionWords: place names that hold a function word
// (和平区, 向阳路, 并州路, 人和街, 且末县, 从化区) and road junctions
// (文化路与农业路) are read within an address; a review found them in clear.
// Outside an address the words still end one.
func TestAddressWithFunctionWords(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"地址：天津市和平区南京路189号津汇广场2座1801\n", "地址：天津市和平区*****************\n"},
		{"地址：哈尔滨市香坊区和平路100号\n", "地址：哈尔滨市香坊区*******\n"},
		{"地址：长春市朝阳区向阳路12号\n", "地址：长春市朝阳区******\n"},
		{"地址：太原市迎泽区并州路100号\n", "地址：太原市迎泽区*******\n"},
		{"地址：重庆市九龙坡区人和街100号\n", "地址：重庆市九龙坡区*******\n"},
		{"地址：广州市从化区街口街道8号\n", "地址：广州市从化区******\n"},
		{"地址：郑州市金水区文化路与农业路交叉口\n", "地址：郑州市金水区*******交叉口\n"},
		{"沈阳市和平区南京北街100号\n", "沈阳市和平区********\n"},
		{"我在北京市和朋友吃饭\n", "我在北京市和朋友吃饭\n"},
		{"他住在上海市浦东新区，和我一样\n", "他住在上海市浦东新区，和我一样\n"},
	})
}

// TestDottedNames: Uyghur, Tibetan and foreign names written in parts
// joined by a middle dot are masked whole after a name label or 我是; a
// review found the part after the dot in clear.
func TestDottedNames(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"联系人：阿依古丽·买买提\n", "联系人：阿*******\n"},
		{"联系人：阿依古丽•买买提\n", "联系人：阿*******\n"},
		{"姓名：阿依古丽.买买提\n", "姓名：阿*******\n"},
		{"我是热依扎·阿不都热合曼，电话13812345678\n", "我是热*********，电话138****5678\n"},
		{"联系人：买买提·艾力先生\n", "联系人：买*****先生\n"},
		{"联系人：阿依古丽·买买提的电话\n", "联系人：阿*******的电话\n"},
		{"客户服务中心·北京\n", "客户服务中心·北京\n"},
	})
}

// TestSpacedPlateAfterLabel: a plate spaced after its province (车牌 粤 B
// 12345) is read after a plate label; a review found it in clear.
func TestSpacedPlateAfterLabel(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"车牌 粤 B 12345\n", "车牌 粤 * ****5\n"},
		{"车牌号：京 A 88888\n", "车牌号：京 * ****8\n"},
		{"粤 B 12345\n", "粤 B 12345\n"},
	})
}

// TestPinyinNameAfterTitle: a name in pinyin after an English title (Mr,
// Ms, Dear, Customer …) is masked when it starts with a common surname; a
// review found such names in clear. Other capitalised words stay.
func TestPinyinNameAfterTitle(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"Customer Wang Xiaoming called\n", "Customer W*** ******** called\n"},
		{"Ms Li Na will pick up\n", "Ms L* ** will pick up\n"},
		{"Dear Zhang Wei,\n", "Dear Z**** ***,\n"},
		{"Dear Customer, thanks\n", "Dear Customer, thanks\n"},
		{"Mr Smith Jones\n", "Mr Smith Jones\n"},
		{"Dr Who\n", "Dr Who\n"},
	})
}
