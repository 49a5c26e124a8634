package sip

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/number"
	"ringfence/screen"
)

// benchInvites returns n distinct INVITEs (distinct branches, so none is a
// retransmission) from caller to the subscriber.
func benchInvites(b *testing.B, caller string, n int) [][]byte {
	tmpl := string(readRequest(b, "testdata/answers/label.req"))
	tmpl = strings.Replace(tmpl, "17100001234", caller, 1)
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(strings.Replace(tmpl, "z9hG4bK-label", "z9hG4bK-"+strconv.Itoa(i), 1))
	}
	return out
}

// BenchmarkInvite measures one INVITE from datagram to answer: sipgo's
// parse, screening, the transaction memory, the answer and the call event.
func BenchmarkInvite(b *testing.B) {
	for _, tt := range []struct{ name, caller string }{
		{"allow", allowedCaller},
		{"label", loanCaller},
		{"block", salesCaller},
	} {
		b.Run(tt.name, func(b *testing.B) {
			srv, err := NewServer(newEngine(b), Config{NextHop: "198.51.100.7:5060", Calls: discardCalls{}})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { srv.Close() })
			reqs := benchInvites(b, tt.caller, 1<<16)
			from := source{netip.MustParseAddrPort("192.0.2.1:5060"), "UDP"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				w := srv.getWork()
				out, _ := srv.handlePacket(w, reqs[i%len(reqs)], from)
				if out == nil {
					b.Fatal("no answer")
				}
				srv.putWork(w)
			}
		})
	}
}

// BenchmarkParse is sipgo's parse of the same INVITE alone, the floor under
// BenchmarkInvite.
func BenchmarkParse(b *testing.B) {
	srv, err := NewServer(screenNothing{}, Config{})
	if err != nil {
		b.Fatal(err)
	}
	req := benchInvites(b, loanCaller, 1)[0]
	b.ReportAllocs()
	for range b.N {
		if _, err := srv.parser.ParseSIP(req); err != nil {
			b.Fatal(err)
		}
	}
}

// discardCalls drops call events, as a call log that keeps up would.
type discardCalls struct{}

func (discardCalls) Record(engine.CallEvent) {}

// screenNothing allows every call without looking.
type screenNothing struct{}

func (screenNothing) Decide(v *screen.Verdict, _ number.Info, _, _ string, _ time.Time, _ string) {
	v.Action = ringfence.Allow
}
