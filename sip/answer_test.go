package sip

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden answers in testdata/answers")

// readRequest reads a request fixture, written with LF line ends, as SIP.
func readRequest(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

var toTag = regexp.MustCompile(`;tag=[0-9a-f]{16}`)

// TestAnswers checks every answer byte for byte against golden files:
// testdata/answers/NAME.req is a request from 192.0.2.1:5060 and NAME.golden
// the answer (To tags, which are random per server, shown as TAG).
func TestAnswers(t *testing.T) {
	srv, err := NewServer(newEngine(t), Config{NextHop: "198.51.100.7:5060"})
	if err != nil {
		t.Fatal(err)
	}
	reqs, _ := filepath.Glob("testdata/answers/*.req")
	if len(reqs) == 0 {
		t.Fatal("no fixtures")
	}
	from := source{netip.MustParseAddrPort("192.0.2.1:5060"), "UDP"}
	for _, path := range reqs {
		name := strings.TrimSuffix(filepath.Base(path), ".req")
		t.Run(name, func(t *testing.T) {
			w := srv.getWork()
			out, dst := srv.handlePacket(w, readRequest(t, path), from)
			got := toTag.ReplaceAllString(string(out), ";tag=TAG")
			if out != nil {
				got = "; to " + dst.String() + "\n" + strings.ReplaceAll(got, "\r\n", "\n")
			}
			golden := strings.TrimSuffix(path, ".req") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("answer differs from %s:\n%s", golden, got)
			}
		})
	}
}
