package iam

import (
	"context"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// MaxGroupsPerUser is AWS's quota on a user's group memberships.
const MaxGroupsPerUser = 10

// Group is an IAM group.
type Group struct {
	Path       string
	GroupName  string
	GroupID    string
	ARN        string
	CreateDate time.Time
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, name, path string) (*Group, error) {
	if err := checkName("groupName", name, 128); err != nil {
		return nil, err
	}
	path, err := checkPath(path)
	if err != nil {
		return nil, err
	}
	id, err := newID("AGPA")
	if err != nil {
		return nil, err
	}
	g := &Group{Path: path, GroupName: name, GroupID: id, ARN: s.arn("group", path, name), CreateDate: s.clock()}
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		var old Group
		found, err := getJSON(ctx, txn, key(pGroup, fold(name)), &old)
		if err != nil {
			return err
		}
		if found {
			return errorf(ErrEntityAlreadyExists, "Group with name %s already exists.", name)
		}
		return setJSON(txn, key(pGroup, fold(name)), g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func (s *Service) getGroup(ctx context.Context, r meta.Reader, name string) (*Group, error) {
	if err := checkName("groupName", name, 128); err != nil {
		return nil, err
	}
	var g Group
	found, err := getJSON(ctx, r, key(pGroup, fold(name)), &g)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errorf(ErrNoSuchEntity, "The group with name %s cannot be found.", name)
	}
	return &g, nil
}

// GetGroup returns a group and a page of its members.
func (s *Service) GetGroup(ctx context.Context, name string, page Page) (*Group, []User, string, error) {
	g, err := s.getGroup(ctx, s.store, name)
	if err != nil {
		return nil, nil, "", err
	}
	var users []User
	next, err := listRecords(ctx, s.store, pMember+fold(name)+"/", page, func(member string, _ []byte, add bool) (bool, error) {
		if !add {
			return true, nil
		}
		u, err := s.getUser(ctx, s.store, member)
		if err != nil {
			return false, err
		}
		users = append(users, *u)
		return true, nil
	})
	if err != nil {
		return nil, nil, "", err
	}
	return g, users, next, nil
}

// ListGroups lists groups whose path starts with pathPrefix.
func (s *Service) ListGroups(ctx context.Context, pathPrefix string, page Page) ([]Group, string, error) {
	var out []Group
	next, err := listRecords(ctx, s.store, pGroup, page, func(_ string, raw []byte, add bool) (bool, error) {
		var g Group
		if err := decodeRecord(raw, &g); err != nil {
			return false, err
		}
		if !strings.HasPrefix(g.Path, pathPrefix) {
			return false, nil
		}
		if add {
			out = append(out, g)
		}
		return true, nil
	})
	return out, next, err
}

// DeleteGroup deletes a group without members or inline policies.
func (s *Service) DeleteGroup(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.getGroup(ctx, txn, name); err != nil {
			return err
		}
		for _, p := range []struct{ prefix, what string }{{pMember, "users"}, {pGrpPol, "policies"}, {pAttach + "g/", "attached policies"}} {
			has, err := exists(ctx, txn, p.prefix+fold(name)+"/")
			if err != nil {
				return err
			}
			if has {
				return errorf(ErrDeleteConflict, "Cannot delete entity, must remove %s from group first.", p.what)
			}
		}
		return txn.Delete(key(pGroup, fold(name)))
	})
}

// AddUserToGroup makes a user a member of a group (idempotent).
func (s *Service) AddUserToGroup(ctx context.Context, group, user string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.getGroup(ctx, txn, group); err != nil {
			return err
		}
		if err := userEntity.check(ctx, txn, user); err != nil {
			return err
		}
		g, u := fold(group), fold(user)
		if _, err := txn.Get(ctx, key(pMember, g, u)); err == nil {
			return nil
		}
		n, err := count(ctx, txn, pUserGrp+u+"/", MaxGroupsPerUser)
		if err != nil {
			return err
		}
		if n >= MaxGroupsPerUser {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for GroupsPerUser: %d", MaxGroupsPerUser)
		}
		if err := txn.Set(key(pMember, g, u), nil); err != nil {
			return err
		}
		return txn.Set(key(pUserGrp, u, g), nil)
	})
}

// RemoveUserFromGroup removes a user from a group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.getGroup(ctx, txn, group); err != nil {
			return err
		}
		if err := userEntity.check(ctx, txn, user); err != nil {
			return err
		}
		g, u := fold(group), fold(user)
		if _, err := txn.Get(ctx, key(pMember, g, u)); err != nil {
			return errorf(ErrNoSuchEntity, "The user with name %s cannot be found in group %s.", user, group)
		}
		if err := txn.Delete(key(pMember, g, u)); err != nil {
			return err
		}
		return txn.Delete(key(pUserGrp, u, g))
	})
}

// ListGroupsForUser lists the groups a user belongs to.
func (s *Service) ListGroupsForUser(ctx context.Context, user string, page Page) ([]Group, string, error) {
	if err := userEntity.check(ctx, s.store, user); err != nil {
		return nil, "", err
	}
	var out []Group
	next, err := listRecords(ctx, s.store, pUserGrp+fold(user)+"/", page, func(group string, _ []byte, add bool) (bool, error) {
		if !add {
			return true, nil
		}
		g, err := s.getGroup(ctx, s.store, group)
		if err != nil {
			return false, err
		}
		out = append(out, *g)
		return true, nil
	})
	return out, next, err
}
