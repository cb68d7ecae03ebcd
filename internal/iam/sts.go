package iam

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/policy"
)

// STS duration bounds, in seconds, as AWS's.
const (
	MinSessionDuration          = 900
	DefaultRoleSessionDuration  = 3600
	DefaultTokenSessionDuration = 43200
	MaxTokenSessionDuration     = 129600
	roleChainingMax             = 3600
)

// Credentials are temporary credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// AssumedRoleUser names an assumed-role session.
type AssumedRoleUser struct {
	AssumedRoleID string // AROA…:SESSION
	ARN           string // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
}

// AssumeRoleInput is an AssumeRole request. DurationSeconds 0 means 3600.
type AssumeRoleInput struct {
	RoleARN         string
	RoleSessionName string
	DurationSeconds int32
	Policy          string // session policy; empty for none
	ExternalID      string // sts:ExternalId for the trust policy's conditions
	// PolicyARNs are managed session policies (sessiontags.go).
	PolicyARNs []string
	// Tags are session tags; TransitiveTagKeys those of them that pass on
	// to sessions this one assumes.
	Tags              []Tag
	TransitiveTagKeys []string
}

// sessionRecord is a stored temporary credential.
type sessionRecord struct {
	AccessKeyID string
	Kind        policy.PrincipalType
	UserName    string   `json:",omitempty"` // user sessions
	UserID      string   `json:",omitempty"`
	RoleName    string   `json:",omitempty"` // assumed-role sessions
	RoleID      string   `json:",omitempty"`
	SessionName string   `json:",omitempty"`
	Policy      string   `json:",omitempty"`
	PolicyARNs  []string `json:",omitempty"`
	Tags        []Tag    `json:",omitempty"` // session tags
	Transitive  []string `json:",omitempty"` // transitive session tag keys
	// Provider is the OpenID Connect provider of a web-identity session.
	Provider   string `json:",omitempty"`
	Expiration time.Time
	Wrapped    []byte // sessionSecrets under the root key
}

func sessionAAD(id string) []byte { return []byte("iam session\x00" + id) }

// AssumeRole issues temporary credentials of a role to caller, when the
// role's trust policy (and, for a trust that names the account, the
// caller's identity policies) allow it.
func (s *Service) AssumeRole(ctx context.Context, caller *Principal, in AssumeRoleInput) (*Credentials, *AssumedRoleUser, error) {
	if !sessionNameRE.MatchString(in.RoleSessionName) {
		return nil, nil, errorf(ErrValidation, "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", clip(in.RoleSessionName))
	}
	dur, err := duration(in.DurationSeconds, DefaultRoleSessionDuration, MaxRoleSessionDuration)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkSessionPolicies(ctx, in.Policy, in.PolicyARNs); err != nil {
		return nil, nil, err
	}
	tags, transitive, err := sessionTags(caller, in.Tags, in.TransitiveTagKeys)
	if err != nil {
		return nil, nil, err
	}
	if in.ExternalID != "" && (len(in.ExternalID) < 2 || len(in.ExternalID) > 1224 || !externalIDRE.MatchString(in.ExternalID)) {
		return nil, nil, errorf(ErrValidation, "1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224 and match pattern [\\w+=,.@:\\/-]*")
	}
	role, err := s.roleByARN(ctx, in.RoleARN)
	cond := func() map[string][]string { return withResourceTags(s.trustContext(in), role.Tags) }
	if err != nil || !s.trusts(role, caller, "sts:AssumeRole", cond()) {
		return nil, nil, errorf(ErrAccessDenied, "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, clip(in.RoleARN))
	}
	if len(tags) > 0 && !s.trusts(role, caller, "sts:TagSession", tagSessionContext(cond(), tags)) {
		return nil, nil, errorf(ErrAccessDenied, "User: %s is not authorized to perform: sts:TagSession on resource: %s", caller.ARN, clip(in.RoleARN))
	}
	if dur > int(role.MaxSessionDuration) {
		return nil, nil, errorf(ErrValidation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if caller.Type == policy.PrincipalAssumedRole && dur > roleChainingMax {
		return nil, nil, errorf(ErrValidation, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	rec := sessionRecord{Kind: policy.PrincipalAssumedRole, RoleName: role.RoleName, RoleID: role.RoleID, SessionName: in.RoleSessionName,
		Policy: in.Policy, PolicyARNs: in.PolicyARNs, Tags: tags, Transitive: transitive}
	creds, err := s.issue(ctx, rec, dur)
	if err != nil {
		return nil, nil, err
	}
	user := &AssumedRoleUser{
		AssumedRoleID: role.RoleID + ":" + in.RoleSessionName,
		ARN:           fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", s.acct, role.RoleName, in.RoleSessionName),
	}
	return creds, user, nil
}

// GetSessionToken issues temporary credentials of the root or a user to
// itself; session credentials may not ask (AccessDenied, as in AWS).
func (s *Service) GetSessionToken(ctx context.Context, caller *Principal, durationSeconds int32) (*Credentials, error) {
	if caller.Temporary {
		return nil, errorf(ErrAccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	max := MaxTokenSessionDuration
	if caller.IsRoot() {
		max = 3600 // AWS caps root's sessions at one hour
	}
	dur, err := duration(durationSeconds, min(DefaultTokenSessionDuration, max), MaxTokenSessionDuration)
	if err != nil {
		return nil, err
	}
	dur = min(dur, max)
	rec := sessionRecord{Kind: caller.Type}
	if caller.Type == policy.PrincipalUser {
		rec.UserName, rec.UserID = caller.UserName, caller.UserID
	} else if !caller.IsRoot() {
		return nil, errorf(ErrAccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	return s.issue(ctx, rec, dur)
}

func duration(v int32, def, max int) (int, error) {
	if v == 0 {
		return def, nil
	}
	if v < MinSessionDuration || int(v) > max {
		return 0, errorf(ErrValidation, "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between %d and %d", v, MinSessionDuration, max)
	}
	return int(v), nil
}

// issue stores a new session and returns its credentials.
func (s *Service) issue(ctx context.Context, rec sessionRecord, seconds int) (*Credentials, error) {
	id, secret, err := newAccessKey("ASIA")
	if err != nil {
		return nil, err
	}
	tok := make([]byte, 96)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("iam: random: %w", err)
	}
	token := base64.StdEncoding.EncodeToString(tok)
	plain, _ := json.Marshal(sessionSecrets{Secret: secret, Token: token})
	if rec.Wrapped, err = s.wrap.Wrap(plain, sessionAAD(id)); err != nil {
		return nil, err
	}
	rec.AccessKeyID = id
	rec.Expiration = s.clock().Add(time.Duration(seconds) * time.Second)
	err = s.store.Update(ctx, func(txn meta.Txn) error { return setJSON(txn, key(pSession, id), rec) })
	if err != nil {
		return nil, err
	}
	return &Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token, Expiration: rec.Expiration}, nil
}

var externalIDRE = regexp.MustCompile(`^[\w+=,.@:/-]+$`)

// trustContext holds the condition keys a trust policy may test.
func (s *Service) trustContext(in AssumeRoleInput) map[string][]string {
	now := s.now().UTC()
	m := map[string][]string{
		"sts:RoleSessionName": {in.RoleSessionName},
		"aws:CurrentTime":     {now.Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
	}
	if in.ExternalID != "" {
		m["sts:ExternalId"] = []string{in.ExternalID}
	}
	return m
}

// roleByARN finds the role an ARN of this account names.
func (s *Service) roleByARN(ctx context.Context, arn string) (*Role, error) {
	prefix := fmt.Sprintf("arn:aws:iam::%s:role/", s.acct)
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok || len(arn) > 2048 {
		return nil, errorf(ErrAccessDenied, "not a role of this account")
	}
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	r, err := s.getRole(ctx, s.store, name)
	if err != nil {
		return nil, err
	}
	if r.ARN != arn {
		return nil, errorf(ErrAccessDenied, "role path differs")
	}
	return r, nil
}

// PurgeExpiredSessions removes the records of expired temporary
// credentials (they are already refused) and returns how many it removed.
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int, error) {
	var expired [][]byte
	now := s.now()
	err := scan(ctx, s.store, pSession, "", func(id string, raw []byte) (bool, error) {
		var rec sessionRecord
		if err := json.Unmarshal(raw, &rec); err != nil || !now.Before(rec.Expiration) {
			expired = append(expired, key(pSession, id))
		}
		return false, nil
	})
	if err != nil || len(expired) == 0 {
		return 0, err
	}
	const batch = 1000
	total := len(expired)
	for len(expired) > 0 {
		n := min(batch, len(expired))
		err := s.store.Update(ctx, func(txn meta.Txn) error {
			for _, k := range expired[:n] {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		expired = expired[n:]
	}
	return total, nil
}
