// Package accounts keeps the server's accounts, the isolation boundary of
// Amazon S3: each has a 12-digit id, root credentials, a canonical user id
// that all its principals share, and its own IAM identities, KMS keys and
// buckets (buckets record their owner's canonical id).
//
// The operator's account is the one the server was first started with: its
// identities and keys stay where they always were (the "iam/" and "kms/"
// prefixes of the metadata store), its root key pair comes from the
// server's configuration, and its canonical id is the one its buckets were
// created with. Every other account's identity and key services run over a
// scoped view of the store (prefix "acct/d/ID/"), so they are the same code
// and cannot see one another's records.
//
// Nothing is cached in memory: several gateways over one metadata store
// see an account created or deleted by any of them at once.
package accounts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// Key layout (outside the accounts' own scoped data):
//
//	acct/rec/ID          record (root secret wrapped)
//	acct/canon/CANONICAL account id
//	acct/name/NAME       account id (names are unique, case-folded)
//	acct/akey/AKID       account id of an access key or session (not the operator's)
//	acct/d/ID/…          the account's iam/ and kms/ records
const (
	pRecord    = "acct/rec/"
	pCanonical = "acct/canon/"
	pName      = "acct/name/"
	pAccessKey = "acct/akey/"
	pData      = "acct/d/"
)

func dataPrefix(id string) string { return pData + id + "/" }

// Sentinel errors; the admin API maps each to its status.
var (
	ErrNoSuchAccount = errors.New("accounts: no such account")      // 404
	ErrExists        = errors.New("accounts: account exists")       // 409
	ErrNotEmpty      = errors.New("accounts: account owns buckets") // 409
	ErrInvalid       = errors.New("accounts: invalid input")        // 400
	ErrOperator      = errors.New("accounts: the operator account cannot be deleted")
)

// Wrapper encrypts secrets under the server root key (*sse.Keyring).
type Wrapper interface {
	Wrap(plain, aad []byte) ([]byte, error)
	Unwrap(wrapped, aad []byte) ([]byte, error)
}

// Account is one account.
type Account struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	// Org is the organization id (o-…) aws:PrincipalOrgID gives for the
	// account's principals; empty for none.
	Org         string    `json:"org,omitempty"`
	CanonicalID string    `json:"canonical"`
	Created     time.Time `json:"created"`
	Operator    bool      `json:"operator,omitempty"`
	// RootAccessKey is the root's access key id (empty for the operator,
	// whose key pair is configured).
	RootAccessKey string `json:"rootKey,omitempty"`
	rootSecret    []byte // wrapped
}

// Config configures the registry.
type Config struct {
	Region string
	// OperatorID is the operator account's id (iam.DefaultAccountID).
	OperatorID string
	// Root is the operator root's key pair.
	Root sigv4.Credential
	// OperatorKMS is the operator's key service (the server's).
	OperatorKMS *kms.Service
	Now         func() time.Time
}

// Registry is the set of accounts.
type Registry struct {
	store meta.Store
	wrap  Wrapper
	cfg   Config
	opIAM *iam.Service
}

// LegacyCanonicalID is the canonical id buckets were given before accounts
// existed: derived from the creator's access key.
func LegacyCanonicalID(accessKey string) string {
	sum := sha256.Sum256([]byte("hoard-canonical-user:" + accessKey))
	return hex.EncodeToString(sum[:])
}
