package cdr

import (
	"fmt"
	"testing"

	"ringfence"
)

func TestByKey(t *testing.T) {
	tests := []struct {
		number                        string
		account, trunk, brand, holder string
	}{
		{"+8617012345678", "acme", "sip-1", "virtual 170 中国电信", ""},
		{"+8616212345678", "", "", "virtual 162 中国电信", ""},
		{"+8613812345678", "acme", "", "中国移动", ""},
		{"+8695511", "", "", "service", "95511"},
		{"+86955111", "", "", "service", "955111"},
		{"+862196110", "", "", "service", "02196110"},
		{"+864008123123", "", "", "toll_free", ""},
		{"+861012345678", "", "", "fixed_line", ""},
		{"not a number", "x", "y", "", ""},
	}
	for _, tt := range tests {
		f := ringfence.Flag{Number: tt.number, Kind: ringfence.KindTelemarketing, Account: tt.account, Trunk: tt.trunk}
		for by, want := range map[By]string{ByAccount: tt.account, ByTrunk: tt.trunk, ByBrand: tt.brand, ByHolder: tt.holder} {
			if got := by.Key(f); got != want {
				t.Errorf("%s of %s = %q, want %q", by, tt.number, got, want)
			}
		}
	}
}

func TestParseBy(t *testing.T) {
	for _, s := range []string{"account", "trunk", "brand", "holder"} {
		if b, err := ParseBy(s); err != nil || string(b) != s {
			t.Errorf("ParseBy(%q) = %q, %v", s, b, err)
		}
	}
	for _, s := range []string{"", "Account", "carrier"} {
		if _, err := ParseBy(s); ringfence.ErrorCode(err) != ringfence.EINVALID {
			t.Errorf("ParseBy(%q) = %v, want invalid", s, err)
		}
	}
}

func TestRollupRows(t *testing.T) {
	r := NewRollup(ByAccount)
	add := func(account string, kind ringfence.FlagKind, calls int64) {
		r.Add(ringfence.Flag{Number: "+8613812345678", Kind: kind, Account: account}, calls)
	}
	add("b", ringfence.KindTelemarketing, 100)
	add("", ringfence.KindCallBombingTarget, 0)
	add("", ringfence.KindTelemarketing, 0)
	add("", ringfence.KindTelemarketing, 0)
	add("a", ringfence.KindRobocall, 10)
	add("c", ringfence.KindRobocall, 5)
	add("c", ringfence.KindTelemarketing, 7)
	got := ""
	for _, row := range r.Rows() {
		got += fmt.Sprintf("%s:%d:%d:%d:%d ", row.Key, row.Flags, row.Kinds[ringfence.KindTelemarketing], row.Kinds[ringfence.KindRobocall], row.Calls)
	}
	if want := "c:2:1:1:12 a:1:0:1:10 b:1:1:0:100 :3:2:0:0 "; got != want {
		t.Errorf("rows %q, want %q", got, want)
	}
}
