package s3api

import (
	"context"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Authorization happens here, once per request, after authentication:
// the operation's permission (authz_actions.go) names the IAM actions and
// the resource, and AWS's evaluation logic decides over the caller's
// identity policies, its session policy, the bucket policy (minus what
// RestrictPublicBuckets takes away) and, where ACLs are enabled, the ACLs.

// Identities resolves an access key to its principal and policies.
type Identities interface {
	Principal(ctx context.Context, accessKey string) (iam.Principal, error)
	AccountID() string
}

// caller is the requester with its policies compiled.
type caller struct {
	p           iam.Principal
	identity    []*policy.Policy
	session     *policy.Policy
	canonicalID string
	// tags: one of the caller's policies names s3:ExistingObjectTag/….
	tags bool
	// resTags: one of them names aws:ResourceTag/….
	resTags bool
}

func (c *caller) anonymous() bool { return c.p.Type == policy.PrincipalAnonymous }
func (c *caller) root() bool      { return c.p.Type == policy.PrincipalRoot }

// authzState is what authorization leaves on the request.
type authzState struct {
	who  *caller
	cond map[string][]string
	// pendingACL is an object ACL the request sets, stored once the
	// write succeeded.
	pendingACL *acl
	// access holds the buckets' access documents read for this request
	// (a copy reads two buckets; some operations ask several actions).
	access map[string]*accessEntry
	// byACL: an ACL grant allowed the request (the access log's "ACL
	// required" field).
	byACL bool
}

type accessEntry struct {
	st   *bucketAccess
	full bool
}

// accessOf reads a bucket's access documents once per request.
func (h *handler) accessOf(req *request, bucket string, full bool) (*bucketAccess, error) {
	if e, ok := req.authz.access[bucket]; ok && (e.full || !full) {
		return e.st, nil
	}
	st, err := h.loadAccess(req.ctx, bucket, full)
	if err != nil {
		return nil, err
	}
	if st.owner, err = h.ownerOfBucket(req, bucket); err != nil {
		return nil, err
	}
	if req.authz.access == nil {
		req.authz.access = make(map[string]*accessEntry, 1)
	}
	req.authz.access[bucket] = &accessEntry{st: st, full: full}
	return st, nil
}

// ownerAccount is the account that owns every bucket.
func (h *handler) ownerAccount() string {
	if h.cfg.Identities == nil {
		return ""
	}
	return h.cfg.Identities.AccountID()
}

// resolveCaller finds who signed the request (anonymous when nobody did).
func (h *handler) resolveCaller(req *request) (*caller, error) {
	if req.authz != nil {
		return req.authz.who, nil
	}
	c := &caller{}
	switch {
	case req.auth == nil:
		c.p.Type = policy.PrincipalAnonymous
		c.p.ARN = "*"
	case h.cfg.Identities == nil:
		// Without an identity service the only key is the root's.
		c.p.Type = policy.PrincipalRoot
		c.p.AccessKey = req.auth.AccessKey
	default:
		p, err := h.cfg.Identities.Principal(req.ctx, req.auth.AccessKey)
		if err != nil {
			return nil, fmt.Errorf("resolve principal: %w", err)
		}
		c.p = p
		if err := c.compile(); err != nil {
			h.log.Error("stored policy does not parse; denying", "request_id", req.id, "principal", p.ARN, "err", err)
			return nil, errAccessDenied
		}
	}
	if c.canonicalID = c.p.CanonicalID; c.canonicalID == "" {
		c.canonicalID = ownerID(req)
	}
	req.authz = &authzState{who: c}
	req.ctx = kms.WithCaller(req.ctx, h.kmsCaller(req, c))
	return c, nil
}

// kmsCaller names the requester to the key service, which authorizes
// every use of a KMS key the request makes (SSE-KMS) as KMS does for S3:
// with kms:ViaService set to this region's S3 and the request's global
// condition keys.
func (h *handler) kmsCaller(req *request, c *caller) *kms.Caller {
	global := make(map[string][]string, 8)
	for k, v := range h.conditions(req) {
		if strings.HasPrefix(k, "aws:") {
			global[k] = v
		}
	}
	return &kms.Caller{
		Principal: c.p.Principal, Identity: c.identity, Session: c.session,
		Context: global, ViaService: "s3." + h.cfg.Region + ".amazonaws.com",
	}
}

func (c *caller) compile() error {
	for _, doc := range c.p.Policies {
		// Stored documents were validated against their own kind's limit
		// when attached; the role limit is the largest.
		pp, err := cachedPolicy(doc, policy.KindRole)
		if err != nil {
			return err
		}
		c.identity = append(c.identity, pp.p)
		c.tags, c.resTags = c.tags || pp.tags, c.resTags || pp.resTags
	}
	if c.p.SessionPolicy != "" {
		pp, err := cachedPolicy(c.p.SessionPolicy, policy.KindSession)
		if err != nil {
			return err
		}
		c.session = pp.p
		c.tags, c.resTags = c.tags || pp.tags, c.resTags || pp.resTags
	}
	if c.p.Boundary != "" {
		// A permissions boundary caps the identity policies as a session
		// policy does.
		pp, err := cachedPolicy(c.p.Boundary, policy.KindRole)
		if err != nil {
			return err
		}
		c.session = policy.Intersect(c.session, pp.p)
		c.tags, c.resTags = c.tags || pp.tags, c.resTags || pp.resTags
	}
	return nil
}

// authorize decides whether the caller may run the request's operation.
func (h *handler) authorize(req *request) error {
	perm, ok := permissionOf(req.op.name)
	if !ok {
		h.log.Error("operation without a permission; denying", "operation", req.op.name)
		return errAccessDenied
	}
	if perm.none {
		return nil
	}
	who, err := h.resolveCaller(req)
	if err != nil {
		return err
	}
	if err := h.checkExpectedOwner(req); err != nil {
		return err
	}
	if err := h.createTaken(req); err != nil {
		return err
	}
	if perm.inController {
		return h.preauthorize(req, who)
	}
	if len(perm.actions) == 0 {
		if who.anonymous() {
			return errAccessDenied
		}
		return nil
	}
	for _, a := range perm.actionsFor(req) {
		if err := h.allow(req, a, perm.scope, req.bucket, req.key); err != nil {
			return h.deniedRead(req, err)
		}
	}
	return h.authorizeExtras(req)
}

// authorizeExtras asks what some operations need beyond their action: read
// access to a copy source, and the ACL permission and rules of a write
// that sets an ACL.
func (h *handler) authorizeExtras(req *request) error {
	switch req.op.name {
	case opCopyObject.name, opUploadPartCopy.name:
		b, k, v, err := parseCopySource(req.header("X-Amz-Copy-Source"))
		if err != nil {
			return err
		}
		action := "s3:GetObject"
		if v != "" {
			action = "s3:GetObjectVersion"
		}
		if err := h.allow(req, action, onObject, b, k); err != nil {
			return err
		}
	}
	switch req.op.name {
	case opPutObject.name, opCopyObject.name, opCreateMultipartUpload.name:
		if err := h.authorizeLockHeaders(req, req.r.Header); err != nil {
			return err
		}
		if err := h.acceptObjectACL(req, req.r.Header); err != nil {
			return err
		}
		return h.recordWriter(req, req.r.Header)
	case opCreateBucket.name:
		if hasACLHeaders(req.r.Header) {
			if err := h.allow(req, "s3:PutBucketAcl", onBucket, req.bucket, ""); err != nil {
				return err
			}
		}
		if req.header("X-Amz-Object-Ownership") != "" {
			return h.allow(req, "s3:PutBucketOwnershipControls", onBucket, req.bucket, "")
		}
	}
	return nil
}

var policyActions = map[string]bool{"s3:GetBucketPolicy": true, "s3:PutBucketPolicy": true, "s3:DeleteBucketPolicy": true}

// preauthorize refuses an anonymous request before its controller runs
// when nothing could grant it anything: the bucket has neither a policy
// nor a public ACL. The controller then checks each resource.
func (h *handler) preauthorize(req *request, who *caller) error {
	if !who.anonymous() || req.bucket == "" {
		return nil
	}
	st, err := h.accessOf(req, req.bucket, true)
	if err != nil {
		return err
	}
	if st.policy == nil && (st.acl == nil || !st.acl.public() || st.pab.IgnorePublicAcls) {
		return errAccessDenied
	}
	return nil
}

// deniedRead: S3 tells a reader who may not read a missing object that
// it is missing (404 NoSuchKey) when the reader may list the bucket at
// that key (s3:ListBucket with s3:prefix the key): the listing would say
// as much. Everyone else gets the 403, learning nothing.
func (h *handler) deniedRead(req *request, denied error) error {
	if denied != errAccessDenied || req.query.Get("versionId") != "" ||
		req.op.name != opGetObject.name && req.op.name != opHeadObject.name {
		return denied
	}
	ctx := make(map[string][]string, len(h.conditions(req))+1)
	for k, v := range h.conditions(req) {
		ctx[k] = v
	}
	ctx[policy.KeyS3Prefix] = []string{req.key}
	if h.allowIn(req, ctx, "s3:ListBucket", onBucket, req.bucket, "") != nil {
		return denied
	}
	_, _, err := h.svc.GetObjectTagging(req.ctx, req.bucket, req.key, "")
	if isAPIError(err, "NoSuchKey") {
		return errNoSuchKey
	}
	return denied
}

// allow evaluates one action on one resource.
func (h *handler) allow(req *request, action string, sc scope, bucket, key string) error {
	return h.allowIn(req, h.conditions(req), action, sc, bucket, key)
}

// allowIn is allow with the given condition keys.
func (h *handler) allowIn(req *request, cond map[string][]string, action string, sc scope, bucket, key string) error {
	who := req.authz.who
	// The root needs only the bucket policy (its explicit Deny), unless the
	// object may be another account's (objectowner.go).
	foreignMayMatter := h.cfg.Accounts != nil && sc == onObject && objectReadActions[action]
	st, err := h.accessOf(req, bucket, !who.root() || foreignMayMatter)
	if err != nil {
		return err
	}
	owner := st.owner.id
	sameAccount := who.p.Account == owner || owner == ""
	if who.root() && !sameAccount {
		// Another account's root is governed by ACLs like anyone else.
		if st, err = h.accessOf(req, bucket, true); err != nil {
			return err
		}
	}
	// The owner's root may always manage the bucket policy, so that a
	// policy denying everyone cannot lock the bucket for good (as in S3).
	if who.root() && sameAccount && policyActions[action] && sc == onBucket {
		return nil
	}
	if h.cfg.Accounts != nil {
		cond = withResourceAccount(cond, owner)
	}
	pr := &policy.Request{Principal: who.p.Principal, Action: action, Resource: arn(sc, bucket, key), Context: cond}
	var bp *policy.Policy
	if st.policy != nil {
		bp = st.policy.p
	}
	if sc == onObject && (who.tags || st.policy != nil && st.policy.tags) {
		if pr.Context, err = h.withExistingTags(req, pr.Context, bucket, key); err != nil {
			return err
		}
	}
	if bucket != "" && (who.resTags || st.policy != nil && st.policy.resTags) {
		if pr.Context, err = h.withBucketTags(req, pr.Context, bucket); err != nil {
			return err
		}
	}
	d := policy.EvaluateWithSession(pr, who.identity, bp, who.session, owner)
	// RestrictPublicBuckets: a public policy grants nothing outside the
	// owner account (its explicit Deny still applies).
	if d == policy.Allowed && bp != nil && st.policy.public && st.pab.RestrictPublicBuckets &&
		who.p.Type != policy.PrincipalService && (who.p.Account == "" || who.p.Account != owner) {
		d = policy.EvaluateWithSession(pr, who.identity, nil, who.session, owner)
	}
	if sc == onObject && objectReadActions[action] {
		foreign, err := h.foreignObject(req, st, bucket, key)
		if err != nil {
			return err
		}
		if foreign != nil {
			if h.decideForeign(req, pr, d, foreign, action, st.pab.IgnorePublicAcls) != policy.Allowed {
				return errAccessDenied
			}
			return nil
		}
	}
	if d == policy.ImplicitDeny && st.aclsEnabled() {
		ok, err := h.aclAllows(req, st, action, sc, bucket, key)
		if err != nil {
			return err
		}
		// An ACL grant is a resource-based permission: across accounts
		// the caller's own policies must allow the request too.
		if ok && (sameAccount || who.root() || who.anonymous() ||
			policy.EvaluateWithSession(pr, who.identity, nil, who.session, who.p.Account) == policy.Allowed) {
			d = policy.Allowed
			req.authz.byACL = true
		}
	}
	if d != policy.Allowed {
		return errAccessDenied
	}
	return nil
}

// explicitlyDenied reports whether a Deny statement of the caller's or the
// bucket's policies applies to an object action.
func (h *handler) explicitlyDenied(req *request, action, bucket, key string) (bool, error) {
	st, err := h.accessOf(req, bucket, true)
	if err != nil {
		return false, err
	}
	who := req.authz.who
	pr := &policy.Request{Principal: who.p.Principal, Action: action, Resource: arn(onObject, bucket, key), Context: h.conditions(req)}
	var bp *policy.Policy
	if st.policy != nil {
		bp = st.policy.p
	}
	return policy.EvaluateWithSession(pr, who.identity, bp, who.session, st.owner.id) == policy.ExplicitDeny, nil
}

// aclAllows consults the bucket ACL for bucket actions and object writes,
// the object ACL for the rest.
func (h *handler) aclAllows(req *request, st *bucketAccess, action string, sc scope, bucket, key string) (bool, error) {
	who := req.authz.who
	switch {
	case sc == onBucket, action == "s3:PutObject", action == "s3:DeleteObject", action == "s3:DeleteObjectVersion":
		return st.acl.allows(action, who, st.pab.IgnorePublicAcls), nil
	case sc == onObject:
		if _, ok := permGrants[action]; !ok {
			return false, nil
		}
		vid := ""
		if bucket == req.bucket && key == req.key {
			vid = req.query.Get("versionId")
		}
		doc, err := h.svc.ObjectACL(req.ctx, bucket, key, vid)
		if err != nil || doc == nil {
			return false, err
		}
		return decodeACL(doc).allows(action, who, st.pab.IgnorePublicAcls), nil
	}
	return false, nil
}
