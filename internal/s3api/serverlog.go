package s3api

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/logdelivery"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// Server access log records (S3's documented format), captured here
// because only the wire layer knows the HTTP side of a request, and
// handed to the log queue of the bucket when its logging is on.

// LogQueue makes a record durable until it is delivered (see
// internal/logdelivery).
type LogQueue interface {
	Append(ctx context.Context, kind, orderKey string, data []byte) error
}

// Field positions of a record that derived records (a batch delete's
// keys, a copy's source) change.
const (
	fieldBucket    = 1
	fieldOperation = 6
	fieldKey       = 7
	fieldStatus    = 9
	fieldBytesSent = 11
	fieldSize      = 12
	fieldVersion   = 17
)

// linesPerRecord bounds the lines one outbox record carries (a batch
// delete of 1,000 keys makes 1,001 lines).
const linesPerRecord = 200

// serverAccessLog queues the records of a request to a logged bucket:
// its own, one BATCH.DELETE.OBJECT per key a DeleteObjects removed, and
// the REST.COPY.OBJECT_GET a copy makes in its source bucket's log.
func (h *handler) serverAccessLog(req *request, start time.Time, status int, elapsed time.Duration) {
	h.queueAccessLog(req, h.accessFields(req, start, status, elapsed), logdelivery.FinalRecord)
}

// provisionalAccessLog queues the records of a request whose response is
// about to leave while it still runs (a large GET): a crash before the
// request ends would otherwise lose them. They hold what is known when
// the response begins (its declared length, the time so far); the final
// records, queued when the request ends, replace them at delivery.
func (h *handler) provisionalAccessLog(req *request, start time.Time) {
	status := req.w.status
	if status == 0 {
		status = http.StatusOK
	}
	f := h.accessFields(req, start, status, time.Since(start))
	f[fieldBytesSent] = dash(req.w.Header().Get("Content-Length"))
	h.queueAccessLog(req, f, logdelivery.ProvisionalRecord)
}

func (h *handler) queueAccessLog(req *request, f []string, phase byte) {
	if h.cfg.AccessLogs == nil || req.bucket == "" || req.op.name == "" {
		return
	}
	// The client may be gone; the records are still owed.
	ctx := context.WithoutCancel(req.ctx)
	if src, key, vid, ok := copySourceOf(req); ok {
		g := append([]string(nil), f...)
		g[fieldBucket], g[fieldOperation], g[fieldKey], g[fieldVersion] = src, "REST.COPY.OBJECT_GET", dash(logKey(key)), dash(vid)
		g[fieldBytesSent], g[fieldSize] = "-", "-"
		h.queueAccess(ctx, req, src, [][]string{g}, phase)
	}
	recs := [][]string{f}
	for _, d := range req.batchDeleted {
		g := append([]string(nil), f...)
		g[fieldOperation], g[fieldKey], g[fieldVersion] = "BATCH.DELETE.OBJECT", dash(logKey(d[0])), dash(d[1])
		g[fieldStatus], g[fieldBytesSent], g[fieldSize] = "204", "-", "-"
		recs = append(recs, g)
	}
	h.queueAccess(ctx, req, req.bucket, recs, phase)
}

// queueAccess queues records of bucket when its logging is on.
func (h *handler) queueAccess(ctx context.Context, req *request, bucket string, recs [][]string, phase byte) {
	cfg, err := h.svc.BucketLoggingOf(ctx, bucket)
	if err != nil || cfg == nil {
		return
	}
	b, err := h.svc.HeadBucket(ctx, bucket)
	if err != nil {
		return
	}
	for len(recs) > 0 {
		n := min(len(recs), linesPerRecord)
		lines := make([]string, n)
		for i, f := range recs[:n] {
			f[0] = dash(b.Owner)
			lines[i] = strings.Join(f, " ")
		}
		recs = recs[n:]
		data := logdelivery.AccessPayload(req.id, phase, strings.Join(lines, "\n"))
		if err := h.cfg.AccessLogs.Append(ctx, logdelivery.KindAccessLog, bucket, data); err != nil {
			h.log.Warn("server access log record lost", "bucket", bucket, "request_id", req.id, "err", err)
		}
	}
}

// copySourceOf is the source of a CopyObject or UploadPartCopy.
func copySourceOf(req *request) (bucket, key, version string, ok bool) {
	if req.op.name != "CopyObject" && req.op.name != "UploadPartCopy" {
		return "", "", "", false
	}
	bucket, key, version, err := parseCopySource(req.header("X-Amz-Copy-Source"))
	return bucket, key, version, err == nil
}

// accessFields are the 26 fields of a record in S3's order, "-" for an
// empty one, the request line, referer and user agent quoted; the bucket
// owner (first) is filled in by queueAccess.
func (h *handler) accessFields(req *request, start time.Time, status int, elapsed time.Duration) []string {
	return []string{
		"-",
		req.bucket,
		start.UTC().Format("[02/Jan/2006:15:04:05 -0700]"),
		dash(remoteIP(req.r.RemoteAddr)),
		dash(h.requester(req)),
		req.id,
		logOperation(req),
		dash(logKey(req.key)),
		quote(req.r.Method + " " + req.r.URL.RequestURI() + " " + req.r.Proto),
		strconv.Itoa(status),
		dash(req.errCode),
		dashInt(req.w.n),
		dashInt(objectSize(req)),
		strconv.FormatInt(elapsed.Milliseconds(), 10),
		turnAround(req, start),
		quote(req.r.Referer()),
		quote(req.r.UserAgent()),
		dash(versionID(req)),
		req.hostID,
		dash(sigVersion(req.auth)),
		dash(cipherSuite(req.r.TLS)),
		dash(authType(req.auth)),
		dash(req.r.Host),
		dash(tlsVersion(req.r.TLS)),
		"-", // access point ARN: no access points
		aclRequired(req),
	}
}

// requester is "-" for anonymous requests, the canonical id for the
// account root and the IAM ARN for users and roles, as S3 logs them.
func (h *handler) requester(req *request) string {
	if req.auth == nil {
		return ""
	}
	if req.authz != nil && req.authz.who != nil {
		p := req.authz.who.p
		if p.Type != policy.PrincipalRoot && p.ARN != "" {
			return p.ARN
		}
	}
	return ownerID(req)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dashInt(n int64) string {
	if n <= 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

// quote wraps a field that may hold spaces; S3 logs "-" for an empty one
// and keeps the client's bytes, so a quote inside is escaped.
func quote(s string) string {
	if s == "" {
		return `"-"`
	}
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// logKey is the key URL-encoded as S3 logs it, slashes kept.
func logKey(key string) string {
	if key == "" {
		return ""
	}
	return strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

// objectSize is the size of the object a read or write concerned.
func objectSize(req *request) int64 {
	hd := req.w.Header()
	if cr := hd.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				return n
			}
		}
	}
	switch req.op.name {
	case "GetObject", "HeadObject":
		n, _ := strconv.ParseInt(hd.Get("Content-Length"), 10, 64)
		return n
	case "PutObject", "UploadPart", "PostObject":
		return req.in.n
	}
	return 0
}

func turnAround(req *request, start time.Time) string {
	if req.w.first.IsZero() {
		return "-"
	}
	return strconv.FormatInt(req.w.first.Sub(start).Milliseconds(), 10)
}

func versionID(req *request) string {
	if v := req.w.Header().Get("X-Amz-Version-Id"); v != "" {
		return v
	}
	return req.query.Get("versionId")
}

func sigVersion(a *sigv4.Auth) string {
	switch {
	case a == nil:
		return ""
	case a.Method == sigv4.V2Header || a.Method == sigv4.V2Presigned:
		return "SigV2"
	}
	return "SigV4"
}

func authType(a *sigv4.Auth) string {
	switch {
	case a == nil:
		return ""
	case a.Method == sigv4.V4Presigned || a.Method == sigv4.V2Presigned:
		return "QueryString"
	}
	return "AuthHeader"
}

func cipherSuite(cs *tls.ConnectionState) string {
	if cs == nil {
		return ""
	}
	return tls.CipherSuiteName(cs.CipherSuite)
}

func tlsVersion(cs *tls.ConnectionState) string {
	if cs == nil {
		return ""
	}
	switch cs.Version {
	case tls.VersionTLS13:
		return "TLSv1.3"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS11:
		return "TLSv1.1"
	}
	return "TLSv1"
}

// aclRequired is "Yes" when an ACL grant decided the request.
func aclRequired(req *request) string {
	if req.authz != nil && req.authz.byACL {
		return "Yes"
	}
	return "-"
}

// logOperation is S3's REST.METHOD.RESOURCE name of the operation.
func logOperation(req *request) string {
	if name, ok := logOpNames[req.op.name]; ok {
		return "REST." + name
	}
	method := req.r.Method
	if sub := subresource(req.query); sub != "" {
		res, ok := logSubresources[sub]
		if !ok {
			res = strings.ToUpper(strings.ReplaceAll(sub, "-", "_"))
		}
		if req.key != "" && sub == "tagging" {
			res = "OBJECT_TAGGING"
		}
		return "REST." + method + "." + res
	}
	if req.key != "" {
		return "REST." + method + ".OBJECT"
	}
	return "REST." + method + ".BUCKET"
}

// logOpNames are the operations whose S3 log name is not the method and
// resource of their route.
var logOpNames = map[string]string{
	"CopyObject":              "COPY.OBJECT",
	"UploadPartCopy":          "COPY.PART",
	"UploadPart":              "PUT.PART",
	"CreateMultipartUpload":   "POST.UPLOADS",
	"CompleteMultipartUpload": "POST.UPLOAD",
	"AbortMultipartUpload":    "DELETE.UPLOAD",
	"ListParts":               "GET.UPLOAD",
	"DeleteObjects":           "POST.MULTI_OBJECT_DELETE",
	"PostObject":              "POST.OBJECT",
	"ListObjectVersions":      "GET.BUCKETVERSIONS",
	"Preflight":               "OPTIONS.PREFLIGHT",
}

var logSubresources = map[string]string{
	"logging": "LOGGING_STATUS", "policy": "BUCKETPOLICY", "versioning": "VERSIONING", "acl": "ACL",
	"cors": "CORS", "location": "LOCATION", "lifecycle": "LIFECYCLE", "encryption": "ENCRYPTION",
	"uploads": "UPLOADS", "notification": "NOTIFICATION", "website": "WEBSITE", "accelerate": "ACCELERATE",
	"object-lock": "OBJECT_LOCK_CONFIGURATION", "retention": "OBJECT_LOCK_RETENTION", "legal-hold": "OBJECT_LOCK_LEGALHOLD",
	"publicAccessBlock": "PUBLIC_ACCESS_BLOCK", "ownershipControls": "OWNERSHIP_CONTROLS", "tagging": "TAGGING",
	"attributes": "OBJECT_ATTRIBUTES", "replication": "REPLICATION",
}
