package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/metrics"
)

func TestHandlerToken(t *testing.T) {
	m := metrics.New()
	m.Observe("PutObject", 200, 4096, 0, 3*time.Millisecond)
	m.Observe("", 403, 0, 243, time.Millisecond)
	for _, tt := range []struct {
		name, token, auth string
		want              int
	}{
		{"no token configured", "", "Bearer x", http.StatusForbidden},
		{"no token configured, empty bearer", "", "Bearer ", http.StatusForbidden},
		{"wrong token", "secret", "Bearer secreT", http.StatusForbidden},
		{"prefix of token", "secret", "Bearer secre", http.StatusForbidden},
		{"other scheme", "secret", "Basic secret", http.StatusForbidden},
		{"right token", "secret", "Bearer secret", http.StatusOK},
		{"scheme case-insensitive", "secret", "bearer secret", http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", metrics.Path, nil)
			r.Header.Set("Authorization", tt.auth)
			rec := httptest.NewRecorder()
			m.Handler(tt.token).ServeHTTP(rec, r)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want != http.StatusOK {
				return
			}
			body := rec.Body.String()
			for _, want := range []string{
				`hoard_s3_requests_total{operation="PutObject",status="200"} 1`,
				`hoard_s3_requests_total{operation="unknown",status="403"} 1`,
				`hoard_s3_received_bytes_total{operation="PutObject"} 4096`,
				`hoard_s3_sent_bytes_total{operation="unknown"} 243`,
				`hoard_s3_request_duration_seconds_bucket{operation="PutObject",le="0.005"} 1`,
				"go_goroutines ", "process_resident_memory_bytes ",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("missing %q", want)
				}
			}
		})
	}
}

// Only GET /metrics with a bearer token is a scrape; S3 keeps the bucket
// named "metrics".
func TestIsScrape(t *testing.T) {
	for _, tt := range []struct {
		method, path, auth string
		want               bool
	}{
		{"GET", "/metrics", "Bearer t", true},
		{"HEAD", "/metrics", "Bearer t", true},
		{"GET", "/metrics", "AWS4-HMAC-SHA256 Credential=x", false},
		{"GET", "/metrics", "", false},
		{"PUT", "/metrics", "Bearer t", false},
		{"GET", "/metrics/key", "Bearer t", false},
	} {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		if got := metrics.IsScrape(r); got != tt.want {
			t.Errorf("%s %s %q: %v, want %v", tt.method, tt.path, tt.auth, got, tt.want)
		}
	}
}
