package cdr

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ringfence"
)

var update = flag.Bool("update", false, "rewrite golden files")

// dump reads everything and renders records and row errors one a line.
func dump(t testing.TB, r io.Reader, format Format) string {
	t.Helper()
	var b strings.Builder
	rd := NewReader(r, format)
	for {
		c, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *ringfence.RowError
		if errors.As(err, &re) {
			fmt.Fprintf(&b, "line %d: %s: error\n", re.Line, re.Field)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %s %v", c.CallerE164(), c.CalleeE164(), c.StartTime().Format(time.RFC3339), time.Duration(c.Duration)*time.Second, c.Answered)
		if src := rd.Source(c.Source); src != (Source{}) {
			fmt.Fprintf(&b, " account=%q trunk=%q", src.Account, src.Trunk)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		want   Format
	}{
		{"native.csv", Auto, Native},
		{"native.csv", Native, Native},
		{"Master.csv", Auto, Asterisk},
		{"Master.csv", Asterisk, Asterisk},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.format.String(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(tt.file, ".csv")+".golden")
			for _, compress := range []bool{false, true} {
				in := data
				if compress {
					var buf bytes.Buffer
					zw := gzip.NewWriter(&buf)
					zw.Write(data)
					zw.Close()
					in = buf.Bytes()
				}
				got := dump(t, bytes.NewReader(in), tt.format)
				if *update && !compress {
					os.WriteFile(golden, []byte(got), 0o644)
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("gzip=%v: got\n%s\nwant\n%s", compress, got, want)
				}
			}
			rd := NewReader(bytes.NewReader(data), tt.format)
			rd.Next()
			if rd.Format() != tt.want {
				t.Errorf("format %v, want %v", rd.Format(), tt.want)
			}
		})
	}
}

func TestBadRows(t *testing.T) {
	tests := []struct {
		name, row, field string
	}{
		{"bad caller", "abc,+8613987654321,2024-03-04T09:00:00+08:00,1,1", "caller"},
		{"bad callee", "+8613812345678,,2024-03-04T09:00:00+08:00,1,1", "callee"},
		{"bad time", "+8613812345678,+8613987654321,yesterday,1,1", "start_time"},
		{"bad date", "+8613812345678,+8613987654321,2024-02-30T09:00:00+08:00,1,1", "start_time"},
		{"bad duration", "+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,-1,1", "duration_s"},
		{"bad answered", "+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,1,maybe", "answered"},
		{"short row", "+8613812345678,+8613987654321", ""},
		{"more fields than the header", "+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,1,1,x", ""},
		{"comma in an unquoted field", "+8613812345678,+8613987654321,2024-03-04 09:00:00,1,200,1", ""},
		{"long line", strings.Repeat("x", maxLine+10), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "caller,callee,start_time,duration_s,answered\n" + tt.row + "\n+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,7,1\n"
			rd := NewReader(strings.NewReader(in), Auto)
			_, err := rd.Next()
			var re *ringfence.RowError
			if !errors.As(err, &re) {
				t.Fatalf("got %v, want a RowError", err)
			}
			if re.Line != 2 || re.Field != tt.field {
				t.Errorf("got line %d field %q, want line 2 field %q (%v)", re.Line, re.Field, tt.field, err)
			}
			c, err := rd.Next()
			if err != nil || c.Duration != 7 {
				t.Errorf("row after the bad one: %+v, %v", c, err)
			}
			if _, err := rd.Next(); err != io.EOF {
				t.Errorf("want EOF, got %v", err)
			}
		})
	}
}

// TestGarbage scans a file with 10% garbage rows to the end: every good row
// is read and every bad row is reported by its line number.
func TestGarbage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("caller,callee,start_time,duration_s,answered\n")
	badLines := map[int]bool{}
	good := 0
	for line := 2; line <= 10001; line++ {
		if r.IntN(10) == 0 {
			badLines[line] = true
			junk := []string{"garbage", ",,,,", "+86138,+86139,2024-13-01T00:00:00Z,1,1", "\"unterminated,1,2", "13812345678,13987654321,2024-03-04T09:00:00Z,x,1", "\x00\xff\xfe"}
			b.WriteString(junk[r.IntN(len(junk))] + "\n")
			continue
		}
		good++
		fmt.Fprintf(&b, "138%08d,+86 139 %04d %04d,2024-03-04T09:%02d:%02dZ,%d,%d\n", r.IntN(1e8), r.IntN(1e4), r.IntN(1e4), line/60%60, line%60, r.IntN(100), r.IntN(2))
	}
	rd := NewReader(strings.NewReader(b.String()), Auto)
	n := 0
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *ringfence.RowError
		if errors.As(err, &re) {
			if !badLines[re.Line] {
				t.Errorf("line %d reported bad: %v", re.Line, err)
			}
			delete(badLines, re.Line)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != good {
		t.Errorf("read %d good rows, want %d", n, good)
	}
	if len(badLines) != 0 {
		t.Errorf("%d bad lines not reported", len(badLines))
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": Auto, "auto": Auto, "native": Native, "Asterisk": Asterisk} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
}

func TestTimes(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"2024-03-04T09:00:00+08:00", "2024-03-04T01:00:00Z"},
		{"2024-03-04T09:00:00.250Z", "2024-03-04T09:00:00Z"},
		{"2024-02-29T23:59:59-05:30", "2024-03-01T05:29:59Z"},
		{"2024-03-04 09:00:00", "2024-03-04T01:00:00Z"},
		{"1709514000", "2024-03-04T01:00:00Z"},
	}
	var c timeCache
	for _, tt := range tests {
		got, err := c.parse([]byte(tt.in), CST)
		if err != nil || time.Unix(got, 0).UTC().Format(time.RFC3339) != tt.want {
			t.Errorf("parse(%q) = %v, %v; want %s", tt.in, time.Unix(got, 0).UTC(), err, tt.want)
		}
	}
	for _, bad := range []string{"", "2023-02-29T00:00:00Z", "2024-03-04T25:00:00Z", "2024-03-04T09:00:00+0800x"} {
		if _, err := c.parse([]byte(bad), CST); err == nil {
			t.Errorf("parse(%q) succeeded", bad)
		}
	}
}

// FuzzReader feeds arbitrary input in every format: the reader must not
// panic, must end, and every record it returns must be valid.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"native.csv", "Master.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	f.Add([]byte("caller,callee\n\"a\"\"b\",c\n"), uint8(1))
	f.Add([]byte("\x1f\x8b\x08garbage"), uint8(2))
	f.Add([]byte("trunk,caller,callee,start_time,duration_s,answered,account\nt1,13812345678,13987654321,2024-03-04 09:00:00,3,1,acme\n,13812345678,13987654321,2024-03-04 09:00:00,3,1,\n"), uint8(0))
	f.Add([]byte("13812345678,13987654321,2024-03-04T09:00:00+08:00,12,1\n+8613812345678,13987654321,2024-03-04 09:00:00,012,0\n13812345678,13987654321,2024-03-04 09:00:00,1,2\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		rd := NewReader(bytes.NewReader(data), Format(format%3))
		// The same input read without the one-pass path for usual rows
		// gives the same records and errors.
		general := NewReader(bytes.NewReader(data), Format(format%3))
		general.noQuick = true
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatal("reader does not end")
			}
			rec, err := rd.Next()
			grec, gerr := general.Next()
			if rec != grec || fmt.Sprint(err) != fmt.Sprint(gerr) || rd.Line() != general.Line() {
				t.Fatalf("line %d: %+v, %v; read the general way %+v, %v", rd.Line(), rec, err, grec, gerr)
			}
			if err == io.EOF {
				return
			}
			var re *ringfence.RowError
			if errors.As(err, &re) {
				if re.Line < 1 {
					t.Fatalf("row error without a line: %v", err)
				}
				continue
			}
			if err != nil {
				return // a broken gzip stream ends the read
			}
			if rec.Caller == 0 || rec.Callee == 0 || (!rec.Answered && rec.Duration != 0) {
				t.Fatalf("invalid record %+v", rec)
			}
			// A named source has a name, and a valid one.
			if rec.Source != 0 {
				src := rd.Source(rec.Source)
				if src == (Source{}) || checkName("account", []byte(src.Account)) != nil || checkName("trunk", []byte(src.Trunk)) != nil {
					t.Fatalf("record %+v has source %q", rec, src)
				}
			}
		}
	})
}

func TestBuffered(t *testing.T) {
	in := "caller,callee,start_time,duration_s,answered\n" +
		"+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,23,1\n" +
		"+8613812345678,+8613987654322,2024-03-04T09:00:10+08:00,0,0\n"
	rd := NewReader(strings.NewReader(in), Auto)
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	if n := rd.Buffered(); n != len("+8613812345678,+8613987654322,2024-03-04T09:00:10+08:00,0,0\n") {
		t.Errorf("buffered %d bytes after the first record, want the second row's", n)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	if n := rd.Buffered(); n != 0 {
		t.Errorf("buffered %d bytes at the end, want 0", n)
	}
}

// Every format reads into the one ringfence.CallRecord.
func TestNextCallRecord(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		format Format
		want   ringfence.CallRecord
	}{
		{"native answered", "+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,23,1\n", Native,
			ringfence.CallRecord{Caller: 8613812345678, Callee: 8613987654321, Start: 1709514000, Duration: 23, Answered: true}},
		{"native national numbers", "13812345678,010-12345678,2024-03-04T09:00:05+08:00,0,0\n", Native,
			ringfence.CallRecord{Caller: 8613812345678, Callee: 861012345678, Start: 1709514005}},
		{"asterisk", `"","13812345678","13987654321","from-internal","","SIP/a","SIP/b","Dial","SIP/trunk","2024-03-04 09:00:00","2024-03-04 09:00:06","2024-03-04 09:00:36",36,30,"ANSWERED","DOCUMENTATION","1.1",""` + "\n", Asterisk,
			ringfence.CallRecord{Caller: 8613812345678, Callee: 8613987654321, Start: 1709514000, Duration: 30, Answered: true, Source: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := NewReader(strings.NewReader(tt.in), tt.format)
			got, err := rd.Next()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Next = %+v, want %+v", got, tt.want)
			}
			if _, err := rd.Next(); err != io.EOF {
				t.Errorf("after the row: %v, want EOF", err)
			}
		})
	}
}
