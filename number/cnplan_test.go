package number

import (
	"bytes"
	"compress/gzip"
	"flag"
	"os"
	"testing"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

var update = flag.Bool("update", false, "rewrite cnplan.gz and the golden files")

// extractPlan asks phonenumbers, through its public API, for China's
// numbering plan: every area code and every 7-digit mobile prefix.
func extractPlan() *rawPlan {
	rp := &rawPlan{strings: []string{""}}
	index := map[string]int{"": 0}
	intern := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(rp.strings)
			index[s] = i
			rp.strings = append(rp.strings, s)
		}
		return i
	}
	cc := int32(86)
	nsn := uint64(0)
	pn := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nsn}
	china := countryName("CN")
	geo := func(n uint64) string {
		nsn = n
		s, err := phonenumbers.GetGeocodingForNumber(pn, "zh")
		if err != nil || s == china || !hasHan(s) { // the fallbacks for numbers it cannot place
			return ""
		}
		return s
	}
	isType := func(n uint64, types ...phonenumbers.PhoneNumberType) bool {
		nsn = n
		got := phonenumbers.GetNumberType(pn)
		for _, t := range types {
			if got == t {
				return true
			}
		}
		return false
	}

	// Area codes: 10, 20–29, 300–999, and the subscriber lengths each takes
	// (judged on two sample subscriber numbers per length).
	codes := []uint64{10}
	for c := uint64(20); c <= 29; c++ {
		codes = append(codes, c)
	}
	for c := uint64(300); c <= 999; c++ {
		codes = append(codes, c)
	}
	for _, code := range codes {
		mask := 0
		for bit, subs := range [][2]uint64{{2345678, 8765432}, {23456789, 87654321}} {
			for _, sub := range subs {
				n := code*10_000_000 + sub
				if bit == 1 {
					n = code*100_000_000 + sub
				}
				if isType(n, phonenumbers.FIXED_LINE, phonenumbers.FIXED_LINE_OR_MOBILE) {
					mask |= 1 << bit
				}
			}
		}
		if mask != 0 {
			rp.areas = append(rp.areas, rawArea{code: int(code), mask: mask, place: intern(geo(code*100_000_000 + 23456789))})
		}
	}

	// Mobile prefixes, run-length encoded. A prefix is a mobile range when
	// the lowest and highest numbers under it are mobile numbers.
	var run rawRun
	for p := uint64(firstPrefix); p < firstPrefix+numPrefixes; p++ {
		var next rawRun
		if isType(p*10000, phonenumbers.MOBILE) && isType(p*10000+9999, phonenumbers.MOBILE) {
			nsn = p * 10000
			carrier, _ := phonenumbers.GetCarrierForNumber(pn, "zh")
			next = rawRun{carrier: intern(carrier) + 1, place: intern(geo(p * 10000))}
		}
		if run.length > 0 && (next.carrier != run.carrier || next.place != run.place) {
			rp.runs = append(rp.runs, run)
			run.length = 0
		}
		run.carrier, run.place = next.carrier, next.place
		run.length++
	}
	rp.runs = append(rp.runs, run)
	return rp
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestPlanMatchesPhonenumbers checks that the embedded cnplan.gz is what the
// phonenumbers dependency says today; -update rewrites it.
func TestPlanMatchesPhonenumbers(t *testing.T) {
	want := encodePlan(extractPlan())
	if *update {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(want)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("cnplan.gz", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote cnplan.gz: %d bytes (%d unzipped)", buf.Len(), len(want))
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(cnplanGz))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := got.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		gp, err := decodePlan(got.Bytes())
		if err != nil {
			t.Fatalf("cnplan.gz does not decode: %v", err)
		}
		wp, _ := decodePlan(want)
		t.Fatalf("cnplan.gz is out of date with phonenumbers (%d strings, %d areas, %d runs; phonenumbers gives %d, %d, %d): run go test -run TestPlanMatchesPhonenumbers -update",
			len(gp.strings), len(gp.areas), len(gp.runs), len(wp.strings), len(wp.areas), len(wp.runs))
	}
}
