package edge

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// newTransport is the connection pool to the origin: many long-lived
// HTTP/1.1 connections (one request each at a time, so a slow upload
// never blocks another behind it), large socket buffers so one connection
// fills a long fat pipe, TCP_NODELAY (Go's default) and keep-alives.
func newTransport(cfg Config) *http.Transport {
	d := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   socketOptions(cfg.SocketBuffer, cfg.Congestion),
	}
	return &http.Transport{
		Proxy:               nil, // never through an environment proxy
		DialContext:         d.DialContext,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: cfg.MaxInFlight,
		IdleConnTimeout:     90 * time.Second,
		// A client's Expect: 100-continue travels to the origin: the edge
		// waits for the origin's 100 (or its refusal) before pulling the
		// body from the client, so a refused upload costs no bytes on the
		// long path; after this timeout the body is sent anyway (RFC 9110).
		// Answering 100 at the edge instead measured no faster (BENCHMARKS.md).
		ExpectContinueTimeout: 5 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		TLSClientConfig:       originTLS(cfg.OriginTLS),
		ResponseHeaderTimeout: 0, // a large PUT is answered only after its body
		WriteBufferSize:       256 << 10,
		ReadBufferSize:        256 << 10,
		DisableCompression:    true, // relay bytes as they are; never decode
		ForceAttemptHTTP2:     false,
		Protocols:             protocols(cfg.H2C),
		HTTP2:                 &http.HTTP2Config{MaxReceiveBufferPerConnection: 64 << 20, MaxReceiveBufferPerStream: 16 << 20},
	}
}

// originTLS is the link configuration to an https origin (TLS 1.2 at
// least, like every Hoard link).
func originTLS(c *tls.Config) *tls.Config {
	if c != nil {
		return c
	}
	return &tls.Config{MinVersion: tlsconf.MinVersion}
}

// protocols is HTTP/1.1, or HTTP/2 with prior knowledge over plain TCP.
func protocols(h2c bool) *http.Protocols {
	p := new(http.Protocols)
	if h2c {
		p.SetUnencryptedHTTP2(true)
	} else {
		p.SetHTTP1(true)
	}
	return p
}

// socketOptions sets SO_SNDBUF/SO_RCVBUF before connect, so the TCP
// window scale is negotiated for them (n < 0 keeps the kernel's
// autotuning), and the congestion control when cc is not empty.
func socketOptions(n int, cc string) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			if n >= 0 {
				serr = setSockBuf(int(fd), n)
			}
			if cc != "" && serr == nil {
				serr = setCongestion(int(fd), cc)
			}
		})
		if err != nil {
			return err
		}
		return serr
	}
}

// timedTransport records upstream latency: from sending the request to
// the origin's response headers (for an upload, that includes the body).
type timedTransport struct {
	rt http.RoundTripper
	m  *metrics
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.rt.RoundTrip(r)
	if err == nil {
		t.m.latency.WithLabelValues(r.Method).Observe(time.Since(start).Seconds())
	}
	return resp, err
}

// bufferPool gives ReverseProxy 256 KiB copy buffers: few syscalls per
// byte, bounded memory (one buffer per direction per request).
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

func (bufferPool) Get() []byte  { return *(buffers.Get().(*[]byte)) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }

// drain reads a small response body to its end so its connection returns
// to the pool.
func drain(r io.Reader) { io.Copy(io.Discard, io.LimitReader(r, 64<<10)) }
