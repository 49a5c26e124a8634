package main

import (
	"strings"
	"testing"
)

func TestRolesFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr; "" for exit 0 of the flag check
	}{
		{[]string{"--roles", "api,bogus", "--store", "postgres://127.0.0.1:1/x"}, `unknown role "bogus"`},
		{[]string{"--roles", "api", "--data", "d"}, "--roles needs --store"},
		{[]string{"--roles", "api,detect", "--store", "postgres://127.0.0.1:1/x", "--sip", "udp://127.0.0.1:0"}, "--sip needs the sip role"},
	} {
		var out, errb strings.Builder
		c := &cli{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
		if code := c.runServe(tc.args); code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want usage error with %q", tc.args, code, errb.String(), tc.want)
		}
	}
	var r roleSet
	if !r.has(roleLedger) || r.String() != "api,sip,detect,ledger" {
		t.Errorf("zero roleSet: has(ledger)=%v String=%q; want every role", r.has(roleLedger), r.String())
	}
	if err := r.Set("detect, detect,ledger"); err != nil || r.has(roleAPI) || !r.has(roleDetect) || r.String() != "detect,ledger" {
		t.Errorf("Set(detect, detect,ledger): err %v, roles %q", err, r.String())
	}
}

func TestIdleRoles(t *testing.T) {
	var o serveOptions
	if w := o.idleRoles(); len(w) != 0 {
		t.Errorf("default roles: %q, want no warning", w)
	}
	o.roles.Set("api,sip,detect")
	o.sip = &sipOptions{}
	if w := o.idleRoles(); len(w) != 2 || !strings.Contains(w[0], "--sip") || !strings.Contains(w[1], "--log") {
		t.Errorf("sip without --sip, detect without --log: %q", w)
	}
	o.log = "nats://127.0.0.1:4222"
	o.sip.listen = []string{"udp://127.0.0.1:5060"}
	if w := o.idleRoles(); len(w) != 0 {
		t.Errorf("with --sip and --log: %q", w)
	}
}
