package iam

import (
	"context"
	"errors"

	"github.com/hoard-s3/hoard/internal/meta"
)

// UpdateUser renames a user or moves it to another path. Its unique id,
// keys, policies, groups and attachments follow it in the same commit.
func (s *Service) UpdateUser(ctx context.Context, name, newName, newPath string) error {
	if err := checkName("userName", name, 64); err != nil {
		return err
	}
	if newName != "" {
		if err := checkName("newUserName", newName, 64); err != nil {
			return err
		}
	}
	if newPath != "" {
		if _, err := checkPath(newPath); err != nil {
			return err
		}
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		u, err := s.getUser(ctx, txn, name)
		if err != nil {
			return err
		}
		old, to := fold(u.UserName), fold(u.UserName)
		if newName != "" {
			to = fold(newName)
			u.UserName = newName
		}
		if newPath != "" {
			u.Path = newPath
		}
		u.ARN = s.arn("user", u.Path, u.UserName)
		if to != old {
			if err := s.checkFree(ctx, txn, pUser, to, "User with name %s already exists.", newName); err != nil {
				return err
			}
			if err := s.renameUserIndexes(ctx, txn, old, to, u.UserName); err != nil {
				return err
			}
			if err := txn.Delete(key(pUser, old)); err != nil {
				return err
			}
		}
		return setJSON(txn, key(pUser, to), u)
	})
}

func (s *Service) checkFree(ctx context.Context, txn meta.Txn, prefix, name, msg, display string) error {
	_, err := txn.Get(ctx, key(prefix, name))
	if err == nil {
		return errorf(ErrEntityAlreadyExists, msg, display)
	}
	if !errors.Is(err, meta.ErrNotFound) {
		return err
	}
	return nil
}

func (s *Service) renameUserIndexes(ctx context.Context, txn meta.Txn, old, to, display string) error {
	// The key records name their user.
	err := forEach(ctx, txn, pUserKey+old+"/", func(akid string, _ []byte) error {
		var rec keyRecord
		if _, err := getJSON(ctx, txn, key(pKey, akid), &rec); err != nil {
			return err
		}
		rec.UserName = display
		return setJSON(txn, key(pKey, akid), rec)
	})
	if err != nil {
		return err
	}
	for _, p := range []string{pUserKey, pUserPol, pUserGrp, pAttach + "u/"} {
		if err := moveAll(ctx, txn, p+old+"/", p+to+"/"); err != nil {
			return err
		}
	}
	// The reverse indexes: group memberships and policy attachments.
	err = forEach(ctx, txn, pUserGrp+to+"/", func(g string, _ []byte) error {
		return rekey(txn, key(pMember, g, old), key(pMember, g, to), nil)
	})
	if err != nil {
		return err
	}
	return forEach(ctx, txn, pAttach+"u/"+to+"/", func(pk string, _ []byte) error {
		return rekey(txn, key(pPolAttach, pk, "u."+old), key(pPolAttach, pk, "u."+to), nil)
	})
}

// UpdateGroup renames a group or moves it to another path.
func (s *Service) UpdateGroup(ctx context.Context, name, newName, newPath string) error {
	if newName != "" {
		if err := checkName("newGroupName", newName, 128); err != nil {
			return err
		}
	}
	if newPath != "" {
		if _, err := checkPath(newPath); err != nil {
			return err
		}
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		g, err := s.getGroup(ctx, txn, name)
		if err != nil {
			return err
		}
		old, to := fold(g.GroupName), fold(g.GroupName)
		if newName != "" {
			to, g.GroupName = fold(newName), newName
		}
		if newPath != "" {
			g.Path = newPath
		}
		g.ARN = s.arn("group", g.Path, g.GroupName)
		if to != old {
			if err := s.checkFree(ctx, txn, pGroup, to, "Group with name %s already exists.", newName); err != nil {
				return err
			}
			for _, p := range []string{pMember, pGrpPol, pAttach + "g/"} {
				if err := moveAll(ctx, txn, p+old+"/", p+to+"/"); err != nil {
					return err
				}
			}
			err := forEach(ctx, txn, pMember+to+"/", func(u string, _ []byte) error {
				return rekey(txn, key(pUserGrp, u, old), key(pUserGrp, u, to), nil)
			})
			if err != nil {
				return err
			}
			err = forEach(ctx, txn, pAttach+"g/"+to+"/", func(pk string, _ []byte) error {
				return rekey(txn, key(pPolAttach, pk, "g."+old), key(pPolAttach, pk, "g."+to), nil)
			})
			if err != nil {
				return err
			}
			if err := txn.Delete(key(pGroup, old)); err != nil {
				return err
			}
		}
		return setJSON(txn, key(pGroup, to), g)
	})
}

// UpdateRoleInput changes a role's description and session duration; nil
// fields stay as they are.
type UpdateRoleInput struct {
	Description        *string
	MaxSessionDuration int32 // 0: unchanged
}

// UpdateRole changes a role's description or maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, name string, in UpdateRoleInput) error {
	if in.Description != nil && len(*in.Description) > 1000 {
		return errorf(ErrValidation, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000")
	}
	if d := in.MaxSessionDuration; d != 0 && (d < 3600 || d > MaxRoleSessionDuration) {
		return errorf(ErrValidation, "1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", d)
	}
	return s.updateRole(ctx, name, func(r *Role) error {
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != 0 {
			r.MaxSessionDuration = in.MaxSessionDuration
		}
		return nil
	})
}

// forEach calls fn for every key under prefix, collected first so that fn
// may write.
func forEach(ctx context.Context, txn meta.Txn, prefix string, fn func(suffix string, v []byte) error) error {
	type kv struct {
		k string
		v []byte
	}
	var all []kv
	err := scan(ctx, txn, prefix, "", func(suffix string, v []byte) (bool, error) {
		all = append(all, kv{suffix, append([]byte(nil), v...)})
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := fn(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// moveAll moves every key under from to the same suffix under to.
func moveAll(ctx context.Context, txn meta.Txn, from, to string) error {
	return forEach(ctx, txn, from, func(suffix string, v []byte) error {
		return rekey(txn, []byte(from+suffix), []byte(to+suffix), v)
	})
}

func rekey(txn meta.Txn, from, to, v []byte) error {
	if err := txn.Delete(from); err != nil {
		return err
	}
	return txn.Set(to, v)
}
