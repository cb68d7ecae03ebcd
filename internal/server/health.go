package server

import (
	"net/http"
)

// enableH2C lets srv accept HTTP/2 without TLS besides HTTP/1.1, with
// receive windows large enough for a long fat path (Go's default of 1 MiB
// per connection caps one connection at 1 MiB per round trip).
func enableH2C(srv *http.Server, on bool) {
	if !on {
		return
	}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	srv.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerConnection: 64 << 20, MaxReceiveBufferPerStream: 16 << 20}
}

// withHealth answers GET /health for load balancers and edges: a JSON
// status, no credentials needed. A request that carries a signature (or
// any query) is an S3 request on a bucket named "health" and goes on to
// the S3 handler, so the bucket name stays usable.
func withHealth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsHealthRequest(r) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			if r.Method == http.MethodGet {
				w.Write([]byte(`{"status":"ok"}` + "\n"))
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// IsHealthRequest reports whether r is an anonymous probe of path /health
// (GET or HEAD, no query, no Authorization header).
func IsHealthRequest(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		r.URL.Path == "/health" && r.URL.RawQuery == "" &&
		r.Header.Get("Authorization") == ""
}
