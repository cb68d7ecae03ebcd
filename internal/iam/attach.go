package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
)

// AttachedPolicy names a managed policy attached to an entity.
type AttachedPolicy struct {
	PolicyName string
	PolicyARN  string
}

// PolicyEntity is an entity a managed policy is attached to.
type PolicyEntity struct {
	Kind string // "User", "Group" or "Role"
	Name string
	ID   string
}

func (s *Service) attach(ctx context.Context, e entity, name, arn string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if err := e.check(ctx, txn, name); err != nil {
			return err
		}
		p, err := s.managedByARN(ctx, txn, arn)
		if err != nil {
			return err
		}
		k, n := attachKind(e), fold(name)
		if _, err := txn.Get(ctx, key(pAttach, k, n, polKey(p))); err == nil {
			return nil // attaching twice changes nothing, as in AWS
		}
		c, err := count(ctx, txn, pAttach+k+"/"+n+"/", MaxAttachedPolicies)
		if err != nil {
			return err
		}
		if c >= MaxAttachedPolicies {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for PoliciesPer%s: %d", strings.ToUpper(e.noun[:1])+e.noun[1:], MaxAttachedPolicies)
		}
		if err := txn.Set(key(pAttach, k, n, polKey(p)), []byte(p.ARN)); err != nil {
			return err
		}
		return txn.Set(key(pPolAttach, polKey(p), k+"."+n), nil)
	})
}

func (s *Service) detach(ctx context.Context, e entity, name, arn string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if err := e.check(ctx, txn, name); err != nil {
			return err
		}
		p, err := s.managedByARN(ctx, txn, arn)
		if err != nil {
			return err
		}
		k, n := attachKind(e), fold(name)
		if _, err := txn.Get(ctx, key(pAttach, k, n, polKey(p))); errors.Is(err, meta.ErrNotFound) {
			return errorf(ErrNoSuchEntity, "Policy %s was not found.", clip(arn))
		} else if err != nil {
			return err
		}
		if err := txn.Delete(key(pAttach, k, n, polKey(p))); err != nil {
			return err
		}
		return txn.Delete(key(pPolAttach, polKey(p), k+"."+n))
	})
}

func (s *Service) listAttached(ctx context.Context, e entity, name, pathPrefix string, page Page) ([]AttachedPolicy, string, error) {
	if err := e.check(ctx, s.store, name); err != nil {
		return nil, "", err
	}
	var out []AttachedPolicy
	next, err := listRecords(ctx, s.store, pAttach+attachKind(e)+"/"+fold(name)+"/", page, func(_ string, arn []byte, add bool) (bool, error) {
		_, path, pname, err := s.parsePolicyARN(string(arn))
		if err != nil {
			return false, err
		}
		if !strings.HasPrefix(path, pathPrefix) {
			return false, nil
		}
		if add {
			out = append(out, AttachedPolicy{PolicyName: pname, PolicyARN: string(arn)})
		}
		return true, nil
	})
	return out, next, err
}

// attachedDocs returns the default documents of the managed policies
// attached to an entity.
func (s *Service) attachedDocs(ctx context.Context, r meta.Reader, e entity, name string) ([]string, error) {
	var arns []string
	err := scan(ctx, r, pAttach+attachKind(e)+"/"+fold(name)+"/", "", func(_ string, arn []byte) (bool, error) {
		arns = append(arns, string(arn))
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	docs := make([]string, 0, len(arns))
	for _, arn := range arns {
		doc, err := s.defaultDocument(ctx, r, arn)
		if errors.Is(err, ErrNoSuchEntity) {
			continue // deleted policies are never attached; a race is no grant
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// hasAttached reports whether an entity still has managed policies.
func hasAttached(ctx context.Context, r meta.Reader, e entity, name string) (bool, error) {
	return exists(ctx, r, pAttach+attachKind(e)+"/"+fold(name)+"/")
}

// ListEntitiesForPolicy lists the users, groups and roles a managed
// policy is attached to; filter is "", "User", "Group" or "Role".
func (s *Service) ListEntitiesForPolicy(ctx context.Context, arn, filter, pathPrefix string, page Page) ([]PolicyEntity, string, error) {
	p, err := s.managedByARN(ctx, s.store, arn)
	if err != nil {
		return nil, "", err
	}
	switch filter {
	case "", "User", "Group", "Role":
	default:
		return nil, "", errorf(ErrValidation, "1 validation error detected: Value '%s' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]", clip(filter))
	}
	var out []PolicyEntity
	next, err := listRecords(ctx, s.store, pPolAttach+polKey(p)+"/", page, func(suffix string, _ []byte, add bool) (bool, error) {
		k, name, _ := strings.Cut(suffix, ".")
		ent, err := s.describeEntity(ctx, k, name)
		if err != nil {
			return false, err
		}
		if ent == nil || filter != "" && ent.Kind != filter {
			return false, nil
		}
		if add {
			out = append(out, *ent)
		}
		return true, nil
	})
	return out, next, err
}

func (s *Service) describeEntity(ctx context.Context, k, name string) (*PolicyEntity, error) {
	var rec struct {
		Path, UserName, UserID, GroupName, GroupID, RoleName, RoleID string
	}
	e := map[string]entity{"u": userEntity, "g": groupEntity, "r": roleEntity}[k]
	found, err := getJSON(ctx, s.store, key(e.record, name), &rec)
	if err != nil || !found {
		return nil, err
	}
	switch k {
	case "u":
		return &PolicyEntity{Kind: "User", Name: rec.UserName, ID: rec.UserID}, nil
	case "g":
		return &PolicyEntity{Kind: "Group", Name: rec.GroupName, ID: rec.GroupID}, nil
	}
	return &PolicyEntity{Kind: "Role", Name: rec.RoleName, ID: rec.RoleID}, nil
}

// AttachUserPolicy attaches a managed policy to a user.
func (s *Service) AttachUserPolicy(ctx context.Context, user, arn string) error {
	return s.attach(ctx, userEntity, user, arn)
}

// DetachUserPolicy detaches a managed policy from a user.
func (s *Service) DetachUserPolicy(ctx context.Context, user, arn string) error {
	return s.detach(ctx, userEntity, user, arn)
}

// ListAttachedUserPolicies lists the managed policies of a user.
func (s *Service) ListAttachedUserPolicies(ctx context.Context, user, pathPrefix string, page Page) ([]AttachedPolicy, string, error) {
	return s.listAttached(ctx, userEntity, user, pathPrefix, page)
}

// AttachGroupPolicy attaches a managed policy to a group.
func (s *Service) AttachGroupPolicy(ctx context.Context, group, arn string) error {
	return s.attach(ctx, groupEntity, group, arn)
}

// DetachGroupPolicy detaches a managed policy from a group.
func (s *Service) DetachGroupPolicy(ctx context.Context, group, arn string) error {
	return s.detach(ctx, groupEntity, group, arn)
}

// ListAttachedGroupPolicies lists the managed policies of a group.
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, group, pathPrefix string, page Page) ([]AttachedPolicy, string, error) {
	return s.listAttached(ctx, groupEntity, group, pathPrefix, page)
}

// AttachRolePolicy attaches a managed policy to a role.
func (s *Service) AttachRolePolicy(ctx context.Context, role, arn string) error {
	return s.attach(ctx, roleEntity, role, arn)
}

// DetachRolePolicy detaches a managed policy from a role.
func (s *Service) DetachRolePolicy(ctx context.Context, role, arn string) error {
	return s.detach(ctx, roleEntity, role, arn)
}

// ListAttachedRolePolicies lists the managed policies of a role.
func (s *Service) ListAttachedRolePolicies(ctx context.Context, role, pathPrefix string, page Page) ([]AttachedPolicy, string, error) {
	return s.listAttached(ctx, roleEntity, role, pathPrefix, page)
}

// entityDocs returns an entity's inline policies and the default versions
// of its managed policies: what evaluation reads.
func (s *Service) entityDocs(ctx context.Context, r meta.Reader, e entity, name string) ([]string, error) {
	docs, err := policyDocs(ctx, r, e, name)
	if err != nil {
		return nil, err
	}
	managed, err := s.attachedDocs(ctx, r, e, name)
	return append(docs, managed...), err
}
