package deid

import (
	"strings"
	"testing"
)

// TestRoleColumns: the headers of order, delivery, loan and insurance
// lists that hold a person's name are name columns; a longer header
// naming something else about that person is not taken for one.
func TestRoleColumns(t *testing.T) {
	tests := []struct {
		column string
		want   Entity
	}{
		{"receiver", Name}, {"Receiver", Name}, {"buyer", Name}, {"consignee", Name}, {"nick", Name}, {"sender", Name},
		{"recipients", Name}, {"owner", Name}, {"borrower", Name}, {"client", Name},
		{"买家", Name}, {"卖家", Name}, {"会员", Name}, {"经办人", Name}, {"寄件人", Name}, {"发件人姓名", Name},
		{"借款人", Name}, {"担保人", Name}, {"投保人", Name}, {"被保险人", Name}, {"受益人", Name}, {"车主", Name},
		{"业主", Name}, {"法定代表人", Name}, {"负责人", Name}, {"用户昵称", Name},
		{"借款人电话", Mobile}, {"车主车牌", Plate}, {"业主地址", Address}, {"收款人账号", BankCard},
		{"买家留言", 0}, {"会员等级", 0}, {"owner_id", 0}, {"sender_time", 0},
	}
	for _, tt := range tests {
		if got := InferEntity(tt.column); got != tt.want {
			t.Errorf("InferEntity(%q) = %v, want %v", tt.column, got, tt.want)
		}
	}
	// A row of such a list: every name masked.
	in := "receiver,buyer,consignee,nick,sender,买家,经办人\n赵敏,刘洋,王芳,张伟,陈静,孙悦,林平\n"
	out, _ := process(t, Policy{}, nil, []byte(in), Options{Format: CSV})
	if want := "receiver,buyer,consignee,nick,sender,买家,经办人\n赵*,刘*,王*,张*,陈*,孙*,林*\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestFormHeaders: headers as forms, waybills, ERPs and app logs write
// them (a review found each passed in clear), and attribute columns that
// stay unmasked.
func TestFormHeaders(t *testing.T) {
	tests := map[string]Entity{
		// Labels aligned with spaces.
		"姓　名": Name, "住　址": Address, "联 系 人": Name, "身 份 证 号": IDCard,
		// People by their role in the record.
		"签收人": Name, "提货人": Name, "监护人": Name, "推荐人": Name, "全名": Name, "自提人": Name,
		"下单人": Name, "顾客": Name, "房东": Name, "租客": Name, "家长": Name, "法人": Name, "对接人": Name,
		"称呼": Name, "实名": Name, "来电人": Name, "linkman": Name, "payer": Name, "payee": Name,
		"truename": Name, "cardholder": Name, "emergency_contact": Name, "emergencyContact": Name, "xm": Name,
		// Addresses, also split over columns.
		"street": Address, "ship_to": Address, "location": Address, "居住地": Address, "房屋坐落": Address,
		"所在地": Address, "户籍所在地": Address, "门牌": Address, "门牌号": Address, "楼号房号": Address, "收货信息": Address,
		"小区": Address, "楼栋": Address, "房号": Address, "jtzz": Address,
		// Identity numbers and accounts.
		"证件编号": IDCard, "社会保障号": IDCard, "证照号码": IDCard, "certNo": IDCard, "cert_no": IDCard, "zjhm": IDCard,
		"银行账户": BankCard, "还款账户": BankCard, "收款账户": BankCard, "存折账号": BankCard, "工资卡": BankCard, "acct_no": BankCard,
		"csrq": BirthDate,
		// Attributes, not the data.
		"账户余额": 0, "账户类型": 0, "备注": 0, "location_type": 0, "street_count": 0,
		"手机型号": 0, "车牌颜色": 0, "联系人来源": 0, "身份证类型": 0, "地址类型": 0, "手机品牌": 0,
		"电话状态": 0, "车牌类型": 0, "银行卡类型": 0, "收件人确认": 0, "手机是否实名": 0, "紧急联系人关系": 0, "手机号归属地": 0, "身份证号数据": IDCard, "联系人数量": 0,
		"手机号码": Mobile, "车牌号": Plate, "身份证号码": IDCard, "银行卡号": BankCard,
	}
	for h, want := range tests {
		if got := InferEntity(h); got != want {
			t.Errorf("InferEntity(%q) = %v, want %v", h, got, want)
		}
	}
}

// TestSplitAddress: a waybill's address over columns, and a JSON address
// object, leave no part that places the home in clear; nor does a JSON
// phone book keyed by number leave its names.
func TestSplitAddress(t *testing.T) {
	in := "寄件人,收件人,收件省份,收件城市,收件区县,小区,楼栋,单元,房号,门牌号\n王建国,李娜,北京市,北京市,朝阳区,阳光小区,3号楼,2单元,1203,88号\n"
	out, _ := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
	for _, clear := range []string{"王建国", "李娜", "阳光小区", "3号楼", "2单元", "1203", "88号"} {
		if strings.Contains(string(out), clear) {
			t.Errorf("waybill: %q in clear in %q", clear, out)
		}
	}
	// A phone book keyed by number: the values are the owners' names.
	if out, _ := process(t, Policy{Format: JSONL}, nil, []byte(`{"contacts":{"13812345678":"张三"}}`+"\n"), Options{}); strings.Contains(string(out), "张三") || strings.Contains(string(out), "13812345678") {
		t.Errorf("phone book: %s", out)
	}
	for _, line := range []string{
		`{"addr":{"province":"广东省","city":"深圳市","district":"南山区","detail":"科苑路15号阳光小区3栋501"}}`,
		`{"address":{"street":"科苑路15号阳光小区3栋501"}}`,
	} {
		out, _ := process(t, Policy{Format: JSONL}, nil, []byte(line+"\n"), Options{})
		if strings.Contains(string(out), "科苑路") || strings.Contains(string(out), "501") {
			t.Errorf("%s: the detail is in clear: %s", line, out)
		}
	}
}

// TestRowsAboveHeader: a title row, a blank line or Excel's sep=, above
// the header leave the header as the columns' names, so the columns stay
// masked; a header of semicolon- or tab-separated names is refused before
// anything is written.
func TestRowsAboveHeader(t *testing.T) {
	for _, in := range []string{
		"客户档案导出,,,\n编码,联系人,手机,地址\nC001,王建国,13812345678,阳光小区3栋501\n",
		"\n编码,联系人,手机,地址\nC001,王建国,13812345678,阳光小区3栋501\n",
		"sep=,\n编码,联系人,手机,地址\nC001,王建国,13812345678,阳光小区3栋501\n",
		"客户档案导出,,,\n\n编码,联系人,手机,地址\nC001,王建国,13812345678,阳光小区3栋501\n",
		"sep=,\n联系人,地址\n王建国,阳光小区3栋501\n",
	} {
		out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
		if strings.Contains(string(out), "王建国") || strings.Contains(string(out), "阳光小区") || sum.FailedRecords > 0 {
			t.Errorf("%q: %q (%d failed)", in, out, sum.FailedRecords)
		}
		if !strings.Contains(string(out), "联系人") {
			t.Errorf("%q: header lost: %q", in, out)
		}
	}
	// A title alone on its line reads as a header of one column: the rows
	// under it do not fit it and are refused, none in clear.
	if out, sum := process(t, Policy{Format: CSV}, nil, []byte("客户档案导出\n编码,联系人\nC001,王建国\n"), Options{}); strings.Contains(string(out), "王建国") || sum.FailedRecords != 2 {
		t.Errorf("a title of one field: %q, %d failed", out, sum.FailedRecords)
	}
	// A header of one named column and empty ones (an extra comma) is a
	// header: the column stays a name column.
	for _, in := range []string{"姓名,\n王建国,\n李秀英,\n", "联系人,,\n王建国,,\n李秀英,,\n"} {
		if out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{}); strings.Contains(string(out), "王建国") || strings.Contains(string(out), "李秀英") || sum.FailedRecords != 0 {
			t.Errorf("%q: %q (%d failed)", in, out, sum.FailedRecords)
		}
	}
	// One column is still a file with a header of one name.
	if out, _ := process(t, Policy{Format: CSV}, nil, []byte("联系人\n王建国\n"), Options{}); strings.Contains(string(out), "王建国") {
		t.Errorf("one column: %q", out)
	}
	e, err := NewEngine(Policy{Format: CSV}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"姓名;手机;地址\n王建国;13812345678;阳光小区3栋501\n", "姓名\t手机\t地址\n王建国\t13812345678\t阳光小区3栋501\n"} {
		var out strings.Builder
		if _, err := e.Process(strings.NewReader(in), &out, Options{Name: "list.csv"}); err == nil || !strings.Contains(err.Error(), "list.csv:1:") || out.Len() > 0 {
			t.Errorf("%q: error %v, output %q; want refused naming list.csv:1 with nothing written", in, err, out.String())
		}
	}
}

// TestExcelTextCells: order exports write long numbers as text formulas
// (="3412345678901234567"); such cells are read as they stand, their
// personal data masked, and not neutralised, while other formulas are.
func TestExcelTextCells(t *testing.T) {
	in := "订单编号,收货人姓名,联系手机\n=\"3412345678901234567\",张三,=\"13812345678\"\n=1+2,李四,@SUM(A1)\n"
	out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
	want := "订单编号,收货人姓名,联系手机\n=\"3412345678901234567\",张*,=\"138****5678\"\n'=1+2,李*,********\n"
	if string(out) != want || sum.FailedRecords != 0 {
		t.Errorf("got %q (%d failed), want %q", out, sum.FailedRecords, want)
	}
}
