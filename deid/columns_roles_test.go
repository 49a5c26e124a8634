package deid

import "testing"

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
