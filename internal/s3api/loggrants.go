package s3api

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/object"
)

// LogGrantsACL is the stored object ACL that gives a delivered server
// access log object the TargetGrants of its bucket's logging
// configuration, in this layer's ACL encoding. It is nil when there are
// no grants or the target bucket has ACLs disabled (BucketOwnerEnforced,
// the default), where S3 ignores TargetGrants too.
func LogGrantsACL(ctx context.Context, svc *object.Service, target string, grants []object.LogGrant) ([]byte, error) {
	if len(grants) == 0 {
		return nil, nil
	}
	doc, err := svc.GetBucketConfig(ctx, target, cfgOwnership)
	switch {
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		return nil, nil // never set: BucketOwnerEnforced
	case err != nil:
		return nil, fmt.Errorf("ownership controls of %q: %w", target, err)
	case string(doc) == ownerEnforced:
		return nil, nil
	}
	a := &acl{}
	for _, g := range grants {
		id := g.ID
		switch g.Type {
		case "Group":
			id = g.URI
		case "AmazonCustomerByEmail":
			id = g.Email
		}
		a.Grants = append(a.Grants, grant{Type: g.Type, ID: id, Perm: g.Permission})
	}
	return a.encode(), nil
}
