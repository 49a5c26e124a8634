package number

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// Inputs of the benchmarks, in the notations CDRs and users produce.
var (
	benchMobile   = []string{"13812345678", "+86 138-1234-5678", "+8613812345678", "008613912345678", "17031234567"}
	benchLandline = []string{"010-12345678", "(0731)88888888", "0755-8888 8888", "+86 10 1234 5678", "+862161234567"}
)

// benchParse runs one sub-benchmark of Parse per input.
func benchParse(b *testing.B, inputs []string) {
	tables() // build the tables outside the timing
	for _, in := range inputs {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseChineseMobile(b *testing.B) { benchParse(b, benchMobile) }

func BenchmarkParseLandline(b *testing.B) { benchParse(b, benchLandline) }

func BenchmarkE164(b *testing.B) {
	tables()
	for _, in := range append(benchMobile, benchLandline...) {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := E164(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Key("+8613812345678"); !ok {
			b.Fatal("not ok")
		}
	}
}

func BenchmarkFromKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		FromKey(8613812345678)
	}
}

// BenchmarkPhonenumbersParse is phonenumbers.Parse alone on the same inputs,
// for comparison (it neither classifies nor formats).
func BenchmarkPhonenumbersParse(b *testing.B) {
	for _, in := range append(benchMobile, benchLandline...) {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := phonenumbers.Parse(in, "CN"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseInternational(b *testing.B) {
	benchParse(b, []string{"+1 415 555 2671", "+44 20 7946 0958"})
}

func BenchmarkPrefix(b *testing.B) {
	tables()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Prefix("+86170*"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadPlan is the one-off cost of building the tables.
func BenchmarkLoadPlan(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadPlan(cnplanGz); err != nil {
			b.Fatal(err)
		}
	}
}
