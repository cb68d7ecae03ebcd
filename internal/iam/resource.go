package iam

import (
	"context"
	"fmt"
)

// EntityKind names what an IAM request acts on, for its authorization.
type EntityKind string

const (
	KindUser         EntityKind = "user"
	KindGroup        EntityKind = "group"
	KindRole         EntityKind = "role"
	KindPolicy       EntityKind = "policy"
	KindOIDCProvider EntityKind = "oidc-provider"
)

// Resource returns the ARN an IAM request on the named entity is
// authorized against, and the entity's tags (aws:ResourceTag). An entity
// that does not exist (yet) is named with path (the request's Path, "/"
// when empty), as AWS names the resource of a CreateUser.
func (s *Service) Resource(ctx context.Context, kind EntityKind, name, path string) (string, map[string]string, error) {
	if path == "" {
		path = "/"
	}
	if _, err := checkPath(path); err != nil || checkName(string(kind), name, 128) != nil {
		return s.arn(string(kind), "/", ""), nil, nil // refused later by validation
	}
	var rec struct {
		ARN  string
		Tags []Tag
	}
	var e entity
	switch kind {
	case KindUser:
		e = userEntity
	case KindGroup:
		e = groupEntity
	case KindRole:
		e = roleEntity
	default:
		return s.arn(string(kind), path, name), nil, nil
	}
	found, err := getJSON(ctx, s.store, key(e.record, fold(name)), &rec)
	if err != nil {
		return "", nil, fmt.Errorf("iam: resource of %s %s: %w", kind, name, err)
	}
	if !found {
		return s.arn(string(kind), path, name), nil, nil
	}
	return rec.ARN, TagMap(rec.Tags), nil
}
