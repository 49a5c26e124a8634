package http_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence"
)

func deidRequest(t *testing.T, v *env, key, query, body string) (int, string, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", v.srv.URL+"/v1/deid?"+query, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var sum map[string]any
	json.Unmarshal([]byte(resp.Trailer.Get("X-Ringfence-Deid-Summary")), &sum)
	return resp.StatusCode, string(out), sum
}

func TestDeidAPI(t *testing.T) {
	v := newEnv(t)
	org := v.key(ringfence.RoleOrg, "某4S店")
	in := "姓名,手机,备注\n张伟,13812345678,订单号 202611220001 身份证 11010519491231002X\n"
	code, out, sum := deidRequest(t, v, org, "format=csv", in)
	if code != 200 {
		t.Fatalf("status %d: %s", code, out)
	}
	if !strings.Contains(out, "138****5678") || strings.Contains(out, "13812345678") || !strings.Contains(out, "202611220001") {
		t.Fatalf("masking wrong:\n%s", out)
	}
	if strings.Contains(out, "11010519491231002X") {
		t.Fatalf("ID in free text not masked:\n%s", out)
	}
	found, _ := sum["found"].(map[string]any)
	if len(found) == 0 {
		t.Fatalf("summary trailer missing or empty: %v", sum)
	}

	// A per-column policy over a GBK body comes back in GBK.
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(in)
	pol := url.QueryEscape(`{"columns":{"手机":"redact","姓名":"keep"}}`)
	code, out, _ = deidRequest(t, v, org, "format=csv&encoding=gbk&policy="+pol, gbk)
	if code != 200 {
		t.Fatalf("gbk: %d %s", code, out)
	}
	utf, err := simplifiedchinese.GBK.NewDecoder().String(out)
	if err != nil || !strings.Contains(utf, "张伟") || strings.Contains(utf, "13812345678") {
		t.Fatalf("gbk round trip: %v\n%s", err, utf)
	}

	// Requests may not name key files, and FPE needs the server's key.
	code, _, _ = deidRequest(t, v, org, "policy="+url.QueryEscape(`{"key_file":"/etc/passwd"}`), in)
	if code != 400 {
		t.Fatalf("key_file in request policy: %d", code)
	}
	code, _, _ = deidRequest(t, v, org, "format=csv&policy="+url.QueryEscape(`{"columns":{"手机":"fpe"}}`), in)
	if code != 400 {
		t.Fatalf("fpe without a server key: %d", code)
	}
	// Subscribers cannot use it.
	sub := v.key(ringfence.RoleSubscriber, "13800138000")
	if code, _, _ = deidRequest(t, v, sub, "", in); code != 403 {
		t.Fatalf("subscriber: %d", code)
	}
}

func TestDeidFPERoundTrip(t *testing.T) {
	v := newEnv(t)
	v.api.DeidKey = []byte("0123456789abcdef0123456789abcdef")
	org := v.key(ringfence.RoleOrg, "某银行")
	in := "name,手机号,身份证号\n李娜,+86 139-1234-5678,11010519491231002X\n"
	pol := url.QueryEscape(`{"columns":{"手机号":"fpe","身份证号":"fpe","name":"keep"}}`)
	code, enc, _ := deidRequest(t, v, org, "format=csv&csv_raw=1&policy="+pol, in)
	if code != 200 || strings.Contains(enc, "1234-5678") || strings.Contains(enc, "11010519491231002X") {
		t.Fatalf("encrypt: %d\n%s", code, enc)
	}
	code, dec, _ := deidRequest(t, v, org, "format=csv&csv_raw=1&decrypt=1&policy="+pol, enc)
	if code != 200 || dec != in {
		t.Fatalf("decrypt: %d\nwant %q\ngot  %q", code, in, dec)
	}
	// Without csv_raw, the decrypted file is for people: its formula-like
	// cells are neutralised.
	if _, dec, _ := deidRequest(t, v, org, "format=csv&decrypt=1&policy="+pol, enc); dec != strings.Replace(in, "+86", "'+86", 1) {
		t.Fatalf("decrypt, neutralised: %q", dec)
	}
	// Another organisation cannot decrypt it, nor link its pseudonyms.
	other := v.key(ringfence.RoleOrg, "某保险")
	if _, dec2, _ := deidRequest(t, v, other, "format=csv&csv_raw=1&decrypt=1&policy="+pol, enc); dec2 == in {
		t.Fatal("another org decrypted the first org's output")
	}
	if _, enc2, _ := deidRequest(t, v, other, "format=csv&csv_raw=1&policy="+pol, in); enc2 == enc {
		t.Fatal("two orgs got the same ciphertext")
	}
	_, m := v.do("GET", "/v1/audit", v.key(ringfence.RoleOperator, ""), nil)
	if !strings.Contains(fmt.Sprint(m["entries"]), "deid.decrypt") {
		t.Fatalf("decrypt not audited: %v", m)
	}
}

// TestDeidParametersCheckedFirst: every parameter is checked before the
// first byte of output; a mistake is a 400 naming the parameter, with no
// de-identified body and no summary trailer.
func TestDeidParametersCheckedFirst(t *testing.T) {
	v := newEnv(t)
	org := v.key(ringfence.RoleOrg, "某4S店")
	op := v.key(ringfence.RoleOperator, "")
	in := "姓名,手机\n张三,13812345678\n"
	tests := []struct {
		key, query, field string
	}{
		{org, "encoding=latin9", "encoding"},
		{org, "format=xml", "format"},
		{org, "decrypt=maybe", "decrypt"},
		{org, "csv_raw=yes", "csv_raw"},
		{org, "format=csv&encodin=gbk", "encodin"},
		{org, "org=other", "org"},
		{org, "policy=" + url.QueryEscape(`{"default":"masq"}`), "field default"},
		{org, "policy=" + url.QueryEscape(`{"encoding":"latin9"}`), "field encoding"},
		{op, "format=csv", "org"},
	}
	for _, tt := range tests {
		code, out, sum := deidRequest(t, v, tt.key, tt.query, in)
		if code != 400 || !strings.Contains(out, tt.field) || strings.Contains(out, "138") || sum != nil {
			t.Errorf("%s: %d %s %v, want 400 naming %s", tt.query, code, out, sum, tt.field)
		}
	}
}

// TestDeidUnparsedRowsRedacted: a CSV row with a quote never closed and a
// JSON line that is not JSON come back replaced whole, counted and named
// in the summary; CSV cells are neutralised unless csv_raw=1.
func TestDeidUnparsedRowsRedacted(t *testing.T) {
	v := newEnv(t)
	org := v.key(ringfence.RoleOrg, "某4S店")
	code, out, sum := deidRequest(t, v, org, "format=csv", "姓名,手机,备注\n张三,+86 138 1234 5678,ok\n李四,\"13912345678,北京\n王五,13712345678,=1+2\n")
	if code != 200 || out != "姓名,手机,备注\n张*,'+86 138 **** 5678,ok\n[unparsed],[unparsed],[unparsed]\n王*,137****5678,'=1+2\n" {
		t.Fatalf("csv: %d %q", code, out)
	}
	if sum["failed_records"] != float64(1) || fmt.Sprint(sum["failed_lines"]) != "[request:3: a quote is never closed]" || sum["neutralised"] != float64(2) {
		t.Fatalf("csv summary: %v", sum)
	}
	_, out, _ = deidRequest(t, v, org, "format=csv&csv_raw=1", "手机\n+86 138 1234 5678\n")
	if out != "手机\n+86 138 **** 5678\n" {
		t.Fatalf("csv_raw=1: %q", out)
	}
	code, out, sum = deidRequest(t, v, org, "format=jsonl", "{\"姓名\":\"张三\"}\n{\"姓名\":\"李四\",\"手机\":\"13912345678\"\n")
	if code != 200 || out != "{\"姓名\":\"张*\"}\n\"[unparsed]\"\n" || sum["failed_records"] != float64(1) {
		t.Fatalf("jsonl: %d %q %v", code, out, sum)
	}
	// The policy's format decides the content type when the query does not.
	req, _ := http.NewRequest("POST", v.srv.URL+"/v1/deid?policy="+url.QueryEscape(`{"format":"csv"}`), strings.NewReader("手机\n13812345678\n"))
	req.Header.Set("Authorization", "Bearer "+org)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv" {
		t.Fatalf("content type %q", ct)
	}
}

// TestDeidAPIOtherDelimiter: a CSV whose header is semicolon-separated
// names is refused with 400 naming the request's line, and no body.
func TestDeidAPIOtherDelimiter(t *testing.T) {
	v := newEnv(t)
	org := v.key(ringfence.RoleOrg, "某4S店")
	code, out, _ := deidRequest(t, v, org, "format=csv", "姓名;手机;地址\n张伟;13812345678;阳光小区3栋501\n")
	if code != 400 || strings.Contains(out, "张伟") || !strings.Contains(out, ":1: the header is one field of column names separated by ';'") {
		t.Errorf("status %d: %s", code, out)
	}
}
