package metrics

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where the metrics are served.
const Path = "/metrics"

// IsScrape reports whether r is addressed to the metrics endpoint rather
// than to S3: GET /metrics with a bearer token. Without the bearer scheme
// the request is S3's (a ListObjects of a bucket named "metrics"), so no
// bucket name is taken from users.
func IsScrape(r *http.Request) bool {
	return r.URL.Path == Path && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		hasBearer(r.Header.Get("Authorization"))
}

func hasBearer(auth string) bool {
	return len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ")
}

// Handler serves the metrics to requests carrying token as their bearer
// token. An empty token disables the endpoint: every scrape gets 403.
func (m *Metrics) Handler(token string) http.Handler {
	serve := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if len(want) == 0 || !hasBearer(auth) || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(auth[7:])), want) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		serve.ServeHTTP(w, r)
	})
}
