// Package iam holds the account's identities: the root credential, IAM
// users with their access keys, groups and roles with their inline
// policies, and the temporary credentials STS issues. It implements
// sigv4.Credentials for all of them and tells the authorizer who is calling
// (Principal).
//
// Everything lives in the metadata store under the "iam/" prefix and
// nothing is cached in memory, so several gateways sharing one metadata
// store see every change (a deactivated key, a deleted role) at once.
// Secret access keys and session tokens are stored only wrapped under the
// server root keyring.
//
// Temporary credentials are stored as session records keyed by their ASIA…
// access key (sigv4.Credentials.Lookup sees only the access key, so the
// secret must be found from it). The session token is 96 random bytes kept
// wrapped with the secret; the verifier compares it in constant time, so a
// token cannot be forged or altered. Expired records are removed by
// PurgeExpiredSessions.
package iam

import (
	"errors"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// DefaultAccountID is the account every ARN names unless configured
// otherwise; the key service uses the same one.
const DefaultAccountID = "000000000000"

// Wrapper encrypts secrets under the server root key; aad binds a wrapped
// secret to its record. *sse.Keyring implements it.
type Wrapper interface {
	Wrap(plain, aad []byte) ([]byte, error)
	Unwrap(wrapped, aad []byte) ([]byte, error)
}

// Sentinel errors; the IAM API maps each to its error code. Errors returned
// by the service wrap one of them in an *Error carrying AWS's message.
var (
	ErrNoSuchEntity        = errors.New("iam: no such entity")        // NoSuchEntity 404
	ErrEntityAlreadyExists = errors.New("iam: entity already exists") // EntityAlreadyExists 409
	ErrDeleteConflict      = errors.New("iam: delete conflict")       // DeleteConflict 409
	ErrLimitExceeded       = errors.New("iam: limit exceeded")        // LimitExceeded 409
	ErrMalformedPolicy     = errors.New("iam: malformed policy")      // MalformedPolicyDocument 400
	ErrValidation          = errors.New("iam: validation error")      // ValidationError 400
	ErrInvalidInput        = errors.New("iam: invalid input")         // InvalidInput 400
	ErrAccessDenied        = errors.New("iam: access denied")         // AccessDenied 403
	// ErrPackedPolicyTooLarge is a session policy over its size (400).
	ErrPackedPolicyTooLarge = errors.New("iam: packed policy too large")
)

// Error is a service error with the message AWS would give.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: sprintf(format, args...)}
}

// Config configures the identity service.
type Config struct {
	AccountID string           // 12 digits; default DefaultAccountID
	Root      sigv4.Credential // the account root's key pair
	Now       func() time.Time // the clock (tests move it); default time.Now
	// OIDCClient fetches identity providers' discovery documents and
	// keys; nil means a client with a 10 s timeout.
	OIDCClient *http.Client
}

// Service is the identity service.
type Service struct {
	store meta.Store
	wrap  Wrapper
	acct  string
	root  sigv4.Credential
	now   func() time.Time
	oidc  *verifiers
}

var _ sigv4.Credentials = (*Service)(nil)

// New returns the identity service over store, wrapping secrets with w.
func New(store meta.Store, w Wrapper, cfg Config) *Service {
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: store, wrap: w, acct: cfg.AccountID, root: cfg.Root, now: cfg.Now,
		oidc: verifiersFor(cfg.OIDCClient)}
}

// AccountID is the account in this service's ARNs.
func (s *Service) AccountID() string { return s.acct }

// clock returns the current time at the second precision IAM reports.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }
