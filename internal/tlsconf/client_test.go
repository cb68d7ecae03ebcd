package tlsconf_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

func TestClientVerification(t *testing.T) {
	ca := testserver.NewCA(t)
	other := testserver.NewCA(t)
	cert, key := ca.Issue(t, t.TempDir(), "srv", []string{"127.0.0.1"})
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()
	good := tlsconf.Pin(pair.Leaf)
	caPin := tlsconf.Pin(ca.Cert)
	wrong := tlsconf.Pin(other.Cert)
	for _, tc := range []struct {
		name string
		o    tlsconf.ClientOptions
		ok   bool
	}{
		{"system roots do not know the test CA", tlsconf.ClientOptions{}, false},
		{"CA file", tlsconf.ClientOptions{CAFile: ca.CAFile}, true},
		{"another CA", tlsconf.ClientOptions{CAFile: other.CAFile}, false},
		{"CA and leaf pin", tlsconf.ClientOptions{CAFile: ca.CAFile, Pins: []string{good}}, true},
		{"CA and CA pin", tlsconf.ClientOptions{CAFile: ca.CAFile, Pins: []string{caPin}}, true},
		{"CA and wrong pin", tlsconf.ClientOptions{CAFile: ca.CAFile, Pins: []string{wrong}}, false},
		{"pin only", tlsconf.ClientOptions{Pins: []string{good}, PinOnly: true}, true},
		{"pin only, wrong pin", tlsconf.ClientOptions{Pins: []string{wrong}, PinOnly: true}, false},
		// Without a verified chain, only the server's own key counts.
		{"pin only, CA pin", tlsconf.ClientOptions{Pins: []string{caPin}, PinOnly: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tlsconf.Client(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			hc := &http.Client{Transport: &http.Transport{TLSClientConfig: c}}
			resp, err := hc.Get(srv.URL)
			if err == nil {
				resp.Body.Close()
			}
			if (err == nil) != tc.ok {
				t.Errorf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if _, err := tlsconf.Client(tlsconf.ClientOptions{Pins: []string{"md5/abc"}}); err == nil {
		t.Error("bad pin accepted")
	}
}
