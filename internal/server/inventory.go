package server

import (
	"context"
	"fmt"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/policy"
)

// asBucketOwner makes background writes (inventory reports) call the key
// service as the root of the account owning the source bucket, through
// S3, so SSE-KMS keys are used under their key policies as for that
// account's own requests.
func (s *Server) asBucketOwner(ctx context.Context, canonical string) (context.Context, error) {
	a, err := s.accounts.ByCanonicalID(ctx, canonical)
	if err != nil {
		return nil, fmt.Errorf("account of bucket owner %s: %w", canonical, err)
	}
	p := policy.Principal{Type: policy.PrincipalRoot, ARN: "arn:aws:iam::" + a.ID + ":root", Account: a.ID,
		UserID: a.ID, CanonicalID: canonical, OrgID: a.Org}
	return kms.WithCaller(ctx, &kms.Caller{Principal: p, ViaService: "s3." + s.cfg.Region + ".amazonaws.com"}), nil
}
