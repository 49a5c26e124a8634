package deid

import (
	_ "embed"
	"strings"
)

// gb2260 lists the GB/T 2260 division codes; see the file's header for its
// source and version.
//
//go:embed gb2260.txt
var gb2260 string

// divisionCodes is the set of the six-digit division codes of gb2260, a
// bit per code.
var divisionCodes = func() []uint64 {
	t := make([]uint64, 1000000/64+1)
	for line := range strings.SplitSeq(gb2260, "\n") {
		if len(line) != 6 || line[0] == '#' {
			continue
		}
		v := 0
		for i := range 6 {
			v = v*10 + int(line[i]-'0')
		}
		t[v/64] |= 1 << (v % 64)
	}
	return t
}()

func isDivision(v int) bool { return divisionCodes[v/64]&(1<<(v%64)) != 0 }

func num6(d []byte) int {
	return num2(d)*10000 + num2(d[2:])*100 + num2(d[4:])
}

// validDivision reports whether the six digits d are a division code of
// the current list (GB/T 2260 as published by the Ministry of Civil
// Affairs). Unified social credit codes exist since 2015 and carry such a
// code.
func validDivision(d []byte) bool {
	return allDigits(d[:6]) && isDivision(num6(d))
}

// validIDDivision reports whether the six digits d can be the division code
// of a resident identity number. A number keeps the code of the place where
// it was first issued, which may have been abolished since, so a code
// missing from the current list is accepted when it has the structure every
// revision of GB/T 2260 follows: a province of provinceCodes and a
// prefecture-level part of 01-70 (cities 01-20 and 51-70, prefectures,
// autonomous prefectures and leagues 21-50) or 90 (county-level divisions
// under the province).
func validIDDivision(d []byte) bool {
	if !provinceCodes[num2(d)] {
		return false
	}
	if p := num2(d[2:]); p >= 1 && p <= 70 || p == 90 {
		return true
	}
	return isDivision(num6(d))
}
