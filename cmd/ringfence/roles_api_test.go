package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"ringfence/postgres/pgtest"
)

// TestNodeWithoutAPIRole: a cluster node whose --roles lack api serves
// /healthz, /readyz and /metrics, and nothing else (no API, no console);
// with the role it serves the API.
func TestNodeWithoutAPIRole(t *testing.T) {
	url := pgtest.URL(t)
	for _, tc := range []struct {
		roles string
		want  map[string]int // path -> status
	}{
		{"detect", map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/v1/numbers/95588": 404, "/": 404, "/v1/exports": 404}},
		{"api", map[string]int{"/healthz": 200, "/metrics": 200, "/v1/numbers/95588": 401, "/": 200}},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
		o := serveOptions{store: url, node: "n-" + tc.roles, addr: "127.0.0.1:0", noLimits: true, aliasCap: -1, sip: c.sipFlags(fs)}
		if err := o.roles.Set(tc.roles); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		addrc, done := make(chan string, 1), make(chan error, 1)
		go func() { done <- c.serve(ctx, o, func(a string) { addrc <- a }) }()
		var addr string
		select {
		case addr = <-addrc:
		case err := <-done:
			t.Fatalf("roles %s: %v", tc.roles, err)
		case <-time.After(30 * time.Second):
			t.Fatalf("roles %s: no listen", tc.roles)
		}
		for path, want := range tc.want {
			resp, err := http.Get("http://" + addr + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("roles %s: GET %s = %d %s; want %d", tc.roles, path, resp.StatusCode, b, want)
			}
			if want == 404 && !strings.Contains(string(b), "no API") {
				t.Errorf("roles %s: GET %s answers %s; want it to say the node serves no API", tc.roles, path, b)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("roles %s: serve: %v", tc.roles, err)
		}
	}
}
