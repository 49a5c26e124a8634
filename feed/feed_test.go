package feed

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence"
)

func readAll(t *testing.T, in string, f Format) (ok int, bad []*ringfence.RowError) {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), f)
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, err := r.Next()
		if err == io.EOF {
			return
		}
		var re *ringfence.RowError
		if errors.As(err, &re) {
			bad = append(bad, re)
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		ok++
	}
}

func TestNative(t *testing.T) {
	in := "number,category,reporter,reported_at,note\n" +
		"13812345678,loan,alice,2026-01-02T03:04:05Z,called twice\n" +
		"13812345678,loan,bob,yesterday,\n" +
		"\"+86 170-1234-5678\",sales,carol,2026-01-02T03:04:05+08:00\n"
	ok, bad := readAll(t, in, Native)
	if ok != 2 || len(bad) != 1 || bad[0].Line != 3 || bad[0].Field != "reported_at" {
		t.Fatalf("ok %d bad %v", ok, bad)
	}
}

// A quote left open rejects its own line only: a report is one line.
func TestQuotes(t *testing.T) {
	const at = ",loan,13900139001,2026-11-20T09:12:00+08:00,"
	tests := []struct {
		name, in string
		notes    []string
		bad      map[int]string // line → field
	}{
		{"unclosed", "number,category,reporter,reported_at,note\n" +
			"16612340011" + at + "\"unclosed\n" +
			"16612340012" + at + "y\n" +
			"16612340013" + at + "z\n" +
			"16612340014" + at + "\"ok\"\n" +
			"16612340015" + at + "w\n",
			[]string{"y", "z", "ok", "w"}, map[int]string{2: "note"}},
		{"text after quote", "number,category,reporter,reported_at,note\r\n" +
			"\"16612340011\"x" + at + "a\r\n" +
			"16612340012" + at + "\"say \"\"hi\"\", twice\"\r\n" +
			"16612340013" + at + "he said \"no\"\r\n",
			[]string{`say "hi", twice`, `he said "no"`}, map[int]string{2: "number"}},
		{"unclosed last, no newline", "number,category,reporter,reported_at,note\n\n" +
			"16612340012" + at + "y\n" +
			"16612340013" + at + "\"z",
			[]string{"y"}, map[int]string{4: "note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Native)
			if err != nil {
				t.Fatal(err)
			}
			var notes []string
			bad := map[int]string{}
			for {
				rep, err := r.Next()
				if err == io.EOF {
					break
				}
				var re *ringfence.RowError
				if errors.As(err, &re) {
					bad[re.Line] = re.Field
					continue
				} else if err != nil {
					t.Fatal(err)
				}
				notes = append(notes, rep.Note)
			}
			if strings.Join(notes, "|") != strings.Join(tt.notes, "|") || len(bad) != len(tt.bad) {
				t.Fatalf("notes %q bad %v, want %q %v", notes, bad, tt.notes, tt.bad)
			}
			for l, f := range tt.bad {
				if bad[l] != f {
					t.Fatalf("bad %v, want %v", bad, tt.bad)
				}
			}
		})
	}
}

// A GBK file is read as GB18030; bytes that are not GB18030 reject their
// row only, naming the field.
func TestEncoding(t *testing.T) {
	utf := "number,category,reporter,reported_at,note\n" +
		"16612340011,loan,13900139001,2026-11-20T09:12:00+08:00,贷款推销，很烦\n" +
		"16612340012,loan,13900139001,2026-11-20T09:12:00+08:00,催收电话\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	badGB := gbk + "16612340013,loan,13900139001,2026-11-20T09:12:00+08:00,\x80\xff\n" +
		"16612340014,loan,13900139001,2026-11-20T09:12:00+08:00,ok\n"
	// Past the first 64 KiB, which tell the encoding.
	pad := strings.Repeat("16612340019,loan,13900139001,2026-11-20T09:12:00+08:00,p\n", 1200)
	badUTF := utf + pad + "16612340013,loan,13900139001,2026-11-20T09:12:00+08:00,\xff\xfe\n"
	tests := []struct {
		name, in string
		notes    string
		badLine  int
		why      string // in the bad row's error
	}{
		{"utf-8", utf, "贷款推销，很烦|催收电话", 0, ""},
		{"bom", "\ufeff" + utf, "贷款推销，很烦|催收电话", 0, ""},
		{"gbk", gbk, "贷款推销，很烦|催收电话", 0, ""},
		{"gbk with bad bytes", badGB, "贷款推销，很烦|催收电话|ok", 4, "not valid GB18030"},
		{"utf-8 with bad bytes", badUTF, "贷款推销，很烦|催收电话" + strings.Repeat("|p", 1200), 1204, "first 64 KiB are UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Native)
			if err != nil {
				t.Fatal(err)
			}
			var notes []string
			bad := 0
			for {
				rep, err := r.Next()
				if err == io.EOF {
					break
				}
				var re *ringfence.RowError
				if errors.As(err, &re) {
					if re.Field != "note" {
						t.Errorf("field %q", re.Field)
					}
					if !strings.Contains(re.Error(), tt.why) {
						t.Errorf("error %q does not say %q", re.Error(), tt.why)
					}
					bad = re.Line
					continue
				} else if err != nil {
					t.Fatal(err)
				}
				notes = append(notes, rep.Note)
			}
			if got := strings.Join(notes, "|"); got != tt.notes || bad != tt.badLine {
				t.Fatalf("notes %q bad line %d, want %q %d", got, bad, tt.notes, tt.badLine)
			}
		})
	}
}

func TestFTC(t *testing.T) {
	in := "Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n" +
		"4703352559,2021-07-07 00:01:15,2021-07-06 11:48:00,,California,510,No Subject Provided,\n" +
		",2021-07-07 00:01:15,2021-07-06 11:48:00,,California,510,Other,Y\n" +
		"70611454600144,2021-07-07 00:01:49,2021-07-06 11:45:00,,California,510,No Subject Provided,\n" +
		"2178398804,2021-07-07 00:01:41,2021-07-06 18:17:00,Clinton,Illinois,217,Reducing your debt (credit cards, mortgage, student loans),Y\n"
	r, err := NewReader(strings.NewReader(in), FTC)
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.Next()
	if err != nil || first.Number != "+14703352559" || first.Reporter != "ftc:510" || first.Category != "sales" {
		t.Fatalf("first: %+v %v", first, err)
	}
	if first.ReportedAt.Format("2006-01-02T15:04:05Z07:00") != "2021-07-07T04:01:15Z" {
		t.Fatalf("time %v", first.ReportedAt)
	}
	_, err = r.Next()
	var re *ringfence.RowError
	if !errors.As(err, &re) || re.Line != 3 || !strings.Contains(re.Error(), "blank") {
		t.Fatalf("blank: %v", err)
	}
	_, err = r.Next()
	if !errors.As(err, &re) || re.Line != 4 || !strings.Contains(re.Error(), "14 digits") {
		t.Fatalf("malformed: %v", err)
	}
	last, err := r.Next()
	if err != nil || last.Category != "loan" {
		t.Fatalf("last: %+v %v", last, err)
	}
}

func TestFTCCategory(t *testing.T) {
	tests := []struct{ subject, robo, want string }{
		{"Calls pretending to be government, businesses, or family and friends", "", "fraud"},
		{"Warranties  & protection plans", "Y", "sales"},
		{"Dropped call or no message", "Y", "robocall"},
		{"No Subject Provided", "N", "sales"},
		{"Medical  & prescriptions", "", "insurance"},
		{"Home improvement  & cleaning", "", "decoration"},
		{"Computer  & technical support", "", "fraud"},
	}
	for _, tt := range tests {
		if got := FTCCategory(tt.subject, tt.robo); string(got) != tt.want {
			t.Errorf("%q/%q → %s, want %s", tt.subject, tt.robo, got, tt.want)
		}
	}
}

func TestMissingColumn(t *testing.T) {
	if _, err := NewReader(strings.NewReader("number,category\n"), Native); err == nil || !strings.Contains(err.Error(), "reporter") {
		t.Fatalf("err %v", err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add("number,category,reporter,reported_at\n138,loan,a,2026-01-01T00:00:00Z\n", false)
	f.Add("Company_Phone_Number,Created_Date,Violation_Date,Consumer_City,Consumer_State,Consumer_Area_Code,Subject,Recorded_Message_Or_Robocall\n4703352559,2021-07-07 00:01:15,,,,510,Other,Y\n\"bad", true)
	f.Fuzz(func(t *testing.T, in string, ftc bool) {
		format := Native
		if ftc {
			format = FTC
		}
		r, err := NewReader(strings.NewReader(in), format)
		if err != nil {
			return
		}
		last := 0
		for i := 0; i < 10000; i++ {
			_, err := r.Next()
			if err == io.EOF {
				return
			}
			var re *ringfence.RowError
			if err != nil && !errors.As(err, &re) {
				return // a read error of the stream itself ends it
			}
			if r.Line() <= last {
				t.Fatalf("line went from %d to %d", last, r.Line())
			}
			if n := strings.Count(in, "\n") + 1; r.Line() > n {
				t.Fatalf("line %d of %d", r.Line(), n)
			}
			last = r.Line()
		}
	})
}

// FuzzSplitQuoted: a line that encoding/csv reads as one record splits
// into the same fields.
func FuzzSplitQuoted(f *testing.F) {
	f.Add(`a,"b,c","d""e",`)
	f.Add(`"unclosed,x`)
	f.Add(`"a"b,c`)
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\r\n") || !strings.Contains(line, `"`) {
			return
		}
		got, err := splitQuoted(nil, line)
		cr := csv.NewReader(strings.NewReader(line))
		cr.FieldsPerRecord = -1
		want, werr := cr.Read()
		if werr != nil {
			if err == nil && !strings.HasPrefix(line, `"`) && !strings.Contains(line, `,"`) {
				return // a quote inside an unquoted field, kept as written
			}
			if err == nil && werr != io.EOF {
				var pe *csv.ParseError
				if errors.As(werr, &pe) && pe.Err == csv.ErrBareQuote {
					return
				}
				t.Fatalf("%q: csv says %v, split gives %q", line, werr, got)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: csv reads %q, split says %v", line, want, err)
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Fatalf("%q: split %q, csv %q", line, got, want)
		}
	})
}

// BenchmarkReader reads the day of FTC complaints in ../shared/data beside
// the repository (RINGFENCE_FTC overrides), ten times over per iteration.
func BenchmarkReader(b *testing.B) {
	path := os.Getenv("RINGFENCE_FTC")
	if path == "" {
		path = "../../shared/data/ftc_dnc_2021-07-08.csv"
	}
	day, err := os.ReadFile(path)
	if err != nil {
		b.Skip(err)
	}
	header, rows, _ := strings.Cut(string(day), "\n")
	in := header + "\n" + strings.Repeat(rows, 10)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r, err := NewReader(strings.NewReader(in), FTC)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			}
		}
	}
}
