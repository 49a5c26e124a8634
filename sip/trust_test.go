package sip

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recordingAliases is fakeAliases that remembers every route asked for, as
// "callee caller": a leak event is written by the route of a stranger's
// call, so a route never asked for is a leak never recorded.
type recordingAliases struct {
	mu     sync.Mutex
	routes []string
}

func (r *recordingAliases) Route(ctx context.Context, callee, caller string) (AliasRoute, bool, error) {
	r.mu.Lock()
	r.routes = append(r.routes, callee+" "+caller)
	r.mu.Unlock()
	return fakeAliases{}.Route(ctx, callee, caller)
}

func (r *recordingAliases) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.routes
	r.routes = nil
	return out
}

// TestAssertedIdentityNamesTheCaller: when a P-Asserted-Identity is present
// the caller is the number it asserts, never From, which the calling party
// writes itself; a spoofed From must not make a leak against the number it
// names, nor hide one.
func TestAssertedIdentityNamesTheCaller(t *testing.T) {
	routes := &recordingAliases{}
	srv := startServer(t, Config{Aliases: routes})
	p := newPeer(t, srv.udp)
	const alias, merchant = "17100009999", "+862088888888"
	tests := []struct {
		name    string
		req     *msg
		route   string // the caller the alias was routed for; "" for no route
		verdict string // substring of X-Ringfence-Verdict
	}{
		{name: "PAI names the merchant, From spoofed", route: merchant, verdict: "alias=merchant",
			req: p.invite(allowedCaller, alias).with("P-Asserted-Identity: <tel:" + merchant + ">")},
		{name: "PAI names a stranger, From spoofed as the merchant", route: "+86" + allowedCaller, verdict: "alias=leak",
			req: p.invite(merchant, alias).with("P-Asserted-Identity: <sip:+86" + allowedCaller + "@carrier.test;user=phone>")},
		{name: "PAI anonymous: withheld, From ignored", verdict: "unscreened",
			req: p.invite(allowedCaller, alias).with("P-Asserted-Identity: <sip:anonymous@anonymous.invalid>")},
		{name: "PAI names a user, not a number", verdict: "unscreened",
			req: p.invite(allowedCaller, alias).with(`P-Asserted-Identity: "Alice" <sip:alice@carrier.test>`)},
		{name: "PAI unreadable", verdict: "unscreened",
			req: p.invite(allowedCaller, alias).with("P-Asserted-Identity: <<not an address")},
		{name: "no PAI: From is the caller", route: "+86" + allowedCaller, verdict: "alias=leak",
			req: p.invite(allowedCaller, alias)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.do(tt.req)
			if got := header(res, "X-Ringfence-Verdict"); res.StatusCode != 302 || !strings.Contains(got, tt.verdict) {
				t.Errorf("%d %q, want 302 with %q", res.StatusCode, got, tt.verdict)
			}
			var want []string
			if tt.route != "" {
				want = []string{"+86" + alias + " " + tt.route}
			}
			if got := routes.take(); !slices.Equal(got, want) {
				t.Errorf("alias routed for %q, want %q", got, want)
			}
		})
	}
}
