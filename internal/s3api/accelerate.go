package s3api

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/edgeauth"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// Transfer acceleration: edges (hoard edge) relay client requests to this
// server. A relayed request keeps the client's signature, which covers the
// Host the client talked to; the edge passes that host in a header with a
// proof keyed by the shared edge secret (internal/edgeauth). Only a
// verified proof makes the original host count, for signature checks and
// for virtual-host bucket resolution. Requests that come through an edge,
// or name the accelerate host form BUCKET.s3-accelerate.DOMAIN, reach only
// buckets whose acceleration is Enabled, as in S3.

// accelerateConfigName is the bucket configuration holding the state.
const accelerateConfigName = "accelerate"

// Accelerate states of a bucket.
const (
	accelEnabled   = "Enabled"
	accelSuspended = "Suspended"
)

var (
	errAccelNotConfigured = errInvalidRequest.withMessage("S3 Transfer Acceleration is not configured on this bucket")
	errAccelDottedBucket  = errInvalidRequest.withMessage("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
	errUntrustedEdge      = errAccessDenied.withMessage("Access Denied: the request claims to be relayed by an edge but carries no valid edge proof")
)

// accelerateConfiguration is the document of Put/GetBucketAccelerateConfiguration.
type accelerateConfiguration struct {
	XMLName xml.Name `xml:"AccelerateConfiguration"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	Status  string   `xml:"Status,omitempty"`
}

func (h *handler) putBucketAccelerate(req *request) (*response, error) {
	// S3 does not require Content-MD5 (or a checksum) here.
	body, err := readVerifiedBody(req, maxSmallXML, false)
	if err != nil {
		return nil, err
	}
	var doc accelerateConfiguration
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if doc.Status != accelEnabled && doc.Status != accelSuspended {
		return nil, errMalformedXML
	}
	if strings.Contains(req.bucket, ".") {
		return nil, errAccelDottedBucket
	}
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, accelerateConfigName, []byte(doc.Status)); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

// getBucketAccelerate answers an empty document for a bucket that never
// set a state, as S3 does.
func (h *handler) getBucketAccelerate(req *request) (*response, error) {
	status, err := h.accelerateStatus(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	return xmlResponse(&accelerateConfiguration{NS: s3NS, Status: status}), nil
}

// accelerateStatus is "" when the bucket never set one.
func (h *handler) accelerateStatus(ctx context.Context, bucket string) (string, error) {
	doc, err := h.svc.GetBucketConfig(ctx, bucket, accelerateConfigName)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(doc), nil
}

// viaEdgeKey marks, in the request context, a request relayed by a
// trusted edge.
type viaEdgeKey struct{}

// admitEdge adopts the original host of a request relayed by a trusted
// edge and refuses one that claims to be relayed without a valid proof.
// The edge headers never reach the rest of the wire layer.
func (h *handler) admitEdge(req *request) error {
	if !edgeauth.Claimed(req.r.Header) {
		return nil
	}
	host, err := edgeauth.Verify(req.r, h.cfg.EdgeSecret, time.Now())
	clientTLS := edgeauth.ClientTLS(req.r.Header)
	edgeauth.Strip(req.r.Header)
	if err != nil {
		h.log.Warn("refused relayed request", "request_id", req.id, "remote", req.r.RemoteAddr, "err", err)
		return fmt.Errorf("%w: %w", errUntrustedEdge, err)
	}
	// Secure only when both legs were: the client's to the edge and the
	// edge's to here.
	req.r = tlsconf.WithSecure(req.r, clientTLS && tlsconf.Secure(req.r))
	req.r.Host = host
	req.ctx = context.WithValue(req.ctx, viaEdgeKey{}, true)
	return nil
}

// checkAccelerate refuses an accelerated request (through an edge or to
// the accelerate host) for a bucket whose acceleration is not Enabled.
// Service-level requests and the accelerate configuration itself pass.
func (h *handler) checkAccelerate(req *request) error {
	via, _ := req.ctx.Value(viaEdgeKey{}).(bool)
	if !via && !h.accelerateHost(req.r.Host) {
		return nil
	}
	switch {
	case req.bucket == "", req.op.name == opGetBucketAccelerate.name, req.op.name == opPutBucketAccelerate.name:
		return nil
	case req.op.name == opCreateBucket.name, strings.Contains(req.bucket, "."):
		return errAccelNotConfigured
	}
	status, err := h.accelerateStatus(req.ctx, req.bucket)
	if err != nil {
		return err
	}
	if status != accelEnabled {
		return errAccelNotConfigured
	}
	return nil
}

// accelerateLabels are the host labels of the accelerate endpoint, after
// the bucket and before the domain.
var accelerateLabels = []string{"s3-accelerate", "s3-accelerate.dualstack"}

// vhostBucket turns the part of a Host before the configured domain into
// a bucket name: "b.s3-accelerate" is bucket b on the accelerate host,
// and "s3-accelerate" alone is the accelerate host in path style.
func vhostBucket(sub string) string {
	for _, l := range accelerateLabels {
		if sub == l {
			return ""
		}
		if b, ok := strings.CutSuffix(sub, "."+l); ok {
			return b
		}
	}
	return sub
}

// accelerateHost reports whether host is the accelerate form under the
// configured domain.
func (h *handler) accelerateHost(host string) bool {
	if h.cfg.Domain == "" {
		return false
	}
	if hst, _, err := net.SplitHostPort(host); err == nil {
		host = hst
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	sub, ok := strings.CutSuffix(host, "."+strings.ToLower(strings.TrimSuffix(h.cfg.Domain, ".")))
	if !ok {
		return false
	}
	for _, l := range accelerateLabels {
		if sub == l || strings.HasSuffix(sub, "."+l) {
			return true
		}
	}
	return false
}

var (
	opGetBucketAccelerate = operation{"GetBucketAccelerateConfiguration", (*handler).getBucketAccelerate}
	opPutBucketAccelerate = operation{"PutBucketAccelerateConfiguration", (*handler).putBucketAccelerate}
)

func accelerateOp(method string) operation {
	if method == http.MethodPut {
		return opPutBucketAccelerate
	}
	return opGetBucketAccelerate
}
