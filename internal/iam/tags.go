package iam

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Tag is a key-value pair on a user or role. Keys are unique regardless
// of case, as in IAM.
type Tag struct {
	Key   string
	Value string
}

// MaxTags is IAM's quota of tags per user or role.
const MaxTags = 50

var tagRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTags validates tags as IAM does: keys 1–128 characters, values up
// to 256, no key twice.
func checkTags(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || !tagRE.MatchString(t.Key) || strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length less than or equal to 128 and match pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", clip(t.Key))
		}
		if len(t.Value) > 256 || !tagRE.MatchString(t.Value) {
			return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256 and match pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", clip(t.Value))
		}
		if seen[strings.ToLower(t.Key)] {
			return errorf(ErrInvalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
	}
	if len(tags) > MaxTags {
		return errorf(ErrLimitExceeded, "The number of tags has reached the maximum limit.")
	}
	return nil
}

// mergeTags adds or replaces tags; the result is in key order.
func mergeTags(old, add []Tag) ([]Tag, error) {
	if err := checkTags(add); err != nil {
		return nil, err
	}
	m := make(map[string]Tag, len(old)+len(add))
	for _, t := range old {
		m[strings.ToLower(t.Key)] = t
	}
	for _, t := range add {
		m[strings.ToLower(t.Key)] = t
	}
	if len(m) > MaxTags {
		return nil, errorf(ErrLimitExceeded, "The number of tags has reached the maximum limit.")
	}
	return sortedTags(m), nil
}

func removeTags(old []Tag, keys []string) []Tag {
	m := make(map[string]Tag, len(old))
	for _, t := range old {
		m[strings.ToLower(t.Key)] = t
	}
	for _, k := range keys {
		delete(m, strings.ToLower(k))
	}
	return sortedTags(m)
}

func tagSet(tags []Tag) map[string]Tag {
	m := make(map[string]Tag, len(tags))
	for _, t := range tags {
		m[strings.ToLower(t.Key)] = t
	}
	return m
}

func sortedTags(m map[string]Tag) []Tag {
	if len(m) == 0 {
		return nil
	}
	out := make([]Tag, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// TagMap is tags as aws:PrincipalTag and aws:ResourceTag see them.
func TagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// updateUser rewrites a user's record with fn's change.
func (s *Service) updateUser(ctx context.Context, name string, fn func(*User) error) error {
	if err := checkName("userName", name, 64); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		u, err := s.getUser(ctx, txn, name)
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
		return setJSON(txn, key(pUser, fold(name)), u)
	})
}

func (s *Service) updateRole(ctx context.Context, name string, fn func(*Role) error) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		r, err := s.getRole(ctx, txn, name)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		return setJSON(txn, key(pRole, fold(name)), r)
	})
}

// TagUser adds or replaces tags of a user.
func (s *Service) TagUser(ctx context.Context, name string, tags []Tag) error {
	return s.updateUser(ctx, name, func(u *User) (err error) {
		u.Tags, err = mergeTags(u.Tags, tags)
		return err
	})
}

// UntagUser removes tags of a user; absent keys are ignored.
func (s *Service) UntagUser(ctx context.Context, name string, keys []string) error {
	return s.updateUser(ctx, name, func(u *User) error {
		u.Tags = removeTags(u.Tags, keys)
		return nil
	})
}

// TagRole adds or replaces tags of a role.
func (s *Service) TagRole(ctx context.Context, name string, tags []Tag) error {
	return s.updateRole(ctx, name, func(r *Role) (err error) {
		r.Tags, err = mergeTags(r.Tags, tags)
		return err
	})
}

// UntagRole removes tags of a role.
func (s *Service) UntagRole(ctx context.Context, name string, keys []string) error {
	return s.updateRole(ctx, name, func(r *Role) error {
		r.Tags = removeTags(r.Tags, keys)
		return nil
	})
}

// withResourceTags adds aws:ResourceTag/KEY (and iam:ResourceTag/KEY) for
// the tags of the role a request acts on.
func withResourceTags(cond map[string][]string, tags []Tag) map[string][]string {
	for _, t := range tags {
		cond["aws:ResourceTag/"+t.Key] = []string{t.Value}
		cond["iam:ResourceTag/"+t.Key] = []string{t.Value}
	}
	return cond
}
