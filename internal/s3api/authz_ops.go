package s3api

import (
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Authorization steps tied to particular operations: ACLs set by writes,
// the keys of a batch delete, browser form uploads, object tags.

// acceptObjectACL checks the ACL headers of an object write against the
// bucket's Object Ownership and Block Public Access, asks for
// s3:PutObjectAcl, and remembers the ACL to store after the write.
func (h *handler) acceptObjectACL(req *request, hdr http.Header) error {
	if !hasACLHeaders(hdr) {
		return nil
	}
	a, err := aclFromHeaders(hdr)
	if err != nil {
		return err
	}
	st, err := h.accessOf(req, req.bucket, true)
	if err != nil {
		return err
	}
	if !st.aclsEnabled() {
		if !ownerOnlyACL(&http.Request{Header: hdr}) || !h.privateIsBucketOwners(req, st, hdr) {
			return errACLNotSupported
		}
		return nil
	}
	if err := h.checkGrantees(req, a); err != nil {
		return err
	}
	if a.public() && st.pab.BlockPublicAcls {
		return errAccessDenied
	}
	if err := h.allow(req, "s3:PutObjectAcl", onObject, req.bucket, req.key); err != nil {
		if !req.authz.byACL {
			return err
		}
		// A grantee of the bucket ACL's WRITE creates objects, and gives
		// each one its ACL as it creates it (S3's anonymous uploads to a
		// public-read-write bucket carry x-amz-acl), unless a policy
		// denies that outright.
		denied, err := h.explicitlyDenied(req, "s3:PutObjectAcl", req.bucket, req.key)
		if err != nil {
			return err
		}
		if denied {
			return errAccessDenied
		}
	}
	if len(a.Grants) == 0 {
		return nil
	}
	req.authz.pendingACL = a
	return nil
}

// run runs the operation's controller and then stores the object ACL the
// request set. A crash in between leaves the object private, the safe side.
func (h *handler) run(req *request) (*response, error) {
	req.ctx = event.WithRequest(req.ctx, eventRequest(req))
	resp, err := req.op.run(h, req)
	if err != nil || req.authz == nil || req.authz.pendingACL == nil {
		return resp, err
	}
	if err := h.svc.PutObjectACL(req.ctx, req.bucket, req.key, req.query.Get("versionId"), req.authz.pendingACL.encode()); err != nil {
		return nil, err
	}
	return resp, nil
}

// withExistingTags adds s3:ExistingObjectTag/<key> for the object's tags.
func (h *handler) withExistingTags(req *request, ctx map[string][]string, bucket, key string) (map[string][]string, error) {
	tags, _, err := h.svc.GetObjectTagging(req.ctx, bucket, key, req.query.Get("versionId"))
	if err != nil {
		if isAPIError(err, "NoSuchKey") || isAPIError(err, "NoSuchBucket") || isAPIError(err, "NoSuchVersion") {
			return ctx, nil
		}
		return nil, err
	}
	out := make(map[string][]string, len(ctx)+len(tags))
	for k, v := range ctx {
		out[k] = v
	}
	for _, t := range tags {
		out[policy.KeyS3ExistingObjectTag+t.Key] = []string{t.Value}
	}
	return out, nil
}

// keyResourceTag prefixes the bucket's tags as conditions see them.
const keyResourceTag = "aws:ResourceTag/"

// withBucketTags adds aws:ResourceTag/<key> for the bucket's tags: S3
// evaluates a bucket's tags for the requests on it and its objects.
func (h *handler) withBucketTags(req *request, ctx map[string][]string, bucket string) (map[string][]string, error) {
	tags, err := h.svc.GetBucketTagging(req.ctx, bucket)
	if err != nil {
		if errors.Is(err, object.ErrNoSuchBucketConfig) || errors.Is(err, object.ErrNoSuchBucket) {
			return ctx, nil
		}
		return nil, err
	}
	out := make(map[string][]string, len(ctx)+len(tags))
	for k, v := range ctx {
		out[k] = v
	}
	for _, t := range tags {
		out[keyResourceTag+t.Key] = []string{t.Value}
	}
	return out, nil
}

// authorizeKeys checks a batch delete key by key: the keys refused come
// back as results with AccessDenied, the rest go on to be deleted.
func (h *handler) authorizeKeys(req *request, ins []object.DeleteInput) ([]object.DeleteInput, []object.DeleteResult, error) {
	if _, err := h.resolveCaller(req); err != nil {
		return nil, nil, err
	}
	allowed := ins[:0:0]
	var denied []object.DeleteResult
	for _, in := range ins {
		action := "s3:DeleteObject"
		if in.VersionID != "" {
			action = "s3:DeleteObjectVersion"
		}
		err := h.allow(req, action, onObject, req.bucket, in.Key)
		if err == errAccessDenied {
			denied = append(denied, object.DeleteResult{Key: in.Key, VersionID: in.VersionID, Err: errAccessDenied})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		allowed = append(allowed, in)
	}
	return allowed, denied, nil
}

// authorizeForm checks a browser form upload once its key is known.
func (h *handler) authorizeForm(req *request, hdr http.Header) error {
	if _, err := h.resolveCaller(req); err != nil {
		return err
	}
	addLockConditions(h.conditions(req), hdr)
	if err := h.allow(req, "s3:PutObject", onObject, req.bucket, req.key); err != nil {
		return err
	}
	if err := h.authorizeLockHeaders(req, hdr); err != nil {
		return err
	}
	if err := h.acceptObjectACL(req, hdr); err != nil {
		return err
	}
	return h.recordWriter(req, hdr)
}

// checkExpectedOwner applies x-amz-expected-bucket-owner (and, for copies,
// x-amz-source-expected-bucket-owner): a request naming another account
// as the owner fails with 403, before anything else is learned of it.
func (h *handler) checkExpectedOwner(req *request) error {
	for _, name := range []string{"X-Amz-Expected-Bucket-Owner", "X-Amz-Source-Expected-Bucket-Owner"} {
		v, ok := req.r.Header[name]
		if !ok {
			continue
		}
		bucket := req.bucket
		if name == "X-Amz-Source-Expected-Bucket-Owner" {
			b, _, _, err := parseCopySource(req.header("X-Amz-Copy-Source"))
			if err != nil {
				return err
			}
			bucket = b
		}
		acct, err := h.ownerOfBucket(req, bucket)
		if err != nil {
			return err
		}
		if acct.id == "" || v[0] != acct.id {
			return errAccessDenied
		}
	}
	return nil
}
