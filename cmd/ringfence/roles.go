package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"ringfence"
	rfhttp "ringfence/http"
)

// Roles a cluster node can take (serve --roles). An embedded node (--data)
// has all of them.
const (
	roleAPI    = "api"    // the HTTP API and web console
	roleSIP    = "sip"    // the SIP screening server (with --sip)
	roleDetect = "detect" // detectors over call-record partitions
	roleLedger = "ledger" // the disclosure ledger's one writer
)

// allRoles are the roles in the order --roles lists them.
var allRoles = []string{roleAPI, roleSIP, roleDetect, roleLedger}

// roleSet is the --roles flag: a comma-separated subset of allRoles. The
// zero value (flag not given) is every role.
type roleSet struct {
	set   bool
	roles []string
}

func (r *roleSet) String() string {
	if r == nil || !r.set {
		return strings.Join(allRoles, ",")
	}
	return strings.Join(r.roles, ",")
}

func (r *roleSet) Set(v string) error {
	var roles []string
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(allRoles, name) {
			return fmt.Errorf("unknown role %q: roles are %s", name, strings.Join(allRoles, ", "))
		}
		if !slices.Contains(roles, name) {
			roles = append(roles, name)
		}
	}
	r.set, r.roles = true, roles
	return nil
}

// has reports whether the node takes the role.
func (r *roleSet) has(role string) bool {
	return !r.set || slices.Contains(r.roles, role)
}

// checkRoles checks --roles against the other flags: roles divide a
// cluster's work, so they need --store, and --sip needs the sip role.
func (o *serveOptions) checkRoles() error {
	if !o.roles.set {
		return nil
	}
	if o.store == "" {
		return errors.New("--roles needs --store (a cluster node's PostgreSQL store); an embedded node has every role")
	}
	if o.sip != nil && len(o.sip.listen) > 0 && !o.roles.has(roleSIP) {
		return errors.New("--sip needs the sip role (--roles ...,sip)")
	}
	if o.roles.has(roleLedger) && !o.roles.has(roleAPI) {
		// Only the lease holder writes the ledger, and exports, alias
		// bindings and attributions come in through the API.
		return errors.New("the ledger role needs the api role (--roles api,...,ledger): the ledger's writer takes the exports and alias bindings it records")
	}
	return nil
}

// idleRoles says which roles named in --roles will do nothing for want of
// another flag: sip without --sip, detect without --log.
func (o *serveOptions) idleRoles() []string {
	if !o.roles.set {
		return nil
	}
	var idle []string
	if o.roles.has(roleSIP) && (o.sip == nil || len(o.sip.listen) == 0) {
		idle = append(idle, "the sip role does nothing without --sip udp://HOST:PORT: this node screens no SIP calls")
	}
	if o.roles.has(roleDetect) && o.log == "" {
		idle = append(idle, "the detect role shares call-record partitions only with --log (NATS JetStream): this node detects only the call records posted to it")
	}
	return idle
}

// opsPaths are what a cluster node without the api role serves on its
// HTTP address: liveness, readiness and metrics, which take no key.
var opsPaths = []string{"/healthz", "/readyz", "/metrics"}

// apiGate is the HTTP handler of a node: all of srv with the api role,
// else only opsPaths (the rest answers 404 saying why).
func apiGate(roles *roleSet, srv http.Handler) http.Handler {
	if roles.has(roleAPI) {
		return srv
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(opsPaths, r.URL.Path) {
			srv.ServeHTTP(w, r)
			return
		}
		rfhttp.Error(w, r, ringfence.Errorf(ringfence.ENOTFOUND, "this node serves no API (its --roles lack api): only %s", strings.Join(opsPaths, ", ")))
	})
}

// serveGated serves h on ln until ctx is done, then shuts down
// gracefully, as rfhttp.Server.Serve does for the whole API.
func serveGated(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return s.Shutdown(sctx)
	}
}
