package accounts

import (
	"context"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Keys routes SSE-KMS to the key service of the account a key belongs to:
// the account a key ARN names, else (a key id or an alias, and the aws/s3
// default) the requester's, as S3 resolves them. Each key service then
// authorizes the use against the key policy, across accounts too.
type Keys struct{ r *Registry }

var _ sse.KeyService = Keys{}

// Keys returns the SSE-KMS router over the accounts' key services.
func (r *Registry) Keys() Keys { return Keys{r} }

// keyAccount is the account a key reference names, or the caller's.
func (k Keys) keyAccount(ctx context.Context, ref string) string {
	if rest, ok := strings.CutPrefix(ref, "arn:"); ok {
		parts := strings.SplitN(rest, ":", 5)
		if len(parts) == 5 && idRE.MatchString(parts[3]) {
			return parts[3]
		}
	}
	if c := kms.CallerFrom(ctx); c != nil && idRE.MatchString(c.Principal.Account) {
		return c.Principal.Account
	}
	return k.r.cfg.OperatorID
}

func (k Keys) service(ctx context.Context, ref string) (*kms.Service, error) {
	svc, err := k.r.KMS(ctx, k.keyAccount(ctx, ref))
	if err != nil {
		// A key of an account that does not exist is a key that does not.
		return nil, fmt.Errorf("key %.80q: %w: %w", ref, sse.ErrKeyNotFound, err)
	}
	return svc, nil
}

// GenerateDataKey implements sse.KeyService.
func (k Keys) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) ([]byte, []byte, string, error) {
	svc, err := k.service(ctx, keyID)
	if err != nil {
		return nil, nil, "", err
	}
	return svc.GenerateDataKey(ctx, keyID, encCtx)
}

// Decrypt implements sse.KeyService.
func (k Keys) Decrypt(ctx context.Context, keyARN string, wrapped []byte, encCtx map[string]string) ([]byte, error) {
	svc, err := k.service(ctx, keyARN)
	if err != nil {
		return nil, err
	}
	return svc.Decrypt(ctx, keyARN, wrapped, encCtx)
}

// DefaultKey implements sse.KeyService: the requester's aws/s3 key.
func (k Keys) DefaultKey(ctx context.Context) (string, error) {
	svc, err := k.service(ctx, "")
	if err != nil {
		return "", err
	}
	return svc.DefaultKey(ctx)
}
