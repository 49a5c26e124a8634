package detect_test

import (
	"testing"
	"time"

	"ringfence"
	"ringfence/detect"
)

const t0 = 1709510400 // 2024-03-04T00:00:00Z

type script struct {
	calls []detect.Call
}

func (s *script) add(caller, callee uint64, at int64, dur uint32, answered bool) {
	s.calls = append(s.calls, detect.Call{Caller: caller, Callee: callee, Start: at, Duration: dur, Answered: answered})
}

func run(s *script) ([]ringfence.Flag, *detect.Detector) {
	d := detect.New(detect.DefaultConfig())
	var flags []ringfence.Flag
	// Calls are added out of order by the scenarios; feed them sorted.
	calls := append([]detect.Call(nil), s.calls...)
	for i := 1; i < len(calls); i++ {
		for j := i; j > 0 && calls[j].Start < calls[j-1].Start; j-- {
			calls[j], calls[j-1] = calls[j-1], calls[j]
		}
	}
	for _, c := range calls {
		d.ObserveCall(c, func(f ringfence.Flag) { flags = append(flags, f) })
	}
	return flags, d
}

const (
	agent   = 8617012345678
	courier = 8613800000001
	victim  = 8613900000009
)

// telemarketer: 300 calls from 09:00 at an irregular pace, 20%
// answered, mostly hung up on, nobody calls back.
func telemarketer(s *script) {
	at := int64(t0 + 3600)
	for i := range 300 {
		at += int64(15 + (i*i*37)%80) // human, irregular pace
		ans := i%5 == 0
		dur := uint32(0)
		if ans {
			dur = uint32(3 + i%40)
		}
		s.add(agent, uint64(8613512340000+i*3), at, dur, ans)
	}
}

// courierDay: 150 calls over 10 hours to distinct customers, 85% answered,
// half of the missed ones call back within minutes.
func courierDay(s *script) {
	for i := range 150 {
		at := int64(t0 + 3600 + i*240 + (i*37)%100)
		cust := uint64(8615800000000 + i*7919)
		ans := i%7 != 0
		dur := uint32(0)
		if ans {
			dur = uint32(15 + i%30)
		}
		s.add(courier, cust, at, dur, ans)
		if !ans && i%2 == 0 {
			s.add(cust, courier, at+300, 20, true)
		}
	}
}

func bombing(s *script) {
	for i := range 200 {
		s.add(uint64(8618600000000+i*104729%90000), victim, int64(t0+5*3600+i*2), 3, i%6 == 0)
	}
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		name  string
		build func(*script)
		want  map[uint64]string // number -> kind flagged; absent means not flagged
	}{
		{"telemarketer", telemarketer, map[uint64]string{agent: ringfence.KindTelemarketing}},
		{"courier", courierDay, map[uint64]string{}},
		{"bombing", bombing, map[uint64]string{victim: ringfence.KindCallBombingTarget}},
		{"all together", func(s *script) { telemarketer(s); courierDay(s); bombing(s) },
			map[uint64]string{agent: ringfence.KindTelemarketing, victim: ringfence.KindCallBombingTarget}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s script
			tt.build(&s)
			flags, _ := run(&s)
			got := map[string]string{}
			for _, f := range flags {
				if _, dup := got[f.Number]; dup {
					t.Errorf("%s flagged twice", f.Number)
				}
				got[f.Number] = f.Kind
				if f.Score < 0.95 || f.Score > 1 || len(f.Reasons) == 0 || f.FlaggedAt.IsZero() {
					t.Errorf("bad flag %+v", f)
				}
			}
			for k, kind := range tt.want {
				n := "+" + itoa(k)
				if got[n] != kind {
					t.Errorf("%s: got kind %q, want %q", n, got[n], kind)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("got flags %v, want %v", got, tt.want)
			}
		})
	}
}

func itoa(k uint64) string {
	var b [20]byte
	i := len(b)
	for k > 0 {
		i--
		b[i] = byte('0' + k%10)
		k /= 10
	}
	return string(b[i:])
}

func TestObserveCDR(t *testing.T) {
	d := detect.New(detect.DefaultConfig())
	var flags []ringfence.Flag
	start := time.Unix(t0, 0)
	for i := range 300 {
		c := ringfence.CDR{Caller: "+8617012345678", Callee: "+86135" + itoa(uint64(12340000+i*3)), Start: start.Add(time.Duration(i) * 40 * time.Second)}
		d.Observe(c, func(f ringfence.Flag) { flags = append(flags, f) })
	}
	d.Observe(ringfence.CDR{Caller: "not a number", Callee: "+8613500000000", Start: start}, func(ringfence.Flag) {})
	st := d.Stats()
	if st.Calls != 300 || st.Skipped != 1 {
		t.Errorf("stats %+v: want 300 calls, 1 skipped", st)
	}
	if len(flags) != 1 || flags[0].Number != "+8617012345678" {
		t.Fatalf("flags %+v, want one for +8617012345678", flags)
	}
}

func TestExpiryAndDisorder(t *testing.T) {
	var s script
	for i := range 1000 {
		s.add(uint64(8613000000000+i), uint64(8614000000000+i), int64(t0+i), 30, true)
	}
	_, d := run(&s)
	if n := d.Stats().ActiveCallers; n != 1000 {
		t.Fatalf("active callers %d, want 1000", n)
	}
	if b := d.Stats().BytesPerCaller(); b <= 0 || b > 256 {
		t.Errorf("bytes per caller %.0f, want (0, 256]", b)
	}
	// Three days later, one call: everything idle has expired.
	d.ObserveCall(detect.Call{Caller: 8613000009999, Callee: 8614000009999, Start: t0 + 3*86400}, func(ringfence.Flag) {})
	if n := d.Stats().ActiveCallers; n != 1 {
		t.Errorf("active callers after idle days %d, want 1", n)
	}
	// A record an hour old is late; one a minute old is not.
	d.ObserveCall(detect.Call{Caller: 1, Callee: 2, Start: t0 + 3*86400 - 60}, func(ringfence.Flag) {})
	d.ObserveCall(detect.Call{Caller: 1, Callee: 2, Start: t0 + 3*86400 - 3600}, func(ringfence.Flag) {})
	if late := d.Stats().Late; late != 1 {
		t.Errorf("late %d, want 1", late)
	}
}
