package sip

import (
	"bufio"
	"io"
	"net/netip"
	"path/filepath"
	"testing"

	sipmsg "github.com/emiago/sipgo/sip"
)

// fuzzServer is a server over a seeded engine, with aliases and a
// recorder, for the fuzz targets.
func fuzzServer(f *testing.F) *Server {
	srv, err := NewServer(newEngine(f), Config{NextHop: "198.51.100.7:5060", Aliases: fakeAliases{}, Calls: &events{}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	reqs, _ := filepath.Glob("testdata/answers/*.req")
	for _, path := range reqs {
		f.Add(readRequest(f, path))
	}
	return srv
}

// FuzzPacket feeds arbitrary datagrams to the server: it must never panic,
// and an answer must itself be a SIP response.
func FuzzPacket(f *testing.F) {
	srv := fuzzServer(f)
	f.Add([]byte("INVITE sip:1@x SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:5060;rport;branch=z9hG4bK1\r\nFrom: \"\\\"\" <sip:1@x>;tag=1\r\nTo: <sip:1@x>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nIdentity: a.b.c\r\nContent-Length: 0\r\n\r\n"))
	from := source{netip.MustParseAddrPort("192.0.2.1:5060"), "UDP"}
	f.Fuzz(func(t *testing.T, data []byte) {
		w := srv.getWork()
		out, _ := srv.handlePacket(w, data, from)
		if st := srv.Stats(); st.Panics != 0 {
			t.Fatalf("panic handling %q", data)
		}
		if out != nil {
			m, err := sipmsg.ParseMessage(out)
			if _, ok := m.(*sipmsg.Response); err != nil || !ok {
				t.Fatalf("answer to %q is not a response (%v):\n%s", data, err, out)
			}
		}
		srv.putWork(w)
	})
}

// FuzzStream feeds arbitrary bytes to the stream (TCP) path in two pieces.
func FuzzStream(f *testing.F) {
	srv := fuzzServer(f)
	from := source{netip.MustParseAddrPort("192.0.2.1:5060"), "TCP"}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := srv.parser.NewSIPStream()
		defer ps.Close()
		out := bufio.NewWriter(io.Discard)
		half := len(data) / 2
		ps.Write(data[:half])
		if srv.drainStream(ps, from, out) {
			ps.Write(data[half:])
			srv.drainStream(ps, from, out)
		}
		if st := srv.Stats(); st.Panics != 0 {
			t.Fatalf("panic handling %q", data)
		}
	})
}
