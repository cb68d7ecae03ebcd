package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Bucket policies: stored as the client sent them (GetBucketPolicy
// returns the document as written), validated and compiled on the way in.

var (
	opGetBucketPolicy       = operation{"GetBucketPolicy", (*handler).getBucketPolicy}
	opPutBucketPolicy       = operation{"PutBucketPolicy", (*handler).putBucketPolicy}
	opDeleteBucketPolicy    = operation{"DeleteBucketPolicy", (*handler).deleteBucketPolicy}
	opGetBucketPolicyStatus = operation{"GetBucketPolicyStatus", (*handler).getBucketPolicyStatus}

	errNoSuchBucketPolicy = newErr("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
	errMalformedPolicy    = newErr("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'")
)

// accessBucketOps and accessObjectOps are the routes of access control
// (method and subresource), consulted by the router.
var accessBucketOps = map[string]operation{
	"GET policy":               opGetBucketPolicy,
	"PUT policy":               opPutBucketPolicy,
	"DELETE policy":            opDeleteBucketPolicy,
	"GET policyStatus":         opGetBucketPolicyStatus,
	"GET publicAccessBlock":    opGetPublicAccessBlock,
	"PUT publicAccessBlock":    opPutPublicAccessBlock,
	"DELETE publicAccessBlock": opDeletePublicAccessBlock,
	"GET ownershipControls":    opGetOwnershipControls,
	"PUT ownershipControls":    opPutOwnershipControls,
	"DELETE ownershipControls": opDeleteOwnershipControls,
	"GET acl":                  opGetBucketAcl,
	"PUT acl":                  opPutBucketAcl,
}

var accessObjectOps = map[string]operation{
	"GET acl": opGetObjectAcl,
	"PUT acl": opPutObjectAcl,
}

// maxPolicyBody bounds what is read of a policy document; Parse applies
// S3's own limit with S3's message.
const maxPolicyBody = 64 << 10

func (h *handler) putBucketPolicy(req *request) (*response, error) {
	body, err := readBody(req, maxPolicyBody)
	if err != nil {
		if errors.Is(err, errMaxMessageLength) {
			return nil, errMalformedPolicy.withMessage("Policies must be less than 20 KB")
		}
		return nil, err
	}
	p, err := policy.Parse(body, policy.KindBucket)
	if err == nil {
		err = p.CheckBucket(req.bucket)
	}
	var perr *policy.Error
	if errors.As(err, &perr) {
		return nil, errMalformedPolicy.withMessage("%s", perr.Reason)
	}
	if err != nil {
		return nil, errMalformedPolicy
	}
	st, err := h.loadAccess(req.ctx, req.bucket, true)
	if err != nil {
		return nil, err
	}
	if st.pab.BlockPublicPolicy && policy.IsPublic(p) {
		return nil, errAccessDenied
	}
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, cfgPolicy, body); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

func (h *handler) getBucketPolicy(req *request) (*response, error) {
	doc, err := h.svc.GetBucketConfig(req.ctx, req.bucket, cfgPolicy)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, errNoSuchBucketPolicy
	}
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("Content-Type", "application/json")
	resp.header.Set("Content-Length", strconv.Itoa(len(doc)))
	resp.body, resp.length = io.NopCloser(bytes.NewReader(doc)), int64(len(doc))
	return resp, nil
}

func (h *handler) deleteBucketPolicy(req *request) (*response, error) {
	if err := h.svc.DeleteBucketConfig(req.ctx, req.bucket, cfgPolicy); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

type policyStatus struct {
	XMLName  xml.Name `xml:"PolicyStatus"`
	NS       string   `xml:"xmlns,attr"`
	IsPublic bool     `xml:"IsPublic"`
}

func (h *handler) getBucketPolicyStatus(req *request) (*response, error) {
	doc, err := h.svc.GetBucketConfig(req.ctx, req.bucket, cfgPolicy)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, errNoSuchBucketPolicy
	}
	if err != nil {
		return nil, err
	}
	pp, err := cachedPolicy(string(doc), policy.KindBucket)
	if err != nil {
		return nil, err
	}
	return xmlResponse(&policyStatus{NS: s3NS, IsPublic: pp.public}), nil
}
