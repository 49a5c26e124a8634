package deid

import "testing"

// TestInlineKeys: names and addresses under a field name in log lines,
// query strings, XML and JSON held in a string are masked (a review found
// each in clear); field names that name neither, and a URL, stay.
func TestInlineKeys(t *testing.T) {
	checkOutputs(t, Options{Format: Text, TextNames: "context"}, []inOut{
		{"GET /api/order?name=张三&phone=13812345678&addr=阳光小区3栋501\n", "GET /api/order?name=张*&phone=138****5678&addr=*********\n"},
		{"<receiver><name>王五</name><address>阳光小区3栋501</address></receiver>\n", "<receiver><name>王*</name><address>*********</address></receiver>\n"},
		{"realName: 孙八 | idNo: 110105199005121236\n", "realName: 孙* | idNo: 110105********1236\n"},
		{"INFO create order, receiverName=周九, receiverPhone=13412345678\n", "INFO create order, receiverName=周*, receiverPhone=134****5678\n"},
		{"{\"name\":\"张伟\",\"phone\":\"13812345678\"}\n", "{\"name\":\"张*\",\"phone\":\"138****5678\"}\n"},
		{"name=Zhang Wei age=30\n", "name=Z**** *** age=30\n"},
		{"x addr=阳光小区3栋501\nfoo\n", "x addr=*********\nfoo\n"},
		// Look-alikes.
		{"status=ok count=3 product_name=手机壳\n", "status=ok count=3 product_name=手机壳\n"},
		{"http://a.com/?name=abc&x=1\n", "http://a.com/?name=abc&x=1\n"},
		{"name=product1 x\n", "name=product1 x\n"},
	})
	// JSON lines: a JSON object held in a string value.
	if got := deidJSONL(t, `{"name":"张伟","phone":"13812345678"}`); got != `{"name":"张*","phone":"138****5678"}` {
		t.Errorf("JSON in a string: %s", got)
	}
}
