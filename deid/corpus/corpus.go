// Package corpus generates labelled Chinese text holding personal data and
// look-alikes that are not (order numbers, timestamps, numbers with wrong
// check digits without their label, surnames used as ordinary words), and
// scores a recogniser
// on it with precision and recall per entity.
//
// The generator builds each value from its standard (GB 11643 identity
// numbers, Luhn cards, GB 32100 credit codes with GB 11714 organisation
// codes, GA 36 plates, the numbering plan's mobile segments and area codes)
// with check digits computed here, independently of package deid.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"ringfence/deid"
)

// Span is one labelled entity: Text[Start:End].
type Span struct {
	Entity     deid.Entity
	Start, End int
}

// Doc is one labelled text.
type Doc struct {
	Text  []byte
	Spans []Span
}

// builder assembles a document from literal text and labelled values.
type builder struct {
	b     strings.Builder
	spans []Span
}

func (d *builder) lit(s string) { d.b.WriteString(s) }

func (d *builder) ent(e deid.Entity, s string) {
	start := d.b.Len()
	d.b.WriteString(s)
	d.spans = append(d.spans, Span{e, start, d.b.Len()})
}

func (d *builder) doc() Doc { return Doc{Text: []byte(d.b.String()), Spans: d.spans} }

// gen draws values from a seeded source.
type gen struct{ r *rand.Rand }

func (g gen) n(k int) int             { return g.r.IntN(k) }
func (g gen) pick(xs []string) string { return xs[g.n(len(xs))] }
func (g gen) coin(p float64) bool     { return g.r.Float64() < p }
func (g gen) digits(k int) string {
	var b strings.Builder
	for range k {
		b.WriteByte(byte('0' + g.n(10)))
	}
	return b.String()
}

// Generate returns n labelled documents drawn with seed. Every document
// mixes values of several entities with hard negatives.
func Generate(n int, seed uint64) []Doc {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))}
	docs := make([]Doc, 0, n)
	for range n {
		var d builder
		parts := 2 + g.n(4)
		for k := range parts {
			if k > 0 {
				d.lit(g.pick([]string{"，", "。", "；", " ", "\n", "，另外", "。备注：", "；其次"}))
			}
			if g.coin(0.62) {
				g.positive(&d)
			} else {
				g.negative(&d)
			}
		}
		d.lit(g.pick([]string{"。", "", "！", "\n"}))
		docs = append(docs, d.doc())
	}
	return docs
}

// positive writes one sentence with one or two entities.
func (g gen) positive(d *builder) {
	switch g.n(17) {
	case 0, 1:
		d.lit(g.pick([]string{"手机号", "联系电话：", "手机：", "电话 ", "请拨打", "Tel: ", "mobile ", "回电", "号码为"}))
		d.ent(deid.Mobile, g.mobile())
		if g.coin(0.3) {
			d.lit(g.pick([]string{"或", " / ", "，备用", "、"}))
			d.ent(deid.Mobile, g.mobile())
		}
	case 2:
		d.lit(g.pick([]string{"座机", "办公电话：", "固话 ", "传真：", "公司电话"}))
		d.ent(deid.Landline, g.landline())
		if g.coin(0.2) {
			d.lit("转" + g.digits(3+g.n(2)))
		}
	case 3, 4:
		d.lit(g.pick([]string{"身份证号", "身份证：", "证件号码 ", "公民身份号码", "ID: ", "身份证号码为"}))
		d.ent(deid.IDCard, g.idCard())
	case 5:
		d.lit(g.pick([]string{"银行卡号", "卡号：", "退款账户 ", "信用卡", "工资卡"}))
		d.ent(deid.BankCard, g.card())
	case 6:
		d.lit(g.pick([]string{"统一社会信用代码：", "信用代码", "纳税人识别号 ", "USCC "}))
		d.ent(deid.USCC, g.uscc())
	case 7:
		d.lit(g.pick([]string{"车牌号", "车牌：", "车辆", "停车场入场车辆 ", "违章车辆"}))
		d.ent(deid.Plate, g.plate())
		d.lit(g.pick([]string{"", "于昨日", "已离场", " 的车主"}))
	case 8:
		d.lit(g.pick([]string{"邮箱：", "请发邮件至", "E-mail: ", "联系邮箱 "}))
		d.ent(deid.Email, g.email())
	case 9, 10:
		g.person(d)
	case 11:
		d.lit(g.pick([]string{"收货地址：", "家住", "地址：", "住址 ", "寄到"}))
		d.ent(deid.Address, g.address())
	case 13:
		d.lit(g.pick([]string{"QQ", "qq", "QQ：", "Q:", "企鹅：", "QQ号 ", "QQ｜微信："}))
		d.ent(deid.QQ, g.qq())
		d.lit(g.pick([]string{"", "，", " ", "。欢迎"}))
	case 14:
		d.lit(g.pick([]string{"微信：", "vx: ", "V信", "wx:", "WeChat: ", "微信号 "}))
		d.ent(deid.WeChat, g.wechat())
		d.lit(g.pick([]string{"，", " ", "。", "（备注来意）"}))
	case 15:
		d.lit(g.pick([]string{"电话", "Tel: ", "联系", "香港手机 ", "whatsapp ", "台湾 "}))
		e, v := g.foreignPhone()
		d.ent(e, v)
		d.lit(g.pick([]string{"", "E-mail:", "（工作日）", "#12"}))
	case 16:
		// Numbers typed straight into letters and symbols.
		d.lit(g.pick([]string{"www.example.cn", "Tel", "：", "mob", "电话："}))
		d.ent(deid.Mobile, g.mobile11())
		d.lit(g.pick([]string{"E-mail:", "@" + g.name(), "Fax", "微信同号"}))
	case 12:
		// A dense record, as in a leaked customer list.
		d.ent(deid.Name, g.name())
		d.lit(" ")
		mobile := g.mobile()
		d.ent(deid.Mobile, mobile)
		d.lit(" ")
		id := g.idCard()
		d.ent(deid.IDCard, id)
		birthAndPassport(d, id, mobile)
	}
}

// birthAndPassport ends a dense record with the date of birth its identity
// number holds and a passport number made of its mobile's last digits, in
// notations and after labels chosen by those digits: it draws nothing from
// the generator, so every other value of the corpus stays as it was.
func birthAndPassport(d *builder, id, mobile string) {
	di, dm := asciiDigits(id), asciiDigits(mobile)
	if len(di) < 15 || len(dm) < 8 {
		return
	}
	y, m, day := "19"+di[6:8], di[8:10], di[10:12] // 15 digits
	if len(di) >= 17 {
		y, m, day = di[6:10], di[10:12], di[12:14]
	}
	k := int(dm[len(dm)-1] - '0')
	d.lit([]string{" 出生日期 ", "，生日：", " DOB: ", "，出生于", " Birthday "}[k%5])
	trim := func(s string) string { return strings.TrimPrefix(s, "0") }
	d.ent(deid.BirthDate, []string{
		y + "-" + m + "-" + day, y + "/" + trim(m) + "/" + trim(day), y + "年" + trim(m) + "月" + trim(day) + "日",
		y + m + day, y + "." + m + "." + day}[int(dm[len(dm)-2]-'0')%5])
	d.lit([]string{" 护照 ", "，护照号：", " Passport No. ", " PP: "}[k%4])
	p := dm[len(dm)-8:]
	d.ent(deid.Passport, []string{"E" + p, "G" + p, "EA" + p[1:], "K" + p}[int(dm[len(dm)-3]-'0')%4])
}

// asciiDigits returns the digits of s, full-width ones folded to ASCII.
func asciiDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		}
	}
	return b.String()
}

// person writes a name in one of its usual contexts.
func (g gen) person(d *builder) {
	switch g.n(4) {
	case 0:
		d.lit(g.pick([]string{"姓名：", "联系人", "收货人：", "持卡人", "申请人 "}))
		d.ent(deid.Name, g.name())
	case 1:
		d.lit(g.pick([]string{"致", "您好，", "", "通知"}))
		d.ent(deid.Name, g.name())
		d.lit(g.pick([]string{"先生", "女士", "老师", "经理"}))
	case 2:
		d.lit("客户：")
		d.ent(deid.Name, g.name())
	default:
		d.lit("我叫")
		d.ent(deid.Name, g.name())
	}
}

// negative writes a sentence with look-alikes and no personal data (but
// for a labelled number with a wrong check, see below).
func (g gen) negative(d *builder) {
	switch g.n(16) {
	case 0:
		d.lit("订单号" + g.pick([]string{"", "：", " "}) + g.orderNumber())
	case 1:
		d.lit("下单时间 " + g.timestamp())
	case 2:
		// A mistyped identity or card number after its label is still
		// the person's number: deid reads it whatever its check.
		d.lit("身份证号")
		d.ent(deid.IDCard, g.badIDCard())
	case 3:
		d.lit("卡号")
		d.ent(deid.BankCard, g.badCard())
	case 4:
		d.lit("号码" + g.badMobile())
	case 5:
		d.lit("信用代码" + g.badUSCC())
	case 6:
		d.lit(g.pick([]string{"车次", "型号", "编号"}) + g.badPlate())
	case 7:
		d.lit(g.pick(ordinaryWords))
	case 8:
		d.lit(fmt.Sprintf("金额%d.%02d元，数量%d件", g.n(100000), g.n(100), 1+g.n(50)))
	case 9:
		d.lit(g.pick([]string{"客服热线95588", "全国服务热线400-820-8820", "拨打10086查询", "报警电话110", "邮编100020", "IP 192.168.100.123", "版本 v13.8.12345"}))
	case 10:
		d.lit("快递单号" + g.pick([]string{"SF", "YT", "JD"}) + g.digits(13))
	case 11:
		d.lit("交易流水号" + g.pick([]string{"2024", "2023", "1"}) + g.digits(14+g.n(5)))
	case 12:
		d.lit(fmt.Sprintf("时间戳 %d%03d", 1600000000+g.n(200000000), g.n(1000)))
	case 13:
		d.lit("会员号" + g.digits(11) + "A")
	case 14:
		d.lit(fmt.Sprintf("第%d期，共%d人，%s", 1+g.n(30), 1000+g.n(9000), g.pick(ordinaryWords)))
	default:
		d.lit("商品编码" + g.digits(13) + "，批次" + g.digits(8))
	}
}

// ordinaryWords use surnames and place names as ordinary words.
var ordinaryWords = []string{
	"马上就到", "黄金周出游", "今天很高兴", "方便的时候回电", "白天下雨", "金额已退回", "王者荣耀更新",
	"张开双臂", "周末加班", "林业局通知", "江湖救急", "安全第一", "钱包丢了", "明天见", "平安到达",
	"高速路况良好", "石头剪刀布", "海关查验", "文件已盖章", "程序员节快乐", "关于市场的调研", "区别不大",
	"路上注意安全", "北京时间八点", "上海市场行情", "广东人爱喝茶", "和平年代", "常用联系人列表", "向日葵开了",
}
