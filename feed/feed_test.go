package feed

import (
	"errors"
	"io"
	"strings"
	"testing"

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
			if r.Line() < last {
				t.Fatalf("line went back from %d to %d", last, r.Line())
			}
			last = r.Line()
		}
	})
}
