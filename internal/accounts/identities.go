package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

var _ sigv4.Credentials = (*Registry)(nil)

// AccountID is the operator's account (the default for callers that know
// of one account only).
func (r *Registry) AccountID() string { return r.cfg.OperatorID }

// accountOfKey finds the account an access key (long-term, root or
// temporary) belongs to; keys in no index are the operator's.
func (r *Registry) accountOfKey(ctx context.Context, accessKey string) (string, error) {
	if accessKey == "" || len(accessKey) > 128 {
		return r.cfg.OperatorID, nil
	}
	raw, err := r.store.Get(ctx, []byte(pAccessKey+accessKey))
	switch {
	case err == nil:
		return string(raw), nil
	case errors.Is(err, meta.ErrNotFound):
		return r.cfg.OperatorID, nil
	}
	return "", fmt.Errorf("accounts: read access key index: %w", err)
}

// IAM returns the identity service of an account.
func (r *Registry) IAM(ctx context.Context, id string) (*iam.Service, error) {
	if id == r.cfg.OperatorID {
		return r.opIAM, nil
	}
	a, err := r.get(ctx, r.store, id)
	if err != nil {
		return nil, err
	}
	secret, err := r.wrap.Unwrap(a.RootSecret, rootAAD(id))
	if err != nil {
		return nil, fmt.Errorf("accounts: unwrap root secret of %s: %w", id, err)
	}
	return iam.New(newScoped(r.store, id), r.wrap, iam.Config{
		AccountID: id,
		Root:      sigv4.Credential{AccessKey: a.RootAccessKey, Secret: string(secret)},
		Now:       r.cfg.Now,
	}), nil
}

// KMS returns the key service of an account. Services of other accounts
// are built per call: they keep nothing in memory worth sharing.
func (r *Registry) KMS(ctx context.Context, id string) (*kms.Service, error) {
	if id == r.cfg.OperatorID {
		return r.cfg.OperatorKMS, nil
	}
	if _, err := r.get(ctx, r.store, id); err != nil {
		return nil, err
	}
	return kms.New(newScoped(r.store, id), r.wrap, kms.Config{Region: r.cfg.Region, AccountID: id, Now: r.cfg.Now}), nil
}

// IAMForKey returns the identity service of the account accessKey is in.
func (r *Registry) IAMForKey(ctx context.Context, accessKey string) (*iam.Service, error) {
	id, err := r.accountOfKey(ctx, accessKey)
	if err != nil {
		return nil, err
	}
	svc, err := r.IAM(ctx, id)
	if errors.Is(err, ErrNoSuchAccount) {
		return nil, sigv4.ErrInvalidAccessKeyID // a key left of a deleted account
	}
	return svc, err
}

// Lookup implements sigv4.Credentials over every account.
func (r *Registry) Lookup(ctx context.Context, accessKey string) (sigv4.Credential, error) {
	svc, err := r.IAMForKey(ctx, accessKey)
	if err != nil {
		return sigv4.Credential{}, err
	}
	return svc.Lookup(ctx, accessKey)
}

// Principal returns who signs with accessKey, with its account's
// canonical id.
func (r *Registry) Principal(ctx context.Context, accessKey string) (iam.Principal, error) {
	svc, err := r.IAMForKey(ctx, accessKey)
	if err != nil {
		return iam.Principal{}, err
	}
	p, err := svc.Principal(ctx, accessKey)
	if err != nil {
		return iam.Principal{}, err
	}
	a, err := r.Get(ctx, p.Account)
	if err != nil {
		return iam.Principal{}, fmt.Errorf("accounts: principal %s: %w", p.ARN, err)
	}
	p.CanonicalID, p.OrgID = a.CanonicalID, a.Org
	return p, nil
}
