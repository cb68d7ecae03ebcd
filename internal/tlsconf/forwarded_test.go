package tlsconf_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

func TestTrustedProxies(t *testing.T) {
	p, err := tlsconf.ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		remote string
		secure bool
	}
	for _, tc := range []struct {
		name, peer, xff, proto string
		want                   seen
	}{
		{"untrusted peer ignored", "203.0.113.9:5000", "198.51.100.1", "https", seen{"203.0.113.9:5000", false}},
		{"trusted proxy", "10.1.2.3:5000", "198.51.100.1", "https", seen{"198.51.100.1:0", true}},
		{"trusted, plain", "192.0.2.7:5000", "198.51.100.1", "http", seen{"198.51.100.1:0", false}},
		// The client wrote the leftmost entry itself; the proxy appended.
		{"forged left entry", "10.1.2.3:5000", "1.2.3.4, 198.51.100.1", "https", seen{"198.51.100.1:0", true}},
		{"chain of proxies", "10.1.2.3:5000", "198.51.100.1, 10.9.9.9", "", seen{"198.51.100.1:0", false}},
		{"garbage stops the walk", "10.1.2.3:5000", "198.51.100.1, junk", "", seen{"10.1.2.3:5000", false}},
		{"no header", "10.1.2.3:5000", "", "https", seen{"10.1.2.3:5000", true}},
		{"ipv4-mapped peer", "[::ffff:10.1.2.3]:5000", "198.51.100.1", "HTTPS", seen{"198.51.100.1:0", true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got seen
			h := p.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = seen{r.RemoteAddr, tlsconf.Secure(r)}
			}))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "not-an-ip", "10.0.0.1/x"} {
		if _, err := tlsconf.ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
