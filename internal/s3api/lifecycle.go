package s3api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

// Bucket lifecycle configuration: the object service validates and keeps
// the rules (and a background worker applies them); this file speaks
// their XML and the headers that announce what the rules will do.

var (
	opGetBucketLifecycle    = operation{"GetBucketLifecycleConfiguration", (*handler).getBucketLifecycle}
	opPutBucketLifecycle    = operation{"PutBucketLifecycleConfiguration", (*handler).putBucketLifecycle}
	opDeleteBucketLifecycle = operation{"DeleteBucketLifecycle", (*handler).deleteBucketLifecycle}

	errNoSuchLifecycle = newErr("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist")
)

// maxLifecycleXML fits S3's 1,000 rules with filters of several tags.
const maxLifecycleXML = 2 << 20

const hdrTransitionMinSize = "X-Amz-Transition-Default-Minimum-Object-Size"

func (h *handler) getBucketLifecycle(req *request) (*response, error) {
	c, err := h.svc.GetBucketLifecycle(req.ctx, req.bucket)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, errNoSuchLifecycle
	}
	if err != nil {
		return nil, err
	}
	resp := xmlResponse(lifecycleToXML(c))
	resp.header.Set(hdrTransitionMinSize, c.TransitionMinSize)
	return resp, nil
}

// putBucketLifecycle: S3 requires an integrity header on this call.
func (h *handler) putBucketLifecycle(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxLifecycleXML, true)
	if err != nil {
		return nil, err
	}
	var doc lifecycleXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	c, err := lifecycleFromXML(&doc)
	if err != nil {
		return nil, lifecycleAPIError(err)
	}
	c.TransitionMinSize = req.header(hdrTransitionMinSize)
	if err := h.svc.PutBucketLifecycle(req.ctx, req.bucket, c); err != nil {
		return nil, lifecycleAPIError(err)
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set(hdrTransitionMinSize, c.TransitionMinSize)
	return resp, nil
}

func (h *handler) deleteBucketLifecycle(req *request) (*response, error) {
	if err := h.svc.DeleteBucketLifecycle(req.ctx, req.bucket); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

// lifecycleAPIError sends the service's refusal with S3's code and
// message; other errors go through the common table.
func lifecycleAPIError(err error) error {
	var le *object.LifecycleError
	if errors.As(err, &le) {
		return newErr(le.Code, http.StatusBadRequest, le.Msg)
	}
	return err
}

// setExpirationHeader adds x-amz-expiration when a lifecycle rule will
// expire the object. A failure to read the rules only loses the header:
// the object itself was served correctly.
func (h *handler) setExpirationHeader(req *request, hdr http.Header, info *object.ObjectInfo) {
	if info.DeleteMarker {
		return
	}
	exp, ok, err := h.svc.ObjectExpiration(req.ctx, info)
	if err != nil {
		h.log.Warn("reading lifecycle rules for x-amz-expiration", "request_id", req.id, "bucket", req.bucket, "err", err)
		return
	}
	if ok {
		hdr.Set("X-Amz-Expiration", fmt.Sprintf(`expiry-date="%s", rule-id="%s"`, httpTime(exp.At), quoteRuleID(exp.RuleID)))
	}
}

// setAbortHeaders adds x-amz-abort-date and x-amz-abort-rule-id when a
// rule will abort the upload; it returns what it added, for ListParts.
func (h *handler) setAbortHeaders(req *request, hdr http.Header, key string, initiated time.Time) (object.Expiry, bool) {
	exp, ok, err := h.svc.UploadAbortDate(req.ctx, req.bucket, key, initiated)
	if err != nil {
		h.log.Warn("reading lifecycle rules for x-amz-abort-date", "request_id", req.id, "bucket", req.bucket, "err", err)
		return exp, false
	}
	if ok {
		hdr.Set("X-Amz-Abort-Date", httpTime(exp.At))
		hdr.Set("X-Amz-Abort-Rule-Id", exp.RuleID)
	}
	return exp, ok
}

// quoteRuleID keeps a rule id inside its quotes.
func quoteRuleID(id string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(id)
}
