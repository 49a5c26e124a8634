package deid

import "testing"

// TestEmailChineseFullStops: an address typed with a Chinese input
// method, its domain's dots full stops ('。', '．'), is an address; a
// sentence's full stop after one is not part of it (a full stop leads
// only to a top-level domain: com, cn, net …).
func TestEmailChineseFullStops(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		{"邮箱 zhangsan@163。com\n", "邮箱 z*******@163。com\n"},
		{"zhangsan＠163．com\n", "z*******＠163．com\n"},
		{"wang.li@mail.qq。com 联系\n", "w******@mail.qq。com 联系\n"},
		// A sentence's full stop, then other words: the address ends there.
		{"E-mail: liu06@gmail.com。vx: qmn7t2g，\n", "E-mail: l****@gmail.com。vx: q******，\n"},
		{"发邮件至zhang@126.com。QQ：82402507135\n", "发邮件至z****@126.com。QQ：8*********5\n"},
		{"mail zhangsan@qq.com。谢谢\n", "mail z*******@qq.com。谢谢\n"},
		{"见附件。com\n", "见附件。com\n"},
	})
}
