// Package iam holds identities and their credentials. For now it knows the
// account's root key only; users, roles and policies build on it.
package iam

import (
	"context"
	"crypto/subtle"

	"github.com/hoard-s3/hoard/internal/sigv4"
)

// Root is the account's root credential.
type Root struct {
	cred sigv4.Credential
}

var _ sigv4.Credentials = (*Root)(nil)

// NewRoot returns a credential store that knows only the root key.
func NewRoot(accessKey, secret string) *Root {
	return &Root{cred: sigv4.Credential{AccessKey: accessKey, Secret: secret}}
}

// Lookup returns the root credential for its access key.
func (r *Root) Lookup(ctx context.Context, accessKey string) (sigv4.Credential, error) {
	if subtle.ConstantTimeCompare([]byte(accessKey), []byte(r.cred.AccessKey)) != 1 {
		return sigv4.Credential{}, sigv4.ErrInvalidAccessKeyID
	}
	return r.cred, nil
}
