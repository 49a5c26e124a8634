package deid

import "testing"

// TestWeChatSalesCues: WeChat ids after the words sales chats use for
// them ("加V", "+V", "加微", "微：", "微信搜", "威信") are masked; words that
// only start with 微 or end in V, and a V alone, introduce nothing.
func TestWeChatSalesCues(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		{"加V：zs19900307\n", "加V：z*********\n"},
		{"加v zs19900307\n", "加v z*********\n"},
		{"+V zs19900307\n", "+V z*********\n"},
		{"+v：zs19900307\n", "+v：z*********\n"},
		{"加微 zs19900307\n", "加微 z*********\n"},
		{"微：zs19900307\n", "微：z*********\n"},
		{"薇:zs19900307\n", "薇:z*********\n"},
		{"微信搜 zs19900307\n", "微信搜 z*********\n"},
		{"微信搜索zs19900307\n", "微信搜索z*********\n"},
		{"威信 zs19900307\n", "威信 z*********\n"},
		{"加微信zhangsan1990\n", "加微信z***********\n"},
		{"请加微信：zs_abc123\n", "请加微信：z********\n"},
		{"wxid_abc123def456\n", "w****************\n"},
		{"张伟(wxid_abc123def)\n", "张*(w*************)\n"},
		{"wxid_ab mywxid_abcdefgh\n", "wxid_ab mywxid_abcdefgh\n"},
		{"微笑着说 hello12345\n", "微笑着说 hello12345\n"},
		{"微博 abcdefg123\n", "微博 abcdefg123\n"},
		{"V zs19900307\n", "V zs19900307\n"},
		{"维生素V abcdef1234\n", "维生素V abcdef1234\n"},
	})
}

// TestQQCues: QQ numbers after "加我Q", "q号", and "qq/微信同号" are
// masked; a q alone, or inside a word, introduces nothing.
func TestQQCues(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		{"qq/微信同号 123456789\n", "qq/微信同号 1*******9\n"},
		{"微信同号 Q:1200422！\n", "微信同号 Q:1*****2！\n"},
		{"q号:123456789\n", "q号:1*******9\n"},
		{"加我Q 123456789\n", "加我Q 1*******9\n"},
		{"加q：123456789\n", "加q：1*******9\n"},
		{"Q：123456789\n", "Q：1*******9\n"},
		{"q 123456789\n", "q 123456789\n"},
		{"faq:12345678\n", "faq:12345678\n"},
	})
}
