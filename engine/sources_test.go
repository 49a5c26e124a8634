package engine

import (
	"testing"

	"ringfence"
)

func TestAttribute(t *testing.T) {
	source := func(id uint16) (string, string) {
		if id == 7 {
			return "acme", "sip-1"
		}
		return "", ""
	}
	rec := ringfence.CallRecord{Caller: 8617012345678, Callee: 8613812345678, Source: 7}
	tests := []struct {
		name   string
		flag   ringfence.Flag
		rec    ringfence.CallRecord
		source func(uint16) (string, string)
		want   string
	}{
		{"the caller's flag", ringfence.Flag{Number: "+8617012345678", Kind: ringfence.KindTelemarketing}, rec, source, "acme/sip-1"},
		{"no source table", ringfence.Flag{Number: "+8617012345678", Kind: ringfence.KindTelemarketing}, rec, nil, "/"},
		{"a record naming none", ringfence.Flag{Number: "+8617012345678", Kind: ringfence.KindRobocall}, ringfence.CallRecord{Caller: 8617012345678, Callee: 1}, source, "/"},
		{"a call-bombing target", ringfence.Flag{Number: "+8613812345678", Kind: ringfence.KindCallBombingTarget}, rec, source, "/"},
		{"another number's flag", ringfence.Flag{Number: "+8613812345678", Kind: ringfence.KindTelemarketing}, rec, source, "/"},
	}
	for _, tt := range tests {
		f := attribute(tt.flag, tt.rec, tt.source)
		if got := f.Account + "/" + f.Trunk; got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
