package trace

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadFound(t *testing.T) {
	gbkLine, _ := simplifiedchinese.GBK.NewEncoder().String("王芳,139 1234 5678,上海\n")
	cases := []struct {
		name                                           string
		in                                             string
		records, dups, headers, unusable, masked, rows int
		encodings                                      map[string]int
	}{
		{"plain with header", "姓名,手机\n张伟,13812345678\n李娜,13912345678\n", 2, 0, 1, 0, 0, 3, nil},
		{"duplicates across notations", "13812345678\n+86 138-1234-5678\n0086 13812345678\n", 1, 2, 0, 0, 0, 3, nil},
		{"repeated headers and noise", "phone,name\n13812345678,a\nphone,name\n---\n,,\n合计 2 条\n13912345678,b\n", 2, 0, 2, 2, 0, 6, nil},
		{"masked with names", "手机,姓名\n138****5678,张伟\n138****5678,李娜\n138****5678,张伟\n", 2, 1, 1, 0, 2, 4, nil},
		{"ID only", "name,id\n张伟,11010519491231002X\n李娜,110105194912310021\n", 2, 0, 1, 0, 0, 3, nil},
		{"ID without a valid check digit under an ID header", "身份证\n110105194912310021\n", 1, 0, 1, 0, 0, 2, nil},
		{"mixed delimiters", "13812345678\t张伟\n13912345678;李娜\n13712345678|王芳\n", 3, 0, 0, 0, 0, 3, nil},
		{"mixed encodings line by line", "\xEF\xBB\xBF张伟,13812345678\n" + gbkLine + "李娜,13712345678\r\n", 3, 0, 0, 0, 0, 3,
			map[string]int{"utf-8-bom": 1, "gb18030": 1, "utf-8": 1}},
		{"quoted cells", "\"张伟\",\"138 1234 5678\",\"北京市, 朝阳区\"\n", 1, 0, 0, 0, 0, 1, nil},
		{"empty", "", 0, 0, 0, 0, 0, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadFound(strings.NewReader(tc.in), testFP(t))
			if err != nil {
				t.Fatal(err)
			}
			got := []int{len(f.Records), f.Duplicates, f.Headers, f.Unusable, f.Masked, f.Rows}
			want := []int{tc.records, tc.dups, tc.headers, tc.unusable, tc.masked, tc.rows}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("records, duplicates, headers, unusable, masked, rows = %v, want %v", got, want)
				}
			}
			for enc, n := range tc.encodings {
				if f.Encodings[enc] != n {
					t.Errorf("encodings %v, want %v", f.Encodings, tc.encodings)
				}
			}
		})
	}
}

func TestReadFoundMatchesDisclosedPrints(t *testing.T) {
	fp := testFP(t)
	disclosed := fp.Record("+8613812345678", "11010519491231002X", "张伟")
	found, err := ReadFound(strings.NewReader("电话,证件\n+86 138 1234 5678,11010519491231002x\n"), fp)
	if err != nil {
		t.Fatal(err)
	}
	var phone, id bool
	for _, k := range found.keys {
		phone = phone || k.kind == keyPhone && k.value == disclosed.Phone
		id = id || k.kind == keyID && k.value == disclosed.ID
	}
	if !phone || !id {
		t.Fatalf("found keys %+v do not carry the disclosed prints", found.keys)
	}
}

func TestReadFoundLongLine(t *testing.T) {
	long := strings.Repeat("x", MaxFoundLine+10)
	if _, err := ReadFound(strings.NewReader("13812345678\n"+long+"\n"), testFP(t)); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("an over-long line: %v", err)
	}
	big := bytes.Repeat([]byte("13812345678,张伟\n"), 5000)
	f, err := ReadFound(bytes.NewReader(big), testFP(t))
	if err != nil || f.Lines != 5000 || len(f.Records) != 1 || f.Duplicates != 4999 {
		t.Fatalf("lines %d records %d duplicates %d: %v", f.Lines, len(f.Records), f.Duplicates, err)
	}
}

func TestNullAliasBaseline(t *testing.T) {
	b := newBroker(t, 5, 600)
	leaked := b.rework(t, 2, leakOptions{keep: 0.7}, 4)
	found := []byte(strings.Join(leaked, "\n") + "\n17140999001\n17140999002\n")
	f, err := ReadFound(bytes.NewReader(found), testFP(t))
	if err != nil {
		t.Fatal(err)
	}
	run := func(nulls []string) *Attribution {
		a, err := Attribute(t.Context(), f, b.src, AttributeOptions{NullAliases: nulls})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	var pool []string
	for i := range 1000 {
		pool = append(pool, fmt.Sprintf("+86162900%05d", i))
	}
	none := run(nil)
	clean := run(pool)
	dialled := run(append(pool[2:], "+8617140999001", "+8617140999002"))
	if clean.Baseline.NullHits != 0 || dialled.Baseline.NullHits != 2 || dialled.Baseline.NullAliases != 1000 {
		t.Fatalf("null hits %d and %d", clean.Baseline.NullHits, dialled.Baseline.NullHits)
	}
	// More null aliases in the list: canaries weigh less.
	if !(none.Baseline.DecisiveLog10() > clean.Baseline.DecisiveLog10() && clean.Baseline.DecisiveLog10() > dialled.Baseline.DecisiveLog10()) {
		t.Fatalf("decisive weights %.2f %.2f %.2f", none.Baseline.DecisiveLog10(), clean.Baseline.DecisiveLog10(), dialled.Baseline.DecisiveLog10())
	}
	for _, a := range []*Attribution{none, clean, dialled} {
		if a.Candidates[0].Recipient != "agent-02" {
			t.Fatalf("top candidate %s", a.Candidates[0].Recipient)
		}
	}
	if s, _ := dialled.Baseline.Rates(); s < dialled.Baseline.NullRate {
		t.Fatal("the strong rate is below the null rate")
	}
}
