package edge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// serveHealth reports the edge's state and whether the origin answers its
// /health; 503 when it does not, so a load balancer skips this edge.
func (e *Edge) serveHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err := e.probe(ctx)
	doc := map[string]any{
		"status":         "ok",
		"role":           "edge",
		"id":             e.cfg.ID,
		"origin":         e.cfg.Origin.Redacted(),
		"origin_status":  "reachable",
		"origin_rtt_ms":  float64(time.Since(start).Microseconds()) / 1000,
		"in_flight":      len(e.slots),
		"max_in_flight":  cap(e.slots),
		"warm_pool_size": e.cfg.Pool,
	}
	code := http.StatusOK
	if err != nil {
		code = http.StatusServiceUnavailable
		doc["status"] = "degraded"
		doc["origin_status"] = "unreachable"
		doc["origin_error"] = err.Error()
		delete(doc, "origin_rtt_ms")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if r.Method == http.MethodGet {
		json.NewEncoder(w).Encode(doc)
	}
}

// s3Error is S3's error document.
type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	Resource  string
	RequestID string `xml:"RequestId"`
}

// writeS3Error answers in S3's error format, so SDKs report the code and
// retry 502/503 as they would with S3.
func writeS3Error(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	id := newRequestID()
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", id)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(s3Error{Code: code, Message: msg, Resource: r.URL.Path, RequestID: id})
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
