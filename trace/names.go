package trace

import "strings"

// The tables canary identities are drawn from. Names use characters of
// GB 2312 only, so canaries encode in GBK like the lists they hide in.

// surnames are the most common Chinese surnames, most frequent first; the
// generator favours the head of the list as real populations do.
var surnames = strings.Fields(`王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗
郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈
姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯
龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马 上官`)

// surnamePinyin romanises the head of surnames, for lists in Latin script.
var surnamePinyin = strings.Fields(`Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo
Zheng Liang Xie Song Tang Xu Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai`)

var surnameSet = func() map[string]bool {
	m := make(map[string]bool, len(surnames))
	for _, s := range surnames {
		m[s] = true
	}
	return m
}()

func isSurname(s string) bool { return surnameSet[s] }

// givenMale and givenFemale are characters common in given names of men
// and of women; givenShared are common in both.
var (
	givenMale   = []rune(`伟强磊军洋勇杰涛明超刚鹏辉建国文宇浩博凯斌波峰亮飞旭昊俊志海龙铭哲瑞诚鑫东亚新宏松永健世德光成清`)
	givenFemale = []rune(`芳娜敏静丽艳娟秀霞桂英玉兰萍红婷雪琳欣怡佳涵丹思雨梦琪晓春燕慧颖倩瑶嘉昕悦彤妍璐楠洁莉云凤`)
	givenShared = []rune(`华林平宁阳晨子轩然帆金`)
)

// givenPinyin are romanised given-name syllables.
var givenPinyin = strings.Fields(`Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Juan Tao Ming Chao Xia Ping Gang
Hua Yu Lan Hong Peng Hui Jian Guo Wen Hao Ting Xue Lin Chen Xin Yi Jia Xuan Han Bo Kai Bin Ning Dan Fan Feng Liang Fei Xu`)

// region is a county-level division: its GB/T 2260 code (the first six
// digits of a resident ID number issued there), its place names and the
// licence-plate prefix of its city.
type region struct {
	code     string
	province string // "" for the municipalities directly under the central government
	city     string
	district string
	plate    string
}

var regions = []region{
	{"110101", "", "北京市", "东城区", "京"},
	{"110102", "", "北京市", "西城区", "京"},
	{"110105", "", "北京市", "朝阳区", "京"},
	{"110106", "", "北京市", "丰台区", "京"},
	{"110108", "", "北京市", "海淀区", "京"},
	{"310101", "", "上海市", "黄浦区", "沪"},
	{"310104", "", "上海市", "徐汇区", "沪"},
	{"310105", "", "上海市", "长宁区", "沪"},
	{"310112", "", "上海市", "闵行区", "沪"},
	{"310115", "", "上海市", "浦东新区", "沪"},
	{"120101", "", "天津市", "和平区", "津"},
	{"120104", "", "天津市", "南开区", "津"},
	{"500103", "", "重庆市", "渝中区", "渝"},
	{"500106", "", "重庆市", "沙坪坝区", "渝"},
	{"500112", "", "重庆市", "渝北区", "渝"},
	{"440103", "广东省", "广州市", "荔湾区", "粤A"},
	{"440104", "广东省", "广州市", "越秀区", "粤A"},
	{"440106", "广东省", "广州市", "天河区", "粤A"},
	{"440111", "广东省", "广州市", "白云区", "粤A"},
	{"440303", "广东省", "深圳市", "罗湖区", "粤B"},
	{"440304", "广东省", "深圳市", "福田区", "粤B"},
	{"440305", "广东省", "深圳市", "南山区", "粤B"},
	{"440306", "广东省", "深圳市", "宝安区", "粤B"},
	{"440307", "广东省", "深圳市", "龙岗区", "粤B"},
	{"440604", "广东省", "佛山市", "禅城区", "粤E"},
	{"330102", "浙江省", "杭州市", "上城区", "浙A"},
	{"330106", "浙江省", "杭州市", "西湖区", "浙A"},
	{"330108", "浙江省", "杭州市", "滨江区", "浙A"},
	{"330203", "浙江省", "宁波市", "海曙区", "浙B"},
	{"320102", "江苏省", "南京市", "玄武区", "苏A"},
	{"320104", "江苏省", "南京市", "秦淮区", "苏A"},
	{"320106", "江苏省", "南京市", "鼓楼区", "苏A"},
	{"320211", "江苏省", "无锡市", "滨湖区", "苏B"},
	{"320505", "江苏省", "苏州市", "虎丘区", "苏E"},
	{"320506", "江苏省", "苏州市", "吴中区", "苏E"},
	{"510104", "四川省", "成都市", "锦江区", "川A"},
	{"510105", "四川省", "成都市", "青羊区", "川A"},
	{"510107", "四川省", "成都市", "武侯区", "川A"},
	{"420102", "湖北省", "武汉市", "江岸区", "鄂A"},
	{"420106", "湖北省", "武汉市", "武昌区", "鄂A"},
	{"420111", "湖北省", "武汉市", "洪山区", "鄂A"},
	{"610104", "陕西省", "西安市", "莲湖区", "陕A"},
	{"610113", "陕西省", "西安市", "雁塔区", "陕A"},
	{"430102", "湖南省", "长沙市", "芙蓉区", "湘A"},
	{"430104", "湖南省", "长沙市", "岳麓区", "湘A"},
	{"370102", "山东省", "济南市", "历下区", "鲁A"},
	{"370202", "山东省", "青岛市", "市南区", "鲁B"},
	{"370212", "山东省", "青岛市", "崂山区", "鲁B"},
	{"410102", "河南省", "郑州市", "中原区", "豫A"},
	{"410105", "河南省", "郑州市", "金水区", "豫A"},
	{"350102", "福建省", "福州市", "鼓楼区", "闽A"},
	{"350203", "福建省", "厦门市", "思明区", "闽D"},
	{"210102", "辽宁省", "沈阳市", "和平区", "辽A"},
	{"230103", "黑龙江省", "哈尔滨市", "南岗区", "黑A"},
	{"220102", "吉林省", "长春市", "南关区", "吉A"},
	{"340104", "安徽省", "合肥市", "蜀山区", "皖A"},
	{"360102", "江西省", "南昌市", "东湖区", "赣A"},
	{"530102", "云南省", "昆明市", "五华区", "云A"},
	{"450103", "广西壮族自治区", "南宁市", "青秀区", "桂A"},
}

// roads are street names found in most Chinese cities.
var roads = strings.Fields(`人民路 解放路 中山路 建设路 和平路 新华路 文化路 胜利路 朝阳路 青年路 长江路 黄河路
学府路 科技路 工业大道 滨江大道 东风路 光明路 幸福路 振兴路 团结路 花园路 育才路 迎宾大道 友谊路 南京路 北京路 健康路`)

// estates are residential compound names.
var estates = strings.Fields(`阳光花园 幸福家园 锦绣华庭 翠湖苑 金色家园 丽景湾 碧水蓝天 世纪城 名都花园 御景园
星河湾 万家小区 紫荆苑 和谐家园 枫林雅苑 东方花园 桂花园 城市之光 怡景苑 书香门第`)

var emailDomains = strings.Fields(`qq.com qq.com qq.com 163.com 126.com sina.com foxmail.com 139.com`)

// plateLetters are the letters used on Chinese licence plates (no I or O).
const plateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
