package iam

import (
	"context"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Session duration bounds of roles, in seconds, as AWS's.
const (
	DefaultMaxSessionDuration = 3600
	MaxRoleSessionDuration    = 43200
	maxTrustPolicy            = 2048
)

// Role is an IAM role; AssumeRolePolicyDocument is its trust policy.
type Role struct {
	Path                     string
	RoleName                 string
	RoleID                   string
	ARN                      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int32
	Tags                     []Tag  `json:",omitempty"`
	PermissionsBoundary      string `json:",omitempty"`
}

// CreateRoleInput describes a new role. MaxSessionDuration 0 means 3600.
type CreateRoleInput struct {
	RoleName                 string
	Path                     string
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int32
	Tags                     []Tag
	PermissionsBoundary      string
}

// CreateRole creates a role.
func (s *Service) CreateRole(ctx context.Context, in CreateRoleInput) (*Role, error) {
	if err := checkName("roleName", in.RoleName, 64); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return nil, err
	}
	if err := s.checkTrustPolicy(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	if len(in.Description) > 1000 {
		return nil, errorf(ErrValidation, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = DefaultMaxSessionDuration
	}
	if in.MaxSessionDuration < 3600 || in.MaxSessionDuration > MaxRoleSessionDuration {
		return nil, errorf(ErrValidation, "1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", in.MaxSessionDuration)
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	id, err := newID("AROA")
	if err != nil {
		return nil, err
	}
	r := &Role{
		Path: path, RoleName: in.RoleName, RoleID: id, ARN: s.arn("role", path, in.RoleName),
		CreateDate: s.clock(), AssumeRolePolicyDocument: in.AssumeRolePolicyDocument,
		Description: in.Description, MaxSessionDuration: in.MaxSessionDuration,
		Tags: sortedTags(tagSet(in.Tags)), PermissionsBoundary: in.PermissionsBoundary,
	}
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		var old Role
		found, err := getJSON(ctx, txn, key(pRole, fold(in.RoleName)), &old)
		if err != nil {
			return err
		}
		if found {
			return errorf(ErrEntityAlreadyExists, "Role with name %s already exists.", in.RoleName)
		}
		return setJSON(txn, key(pRole, fold(in.RoleName)), r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Service) checkTrustPolicy(doc string) error {
	if doc == "" {
		return errorf(ErrValidation, "1 validation error detected: Value at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null")
	}
	if len(doc) > 131072 || policySize(doc) > maxTrustPolicy {
		return errorf(ErrLimitExceeded, "Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicy)
	}
	_, err := checkPolicy(doc, policy.KindTrust)
	return err
}

// GetRole returns a role.
func (s *Service) GetRole(ctx context.Context, name string) (*Role, error) {
	return s.getRole(ctx, s.store, name)
}

func (s *Service) getRole(ctx context.Context, r meta.Reader, name string) (*Role, error) {
	if err := checkName("roleName", name, 64); err != nil {
		return nil, err
	}
	var role Role
	found, err := getJSON(ctx, r, key(pRole, fold(name)), &role)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errorf(ErrNoSuchEntity, "The role with name %s cannot be found.", name)
	}
	return &role, nil
}

// ListRoles lists roles whose path starts with pathPrefix.
func (s *Service) ListRoles(ctx context.Context, pathPrefix string, page Page) ([]Role, string, error) {
	var out []Role
	next, err := listRecords(ctx, s.store, pRole, page, func(_ string, raw []byte, add bool) (bool, error) {
		var r Role
		if err := decodeRecord(raw, &r); err != nil {
			return false, err
		}
		if !strings.HasPrefix(r.Path, pathPrefix) {
			return false, nil
		}
		if add {
			out = append(out, r)
		}
		return true, nil
	})
	return out, next, err
}

// DeleteRole deletes a role without inline policies. Sessions of the role
// stop working at once: their credentials name the role's unique id.
func (s *Service) DeleteRole(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.getRole(ctx, txn, name); err != nil {
			return err
		}
		has, err := exists(ctx, txn, pRolePol+fold(name)+"/")
		if err != nil {
			return err
		}
		if has {
			return errorf(ErrDeleteConflict, "Cannot delete entity, must delete policies first.")
		}
		if has, err := hasAttached(ctx, txn, roleEntity, name); err != nil || has {
			if err != nil {
				return err
			}
			return errorf(ErrDeleteConflict, "Cannot delete entity, must detach all policies first.")
		}
		return txn.Delete(key(pRole, fold(name)))
	})
}

// UpdateAssumeRolePolicy replaces a role's trust policy. Sessions already
// issued keep working until they expire, as in AWS.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, name, doc string) error {
	if err := s.checkTrustPolicy(doc); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		r, err := s.getRole(ctx, txn, name)
		if err != nil {
			return err
		}
		r.AssumeRolePolicyDocument = doc
		return setJSON(txn, key(pRole, fold(name)), r)
	})
}
