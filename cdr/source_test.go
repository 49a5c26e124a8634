package cdr

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"ringfence"
)

// sources reads in and returns each row's source, "account/trunk", or
// "error FIELD" for a bad row.
func sources(t *testing.T, in string, format Format) []string {
	t.Helper()
	rd := NewReader(strings.NewReader(in), format)
	var got []string
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return got
		}
		var re *ringfence.RowError
		if errors.As(err, &re) {
			got = append(got, "error "+re.Field)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		s := rd.Source(rec.Source)
		if (rec.Source == 0) != (s == Source{}) {
			t.Errorf("source id %d is %+v", rec.Source, s)
		}
		got = append(got, s.Account+"/"+s.Trunk)
	}
}

func TestSources(t *testing.T) {
	const call = "13812345678,13987654321,2024-03-04 09:00:00,3,1"
	ast := func(account, channel string) string {
		return fmt.Sprintf(`"%s","13812345678","13987654321","from-internal","","%s","","Dial","","2024-03-04 09:00:00","","2024-03-04 09:00:05",5,3,"ANSWERED","DOCUMENTATION","1.1",""`, account, channel) + "\n"
	}
	tests := []struct {
		name   string
		in     string
		format Format
		want   []string
	}{
		{"native without account", "caller,callee,start_time,duration_s,answered\n" + call + "\n", Auto, []string{"/"}},
		{"native account and trunk", "caller,callee,start_time,duration_s,answered,account,trunk\n" +
			call + ",acme,sip-7\n" + call + ",acme,sip-7\n" + call + ",beta,sip-7\n" + call + ",,\n" + call + ", acme ,\n", Auto,
			[]string{"acme/sip-7", "acme/sip-7", "beta/sip-7", "/", "acme/"}},
		{"native columns in any order", "Trunk,caller,callee,start_time,duration_s,answered,AccountCode\n" +
			"t1," + call + ",企业甲\n", Auto, []string{"企业甲/t1"}},
		{"native trunk only", "caller,callee,start_time,duration_s,answered,trunk\n" + call + ",t2\n", Native, []string{"/t2"}},
		{"native short row with an account column", "caller,callee,start_time,duration_s,answered,account\n" + call + "\n" + call + ",a\n", Auto,
			[]string{"error ", "a/"}},
		{"native control character", "caller,callee,start_time,duration_s,answered,account\n" + call + ",\"a\tb\"\n" + call + ",ok\n", Auto,
			[]string{"error account", "ok/"}},
		{"native account too long", "caller,callee,start_time,duration_s,answered,trunk\n" + call + "," + strings.Repeat("x", maxSourceLen+1) + "\n", Auto,
			[]string{"error trunk"}},
		{"native not UTF-8", "caller,callee,start_time,duration_s,answered,account\n" + call + ",\xff\n", Auto,
			[]string{"error account"}},
		{"asterisk accountcode and channel", ast("acme", "SIP/acme-0000002a") + ast("acme", "SIP/acme-0000002b") + ast("", "PJSIP/gw") + ast("", "") + ast("x", "Local"), Auto,
			[]string{"acme/SIP/acme", "acme/SIP/acme", "/PJSIP/gw", "/", "x/"}},
		{"asterisk bad accountcode", ast("a\x01", "SIP/a-01") + ast("b", "SIP/b-01"), Asterisk, []string{"error accountcode", "b/SIP/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sources(t, tt.in, tt.format)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Past MaxSources distinct sources, records go unnamed and are counted.
func TestSourcesOverflow(t *testing.T) {
	var b strings.Builder
	b.WriteString("caller,callee,start_time,duration_s,answered,account\n")
	extra := 3
	for i := range MaxSources + extra {
		fmt.Fprintf(&b, "13812345678,13987654321,2024-03-04 09:00:00,3,1,a%d\n", i)
	}
	b.WriteString("13812345678,13987654321,2024-03-04 09:00:00,3,1,a7\n")
	rd := NewReader(strings.NewReader(b.String()), Auto)
	var last ringfence.CallRecord
	unnamed := 0
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Source == 0 {
			unnamed++
		}
		last = rec
	}
	if unnamed != extra || rd.Unnamed() != int64(extra) {
		t.Errorf("%d records unnamed, Unnamed() = %d, want %d", unnamed, rd.Unnamed(), extra)
	}
	if got := rd.Source(last.Source); got.Account != "a7" {
		t.Errorf("a source named before the table filled is %+v", got)
	}
}

// Naming the source costs no allocation once its name is known.
func TestSourcesAllocate(t *testing.T) {
	row := "+8613812345678,+8613987654321,2024-03-04T09:00:00+08:00,3,1,acme,sip-1\n+8613812345678,+8613987654321,2024-03-04T09:00:01+08:00,3,1,beta,sip-1\n"
	in := "caller,callee,start_time,duration_s,answered,account,trunk\n" + strings.Repeat(row, 2000)
	rd := NewReader(strings.NewReader(in), Auto)
	rd.Next()
	rd.Next()
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := rd.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations a row", allocs)
	}
}

func TestChannelTrunk(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SIP/acme-0000002a", "SIP/acme"},
		{"PJSIP/trunk-a-00000001", "PJSIP/trunk-a"},
		{"SIP/acme-gw", "SIP/acme-gw"},
		{"DAHDI/1-1", "DAHDI/1"},
		{"SIP/", "SIP/"},
		{"Local", ""},
		{"/x-1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(channelTrunk([]byte(tt.in))); got != tt.want {
			t.Errorf("channelTrunk(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
