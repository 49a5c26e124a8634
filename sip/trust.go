package sip

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Defaults of the per-source protections.
const (
	// DefaultRate is the per-source INVITE rate serve applies unless told
	// otherwise (--sip-rate): enough for a PBX or a small SBC, far below
	// what it takes to enumerate verdicts. A carrier SBC carrying all of a
	// network's calls from one address needs its busy-hour call rate, or 0.
	DefaultRate = 100
	// DefaultMaxConnsPerSource is how many TCP connections one source
	// address may hold open when Config.MaxConnsPerSource is 0.
	DefaultMaxConnsPerSource = 64
)

// DefaultTrust is the networks trusted when Config.Trust is empty: loopback
// only, so a server bound to a public address answers no one until the
// proxies that may ask are named.
func DefaultTrust() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// ParseTrust parses a trusted network: a CIDR prefix (10.0.0.0/8,
// 2001:db8::/32) or one address (a /32 or /128). Host bits are cleared and
// an IPv4-mapped IPv6 prefix becomes the IPv4 prefix it maps.
func ParseTrust(s string) (netip.Prefix, error) {
	in := strings.TrimSpace(s)
	var p netip.Prefix
	var err error
	if strings.Contains(in, "/") {
		p, err = netip.ParsePrefix(in)
	} else {
		var a netip.Addr
		if a, err = netip.ParseAddr(in); err == nil {
			if a.Zone() != "" {
				err = errors.New("an address with a zone")
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
	}
	if err == nil {
		p, err = normPrefix(p)
	}
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("trusted network %q: want a CIDR prefix such as 10.0.0.0/8 or 2001:db8::/32, or one address", s)
	}
	return p, nil
}

// normPrefix validates p, maps an IPv4-mapped prefix to IPv4 (source
// addresses are compared unmapped) and clears the host bits.
func normPrefix(p netip.Prefix) (netip.Prefix, error) {
	if !p.IsValid() {
		return netip.Prefix{}, errors.New("not a valid prefix")
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, errors.New("an IPv4-mapped prefix shorter than /96")
		}
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// trusted reports whether a source address is inside a trusted network.
func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range s.trust {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
