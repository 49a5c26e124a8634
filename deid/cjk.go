package deid

import "unicode/utf8"

// Word lists for the context-driven recognisers (names, addresses, plates).
// They are compiled into a 64K table of flags indexed by rune so the scanner
// pays one table load per CJK character.

const (
	// singleSurnames holds common single-character Chinese surnames.
	singleSurnames = "萧王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"

	// tradSurnames are the same surnames in traditional characters, where
	// they differ (Hong Kong, Macau, Taiwan): 陳, 黃, 張 …; not those that
	// are far more often words (國, 門, 雲, 樂 …).
	tradSurnames = "蕭張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蔣葉蘇呂盧鍾鐘譚陸賈韋鄒閆龍賀顧龔萬錢嚴湯溫龐顏莊聶魯歐關蘭寧紀畢單駱藍鮑華饒繆簡車項連蘆麥婁竇費衛鄔欒鞏遲鄺談荊儲勞諶藺聞厲區闞闕諸"

	// topSurnames are the most frequent surnames; given names rarely start
	// with them, which helps to split "感谢李先生" correctly.
	topSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧"

	// plateProvinces holds the province abbreviations that open a plate.
	plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

	// plateSuffixes close special plates: trailer, coach, police, Hong
	// Kong and Macao cross-border, embassy, consulate, test.
	plateSuffixes = "挂学警港澳使领试"

	// nameStops are characters that end a given name: function words and
	// characters that begin what usually follows a name.
	nameStops = "的在是和与及等说了男女今岁您你他她我们请已于从到给向对把被让将要会能也都就还又"

	// addressStops are function words that end an address.
	addressStops = "的在是和与及了您你我他她请把被给从到向对也就还又或但而且并"

	// verbsBeforeName are characters that, before a surname, are more likely
	// a verb or particle than part of a longer name.
	verbsBeforeName = "谢请给是和与问找叫让向对跟同被把位名及等见致祝感由经"
)

// compoundSurnames are two-character surnames.
var compoundSurnames = []string{"欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "独孤", "南宫", "西门", "端木", "澹台", "公冶", "轩辕", "百里", "呼延", "东郭", "万俟", "闻人", "赫连", "钟离", "申屠", "太史", "拓跋", "完颜", "司空", "濮阳", "淳于", "单于"}

// nameStopPairs are two-character words that end a given name.
var nameStopPairs = []string{"先生", "女士", "小姐", "同志", "老师", "经理", "师傅", "电话", "手机", "身份", "地址", "住址", "性别", "年龄", "联系", "家住", "住在", "工作", "今年", "出生", "证件", "号码", "银行", "车牌", "邮箱", "您好", "你好"}

// titles follow a name: "张三先生".
var titles = []string{"先生", "女士", "小姐", "同志", "老师", "经理", "师傅", "医生", "律师", "教授", "主任", "总监"}

// possessives follow a name as titles do: "张伟的手机是…".
var possessives = []string{"的手机", "的电话", "的号码", "的联系方式", "的微信", "的邮箱", "的身份证", "的住址", "的地址", "的银行卡", "的QQ"}

type labelKind uint8

const (
	labelName        labelKind = iota + 1 // a name follows directly
	labelNameWeak                         // a name follows after a colon
	labelAddress                          // an address follows
	labelPhone                            // a phone number follows (a local one too)
	labelDial                             // 打 (dial): a local number follows that ends a list item
	labelLetterFirst                      // of trigKind: the value must start with a letter
	labelWeakCue                          // of trigOnline: a cue that needs an id with a digit, '_' or '-'
)

type label struct {
	word string
	kind labelKind
}

// labels announce a name or an address.
var labels = []label{
	{"姓名", labelName}, {"名字", labelName}, {"紧急联系人", labelName}, {"联系人", labelName},
	{"收货人", labelName}, {"收件人", labelName}, {"寄件人", labelName}, {"签收人", labelName},
	{"持卡人", labelName}, {"开户名", labelName}, {"户名", labelName}, {"户主", labelName},
	{"申请人", labelName}, {"借款人", labelName}, {"担保人", labelName}, {"法定代表人", labelName},
	{"法人代表", labelName}, {"负责人", labelName}, {"经办人", labelName}, {"投保人", labelName},
	{"被保险人", labelName}, {"受益人", labelName}, {"收款人", labelName}, {"付款人", labelName},
	{"监护人", labelName}, {"我叫", labelName}, {"名叫", labelName}, {"叫做", labelName},
	{"经理人", labelName}, {"经纪人", labelName}, {"对接人", labelName}, {"联络人", labelName}, {"主理人", labelName},
	{"来电人", labelName}, {"推荐人", labelName}, {"介绍人", labelName}, {"代理人", labelName}, {"提货人", labelName},
	{"自提人", labelName}, {"下单人", labelName}, {"客户经理", labelName},
	// Relatives and others a record names beside its subject: 家属黄小明代办,
	// 妻子李秀英来电.
	{"家属", labelNameWeak}, {"妻子", labelNameWeak}, {"丈夫", labelNameWeak}, {"老婆", labelNameWeak}, {"老公", labelNameWeak},
	{"媳妇", labelNameWeak}, {"儿子", labelNameWeak}, {"女儿", labelNameWeak}, {"病人", labelNameWeak}, {"房东", labelNameWeak},
	{"同事", labelNameWeak}, {"朋友", labelNameWeak}, {"顾问", labelNameWeak},
	{"客户", labelNameWeak}, {"患者", labelNameWeak}, {"乘客", labelNameWeak}, {"业主", labelNameWeak},
	{"租客", labelNameWeak}, {"学生", labelNameWeak}, {"员工", labelNameWeak}, {"车主", labelNameWeak},
	{"家长", labelNameWeak}, {"本人", labelNameWeak}, {"法人", labelNameWeak}, {"司机", labelNameWeak},
	{"地址", labelAddress}, {"住址", labelAddress}, {"家住", labelAddress}, {"住在", labelAddress},
	{"现住", labelAddress}, {"居住地", labelAddress}, {"住所", labelAddress}, {"户籍地", labelAddress},
	{"所在地", labelAddress}, {"位于", labelAddress}, {"寄往", labelAddress}, {"寄至", labelAddress},
	{"送至", labelAddress}, {"送到", labelAddress}, {"寄到", labelAddress},
	// The same in traditional characters (Hong Kong, Macau, Taiwan), and
	// Taiwan's 洽 (inquire) and 請電 (please call): 電話：5739 5640,
	// 聯絡：6227 8846, 意者請洽 02-2625-7999, 請電 (04)2105-3286.
	{"聯絡人", labelName}, {"聯繫人", labelName}, {"联络人", labelName},
	{"联系方式", labelPhone}, {"聯絡方式", labelPhone}, {"聯繫方式", labelPhone}, {"联络方式", labelPhone},
	{"聯絡電話", labelPhone}, {"聯繫電話", labelPhone}, {"電話號碼", labelPhone}, {"電話", labelPhone},
	{"聯絡", labelPhone}, {"聯繫", labelPhone}, {"联络", labelPhone}, {"致電", labelPhone}, {"座機", labelPhone},
	{"請洽", labelPhone}, {"洽：", labelPhone}, {"洽:", labelPhone}, {"請電", labelPhone}, {"请电", labelPhone},
	{"專線", labelPhone}, {"专线", labelPhone}, {"手提", labelPhone},
	// Taiwan's 電洽 and 請來電, and an inquiry line: 或電洽 03-538-7364,
	// 有意者請來電：(07)382-0730, 報名查詢：2804 9926, 报名咨询：….
	{"電洽", labelPhone}, {"电洽", labelPhone}, {"請來電", labelPhone}, {"请来电", labelPhone}, {"來電：", labelPhone}, {"来电：", labelPhone},
	{"查詢：", labelPhone}, {"查询：", labelPhone}, {"咨询：", labelPhone}, {"諮詢：", labelPhone}, {"查詢:", labelPhone}, {"查询:", labelPhone}, {"咨询:", labelPhone},
	{"☏", labelPhone},
	{"联系电话", labelPhone}, {"电话号码", labelPhone}, {"电话号", labelPhone}, {"电话", labelPhone}, {"座机号", labelPhone}, {"座机", labelPhone}, {"固话", labelPhone}, {"拨打", labelPhone}, {"致电", labelPhone},
	{"传真", labelPhone}, {"傳真", labelPhone}, {"总机", labelPhone}, {"總機", labelPhone}, {"前台", labelPhone},
	{"热线", labelPhone}, {"熱線", labelPhone}, {"请拨打", labelPhone}, {"请拨", labelPhone}, {"請撥打", labelPhone}, {"請撥", labelPhone}, {"联系：", labelPhone}, {"联系:", labelPhone},
	// 联系 right before a number (退款请联系 8722 2110): 联系人, 联系方式 and
	// the other longer words are tried first.
	{"联系", labelPhone},
	// Numbers called back or calling, and a mobile's own word (an 8-digit
	// Hong Kong number after it is no mainland mobile): 回拨 63105809,
	// 来电号码 6639 7263, 手机 60071853.
	{"回拨", labelPhone}, {"回電", labelPhone}, {"回电", labelPhone}, {"回撥", labelPhone},
	{"来电号码", labelPhone}, {"來電號碼", labelPhone}, {"回访号码", labelPhone}, {"回訪號碼", labelPhone},
	{"手机号码", labelPhone}, {"手机号", labelPhone}, {"手机", labelPhone}, {"手機號碼", labelPhone}, {"手機", labelPhone},
	{"打", labelDial},
	// An office's number, and the telephone sign: 办公室 6758 7190,
	// ☎️：5013 5272.
	{"办公室", labelPhone}, {"辦公室", labelPhone}, {"☎\uFE0F", labelPhone}, {"☎", labelPhone},
	// A fixed line's own word in Taiwan and Hong Kong, beside 手機:
	// 市話 (02)3411-2964, 市话：62345678.
	{"市話", labelPhone}, {"市话", labelPhone},
	// Japanese 携帯 (a mobile; Chinese writes 携带 or 攜帶 for "carry"):
	// 携帯：090-5523-2079.
	{"携帯電話", labelPhone}, {"携帯", labelPhone},
}

// provinces are the province-level divisions that can open an address.
var provinces = []string{"北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门"}

// Address component levels.
const (
	levelProvince = iota + 1
	levelCity
	levelDistrict
	levelTown
	levelRoad
	levelNumber
)

type suffix struct {
	word  string
	level int
}

// addressSuffixes end the components of an address, longest first within
// each first character.
var addressSuffixes = []suffix{
	{"特别行政区", levelProvince}, {"自治区", levelProvince}, {"省", levelProvince},
	{"自治州", levelCity}, {"地区", levelCity}, {"市", levelCity}, {"盟", levelCity}, {"州", levelCity},
	{"自治县", levelDistrict}, {"开发区", levelDistrict}, {"新区", levelDistrict}, {"区", levelDistrict}, {"县", levelDistrict}, {"旗", levelDistrict},
	{"街道", levelTown}, {"镇", levelTown}, {"乡", levelTown},
	{"大道", levelRoad}, {"大街", levelRoad}, {"胡同", levelRoad}, {"路", levelRoad}, {"街", levelRoad}, {"道", levelRoad}, {"巷", levelRoad}, {"弄", levelRoad}, {"村", levelRoad}, {"里", levelRoad}, {"屯", levelRoad},
	{"号楼", levelNumber}, {"号院", levelNumber}, {"号", levelNumber}, {"栋", levelNumber}, {"幢", levelNumber}, {"座", levelNumber}, {"楼", levelNumber}, {"层", levelNumber}, {"单元", levelNumber}, {"室", levelNumber}, {"组", levelNumber},
	{"小区", levelNumber}, {"社区", levelNumber}, {"花园", levelNumber}, {"大厦", levelNumber}, {"广场", levelNumber}, {"公寓", levelNumber}, {"苑", levelNumber}, {"园", levelNumber}, {"院", levelNumber},
}

// Flags of the rune table.
const (
	fSurname  = 1 << iota // a single-character surname
	fTop                  // one of the most frequent surnames
	fPlate                // a plate's province abbreviation
	fTrigger              // starts a label, a title or a province name
	fAdmin                // 市, 区 or 县: may close a city or district name
	fStop                 // ends a given name
	fVerb                 // verb or particle seen before names
	fCompound             // first character of a compound surname
)

// runeStops marks addressStops (a second table: the flag byte is full).
var runeStops [1 << 16]bool

var runeFlags [1 << 16]uint8

// triggers maps the first rune of a label, title or province name to the
// words it may start; suffixesByRune does the same for address suffixes.
var (
	triggerIndex [1 << 16]uint8 // 1 + index into triggerLists, 0 for none
	triggerLists [][]trigger
	suffixIndex  [1 << 16]uint8 // 1 + index into suffixLists, 0 for none
	suffixLists  [][]suffix
)

type trigger struct {
	word   string
	kind   triggerKind
	label  labelKind
	entity Entity // of trigOnline
}

type triggerKind uint8

const (
	trigLabel triggerKind = iota + 1
	trigTitle
	trigProvince
	trigOnline // introduces a QQ number or a WeChat id
	trigKind   // introduces a date of birth or a passport number
)

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func init() {
	for _, r := range singleSurnames + tradSurnames {
		runeFlags[r] |= fSurname
	}
	for _, r := range topSurnames {
		runeFlags[r] |= fTop
	}
	for _, r := range plateProvinces {
		runeFlags[r] |= fPlate
	}
	for _, r := range nameStops {
		runeFlags[r] |= fStop
	}
	for _, r := range addressStops {
		runeStops[r] = true
	}
	for _, r := range verbsBeforeName {
		runeFlags[r] |= fVerb
	}
	for _, s := range compoundSurnames {
		runeFlags[firstRune(s)] |= fCompound
	}
	for _, r := range "市区县" {
		runeFlags[r] |= fAdmin
	}
	for _, l := range labels {
		addTrigger(trigger{l.word, trigLabel, l.kind, 0})
	}
	for _, t := range titles {
		addTrigger(trigger{t, trigTitle, 0, 0})
	}
	for _, p := range possessives {
		addTrigger(trigger{p, trigTitle, 0, 0})
	}
	for _, p := range provinces {
		addTrigger(trigger{p, trigProvince, 0, 0})
	}
	for _, o := range onlineWords {
		addTrigger(trigger{o.word, trigOnline, 0, o.entity})
	}
	for _, w := range weakWeChatWords {
		addTrigger(trigger{w, trigOnline, labelWeakCue, WeChat})
	}
	for _, w := range weakQQWords {
		addTrigger(trigger{w, trigOnline, labelWeakCue, QQ})
	}
	for _, w := range weakEitherWords {
		addTrigger(trigger{w, trigOnline, labelWeakCue, 0})
	}
	for _, k := range kindWords {
		addTrigger(trigger{k.word, trigKind, 0, k.entity})
	}
	for _, w := range docWords {
		addTrigger(trigger{w, trigKind, labelLetterFirst, Passport})
	}
	for _, s := range addressSuffixes {
		r := firstRune(s.word)
		if suffixIndex[r] == 0 {
			suffixLists = append(suffixLists, nil)
			suffixIndex[r] = uint8(len(suffixLists))
		}
		k := suffixIndex[r] - 1
		suffixLists[k] = append(suffixLists[k], s)
	}
}

func addTrigger(t trigger) {
	r := firstRune(t.word)
	runeFlags[r] |= fTrigger
	// Longer words first so "紧急联系人" wins over "联系人".
	if triggerIndex[r] == 0 {
		triggerLists = append(triggerLists, nil)
		triggerIndex[r] = uint8(len(triggerLists))
	}
	ws := triggerLists[triggerIndex[r]-1]
	i := 0
	for i < len(ws) && len(ws[i].word) >= len(t.word) {
		i++
	}
	ws = append(ws, trigger{})
	copy(ws[i+1:], ws[i:])
	ws[i] = t
	triggerLists[triggerIndex[r]-1] = ws
}

// runeAt decodes a 3-byte UTF-8 sequence at b[i]; ok is false when b[i] does
// not start one.
func runeAt(b []byte, i int) (rune, bool) {
	if i+2 >= len(b) {
		return 0, false
	}
	c0, c1, c2 := b[i], b[i+1], b[i+2]
	if c0&0xF0 != 0xE0 || c1&0xC0 != 0x80 || c2&0xC0 != 0x80 {
		return 0, false
	}
	return rune(c0&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F), true
}

// isHan reports whether r is a CJK unified ideograph.
func isHan(r rune) bool { return r >= 0x3400 && r <= 0x9FFF }

// hanAt returns the CJK ideograph at b[i], if any.
func hanAt(b []byte, i int) (rune, bool) {
	// runeAt and isHan in one, small enough to be inlined: ideographs
	// U+3400-U+9FFF are the three-byte sequences E3 90 80 - E9 BF BF.
	if i+2 >= len(b) {
		return 0, false
	}
	c0, c1, c2 := b[i], b[i+1], b[i+2]
	r := rune(c0&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F)
	return r, c0-0xE3 <= 0xE9-0xE3 && c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && r >= 0x3400
}

// hanBefore returns the CJK ideograph ending at b[i], if any.
func hanBefore(b []byte, i int) (rune, bool) {
	if i < 3 {
		return 0, false
	}
	return hanAt(b, i-3)
}

// restAt reports whether the word w, whose first character is r, is at
// b[i], where r has just been decoded: from U+0800 on, the three bytes of
// r at b[i] are its only encoding and are not compared again.
func restAt(b []byte, i int, r rune, w string) bool {
	if len(b)-i < len(w) {
		return false
	}
	k := 0
	if r >= 0x800 {
		k = 3
	}
	for ; k < len(w); k++ {
		if b[i+k] != w[k] {
			return false
		}
	}
	return true
}

func hasPrefixAt(b []byte, i int, w string) bool {
	if len(b)-i < len(w) {
		return false
	}
	// Byte by byte: the words are short and most differ early, where a
	// call to compare memory would cost more.
	for k := 0; k < len(w); k++ {
		if b[i+k] != w[k] {
			return false
		}
	}
	return true
}

// triggerWords returns the labels, titles and province names starting
// with r.
func triggerWords(r rune) []trigger {
	if k := triggerIndex[r&0xFFFF]; k > 0 && r < 1<<16 {
		return triggerLists[k-1]
	}
	return nil
}

// suffixesOf returns the address suffixes starting with r.
func suffixesOf(r rune) []suffix {
	if k := suffixIndex[r&0xFFFF]; k > 0 && r < 1<<16 {
		return suffixLists[k-1]
	}
	return nil
}
