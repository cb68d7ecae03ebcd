package s3api

import (
	"encoding/json"
	"fmt"

	"github.com/hoard-s3/hoard/internal/object"
)

// BucketDefaults are the settings a new bucket gets when CreateBucket does
// not choose them.
type BucketDefaults uint8

const (
	// SecureBucketDefaults are S3's defaults since April 2023: Object
	// Ownership BucketOwnerEnforced (ACLs disabled) and every Block Public
	// Access setting on.
	SecureBucketDefaults BucketDefaults = iota
	// LegacyBucketDefaults are S3's defaults before April 2023, for
	// applications moved from other servers that make a bucket public
	// right after creating it: no ownership controls (ObjectWriter, ACLs
	// enabled) and no bucket-level Block Public Access. The account-wide
	// Block Public Access setting still applies.
	LegacyBucketDefaults
)

func (d BucketDefaults) String() string {
	if d == LegacyBucketDefaults {
		return "legacy"
	}
	return "secure"
}

// ParseBucketDefaults reads "secure" or "legacy".
func ParseBucketDefaults(s string) (BucketDefaults, error) {
	switch s {
	case "secure":
		return SecureBucketDefaults, nil
	case "legacy":
		return LegacyBucketDefaults, nil
	}
	return 0, fmt.Errorf("bucket defaults %q: want secure or legacy", s)
}

// newBucketConfigs validates the x-amz-object-ownership and ACL headers of
// CreateBucket and returns the documents the bucket is created with. A
// bucket is never public before its owner can see it: a public ACL is
// refused when the new bucket's Block Public Access (or the account's)
// blocks public ACLs.
func (h *handler) newBucketConfigs(req *request) ([]object.BucketConfigDoc, error) {
	legacy := h.cfg.BucketDefaults == LegacyBucketDefaults
	ownership := req.r.Header.Get("X-Amz-Object-Ownership")
	if ownership != "" && !validOwnership(ownership) {
		return nil, errInvalidArgument.withMessage("Invalid x-amz-object-ownership header: %.64q", ownership)
	}
	var out []object.BucketConfigDoc
	if legacy {
		doc, err := json.Marshal(publicAccessBlock{})
		if err != nil {
			return nil, err
		}
		out = append(out, object.BucketConfigDoc{Name: cfgPublicAccess, Doc: doc})
	}
	switch {
	case ownership == ownerEnforced, ownership == "" && !legacy:
		if !ownerOnlyACL(req.r) {
			return nil, errACLWithEnforced
		}
		return out, nil
	case ownership == "":
		// No ownership controls: ACLs on, as buckets were before 2023
		// (and as DeleteBucketOwnershipControls leaves them).
		out = append(out, object.BucketConfigDoc{Name: cfgOwnership, Doc: []byte{}})
	default:
		out = append(out, object.BucketConfigDoc{Name: cfgOwnership, Doc: []byte(ownership)})
	}
	a, err := aclFromHeaders(req.r.Header)
	if err != nil || a == nil || len(a.Grants) == 0 {
		return out, err
	}
	if err := h.checkGrantees(req, a); err != nil {
		return nil, err
	}
	if a.public() {
		pab := allBlocked
		if legacy {
			if pab, err = h.accountPAB(req.ctx); err != nil {
				return nil, err
			}
		}
		if pab.BlockPublicAcls {
			return nil, errAccessDenied
		}
	}
	return append(out, object.BucketConfigDoc{Name: cfgBucketACL, Doc: a.encode()}), nil
}

// createBucketStatus: for legacy compatibility S3 answers 200 in
// us-east-1 when the owner re-creates a bucket it already owns, and resets
// the bucket's ACL to the one the request sets (private when none); its
// other settings stay. Other regions say 409.
func (h *handler) createBucketStatus(req *request, err error) error {
	if !isAPIError(err, "BucketAlreadyOwnedByYou") || h.cfg.Region != "us-east-1" {
		return err
	}
	a, err := aclFromHeaders(req.r.Header)
	if err != nil {
		return err
	}
	if a == nil {
		a = &acl{}
	}
	if err := h.checkGrantees(req, a); err != nil {
		return err
	}
	st, err := h.loadAccess(req.ctx, req.bucket, true)
	if err != nil {
		return err
	}
	store, err := admitACL(st, a)
	if err != nil || !store {
		return err
	}
	return h.svc.PutBucketConfig(req.ctx, req.bucket, cfgBucketACL, a.encode())
}
