package s3api

import (
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"

	"github.com/hoard-s3/hoard/internal/policy"
)

// Object Ownership across accounts, as S3 documents it: with ACLs on, an
// object another account writes belongs to the writer (ObjectWriter, and
// BucketOwnerPreferred unless the write says bucket-owner-full-control).
// The owner is kept in the object's ACL document, which is bound to the
// version it was written for. The bucket owner's policies can then only
// deny access to such an object; the object's ACL (its owner holds
// FULL_CONTROL) grants it, to callers whose own account allows it too.
// With BucketOwnerEnforced every object is the bucket owner's.

// writerOwns reports whether the object a request writes belongs to the
// writer rather than the bucket owner.
func (h *handler) writerOwns(req *request, st *bucketAccess, hdr http.Header) bool {
	who := req.authz.who
	if h.cfg.Accounts == nil || !st.aclsEnabled() || who.anonymous() || who.canonicalID == "" ||
		st.owner.canonical == "" || who.canonicalID == st.owner.canonical {
		return false
	}
	return st.ownership != ownerPreferred || hdr.Get("X-Amz-Acl") != "bucket-owner-full-control"
}

// recordWriter makes the ACL stored after a write name its writer as the
// owner, with the bucket owner's grant of a bucket-owner-* canned ACL.
func (h *handler) recordWriter(req *request, hdr http.Header) error {
	st, err := h.accessOf(req, req.bucket, true)
	if err != nil || !h.writerOwns(req, st, hdr) {
		return err
	}
	if err := h.markForeign(req); err != nil {
		return err
	}
	a := req.authz.pendingACL
	if a == nil {
		if a, err = aclFromHeaders(hdr); err != nil {
			return err
		}
		if a == nil {
			a = &acl{}
		}
	}
	switch hdr.Get("X-Amz-Acl") {
	case "bucket-owner-read":
		a.Grants = append(a.Grants, grant{"CanonicalUser", st.owner.canonical, permRead})
	case "bucket-owner-full-control":
		a.Grants = append(a.Grants, grant{"CanonicalUser", st.owner.canonical, permFullControl})
	}
	a.Owner = req.authz.who.canonicalID
	req.authz.pendingACL = a
	return nil
}

// foreignObject returns the ACL of an object that another account than
// the bucket owner owns, or nil.
func (h *handler) foreignObject(req *request, st *bucketAccess, bucket, key string) (*acl, error) {
	if h.cfg.Accounts == nil || !st.aclsEnabled() {
		return nil, nil
	}
	vid := ""
	if bucket == req.bucket && key == req.key {
		vid = req.query.Get("versionId")
	}
	doc, err := h.svc.ObjectACL(req.ctx, bucket, key, vid)
	if err != nil || doc == nil {
		return nil, err
	}
	a := decodeACL(doc)
	if a.Owner == "" || a.Owner == st.owner.canonical {
		return nil, nil
	}
	return a, nil
}

// objectReadActions are those the object's owner, not the bucket's,
// decides.
var objectReadActions = map[string]bool{
	"s3:GetObject": true, "s3:GetObjectVersion": true, "s3:GetObjectAcl": true, "s3:GetObjectVersionAcl": true,
	"s3:PutObjectAcl": true, "s3:PutObjectVersionAcl": true, "s3:GetObjectAttributes": true,
	"s3:GetObjectVersionAttributes": true, "s3:GetObjectTagging": true, "s3:GetObjectVersionTagging": true,
}

// decideForeign decides an action on an object another account owns: an
// explicit Deny stands; otherwise the object's ACL must grant it and the
// caller's own account allow it (its root, or its identity policies).
func (h *handler) decideForeign(req *request, pr *policy.Request, d policy.Decision, a *acl, action string, ignorePublic bool) policy.Decision {
	if d == policy.ExplicitDeny {
		return d
	}
	who := req.authz.who
	if !a.allows(action, who, ignorePublic) {
		return policy.ImplicitDeny
	}
	if who.root() || who.anonymous() ||
		policy.EvaluateWithSession(pr, who.identity, nil, who.session, who.p.Account) == policy.Allowed {
		return policy.Allowed
	}
	return policy.ImplicitDeny
}

// privateIsBucketOwners: with ACLs disabled, the private canned ACL is
// the owner-only ACL S3 accepts only when the object's owner (the writer)
// is the bucket owner; from another account it names someone else.
func (h *handler) privateIsBucketOwners(req *request, st *bucketAccess, hdr http.Header) bool {
	if h.cfg.Accounts == nil || hdr.Get("X-Amz-Acl") != "private" {
		return true
	}
	who := req.authz.who
	return who.canonicalID != "" && who.canonicalID == st.owner.canonical
}

var errInvalidGrantee = errInvalidArgument.withMessage("Invalid id")

// checkGrantees refuses a grant to a canonical id that is no account's,
// as S3 does (400 InvalidArgument).
func (h *handler) checkGrantees(req *request, a *acl) error {
	if h.cfg.Accounts == nil || a == nil {
		return nil
	}
	for _, g := range a.Grants {
		if g.Type != "CanonicalUser" {
			continue
		}
		acct, err := h.cfg.Accounts.ByCanonicalID(req.ctx, g.ID)
		if err != nil {
			return err
		}
		if acct.CanonicalID != g.ID {
			return errInvalidGrantee
		}
	}
	return nil
}

// uploadParties are what CreateMultipartUpload records: the owner of the
// object the upload makes (decided now, as for PutObject), the initiator
// as S3 lists it (an account by canonical id and name, an IAM principal
// by ARN and name), and the ACL to attach once the upload completes. The
// ACL leaves the request, which has no object to attach it to yet.
func (h *handler) uploadParties(req *request) object.UploadParties {
	var out object.UploadParties
	if req.authz == nil {
		return out
	}
	if a := req.authz.pendingACL; a != nil {
		out.Owner, out.ACL = a.Owner, a.encode()
		req.authz.pendingACL = nil
	}
	who := req.authz.who
	if who == nil || who.anonymous() {
		return out
	}
	if who.root() {
		me := h.callerOwner(req)
		out.InitiatorID, out.InitiatorName = me.ID, me.DisplayName
		return out
	}
	out.InitiatorID = who.p.ARN
	out.InitiatorName = who.p.ARN[strings.LastIndexByte(who.p.ARN, '/')+1:]
	return out
}

// uploadOwners are an upload's Initiator and Owner as listings show them;
// an upload that recorded none (made before they were kept) shows as the
// bucket owner's.
func (h *handler) uploadOwners(req *request, u object.MultipartUpload) (initiator, own owner) {
	own = h.bucketOwner(req)
	if u.Owner != "" {
		own = owner{ID: u.Owner}
		if a, err := h.accountOf(req.ctx, u.Owner); err == nil && a.canonical == u.Owner {
			own.DisplayName = a.name
		}
	}
	if u.InitiatorID == "" {
		return own, own
	}
	return owner{ID: u.InitiatorID, DisplayName: u.InitiatorName}, own
}
