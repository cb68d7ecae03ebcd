package iam

import (
	"context"
	"errors"
	"unicode"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/policy"
)

// entity names a kind of identity that holds inline policies.
type entity struct {
	noun      string // "user", "group", "role" in messages
	field     string // the request field of its name
	maxName   int
	record    string // prefix of its record
	policies  string // prefix of its inline policies
	maxPolicy int    // AWS quota on inline policy size, in non-whitespace characters
	kind      policy.Kind
}

var (
	userEntity  = entity{"user", "userName", 64, pUser, pUserPol, 2048, policy.KindUser}
	groupEntity = entity{"group", "groupName", 128, pGroup, pGrpPol, 5120, policy.KindGroup}
	roleEntity  = entity{"role", "roleName", 64, pRole, pRolePol, 10240, policy.KindRole}
)

func (e entity) check(ctx context.Context, r meta.Reader, name string) error {
	if err := checkName(e.field, name, e.maxName); err != nil {
		return err
	}
	_, err := r.Get(ctx, key(e.record, fold(name)))
	if errors.Is(err, meta.ErrNotFound) {
		return errorf(ErrNoSuchEntity, "The %s with name %s cannot be found.", e.noun, name)
	}
	return err
}

// policySize counts characters other than white space, as AWS's quotas do.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func (s *Service) putPolicy(ctx context.Context, e entity, name, policy, doc string) error {
	if err := checkName("policyName", policy, 128); err != nil {
		return err
	}
	if len(doc) > 131072 || policySize(doc) > e.maxPolicy {
		return errorf(ErrLimitExceeded, "Maximum policy size of %d bytes exceeded for %s %s", e.maxPolicy, e.noun, clip(name))
	}
	if _, err := checkPolicy(doc, e.kind); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if err := e.check(ctx, txn, name); err != nil {
			return err
		}
		return txn.Set(key(e.policies, fold(name), policy), []byte(doc))
	})
}

func (s *Service) getPolicy(ctx context.Context, e entity, name, policy string) (string, error) {
	if err := checkName("policyName", policy, 128); err != nil {
		return "", err
	}
	if err := e.check(ctx, s.store, name); err != nil {
		return "", err
	}
	doc, err := s.store.Get(ctx, key(e.policies, fold(name), policy))
	if errors.Is(err, meta.ErrNotFound) {
		return "", errorf(ErrNoSuchEntity, "The %s policy with name %s cannot be found.", e.noun, policy)
	}
	return string(doc), err
}

func (s *Service) listPolicies(ctx context.Context, e entity, name string, page Page) ([]string, string, error) {
	if err := e.check(ctx, s.store, name); err != nil {
		return nil, "", err
	}
	var out []string
	next, err := listRecords(ctx, s.store, e.policies+fold(name)+"/", page, func(policy string, _ []byte, add bool) (bool, error) {
		if add {
			out = append(out, policy)
		}
		return true, nil
	})
	return out, next, err
}

func (s *Service) deletePolicy(ctx context.Context, e entity, name, policy string) error {
	if err := checkName("policyName", policy, 128); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if err := e.check(ctx, txn, name); err != nil {
			return err
		}
		k := key(e.policies, fold(name), policy)
		if _, err := txn.Get(ctx, k); errors.Is(err, meta.ErrNotFound) {
			return errorf(ErrNoSuchEntity, "The %s policy with name %s cannot be found.", e.noun, policy)
		} else if err != nil {
			return err
		}
		return txn.Delete(k)
	})
}

// policyDocs returns every inline policy document of an entity.
func policyDocs(ctx context.Context, r meta.Reader, e entity, name string) ([]string, error) {
	var docs []string
	err := scan(ctx, r, e.policies+fold(name)+"/", "", func(_ string, doc []byte) (bool, error) {
		docs = append(docs, string(doc))
		return false, nil
	})
	return docs, err
}

// PutUserPolicy adds or replaces an inline policy of a user.
func (s *Service) PutUserPolicy(ctx context.Context, user, policy, doc string) error {
	return s.putPolicy(ctx, userEntity, user, policy, doc)
}

// GetUserPolicy returns an inline policy document of a user.
func (s *Service) GetUserPolicy(ctx context.Context, user, policy string) (string, error) {
	return s.getPolicy(ctx, userEntity, user, policy)
}

// ListUserPolicies lists the names of a user's inline policies.
func (s *Service) ListUserPolicies(ctx context.Context, user string, page Page) ([]string, string, error) {
	return s.listPolicies(ctx, userEntity, user, page)
}

// DeleteUserPolicy deletes an inline policy of a user.
func (s *Service) DeleteUserPolicy(ctx context.Context, user, policy string) error {
	return s.deletePolicy(ctx, userEntity, user, policy)
}

// PutGroupPolicy adds or replaces an inline policy of a group.
func (s *Service) PutGroupPolicy(ctx context.Context, group, policy, doc string) error {
	return s.putPolicy(ctx, groupEntity, group, policy, doc)
}

// GetGroupPolicy returns an inline policy document of a group.
func (s *Service) GetGroupPolicy(ctx context.Context, group, policy string) (string, error) {
	return s.getPolicy(ctx, groupEntity, group, policy)
}

// ListGroupPolicies lists the names of a group's inline policies.
func (s *Service) ListGroupPolicies(ctx context.Context, group string, page Page) ([]string, string, error) {
	return s.listPolicies(ctx, groupEntity, group, page)
}

// DeleteGroupPolicy deletes an inline policy of a group.
func (s *Service) DeleteGroupPolicy(ctx context.Context, group, policy string) error {
	return s.deletePolicy(ctx, groupEntity, group, policy)
}

// PutRolePolicy adds or replaces an inline policy of a role.
func (s *Service) PutRolePolicy(ctx context.Context, role, policy, doc string) error {
	return s.putPolicy(ctx, roleEntity, role, policy, doc)
}

// GetRolePolicy returns an inline policy document of a role.
func (s *Service) GetRolePolicy(ctx context.Context, role, policy string) (string, error) {
	return s.getPolicy(ctx, roleEntity, role, policy)
}

// ListRolePolicies lists the names of a role's inline policies.
func (s *Service) ListRolePolicies(ctx context.Context, role string, page Page) ([]string, string, error) {
	return s.listPolicies(ctx, roleEntity, role, page)
}

// DeleteRolePolicy deletes an inline policy of a role.
func (s *Service) DeleteRolePolicy(ctx context.Context, role, policy string) error {
	return s.deletePolicy(ctx, roleEntity, role, policy)
}
