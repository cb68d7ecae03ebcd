package s3api

import (
	"log/slog"
	"net/http"
	"time"
)

// accessLog writes the one structured line every request gets.
func (h *handler) accessLog(req *request, start time.Time) {
	status := req.w.status
	if status == 0 {
		status = http.StatusOK
	}
	access := ""
	if req.auth != nil {
		access = req.auth.AccessKey
	}
	elapsed := time.Since(start)
	if h.cfg.Observe != nil {
		h.cfg.Observe(req.op.name, status, req.in.n, req.w.n, elapsed)
	}
	h.serverAccessLog(req, start, status, elapsed)
	h.auditCall(req, start)
	h.log.LogAttrs(req.ctx, slog.LevelInfo, "request",
		slog.String("method", req.r.Method),
		slog.String("operation", req.op.name),
		slog.String("bucket", req.bucket),
		slog.String("key", req.key),
		slog.Int("status", status),
		slog.String("error_code", req.errCode),
		slog.Int64("bytes_in", req.in.n),
		slog.Int64("bytes_out", req.w.n),
		slog.Duration("duration", elapsed),
		slog.String("request_id", req.id),
		slog.String("access_key", access),
		slog.String("remote_addr", req.r.RemoteAddr),
		slog.String("sse_applied", req.sseApplied),
	)
}
