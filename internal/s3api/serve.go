package s3api

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/sigv4"
)

// ServeHTTP routes, authenticates and runs one request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.serveKMS(w, r) {
		return
	}
	if h.serveIAM(w, r) {
		return
	}
	if h.serveAdmin(w, r) {
		return
	}
	continueEmptyBody(w, r)
	start := time.Now()
	req := newRequest(w, r)
	req.w.Header().Set("X-Amz-Request-Id", req.id)
	req.w.Header().Set("X-Amz-Id-2", req.hostID)
	defer h.accessLog(req, start)
	defer h.recoverPanic(req)
	if h.cfg.AccessLogs != nil {
		req.w.beforeSend = func() { h.provisionalAccessLog(req, start) }
	}

	resp, err := h.serve(req)
	h.addCORSHeaders(req)
	if err != nil {
		h.writeError(req, err)
		return
	}
	h.write(req, resp)
}

// serve authenticates the request before anything else (an anonymous
// client learns nothing, not even whether a bucket exists), then runs the
// operation's controller.
func (h *handler) serve(req *request) (*response, error) {
	if err := h.admitEdge(req); err != nil {
		return nil, err
	}
	if err := h.checkSSECTransport(req); err != nil {
		return nil, err
	}
	req.bucket, req.key = h.resolve(req.r)
	req.op = h.pick(req.r, req.bucket, req.key)
	h.pickControl(req)
	if selfAuthenticated(req.op) {
		if err := h.checkAccelerate(req); err != nil {
			return nil, err
		}
		return h.run(req)
	}
	if err := h.authenticate(req); err != nil {
		return nil, err
	}
	if err := h.checkAccelerate(req); err != nil {
		return nil, err
	}
	if err := h.authorize(req); err != nil {
		return nil, err
	}
	return h.run(req)
}

// selfAuthenticated names the operations that do not carry a request
// signature: a CORS preflight (browsers send it without credentials) and
// a browser form upload, whose signed policy the controller checks.
func selfAuthenticated(op operation) bool {
	return op.name == opPreflight.name || op.name == opPostObject.name
}

// authenticate verifies the signature and adopts the verified body.
func (h *handler) authenticate(req *request) error {
	if h.cfg.Verifier == nil {
		return errAccessDenied
	}
	// Signature V2 signs "/bucket/key"; on a virtual-hosted request the
	// bucket is only in the Host header, so the verifier needs it.
	auth, err := h.cfg.Verifier.VerifyWithBucket(req.r, h.hostBucket(req.r.Host))
	if errors.Is(err, sigv4.ErrMissingAuth) {
		// Anonymous: authorization decides what it may do.
		req.body, req.length = req.r.Body, req.r.ContentLength
		return nil
	}
	if err == nil {
		err = checkS3Scope(auth)
	}
	if err != nil {
		return fmt.Errorf("authenticate: %w", err)
	}
	req.auth = auth
	req.body, req.length = auth.Body, auth.Length
	if req.body == nil {
		req.body, req.length = req.r.Body, req.r.ContentLength
	}
	return nil
}

// recoverPanic turns a panic into InternalError and a logged stack. The
// server keeps running; http.ErrAbortHandler keeps its meaning.
func (h *handler) recoverPanic(req *request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	h.log.Error("panic serving request", "request_id", req.id, "operation", req.op.name,
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	req.errCode = errInternal.Code
	if req.w.status == 0 {
		h.writeError(req, errInternal)
		return
	}
	// Headers are out; cut the connection so the client sees a failure.
	panic(http.ErrAbortHandler)
}

// continueEmptyBody answers "Expect: 100-continue" on a request without a
// body before anything else, as S3 does. net/http sends the interim response
// only when a handler reads the body, so an empty PUT would otherwise get
// its final response straight away; botocore then reuses that status line
// for the next response on the connection and misreads it.
func continueEmptyBody(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength == 0 && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		w.WriteHeader(http.StatusContinue)
	}
}
