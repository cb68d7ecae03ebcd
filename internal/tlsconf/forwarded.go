package tlsconf

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the peers trusted to say, in X-Forwarded-For and
// X-Forwarded-Proto, who the client is and whether it used TLS: a reverse
// proxy that terminates TLS in front of Hoard. Anyone else could forge
// those headers, so they are ignored from every other peer.
type Proxies struct{ nets []netip.Prefix }

// ParseProxies reads a comma-separated list of addresses and CIDR
// prefixes ("10.0.0.0/8,127.0.0.1"); empty trusts none.
func ParseProxies(s string) (*Proxies, error) {
	p := &Proxies{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR prefix", f)
			}
			p.nets = append(p.nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		n, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		p.nets = append(p.nets, n.Masked())
	}
	return p, nil
}

// Empty reports whether no proxy is trusted.
func (p *Proxies) Empty() bool { return p == nil || len(p.nets) == 0 }

func (p *Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

type secureKey struct{}

// Secure reports whether the client's request travelled over TLS: to
// this server, or to a trusted proxy that said so.
func Secure(r *http.Request) bool {
	if v, ok := r.Context().Value(secureKey{}).(bool); ok {
		return v
	}
	return r.TLS != nil
}

// WithSecure returns r marked as secure or not, whatever its own
// connection was (a relay decides for the whole path).
func WithSecure(r *http.Request, secure bool) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), secureKey{}, secure))
}

// Handler adopts, for requests from a trusted proxy, the client address
// of X-Forwarded-For (as RemoteAddr, which aws:SourceIp and the access
// log read) and the scheme of X-Forwarded-Proto (which Secure reads).
func (p *Proxies) Handler(next http.Handler) http.Handler {
	if p.Empty() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, ok := addrOf(r.RemoteAddr)
		if !ok || !p.trusted(peer) {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(r.Context())
		if client, ok := p.client(peer, r.Header.Values("X-Forwarded-For")); ok {
			r2.RemoteAddr = net.JoinHostPort(client.String(), "0")
		}
		switch lastValue(r.Header.Values("X-Forwarded-Proto")) {
		case "https":
			r2 = WithSecure(r2, true)
		case "http":
			r2 = WithSecure(r2, false) // the client's leg was plain
		}
		next.ServeHTTP(w, r2)
	})
}

// client walks X-Forwarded-For from the right (the entry the nearest
// proxy added) past trusted proxies to the first address it cannot vouch
// for; entries further left were written by whoever that is, so they
// prove nothing.
func (p *Proxies) client(peer netip.Addr, values []string) (netip.Addr, bool) {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	found := false
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		peer, found = a.Unmap(), true
		if !p.trusted(peer) {
			break
		}
	}
	return peer, found
}

func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	parts := strings.Split(values[len(values)-1], ",")
	return strings.ToLower(strings.TrimSpace(parts[len(parts)-1]))
}

func addrOf(remote string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// HSTS adds Strict-Transport-Security to the answers of secure requests.
func HSTS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Secure(r) {
			w.Header().Set("Strict-Transport-Security", HSTSValue)
		}
		next.ServeHTTP(w, r)
	})
}
