package iam

import (
	"context"
	"errors"
)

// A permissions boundary is a managed policy that caps what a user's or
// role's identity policies can grant: a request is allowed only when
// both allow it (policy.Intersect). It grants nothing by itself.

// checkBoundary validates a boundary ARN: a managed policy that exists.
func (s *Service) checkBoundary(ctx context.Context, arn string) error {
	if arn == "" {
		return nil
	}
	_, err := s.managedByARN(ctx, s.store, arn)
	if errors.Is(err, ErrNoSuchEntity) {
		return errorf(ErrInvalidInput, "ARN %s is not valid.", clip(arn))
	}
	return err
}

// PutUserPermissionsBoundary sets a user's permissions boundary.
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, name, arn string) error {
	if err := s.requireBoundary(ctx, arn); err != nil {
		return err
	}
	return s.updateUser(ctx, name, func(u *User) error { u.PermissionsBoundary = arn; return nil })
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, name string) error {
	return s.updateUser(ctx, name, func(u *User) error { u.PermissionsBoundary = ""; return nil })
}

// PutRolePermissionsBoundary sets a role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(ctx context.Context, name, arn string) error {
	if err := s.requireBoundary(ctx, arn); err != nil {
		return err
	}
	return s.updateRole(ctx, name, func(r *Role) error { r.PermissionsBoundary = arn; return nil })
}

// DeleteRolePermissionsBoundary removes a role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(ctx context.Context, name string) error {
	return s.updateRole(ctx, name, func(r *Role) error { r.PermissionsBoundary = ""; return nil })
}

func (s *Service) requireBoundary(ctx context.Context, arn string) error {
	if arn == "" {
		return errorf(ErrValidation, "1 validation error detected: Value at 'permissionsBoundary' failed to satisfy constraint: Member must not be null")
	}
	return s.checkBoundary(ctx, arn)
}

// boundaryDoc returns the document of a boundary ARN, "" for none. A
// boundary whose policy was deleted allows nothing, rather than lifting
// the cap.
func (s *Service) boundaryDoc(ctx context.Context, arn string) (string, error) {
	if arn == "" {
		return "", nil
	}
	doc, err := s.defaultDocument(ctx, s.store, arn)
	if errors.Is(err, ErrNoSuchEntity) {
		return denyAllDoc, nil
	}
	return doc, err
}

const denyAllDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
