package trace

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadTableEncodings(t *testing.T) {
	utf := readFixture(t, "customers.csv")
	cases := []struct {
		name string
		in   []byte
		enc  Encoding
		crlf bool
	}{
		{"utf-8", utf, UTF8, false},
		{"utf-8 with BOM", append([]byte("\xEF\xBB\xBF"), utf...), UTF8BOM, false},
		{"gbk from Excel", readFixture(t, "customers_gbk.csv"), GB18030, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := ReadTable(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if tb.Encoding != tc.enc || tb.CRLF != tc.crlf {
				t.Fatalf("encoding %s crlf %v, want %s %v", tb.Encoding, tb.CRLF, tc.enc, tc.crlf)
			}
			if len(tb.Header) != 6 || tb.Header[0] != "姓名" || len(tb.Rows) != 3 || tb.Rows[0][0] != "张伟" {
				t.Fatalf("header %q rows %q", tb.Header, tb.Rows)
			}
			var out bytes.Buffer
			if err := tb.Write(&out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), tc.in) {
				t.Fatalf("write does not reproduce the input:\n%q\n%q", out.Bytes(), tc.in)
			}
		})
	}
}

func TestReadTableDelimitersAndHeaderless(t *testing.T) {
	cases := []struct {
		in     string
		comma  rune
		header bool
		rows   int
	}{
		{"name\tmobile\nZhang Wei\t13812345678\n", '\t', true, 1},
		{"姓名;电话\n张伟;13812345678\n李娜;13912345678\n", ';', true, 2},
		{"张伟,13812345678\n李娜,13912345678\n", ',', false, 2},
		{"\"Wang, Fang\",13812345678\n\n", ',', false, 1},
	}
	for _, tc := range cases {
		tb, err := ReadTable(strings.NewReader(tc.in))
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if tb.Comma != tc.comma || (tb.Header != nil) != tc.header || len(tb.Rows) != tc.rows {
			t.Errorf("%q: comma %q header %q rows %d", tc.in, tb.Comma, tb.Header, len(tb.Rows))
		}
	}
}

func TestRecognizeColumns(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		phone string
		want  Columns
	}{
		{"chinese headers", "客户姓名,联系电话,身份证号码,家庭住址,车牌号码\n张伟,13812345678,11010519491231002X,北京市朝阳区建国路88号,京A12345\n",
			"", Columns{Phone: 1, Name: 0, ID: 2, Address: 3}},
		{"english headers", "Address,Mobile Phone,ID No,Full Name\n北京市朝阳区建国路88号,13812345678,11010519491231002X,Zhang Wei\n",
			"", Columns{Phone: 1, Name: 3, ID: 2, Address: 0}},
		{"no header", "13812345678,张伟,北京市朝阳区建国路88号\n13912345678,李娜,广东省深圳市南山区科技园路1号\n",
			"", Columns{Phone: 0, Name: 1, ID: -1, Address: 2}},
		{"renamed columns", "a,b,c\n张伟,13812345678,11010519491231002X\n李娜,13912345678,440305199203150027\n",
			"", Columns{Phone: 1, Name: 0, ID: 2, Address: -1}},
		{"landline and mobile", "座机,手机\n010-12345678,13812345678\n021-87654321,13912345678\n",
			"", Columns{Phone: 1, Name: -1, ID: -1, Address: -1}},
		{"phone column by name", "座机,手机\n010-12345678,13812345678\n", "座机", Columns{Phone: 0, Name: -1, ID: -1, Address: -1}},
		{"phone column by number", "座机,手机\n010-12345678,13812345678\n", "1", Columns{Phone: 0, Name: -1, ID: -1, Address: -1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := ReadTable(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			c, err := tb.Recognize(tc.phone)
			if err != nil {
				t.Fatal(err)
			}
			if c.Phone != tc.want.Phone || c.Name != tc.want.Name || c.ID != tc.want.ID || c.Address != tc.want.Address {
				t.Fatalf("got phone %d name %d id %d address %d (roles %v), want %+v", c.Phone, c.Name, c.ID, c.Address, c.Role, tc.want)
			}
		})
	}
	tb, _ := ReadTable(strings.NewReader("x,y\n1,2\n"))
	if _, err := tb.Recognize(""); err == nil {
		t.Error("a list with nothing identifying is accepted")
	}
	if _, err := tb.Recognize("phone"); err == nil {
		t.Error("an unknown phone column is accepted")
	}
}

func FuzzReadTable(f *testing.F) {
	f.Add(readFixture(f, "customers.csv"))
	f.Add(readFixture(f, "customers_gbk.csv"))
	f.Add([]byte("a\tb\n\"x\"\"y\",1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tb, err := ReadTable(bytes.NewReader(in))
		if err != nil {
			return
		}
		tb.Recognize("")
		var out bytes.Buffer
		if err := tb.Write(&out); err != nil && tb.Encoding != GB18030 {
			t.Fatalf("a table read from UTF-8 does not write: %v", err)
		}
	})
}
