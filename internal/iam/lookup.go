package iam

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// Principal is who signed a request: the policy language's view of the
// caller plus what the authorizer evaluates.
type Principal struct {
	policy.Principal
	AccessKey   string
	SessionName string // assumed-role sessions
	// Policies are the caller's identity policy documents: a user's inline
	// policies and those of its groups, or the assumed role's.
	Policies []string
	// SessionPolicy narrows an assumed-role session (AssumeRole's Policy);
	// empty when there is none.
	SessionPolicy string
	// Boundary is the permissions boundary's document, which caps the
	// identity policies like a session policy; empty when there is none.
	Boundary string
	// SessionTags and TransitiveTagKeys are an assumed-role session's tags
	// (already in Tags, over the role's) and those that pass on.
	SessionTags       []Tag
	TransitiveTagKeys []string
	// Temporary is set for STS credentials, which expire at Expiration.
	Temporary  bool
	Expiration time.Time
}

// IsRoot reports whether the caller is the account root.
func (p *Principal) IsRoot() bool { return p.Type == policy.PrincipalRoot }

// Lookup implements sigv4.Credentials for the root key, users' active
// keys and temporary credentials. An unknown, inactive or deleted key, or
// a session whose role or user is gone, is ErrInvalidAccessKeyID; an
// expired session is ErrExpiredToken.
func (s *Service) Lookup(ctx context.Context, accessKey string) (sigv4.Credential, error) {
	switch {
	case s.isRoot(accessKey):
		return s.root, nil
	case !validKeyID(accessKey):
		return sigv4.Credential{}, sigv4.ErrInvalidAccessKeyID
	case strings.HasPrefix(accessKey, "ASIA"):
		sess, err := s.session(ctx, accessKey)
		if err != nil {
			return sigv4.Credential{}, err
		}
		return sigv4.Credential{AccessKey: accessKey, Secret: sess.secret, SessionToken: sess.token}, nil
	}
	rec, err := s.activeKey(ctx, accessKey)
	if err != nil {
		return sigv4.Credential{}, err
	}
	secret, err := s.wrap.Unwrap(rec.Secret, keyAAD(accessKey))
	if err != nil {
		return sigv4.Credential{}, fmt.Errorf("iam: unwrap secret of %s: %w", accessKey, err)
	}
	return sigv4.Credential{AccessKey: accessKey, Secret: string(secret)}, nil
}

func (s *Service) isRoot(accessKey string) bool {
	return s.root.AccessKey != "" && subtle.ConstantTimeCompare([]byte(accessKey), []byte(s.root.AccessKey)) == 1
}

// validKeyID bounds what reaches the store: access key ids are short and
// alphanumeric.
func validKeyID(id string) bool {
	if len(id) < 16 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func (s *Service) activeKey(ctx context.Context, id string) (*keyRecord, error) {
	var rec keyRecord
	found, err := getJSON(ctx, s.store, key(pKey, id), &rec)
	if err != nil {
		return nil, err
	}
	if !found || rec.Status != StatusActive {
		return nil, sigv4.ErrInvalidAccessKeyID
	}
	return &rec, nil
}

// Principal returns who signs with accessKey (which Lookup accepted).
func (s *Service) Principal(ctx context.Context, accessKey string) (Principal, error) {
	if s.isRoot(accessKey) {
		return s.rootPrincipal(accessKey), nil
	}
	if !validKeyID(accessKey) {
		return Principal{}, sigv4.ErrInvalidAccessKeyID
	}
	if strings.HasPrefix(accessKey, "ASIA") {
		sess, err := s.session(ctx, accessKey)
		if err != nil {
			return Principal{}, err
		}
		return s.sessionPrincipal(ctx, sess)
	}
	rec, err := s.activeKey(ctx, accessKey)
	if err != nil {
		return Principal{}, err
	}
	if rec.Root {
		return s.rootPrincipal(accessKey), nil
	}
	return s.userPrincipal(ctx, rec.UserName, accessKey)
}

func (s *Service) rootPrincipal(accessKey string) Principal {
	return Principal{
		Principal: policy.Principal{Type: policy.PrincipalRoot, ARN: s.RootARN(), Account: s.acct, UserID: s.acct},
		AccessKey: accessKey,
	}
}

func (s *Service) userPrincipal(ctx context.Context, name, accessKey string) (Principal, error) {
	u, err := s.getUser(ctx, s.store, name)
	if err != nil {
		return Principal{}, sigv4.ErrInvalidAccessKeyID
	}
	docs, err := s.userPolicyDocs(ctx, s.store, u.UserName)
	if err != nil {
		return Principal{}, err
	}
	boundary, err := s.boundaryDoc(ctx, u.PermissionsBoundary)
	if err != nil {
		return Principal{}, err
	}
	return Principal{
		Principal: policy.Principal{Type: policy.PrincipalUser, ARN: u.ARN, Account: s.acct, UserName: u.UserName, UserID: u.UserID, Tags: TagMap(u.Tags)},
		AccessKey: accessKey,
		Policies:  docs,
		Boundary:  boundary,
	}, nil
}

// userPolicyDocs returns a user's inline policies and its groups'.
func (s *Service) userPolicyDocs(ctx context.Context, r meta.Reader, user string) ([]string, error) {
	docs, err := s.entityDocs(ctx, r, userEntity, user)
	if err != nil {
		return nil, err
	}
	var groups []string
	err = scan(ctx, r, pUserGrp+fold(user)+"/", "", func(g string, _ []byte) (bool, error) {
		groups = append(groups, g)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		gd, err := s.entityDocs(ctx, r, groupEntity, g)
		if err != nil {
			return nil, err
		}
		docs = append(docs, gd...)
	}
	return docs, nil
}

// sessionSecrets is what a session record keeps wrapped.
type sessionSecrets struct {
	Secret string `json:"s"`
	Token  string `json:"t"`
}

// openSession is a live session with its secrets unwrapped.
type openSession struct {
	sessionRecord
	secret, token string
}

// session reads a temporary credential and checks that it is still valid:
// not expired, and its role or user still the one that issued it.
func (s *Service) session(ctx context.Context, accessKey string) (*openSession, error) {
	var rec sessionRecord
	found, err := getJSON(ctx, s.store, key(pSession, accessKey), &rec)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, sigv4.ErrInvalidAccessKeyID
	}
	if !s.now().Before(rec.Expiration) {
		return nil, sigv4.ErrExpiredToken
	}
	switch rec.Kind {
	case policy.PrincipalAssumedRole:
		r, err := s.getRole(ctx, s.store, rec.RoleName)
		if err != nil || r.RoleID != rec.RoleID {
			return nil, sigv4.ErrInvalidAccessKeyID
		}
	case policy.PrincipalUser:
		u, err := s.getUser(ctx, s.store, rec.UserName)
		if err != nil || u.UserID != rec.UserID {
			return nil, sigv4.ErrInvalidAccessKeyID
		}
	}
	raw, err := s.wrap.Unwrap(rec.Wrapped, sessionAAD(accessKey))
	if err != nil {
		return nil, fmt.Errorf("iam: unwrap session %s: %w", accessKey, err)
	}
	var sec sessionSecrets
	if err := json.Unmarshal(raw, &sec); err != nil {
		return nil, fmt.Errorf("iam: corrupt session %s: %w", accessKey, err)
	}
	return &openSession{sessionRecord: rec, secret: sec.Secret, token: sec.Token}, nil
}

func (s *Service) sessionPrincipal(ctx context.Context, sess *openSession) (Principal, error) {
	var p Principal
	switch sess.Kind {
	case policy.PrincipalRoot:
		p = s.rootPrincipal(sess.AccessKeyID)
	case policy.PrincipalUser:
		var err error
		if p, err = s.userPrincipal(ctx, sess.UserName, sess.AccessKeyID); err != nil {
			return Principal{}, err
		}
	case policy.PrincipalAssumedRole:
		r, err := s.getRole(ctx, s.store, sess.RoleName)
		if err != nil {
			return Principal{}, sigv4.ErrInvalidAccessKeyID
		}
		docs, err := s.entityDocs(ctx, s.store, roleEntity, r.RoleName)
		if err != nil {
			return Principal{}, err
		}
		boundary, err := s.boundaryDoc(ctx, r.PermissionsBoundary)
		if err != nil {
			return Principal{}, err
		}
		sessPolicy, err := s.sessionPolicyDoc(ctx, s.store, sess.Policy, sess.PolicyARNs)
		if err != nil {
			return Principal{}, err
		}
		p = Principal{
			Principal: policy.Principal{
				Type: policy.PrincipalAssumedRole, Account: s.acct,
				ARN:     fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", s.acct, r.RoleName, sess.SessionName),
				UserID:  r.RoleID + ":" + sess.SessionName,
				RoleARN: r.ARN, Tags: principalTags(r.Tags, sess.Tags), Provider: sess.Provider,
			},
			AccessKey: sess.AccessKeyID, SessionName: sess.SessionName,
			Policies: docs, SessionPolicy: sessPolicy, Boundary: boundary,
			SessionTags: sess.Tags, TransitiveTagKeys: sess.Transitive,
		}
	default:
		return Principal{}, fmt.Errorf("iam: session %s of unknown kind %q", sess.AccessKeyID, sess.Kind)
	}
	p.Temporary, p.Expiration = true, sess.Expiration
	return p, nil
}
