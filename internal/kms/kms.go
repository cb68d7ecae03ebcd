// Package kms is Hoard's built-in key service: symmetric master keys and
// their aliases, kept in the metadata store with each key's material wrapped
// under the server root key, and the data-key operations that SSE-KMS and
// the KMS API need. It implements sse.KeyService; an external key service
// (for example Vault's transit engine) can take its place behind that
// interface.
//
// Every operation is authorized (authz.go) against the key's policy and
// the caller's identity policies, with the caller named by the context
// (WithCaller): the KMS API and S3's SSE-KMS reach keys only that way.
//
// Nothing here is cached in memory except the immutable id of the S3 default
// key, so several gateways sharing one metadata store see every enable,
// disable and alias change at once.
package kms

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Wrapper encrypts secrets under the server root key. aad binds a wrapped
// secret to its place (here: the key id), so a record moved to another key
// fails to unwrap.
type Wrapper interface {
	Wrap(plain, aad []byte) ([]byte, error)
	Unwrap(wrapped, aad []byte) ([]byte, error)
}

// Errors beyond sse's; the KMS API maps each to its exception.
var (
	ErrAlreadyExists   = errors.New("kms: already exists")                              // AlreadyExistsException
	ErrInvalidState    = errors.New("kms: key state does not allow the operation")      // KMSInvalidStateException
	ErrValidation      = errors.New("kms: invalid parameter")                           // ValidationException
	ErrInvalidAlias    = errors.New("kms: invalid alias name")                          // InvalidAliasNameException
	ErrIncorrectKey    = errors.New("kms: ciphertext was encrypted under another key")  // IncorrectKeyException
	ErrManagedKey      = errors.New("kms: operation not allowed on an AWS managed key") // UnsupportedOperationException
	ErrInvalidMarker   = errors.New("kms: invalid marker")                              // InvalidMarkerException
	ErrMalformedPolicy = errors.New("kms: malformed key policy")                        // MalformedPolicyDocumentException
	// ErrPolicyNotFound: a policy name other than "default" (NotFoundException).
	ErrPolicyNotFound   = fmt.Errorf("kms: no such key policy: %w", sse.ErrKeyNotFound)
	errCorruptKeyRecord = errors.New("kms: corrupt key record")
)

// KeyState is a key's lifecycle state, spelled as KMS spells it.
type KeyState string

const (
	StateEnabled         KeyState = "Enabled"
	StateDisabled        KeyState = "Disabled"
	StatePendingDeletion KeyState = "PendingDeletion"
)

// KeyManager says who manages a key.
type KeyManager string

const (
	ManagerCustomer KeyManager = "CUSTOMER"
	ManagerAWS      KeyManager = "AWS"
)

// KeyMetadata describes one master key.
type KeyMetadata struct {
	KeyID        string
	ARN          string
	CreationDate time.Time
	Enabled      bool
	KeyState     KeyState
	Description  string
	KeyManager   KeyManager
	DeletionDate time.Time // zero unless PendingDeletion
}

// Alias names a key.
type Alias struct {
	Name            string // "alias/NAME"
	ARN             string
	TargetKeyID     string
	CreationDate    time.Time
	LastUpdatedDate time.Time
}

// Config names the region and account that key ARNs carry.
type Config struct {
	Region    string // default us-east-1
	AccountID string // 12 digits; default 000000000000
	// Now is the clock (tests move it); default time.Now.
	Now func() time.Time
}

// Service is the built-in key service.
type Service struct {
	store  meta.Store
	root   Wrapper
	region string
	acct   string
	now    func() time.Time

	mu sync.Mutex
	// defaultARN is the ARN of alias/aws/s3's key once known. The alias
	// is created in one transaction (ensureManagedKey), so all gateways
	// agree on it, and it is never retargeted: a per-process copy cannot
	// go stale.
	defaultARN string
}

var _ sse.KeyService = (*Service)(nil)

// New returns a key service keeping its keys in store under the "kms/"
// prefix, their material wrapped by root.
func New(store meta.Store, root Wrapper, cfg Config) *Service {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "000000000000"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: store, root: root, region: cfg.Region, acct: cfg.AccountID, now: cfg.Now}
}

// Region is the region in this service's ARNs.
func (s *Service) Region() string { return s.region }

// AccountID is the account in this service's ARNs.
func (s *Service) AccountID() string { return s.acct }

func (s *Service) keyARN(id string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", s.region, s.acct, id)
}

func (s *Service) aliasARN(name string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:%s", s.region, s.acct, name)
}

// clock returns the current time at the precision records keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// DefaultKey implements sse.KeyService: the ARN of the AWS managed key
// alias/aws/s3, created on first use.
func (s *Service) DefaultKey(ctx context.Context) (string, error) {
	s.mu.Lock()
	arn := s.defaultARN
	s.mu.Unlock()
	if arn != "" {
		return arn, nil
	}
	id, err := s.ensureManagedKey(ctx, defaultS3Alias)
	if err != nil {
		return "", err
	}
	arn = s.keyARN(id)
	s.mu.Lock()
	s.defaultARN = arn
	s.mu.Unlock()
	return arn, nil
}
