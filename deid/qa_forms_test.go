package deid

import (
	"strings"
	"testing"
)

// TestOnlineColumns: a column or JSON key named for QQ numbers or WeChat
// ids has its values read as such without a label, and a value of another
// shape masked whole and counted.
func TestOnlineColumns(t *testing.T) {
	tests := []struct {
		header, value, want string
		whole               bool
	}{
		{"微信", "zs_abc123", "z********", false},
		{"QQ", "123456789", "1*******9", false},
		{"微信号", "zs_abc123", "z********", false},
		{"WeChat", "zs_abc123", "z********", false},
		{"wechat_id", "zs_abc123", "z********", false},
		{"wx", "zs_abc123", "z********", false},
		{"VX", "zs_abc123", "z********", false},
		{"QQ号", "123456789", "1*******9", false},
		{"QQ号码", "123456789", "1*******9", false},
		{"qq", "123456789", "1*******9", false},
		{"qq", "abc", "***", true},             // not a QQ number: whole
		{"微信", "张伟的", "***", true},             // not a WeChat id: whole
		{"微信", "123456789", "*********", true}, // digits only: whole
	}
	for _, tt := range tests {
		in := "id," + tt.header + "\n7," + tt.value + "\n"
		out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
		if want := "id," + tt.header + "\n7," + tt.want + "\n"; string(out) != want {
			t.Errorf("%s=%q: got %q, want %q", tt.header, tt.value, out, want)
		}
		if got := sum.Whole[ColumnName(tt.header)] == 1; got != tt.whole {
			t.Errorf("%s=%q: whole_values %v, want %v", tt.header, tt.value, got, tt.whole)
		}
	}
	in := `{"qq":123456789,"wechat":"zs_1990","微信":"lina_88"}` + "\n"
	out, _ := process(t, Policy{Format: JSONL}, nil, []byte(in), Options{})
	for _, clear := range []string{"123456789", "zs_1990", "lina_88"} {
		if strings.Contains(string(out), clear) {
			t.Errorf("JSON line: %q left in clear: %s", clear, out)
		}
	}
	// Short words name the column only as the whole header.
	for _, h := range []string{"wxyz", "vxlan", "hwx", "qqq", "order_wx_flag"} {
		if e := InferEntity(h); e == WeChat || e == QQ {
			t.Errorf("InferEntity(%q) = %v", h, e)
		}
	}
}

// TestHeaderWords: Latin column words are matched as whole words of the
// header; a word saying what else the column is about leaves it
// unclassified; a Chinese birth word must end the header.
func TestHeaderWords(t *testing.T) {
	tests := []struct {
		header string
		want   Entity
	}{
		// Business columns: none.
		{"order_id", 0}, {"product_name", 0}, {"company_name", 0}, {"hotel", 0}, {"hotel_name", 0},
		{"username", 0}, {"user_name", 0}, {"phone_model", 0}, {"status_cancelled", 0}, {"card_type", 0},
		{"email_sent", 0}, {"生日礼券", 0}, {"productName", 0}, {"shop_name", 0},
		{"telemetry", 0}, {"cancel_reason", 0}, {"account_balance", 0}, {"emailVerified", 0}, {"detail", 0},
		// Personal columns.
		{"phone_no", Mobile}, {"mobile_phone", Mobile}, {"tel_no", Mobile}, {"Tel.", Mobile}, {"telephone", Mobile},
		{"cellPhone", Mobile}, {"customer_phone", Mobile}, {"phoneNumber", Mobile}, {"e-mail", Email}, {"user_email", Email},
		{"emails", Email}, {"customer_name", Name}, {"contact_name", Name}, {"receiver_name", Name}, {"name", Name},
		{"first_name", Name}, {"Full Name", Name}, {"name_cn", Name}, {"id_no", IDCard}, {"id_card", IDCard}, {"IDCard", IDCard},
		{"home_address", Address}, {"addresses", Address}, {"客户生日", BirthDate}, {"生日", BirthDate}, {"生日（公历）", BirthDate},
		{"bank_card_no", BankCard}, {"card_no", BankCard}, {"account", BankCard}, {"date_of_birth", BirthDate},
		{"D.O.B.", BirthDate}, {"手机号", Mobile}, {"收货地址", Address}, {"联系人", Name},
		{"account_manager", Name}, {"manager", Name}, {"客户经理", Name}, {"业务员", Name},
	}
	for _, tt := range tests {
		if got := InferEntity(tt.header); got != tt.want {
			t.Errorf("InferEntity(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
	// The reviewer's file passes whole.
	in := "order_id,product_name,company_name,hotel\nSO-1,iPhone 15 Pro,阿里巴巴集团,Hilton Beijing\n"
	if out, _ := process(t, Policy{Format: CSV}, nil, []byte(in), Options{}); string(out) != in {
		t.Errorf("got %q, want it unchanged", out)
	}
}

// TestSpacedAddresses: the parts of an address may be separated by single
// spaces (ASCII or U+3000), as shops' exports write them, in text, JSON
// lines and CSV note columns; what follows the address after a space is
// not taken with it unless it is a part of the address.
func TestSpacedAddresses(t *testing.T) {
	tests := []struct{ in, want string }{
		{"收货地址：广东省 深圳市 南山区 科苑路15号 阳光小区3栋501", "收货地址：广东省 深圳市 南山区 ****** *********"},
		{"地址: 北京 朝阳区 建国路88号", "地址: 北京 朝阳区 ******"},
		{"北京市朝阳区 建国路88号 3栋2单元1203", "北京市朝阳区 ****** *********"},
		{"地址：上海市浦东新区 张江路 100弄 5号 601室", "地址：上海市浦东新区 *** **** ** ****"},
		{"家庭住址：上海市浦东新区\u3000张江路\u3000100弄", "家庭住址：上海市浦东新区*********"},
		{"送货地址：北京市朝阳区建国路88号 B座 1203", "送货地址：北京市朝阳区****** ** ****"},
		{"Address: 建国路88号 3栋2单元1203", "Address: ****** *********"},
		{"address：朝阳区 建国路88号", "address：朝阳区 ******"},
		// What follows is not part of it.
		{"收货地址：北京市朝阳区学院路448号 证件号码 411529200", "收货地址：北京市朝阳区******* 证件号码 411529200"},
		{"地址：北京市朝阳区学院路340号 快递单号SF95244569", "地址：北京市朝阳区******* 快递单号SF95244569"},
		{"寄到北京市朝阳区光明巷110号 订单号20249847043", "寄到北京市朝阳区******* 订单号20249847043"},
		{"地址：北京市朝阳区学院路448号 100元", "地址：北京市朝阳区******* 100元"},
		{"北京市朝阳区 明天见", "北京市朝阳区 明天见"},
	}
	for _, tt := range tests {
		out, _ := process(t, Policy{Format: Text, TextNames: NamesContext}, nil, []byte(tt.in+"\n"), Options{})
		if got := strings.TrimSuffix(string(out), "\n"); got != tt.want {
			t.Errorf("text %q:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	// The same in a JSON line and a CSV note column.
	in := "备注\n收货地址：广东省 深圳市 南山区 科苑路15号 阳光小区3栋501\n"
	out, _ := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
	if want := "备注\n收货地址：广东省 深圳市 南山区 ****** *********\n"; string(out) != want {
		t.Errorf("CSV: got %q, want %q", out, want)
	}
	in = `{"note":"地址: 北京 朝阳区 建国路88号"}` + "\n"
	out, _ = process(t, Policy{Format: JSONL}, nil, []byte(in), Options{})
	if want := `{"note":"地址: 北京 朝阳区 ******"}` + "\n"; string(out) != want {
		t.Errorf("JSON line: got %q, want %q", out, want)
	}
}

// TestLabelledMistypedNumbers: after an explicit identity or card label a
// run of the right shape is read whatever its check character; without the
// label it is left alone; in a column named for them it is masked whole. Format-preserving
// encryption keeps the check as far off, so decryption gives it back.
func TestLabelledMistypedNumbers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"身份证号：11010519900512123X", "身份证号：110105********123X"},
		{"证件号码：110105199005121231", "证件号码：110105********1231"},
		{"公民身份号码 110105 19900512 1231", "公民身份号码 110105 ******** 1231"},
		{"银行卡号 6217001234567894", "银行卡号 621700******7894"},
		{"信用卡 6217 0012 3456 7894", "信用卡 6217 00** **** 7894"},
		{"银行账户：6222021234567890123", "银行账户：622202*********0123"},
		{"还款账户：6222021234567890123", "还款账户：622202*********0123"},
		{"开户账号 6222021234567890123", "开户账号 622202*********0123"},
		{"存折账号：6222021234567890123", "存折账号：622202*********0123"},
		{"工资卡 6222021234567890123", "工资卡 622202*********0123"},
		// No label, or a label of something else: left alone.
		{"订单号 6217001234567894", "订单号 6217001234567894"},
		{"编号 11010519900512123X", "编号 11010519900512123X"},
		{"身份证号：99999999999999999X", "身份证号：99999999999999999X"}, // neither division nor date
	}
	for _, tt := range tests {
		out, _ := process(t, Policy{Format: Text, TextNames: NamesContext}, nil, []byte(tt.in+"\n"), Options{})
		if got := strings.TrimSuffix(string(out), "\n"); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	for _, h := range []string{"ID No.", "id no", "id number", "ID Number"} {
		if e := InferEntity(h); e != IDCard {
			t.Errorf("InferEntity(%q) = %v, want id_card", h, e)
		}
	}
	in := "ID No.\n11010519900512123X\n"
	out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
	if want := "ID No.\n******************\n"; string(out) != want || sum.Whole["ID No."] != 1 {
		t.Errorf("CSV: got %q (whole %d), want %q", out, sum.Whole["ID No."], want)
	}
	// FPE round trip of mistyped numbers.
	key := []byte("0123456789abcdef0123456789abcdef")
	src := "身份证号：11010519900512123X\n银行卡号 6217001234567894\n"
	enc, _ := process(t, Policy{Format: Text, Default: OpFPE}, key, []byte(src), Options{})
	if string(enc) == src {
		t.Fatalf("fpe left %q unchanged", src)
	}
	dec, _ := process(t, Policy{Format: Text, Default: OpFPE}, key, enc, Options{Decrypt: true})
	if string(dec) != src {
		t.Errorf("fpe round trip: %q → %q → %q", src, enc, dec)
	}
}

// TestLabelledSpelledAt: after an e-mail label a lower-case " at " with a
// real dot is an address; without one it stays a look-alike.
func TestLabelledSpelledAt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"email: john.doe at gmail.com", "email: j******* at gmail.com"},
		{"邮箱：zhangsan at gmail.com", "邮箱：z******* at gmail.com"},
		{"E-mail zhangsan at 163.com", "E-mail z******* at 163.com"},
		{"联系邮箱是 zhangsan at qq.com", "联系邮箱是 z******* at qq.com"},
		{"zhangsan at gmail dot com", "z******* at gmail dot com"},
		// Look-alikes.
		{"look at google.com", "look at google.com"},
		{"please look at google.com", "please look at google.com"},
		{"hotmail fans look at google.com", "hotmail fans look at google.com"},
		{"zhangsan at gmail.com", "zhangsan at gmail.com"},
	}
	for _, tt := range tests {
		out, _ := process(t, Policy{Format: Text, TextNames: NamesContext}, nil, []byte(tt.in+"\n"), Options{})
		if got := strings.TrimSuffix(string(out), "\n"); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
