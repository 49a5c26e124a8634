package deid

import "testing"

// TestLocalLandlineAfterLabel: after 电话, 联系电话, 座机, 拨打 … a local
// fixed-line number without its area code (7 or 8 digits, not starting
// with 0 or 1, one space or dash allowed) is a landline; numbers the
// scanner reads anyway keep their kind, and short or service numbers,
// years and amounts stay.
func TestLocalLandlineAfterLabel(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		{"电话：62345678\n", "电话：****5678\n"},
		{"电话号码：62345678\n", "电话号码：****5678\n"},
		{"电话 6234 5678\n", "电话 **** 5678\n"},
		{"联系电话:8765-4321\n", "联系电话:****-4321\n"},
		{"拨打 62345678 找前台\n", "拨打 ****5678 找前台\n"},
		{"座机6234567\n", "座机***4567\n"},
		{"电话：010-62345678\n", "电话：010-****5678\n"},
		{"电话13812345678\n", "电话138****5678\n"},
		{"拨打95588\n", "拨打95588\n"},
		{"电话 2023年\n", "电话 2023年\n"},
		{"电话：12345678\n", "电话：12345678\n"},
		{"电话费 123.45元\n", "电话费 123.45元\n"},
		{"电话 62345678.5\n", "电话 62345678.5\n"},
	})
	checkOutputs(t, Options{Format: CSV}, []inOut{
		{"备注\n电话：62345678\n", "备注\n电话：****5678\n"},
	})
}
