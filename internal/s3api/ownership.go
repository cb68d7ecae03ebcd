package s3api

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

// Object Ownership and the ACL operations. A bucket without a stored
// setting is BucketOwnerEnforced (ACLs disabled, the default of new
// buckets); DeleteBucketOwnershipControls stores "" and the bucket then
// behaves as ObjectWriter, as S3 buckets without the setting do.

var (
	opGetOwnershipControls    = operation{"GetBucketOwnershipControls", (*handler).getOwnershipControls}
	opPutOwnershipControls    = operation{"PutBucketOwnershipControls", (*handler).putOwnershipControls}
	opDeleteOwnershipControls = operation{"DeleteBucketOwnershipControls", (*handler).deleteOwnershipControls}
	opGetBucketAcl            = operation{"GetBucketAcl", (*handler).getBucketAcl}
	opPutBucketAcl            = operation{"PutBucketAcl", (*handler).putBucketAcl}
	opGetObjectAcl            = operation{"GetObjectAcl", (*handler).getObjectAcl}
	opPutObjectAcl            = operation{"PutObjectAcl", (*handler).putObjectAcl}

	errNoOwnershipControls = newErr("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")
	errACLWithEnforced     = newErr("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
)

type ownershipControls struct {
	XMLName xml.Name `xml:"OwnershipControls"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

func validOwnership(v string) bool {
	return v == ownerEnforced || v == ownerPreferred || v == objectWriter
}

func (h *handler) getOwnershipControls(req *request) (*response, error) {
	doc, err := h.svc.GetBucketConfig(req.ctx, req.bucket, cfgOwnership)
	v := string(doc)
	switch {
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		v = ownerEnforced
	case err != nil:
		return nil, err
	case v == "":
		return nil, errNoOwnershipControls
	}
	out := &ownershipControls{NS: s3NS}
	out.Rules = append(out.Rules, struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	}{v})
	return xmlResponse(out), nil
}

func (h *handler) putOwnershipControls(req *request) (*response, error) {
	body, err := readBody(req, maxSmallXML)
	if err != nil {
		return nil, err
	}
	var in ownershipControls
	if err := decodeXML(body, &in); err != nil {
		return nil, err
	}
	if len(in.Rules) != 1 || !validOwnership(in.Rules[0].ObjectOwnership) {
		return nil, errMalformedXML
	}
	v := in.Rules[0].ObjectOwnership
	if v == ownerEnforced {
		st, err := h.loadAccess(req.ctx, req.bucket, true)
		if err != nil {
			return nil, err
		}
		if st.acl != nil && len(st.acl.Grants) > 0 {
			return nil, errACLWithEnforced
		}
	}
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, cfgOwnership, []byte(v)); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) deleteOwnershipControls(req *request) (*response, error) {
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, cfgOwnership, []byte{}); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

// requestACL reads the ACL a Put*Acl request sets: headers or a body.
func requestACL(req *request, ownerID string) (*acl, error) {
	if hasACLHeaders(req.r.Header) {
		a, err := aclFromHeaders(req.r.Header)
		if err != nil {
			return nil, err
		}
		if a == nil {
			a = &acl{}
		}
		return a, nil
	}
	body, err := readBody(req, maxSmallXML)
	if err != nil {
		return nil, err
	}
	return parseACLBody(body, ownerID)
}

// admitACL applies Object Ownership and BlockPublicAcls to an ACL being
// set: with ACLs disabled only the owner-only ACL is accepted (a no-op).
// It reports whether there is anything to store.
func admitACL(st *bucketAccess, a *acl) (bool, error) {
	if !st.aclsEnabled() {
		if len(a.Grants) > 0 || a.NoOwner {
			return false, errACLNotSupported
		}
		return false, nil
	}
	if a.public() && st.pab.BlockPublicAcls {
		return false, errAccessDenied
	}
	return true, nil
}

// admitACLFrom is admitACL for the requester: with ACLs disabled, the
// private canned ACL from another account than the bucket owner's names
// that account, which S3 refuses as it refuses any ACL.
func (h *handler) admitACLFrom(req *request, st *bucketAccess, a *acl) (bool, error) {
	if !st.aclsEnabled() && !h.privateIsBucketOwners(req, st, req.r.Header) {
		return false, errACLNotSupported
	}
	return admitACL(st, a)
}

func (h *handler) bucketOwnerID(req *request) (string, error) {
	b, err := h.svc.HeadBucket(req.ctx, req.bucket)
	if err != nil {
		return "", err
	}
	if b.Owner == "" {
		return ownerID(req), nil
	}
	a, err := h.accountOf(req.ctx, b.Owner)
	if err != nil || a.canonical == "" {
		return b.Owner, err
	}
	return a.canonical, nil
}

// renderNamedACL is renderACL with the accounts' display names.
func (h *handler) renderNamedACL(req *request, ownerID string, a *acl) *accessControlPolicy {
	doc := renderACL(ownerID, a)
	h.nameGrantees(req.ctx, doc)
	return doc
}

func (h *handler) getBucketAcl(req *request) (*response, error) {
	owner, err := h.bucketOwnerID(req)
	if err != nil {
		return nil, err
	}
	st, err := h.loadAccess(req.ctx, req.bucket, true)
	if err != nil {
		return nil, err
	}
	return xmlResponse(h.renderNamedACL(req, owner, st.acl)), nil
}

func (h *handler) putBucketAcl(req *request) (*response, error) {
	owner, err := h.bucketOwnerID(req)
	if err != nil {
		return nil, err
	}
	a, err := requestACL(req, owner)
	if err != nil {
		return nil, err
	}
	if err := h.checkGrantees(req, a); err != nil {
		return nil, err
	}
	st, err := h.loadAccess(req.ctx, req.bucket, true)
	if err != nil {
		return nil, err
	}
	store, err := h.admitACLFrom(req, st, a)
	if err != nil || !store {
		return newResponse(http.StatusOK), err
	}
	if err := h.svc.PutBucketConfig(req.ctx, req.bucket, cfgBucketACL, a.encode()); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) getObjectAcl(req *request) (*response, error) {
	owner, err := h.bucketOwnerID(req)
	if err != nil {
		return nil, err
	}
	if _, _, err := h.svc.GetObjectTagging(req.ctx, req.bucket, req.key, req.query.Get("versionId")); err != nil {
		return nil, err // NoSuchKey
	}
	st, err := h.loadAccess(req.ctx, req.bucket, true)
	if err != nil {
		return nil, err
	}
	var a *acl
	if st.aclsEnabled() {
		doc, err := h.svc.ObjectACL(req.ctx, req.bucket, req.key, req.query.Get("versionId"))
		if err != nil {
			return nil, err
		}
		if doc != nil {
			a = decodeACL(doc)
		}
	}
	if a != nil && a.Owner != "" {
		owner = a.Owner
	}
	return xmlResponse(h.renderNamedACL(req, owner, a)), nil
}

func (h *handler) putObjectAcl(req *request) (*response, error) {
	owner, err := h.bucketOwnerID(req)
	if err != nil {
		return nil, err
	}
	// An object another account wrote stays its writer's.
	prev, err := h.svc.ObjectACL(req.ctx, req.bucket, req.key, req.query.Get("versionId"))
	if err != nil {
		return nil, err
	}
	objOwner := ""
	if prev != nil {
		objOwner = decodeACL(prev).Owner
	}
	if objOwner != "" {
		owner = objOwner
	}
	a, err := requestACL(req, owner)
	if err != nil {
		return nil, err
	}
	if err := h.checkGrantees(req, a); err != nil {
		return nil, err
	}
	st, err := h.loadAccess(req.ctx, req.bucket, true)
	if err != nil {
		return nil, err
	}
	if _, err := h.admitACLFrom(req, st, a); err != nil {
		return nil, err
	}
	a.Owner = objOwner
	// Even an owner-only ACL is written: it replaces an earlier one.
	if st.aclsEnabled() {
		if err := h.svc.PutObjectACL(req.ctx, req.bucket, req.key, req.query.Get("versionId"), a.encode()); err != nil {
			return nil, err
		}
	} else if _, _, err := h.svc.GetObjectTagging(req.ctx, req.bucket, req.key, req.query.Get("versionId")); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}
