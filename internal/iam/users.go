package iam

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// User is an IAM user.
type User struct {
	Path       string
	UserName   string
	UserID     string
	ARN        string
	CreateDate time.Time
	// Tags and PermissionsBoundary (a managed policy's ARN) are
	// optional.
	Tags                []Tag  `json:",omitempty"`
	PermissionsBoundary string `json:",omitempty"`
}

func (s *Service) arn(kind, path, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:%s%s%s", s.acct, kind, path, name)
}

// RootARN is the ARN of the account root.
func (s *Service) RootARN() string { return fmt.Sprintf("arn:aws:iam::%s:root", s.acct) }

// CreateUser creates a user.
func (s *Service) CreateUser(ctx context.Context, name, path string) (*User, error) {
	return s.CreateUserWith(ctx, CreateUserInput{UserName: name, Path: path})
}

// CreateUserInput describes a new user; Tags and PermissionsBoundary are
// optional.
type CreateUserInput struct {
	UserName, Path      string
	Tags                []Tag
	PermissionsBoundary string
}

// CreateUserWith creates a user with tags and a permissions boundary.
func (s *Service) CreateUserWith(ctx context.Context, in CreateUserInput) (*User, error) {
	name := in.UserName
	if err := checkName("userName", name, 64); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	id, err := newID("AIDA")
	if err != nil {
		return nil, err
	}
	u := &User{Path: path, UserName: name, UserID: id, ARN: s.arn("user", path, name), CreateDate: s.clock(),
		Tags: sortedTags(tagSet(in.Tags)), PermissionsBoundary: in.PermissionsBoundary}
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		var old User
		found, err := getJSON(ctx, txn, key(pUser, fold(name)), &old)
		if err != nil {
			return err
		}
		if found {
			return errorf(ErrEntityAlreadyExists, "User with name %s already exists.", name)
		}
		return setJSON(txn, key(pUser, fold(name)), u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// GetUser returns a user.
func (s *Service) GetUser(ctx context.Context, name string) (*User, error) {
	if err := checkName("userName", name, 64); err != nil {
		return nil, err
	}
	return s.getUser(ctx, s.store, name)
}

func (s *Service) getUser(ctx context.Context, r meta.Reader, name string) (*User, error) {
	var u User
	found, err := getJSON(ctx, r, key(pUser, fold(name)), &u)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errorf(ErrNoSuchEntity, "The user with name %s cannot be found.", name)
	}
	return &u, nil
}

// ListUsers lists users whose path starts with pathPrefix, in name order.
// The returned marker is non-empty when more remain.
func (s *Service) ListUsers(ctx context.Context, pathPrefix string, page Page) ([]User, string, error) {
	var out []User
	next, err := listRecords(ctx, s.store, pUser, page, func(_ string, raw []byte, add bool) (bool, error) {
		var u User
		if err := decodeRecord(raw, &u); err != nil {
			return false, err
		}
		if !strings.HasPrefix(u.Path, pathPrefix) {
			return false, nil
		}
		if add {
			out = append(out, u)
		}
		return true, nil
	})
	return out, next, err
}

// DeleteUser deletes a user that has no access keys, inline policies or
// group memberships left (DeleteConflict otherwise, as in AWS).
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	if err := checkName("userName", name, 64); err != nil {
		return err
	}
	n := fold(name)
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.getUser(ctx, txn, name); err != nil {
			return err
		}
		for _, p := range []struct{ prefix, what string }{
			{pUserKey, "access keys"}, {pUserPol, "policies"}, {pUserGrp, "groups"}, {pAttach + "u/", "attached policies"},
		} {
			has, err := exists(ctx, txn, p.prefix+n+"/")
			if err != nil {
				return err
			}
			if has {
				return errorf(ErrDeleteConflict, "Cannot delete entity, must remove %s first.", p.what)
			}
		}
		return txn.Delete(key(pUser, n))
	})
}

// listRecords pages through the records under prefix. take decodes one,
// reports whether it belongs to the answer (a filter may skip it) and keeps
// it when add is set. It returns the marker of the next page, or "" at the
// end.
func listRecords(ctx context.Context, r meta.Reader, prefix string, page Page, take func(suffix string, raw []byte, add bool) (bool, error)) (string, error) {
	limit, err := page.limit()
	if err != nil {
		return "", err
	}
	after, err := page.marker()
	if err != nil {
		return "", err
	}
	n, last, next := 0, "", ""
	err = scan(ctx, r, prefix, after, func(suffix string, raw []byte) (bool, error) {
		if n == limit {
			// One more item exists past a full page: the page ends here.
			ok, err := take(suffix, raw, false)
			if ok {
				next = last
			}
			return ok, err
		}
		ok, err := take(suffix, raw, true)
		if ok {
			n++
			last = suffix
		}
		return false, err
	})
	return next, err
}
