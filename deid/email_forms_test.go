package deid

import "testing"

// TestEmailChineseFullStops: an address typed with a Chinese input
// method, its domain's dots full stops ('。', '．'), is an address; a
// sentence's full stop after one is not part of it.
func TestEmailChineseFullStops(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		{"邮箱 zhangsan@163。com\n", "邮箱 z*******@163。com\n"},
		{"zhangsan＠163．com\n", "z*******＠163．com\n"},
		{"wang.li@mail。qq。com 联系\n", "w******@mail。qq。com 联系\n"},
		{"mail zhangsan@qq.com。谢谢\n", "mail z*******@qq.com。谢谢\n"},
		{"见附件。com\n", "见附件。com\n"},
	})
}
