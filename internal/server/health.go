package server

import (
	"net/http"
)

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
