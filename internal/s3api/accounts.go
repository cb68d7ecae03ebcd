package s3api

import (
	"context"
	"errors"

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Accounts: a bucket belongs to the account whose canonical id it was
// created with. Authorization evaluates every request against the owning
// account of the bucket it names (cross-account requests need both the
// caller's identity policies and the bucket's policy or ACL), listings
// and ACLs show each account's canonical id and name, and ListBuckets
// shows the caller's account's buckets only.

// Accounts resolves canonical ids to accounts (*accounts.Registry).
type Accounts interface {
	ByCanonicalID(ctx context.Context, canonical string) (*accounts.Account, error)
}

// acctRef is an account as the wire layer shows it.
type acctRef struct {
	id, canonical, name string
}

func (a acctRef) xml() owner { return owner{ID: a.canonical, DisplayName: a.name} }

// accountOf resolves a canonical id (a bucket's owner, a grantee).
func (h *handler) accountOf(ctx context.Context, canonical string) (acctRef, error) {
	if h.cfg.Accounts == nil {
		return acctRef{id: h.ownerAccount(), canonical: canonical}, nil
	}
	a, err := h.cfg.Accounts.ByCanonicalID(ctx, canonical)
	if err != nil {
		return acctRef{}, err
	}
	return acctRef{id: a.ID, canonical: a.CanonicalID, name: a.Name}, nil
}

// callerAccount is the requester's account (the operator's for anonymous
// requests, which have none of their own: only bucket policies and ACLs
// govern them).
func (h *handler) callerAccount(req *request) (acctRef, error) {
	who := req.authz.who
	if who.anonymous() || h.cfg.Accounts == nil {
		return acctRef{id: who.p.Account, canonical: who.canonicalID}, nil
	}
	return h.accountOf(req.ctx, who.canonicalID)
}

// ownerOfBucket is the account owning bucket; a bucket that does not
// exist (yet) counts as the caller's, so that identity policies alone
// decide and the operation then answers NoSuchBucket or creates it.
func (h *handler) ownerOfBucket(req *request, bucket string) (acctRef, error) {
	if bucket == "" {
		return h.callerAccount(req)
	}
	b, err := h.svc.HeadBucket(req.ctx, bucket)
	if errors.Is(err, object.ErrNoSuchBucket) {
		return h.callerAccount(req)
	}
	if err != nil {
		return acctRef{}, err
	}
	return h.accountOf(req.ctx, b.Owner)
}

// bucketOwner is the owner of req's bucket as listings show it.
func (h *handler) bucketOwner(req *request) owner {
	if req.authz != nil {
		if e, ok := req.authz.access[req.bucket]; ok && e.st.owner.canonical != "" {
			return e.st.owner.xml()
		}
	}
	return owner{ID: ownerID(req)}
}

// withResourceAccount adds the owning account's condition keys.
func withResourceAccount(cond map[string][]string, acct string) map[string][]string {
	if acct == "" {
		return cond
	}
	out := make(map[string][]string, len(cond)+2)
	for k, v := range cond {
		out[k] = v
	}
	out[policy.KeyS3ResourceAccount] = []string{acct}
	out[policy.KeyResourceAccount] = []string{acct}
	return out
}

// nameGrantees fills in the display names of an ACL document's owner and
// canonical-user grantees.
func (h *handler) nameGrantees(ctx context.Context, doc *accessControlPolicy) {
	if h.cfg.Accounts == nil {
		return
	}
	name := func(id string) string {
		a, err := h.cfg.Accounts.ByCanonicalID(ctx, id)
		if err != nil || a.CanonicalID != id {
			return ""
		}
		return a.Name
	}
	doc.Owner.DisplayName = name(doc.Owner.ID)
	for i := range doc.Grants {
		if g := &doc.Grants[i].Grantee; g.Type == "CanonicalUser" && g.ID != "" {
			g.DisplayName = name(g.ID)
		}
	}
}

// keepCallers filters ListBuckets to the caller's account.
func (h *handler) keepCallers(req *request) (func(*object.Bucket) bool, error) {
	if h.cfg.Accounts == nil {
		return nil, nil
	}
	me, err := h.callerAccount(req)
	if err != nil {
		return nil, err
	}
	var failed error
	return func(b *object.Bucket) bool {
		if b.Owner == me.canonical {
			return true
		}
		a, err := h.accountOf(req.ctx, b.Owner)
		if err != nil {
			failed = err
			return false
		}
		return a.id == me.id && failed == nil
	}, nil
}

var errBucketAlreadyExists = newErr("BucketAlreadyExists", 409,
	"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")

// ownedByAnother turns CreateBucket's "already owned" into
// BucketAlreadyExists when the bucket is another account's.
func (h *handler) ownedByAnother(req *request, err error) error {
	if !errors.Is(err, object.ErrBucketAlreadyOwned) {
		return err
	}
	owner, oerr := h.ownerOfBucket(req, req.bucket)
	if oerr != nil {
		return oerr
	}
	me, oerr := h.callerAccount(req)
	if oerr != nil {
		return oerr
	}
	if owner.id != me.id {
		return errBucketAlreadyExists
	}
	return err
}

// createTaken refuses CreateBucket of a name another account owns before
// authorization, which would judge the request against that account: the
// bucket namespace is global, and S3 tells everyone it is taken.
func (h *handler) createTaken(req *request) error {
	if req.op.name != opCreateBucket.name || h.cfg.Accounts == nil {
		return nil
	}
	_, err := h.svc.HeadBucket(req.ctx, req.bucket)
	if err != nil {
		return nil // no such bucket (or a read error the operation meets again)
	}
	if err := h.ownedByAnother(req, object.ErrBucketAlreadyOwned); !errors.Is(err, object.ErrBucketAlreadyOwned) {
		return err
	}
	return nil
}

// callerOwner is the requester as listings show an initiator.
func (h *handler) callerOwner(req *request) owner {
	if req.authz != nil && h.cfg.Accounts != nil {
		if me, err := h.callerAccount(req); err == nil && me.canonical != "" {
			return me.xml()
		}
	}
	return owner{ID: ownerID(req)}
}
