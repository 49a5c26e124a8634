package sip

import (
	"sync"
	"testing"
	"time"

	"ringfence"
	"ringfence/number"
	"ringfence/screen"
)

// fakeScreener blocks the callers in block as fraud and allows every other
// caller; it records what it was asked. It stands in for the engine: the
// SIP front needs only the Screener interface.
type fakeScreener struct {
	block map[string]bool
	mu    sync.Mutex
	asked []string // caller E.164 → callee
}

func (f *fakeScreener) Decide(v *screen.Verdict, caller number.Info, input, callee string, _ time.Time, _ string) {
	f.mu.Lock()
	f.asked = append(f.asked, caller.E164+"→"+callee)
	f.mu.Unlock()
	v.Number, v.E164, v.NumberInfo = input, caller.E164, caller
	v.Reasons = v.Reasons[:0]
	if f.block[caller.E164] {
		v.Action, v.Category, v.Score = ringfence.Block, "fraud", 0.99
		return
	}
	v.Action, v.Category, v.Score = ringfence.Allow, "", 0
}

// TestServerOverFakeScreener runs the SIP front over a fake Screener and
// Recorder: the verdict it is given decides the answer, and each call is
// recorded with that verdict.
func TestServerOverFakeScreener(t *testing.T) {
	const blocked, allowed, callee = "+8613311112222", "+8613322223333", "+8613800138000"
	fs := &fakeScreener{block: map[string]bool{blocked: true}}
	ev := &events{}
	srv, err := NewServer(fs, Config{NextHop: "10.0.0.9:5070", Calls: ev})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	u, err := srv.Listen("udp://127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := newPeer(t, u.String())
	tests := []struct {
		caller string
		code   int
		action ringfence.Action
	}{
		{blocked, 608, ringfence.Block},
		{allowed, 302, ringfence.Allow},
	}
	for _, tt := range tests {
		res := p.do(p.invite(tt.caller, callee))
		if res.StatusCode != tt.code {
			t.Fatalf("INVITE from %s: %d %s, want %d", tt.caller, res.StatusCode, res.Reason, tt.code)
		}
	}
	srv.calls.flush()
	got := ev.all()
	if len(got) != len(tests) {
		t.Fatalf("recorded %d calls, want %d: %+v", len(got), len(tests), got)
	}
	for i, tt := range tests {
		if got[i].Caller != tt.caller || got[i].Callee != callee || got[i].Action != tt.action {
			t.Errorf("call %d recorded as %+v, want %s → %s %s", i, got[i], tt.caller, callee, tt.action)
		}
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.asked) != len(tests) || fs.asked[0] != blocked+"→"+callee {
		t.Fatalf("screener asked %q", fs.asked)
	}
}
