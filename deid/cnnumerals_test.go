package deid

import "testing"

// TestMobileInChineseNumerals: a mobile written with Chinese numerals, as
// people type one to get past filters, is masked as a mobile (first three
// and last four kept); dates, counts and runs of another length are not.
func TestMobileInChineseNumerals(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		{"客户电话一三八一二三四五六七八\n", "客户电话一三八****五六七八\n"},
		{"手机：幺三八一二三四五六七八\n", "手机：幺三八****五六七八\n"},
		{"手机 壹叁捌壹贰叁肆伍陆柒捌\n", "手机 壹叁捌****伍陆柒捌\n"},
		{"手机138一二三四5678\n", "手机138****5678\n"},
		{"一三八 一二三四 五六七八\n", "一三八 **** 五六七八\n"},
		{"二〇二三年一月一日\n", "二〇二三年一月一日\n"},
		{"一二三四五六七八九一二三\n", "一二三四五六七八九一二三\n"},
		{"三八一二三四五六七八\n", "三八一二三四五六七八\n"},
		{"第一二三四五六七八九十名\n", "第一二三四五六七八九十名\n"},
		{"一二三八一二三四五六七八\n", "一二三八一二三四五六七八\n"},
	})
	// In a CSV free-text column too.
	checkOutputs(t, Options{Format: CSV}, []inOut{
		{"备注\n加我一三八一二三四五六七八\n", "备注\n加我一三八****五六七八\n"},
	})
}
