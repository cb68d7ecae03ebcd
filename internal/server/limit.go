package server

import (
	"net/http"
	"runtime"
	"time"

	"github.com/hoard-s3/hoard/internal/metrics"
)

// DefaultMaxRequests sizes the concurrent-request cap for this machine.
// A request holds at most about 1.5 MiB of buffers (the upload read and
// blob buffers), so the default bounds buffer memory near 1 GiB on a
// 2-core machine while leaving every core plenty of requests to overlap
// with disk waits.
func DefaultMaxRequests() int {
	return min(max(256, 256*runtime.NumCPU()), 4096)
}

// queueWait is how long a request waits for a free slot before it is
// refused: long enough to absorb a burst, short enough that a client backs
// off instead of piling up connections.
const queueWait = 500 * time.Millisecond

// limit caps the requests served at once. Beyond the cap a request waits
// up to queueWait, then gets 503 SlowDown, which S3 clients retry with
// backoff. Metrics scrapes are answered before the cap so that an
// overloaded server can still be observed.
func limit(next, scrape http.Handler, maxReq int, m *metrics.Metrics) http.Handler {
	slots := make(chan struct{}, maxReq)
	inFlight, rejected := m.InFlight(), m.Rejected()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		markServing(r)
		restoreExpect(r)
		// A fresh write deadline for answers written here (see stall.go).
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(stallTimeout))
		// net/http's own limit counts read-ahead bytes too; this one is
		// exact, and both answer the same error.
		if headerBytes(r) > maxHeaderBytes {
			headerTooLarge().write(w, r)
			return
		}
		if metrics.IsScrape(r) {
			scrape.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			t := time.NewTimer(queueWait)
			select {
			case slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				rejected.Inc()
				slowDown(w, r)
				return
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		inFlight.Inc()
		defer func() {
			inFlight.Dec()
			<-slots
		}()
		withStallDeadlines(next, w, r)
	})
}

// slowDown answers S3's SlowDown error document.
func slowDown(w http.ResponseWriter, r *http.Request) {
	wireError{status: http.StatusServiceUnavailable, code: "SlowDown",
		message: "Please reduce your request rate.", resource: r.URL.Path}.write(w, r)
}
