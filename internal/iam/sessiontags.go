package iam

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Session tags and session policies, as STS has them.
//
// Tags passed to AssumeRole (or carried by a web identity token's
// https://aws.amazon.com/tags claim) become the session's aws:PrincipalTag
// values, over the role's own tags of the same key. Keys marked transitive
// pass on to the sessions the session assumes in turn (role chaining),
// which may not set them again. Passing tags needs sts:TagSession in the
// role's trust policy (with aws:RequestTag/KEY and aws:TagKeys).
//
// A session policy may be an inline document and up to ten managed
// policies (PolicyArns). The session can do what its identity policies
// allow and at least one of its session policies allows, so the
// documents are joined into one whose statements are all of theirs: any
// Allow in any of them allows, any Deny denies.

// Quotas of STS.
const (
	MaxSessionPolicyARNs  = 10
	maxInlineSessionChars = 2048
)

// sessionTags returns the tags and transitive keys of a new session of
// caller asking for tags and transitive keys.
func sessionTags(caller *Principal, tags []Tag, transitive []string) ([]Tag, []string, error) {
	if err := checkTags(tags); err != nil {
		return nil, nil, err
	}
	asked := tagSet(tags)
	var outKeys []string
	for _, k := range transitive {
		if _, ok := asked[strings.ToLower(k)]; !ok {
			return nil, nil, errorf(ErrValidation, "The specified transitive tag key must be included in the requested tags.")
		}
		outKeys = append(outKeys, asked[strings.ToLower(k)].Key)
	}
	out := append([]Tag(nil), tags...)
	if caller != nil && caller.Type == policy.PrincipalAssumedRole {
		have := tagSet(caller.SessionTags)
		for _, k := range caller.TransitiveTagKeys {
			t, ok := have[strings.ToLower(k)]
			if !ok {
				continue
			}
			if _, clash := asked[strings.ToLower(k)]; clash {
				return nil, nil, errorf(ErrValidation, "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
			}
			out = append(out, t)
			outKeys = append(outKeys, t.Key)
		}
	}
	if len(out) > MaxTags {
		return nil, nil, errorf(ErrLimitExceeded, "The number of session tags has reached the maximum limit.")
	}
	return out, outKeys, nil
}

// tagSessionContext is the trust policy's context for sts:TagSession.
func tagSessionContext(cond map[string][]string, tags []Tag) map[string][]string {
	out := make(map[string][]string, len(cond)+len(tags)+1)
	for k, v := range cond {
		out[k] = v
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		out["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	out["aws:TagKeys"] = keys
	return out
}

// principalTags are a session's aws:PrincipalTag values: the role's tags
// with the session's over them.
func principalTags(role, session []Tag) map[string]string {
	if len(session) == 0 {
		return TagMap(role)
	}
	m := tagSet(role)
	for _, t := range session {
		m[strings.ToLower(t.Key)] = t
	}
	return TagMap(sortedTags(m))
}

// checkSessionPolicies validates an inline session policy and the managed
// policies named as session policies.
func (s *Service) checkSessionPolicies(ctx context.Context, inline string, arns []string) error {
	if inline != "" {
		if len(inline) > 131072 || policySize(inline) > maxInlineSessionChars {
			return errorf(ErrPackedPolicyTooLarge, "Packed size of the session policy exceeds the limit.")
		}
		if _, err := checkPolicy(inline, policy.KindSession); err != nil {
			return err
		}
	}
	if len(arns) > MaxSessionPolicyARNs {
		return errorf(ErrValidation, "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to %d", MaxSessionPolicyARNs)
	}
	for _, arn := range arns {
		if _, err := s.managedByARN(ctx, s.store, arn); err != nil {
			return errorf(ErrValidation, "Policy %s does not exist or is not attachable.", clip(arn))
		}
	}
	return nil
}

// sessionPolicyDoc joins a session's inline policy and the current
// default versions of its managed session policies into one document
// ("" when it has none). A managed policy deleted since grants nothing.
func (s *Service) sessionPolicyDoc(ctx context.Context, r meta.Reader, inline string, arns []string) (string, error) {
	if len(arns) == 0 {
		return inline, nil
	}
	var docs []string
	if inline != "" {
		docs = append(docs, inline)
	}
	for _, arn := range arns {
		doc, err := s.defaultDocument(ctx, r, arn)
		if err != nil && !errors.Is(err, ErrNoSuchEntity) {
			return "", err
		}
		if err == nil {
			docs = append(docs, doc)
		}
	}
	return joinPolicies(docs)
}

// denyAll is what a session whose session policies are all gone may do.
const denyAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`

// joinPolicies makes one document of the statements of several (their
// Sids dropped, since two documents may reuse one).
func joinPolicies(docs []string) (string, error) {
	if len(docs) == 0 {
		return denyAll, nil
	}
	var stmts []map[string]json.RawMessage
	for _, d := range docs {
		var p struct{ Statement json.RawMessage }
		if err := json.Unmarshal([]byte(d), &p); err != nil {
			return "", errorf(ErrMalformedPolicy, "The session policy is not valid JSON.")
		}
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(p.Statement, &list); err != nil {
			var one map[string]json.RawMessage
			if err := json.Unmarshal(p.Statement, &one); err != nil {
				return "", errorf(ErrMalformedPolicy, "The session policy has no statements.")
			}
			list = []map[string]json.RawMessage{one}
		}
		for _, st := range list {
			delete(st, "Sid")
			stmts = append(stmts, st)
		}
	}
	out, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(out), err
}
