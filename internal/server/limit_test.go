package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hoard-s3/hoard/internal/metrics"
)

// Beyond the cap a request waits briefly, then gets S3's SlowDown; scrapes
// are answered whatever the load.
func TestLimitSlowDown(t *testing.T) {
	m := metrics.New()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	busy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	h := limit(busy, m.Handler("tok"), 1, m)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/b/k", nil))
	}()
	<-entered

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("PUT", "/b/<k>", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, "<Code>SlowDown</Code>") ||
		!strings.Contains(body, "<Resource>/b/&lt;k&gt;</Resource>") || rec.Header().Get("Content-Type") != "application/xml" {
		t.Fatalf("over the cap: %d %q", rec.Code, body)
	}

	scrape := httptest.NewRequest("GET", metrics.Path, nil)
	scrape.Header.Set("Authorization", "Bearer tok")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, scrape)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "hoard_http_requests_rejected_total 1") ||
		!strings.Contains(rec.Body.String(), "hoard_http_requests_in_flight 1") {
		t.Fatalf("scrape under load: %d %s", rec.Code, rec.Body.String())
	}
	close(release)
	wg.Wait()

	// A slot is free again.
	h = limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), m.Handler("tok"), 1, m)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/b/k", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("after release: %d", rec.Code)
	}
}
