// Package policy implements the IAM policy language as Amazon S3 and IAM
// use it: parsing and validation of policy documents, condition operators,
// policy variables, the AWS evaluation logic and S3's definition of a public
// bucket policy. Policies are compiled once at Parse; evaluation allocates
// little and never re-parses.
package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode"
)

// Kind says where a policy document is attached; it decides the size limit
// and which elements are required or forbidden.
type Kind uint8

const (
	KindBucket  Kind = iota + 1 // bucket policy: Principal required, 20 KB
	KindUser                    // inline user policy: no Principal, 2,048 characters
	KindGroup                   // inline group policy: 5,120 characters
	KindRole                    // inline role policy: 10,240 characters
	KindSession                 // STS session policies: the inline one (2,048 characters, STS checks) joined with up to ten managed ones
	KindTrust                   // role trust policy: Principal required, 2,048 characters
	KindKey                     // KMS key policy: Principal required, kms: actions, 32 KB
)

// MaxSize returns the size limit of a policy of this kind. Bucket policies
// count bytes; IAM does not count white space.
func (k Kind) MaxSize() int {
	switch k {
	case KindBucket:
		return 20 * 1024
	case KindKey:
		return 32 * 1024
	case KindGroup:
		return 5120
	case KindRole:
		return 10240
	case KindSession:
		return 2048 + 10*6144
	}
	return 2048
}

func (k Kind) resourceBased() bool { return k == KindBucket || k == KindTrust || k == KindKey }

// Effect is a statement's effect.
type Effect string

const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed, validated and compiled policy document.
type Policy struct {
	Version    string
	ID         string
	Statements []*Statement
	Kind       Kind
	vars       bool      // policy variables are substituted (Version 2012-10-17)
	all        []*Policy // set by Intersect: every member must allow
}

// Statement is one compiled statement.
type Statement struct {
	Sid          string
	Effect       Effect
	Principal    *Principals // nil when the statement names none
	NotPrincipal bool
	actions      []pattern
	NotAction    bool
	resources    []pattern
	NotResource  bool
	conds        []*condition
}

const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Parse validates and compiles a policy document of the given kind. Every
// rejection wraps ErrMalformedPolicy and carries AWS's reason text.
func Parse(doc []byte, kind Kind) (*Policy, error) {
	if size(doc, kind) > kind.MaxSize() {
		return nil, malformed("Policy exceeds the maximum allowed document size.")
	}
	trimmed := bytes.TrimLeftFunc(doc, unicode.IsSpace)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformed("Policies must be valid JSON and the first byte must be '{'")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, malformed("This policy contains invalid Json")
	}
	p := &Policy{Kind: kind, Version: Version2008}
	for _, k := range sortedKeys(top) {
		v := top[k]
		var err error
		switch k {
		case "Version":
			err = decodeString(v, &p.Version)
		case "Id":
			err = decodeString(v, &p.ID)
		case "Statement":
		default:
			return nil, malformed("Unknown field " + k)
		}
		if err != nil {
			return nil, malformed("Invalid policy syntax.")
		}
	}
	if p.Version != Version2012 && p.Version != Version2008 {
		return nil, malformed("The policy must contain a valid version string")
	}
	p.vars = p.Version == Version2012
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed("Missing required field Statement")
	}
	stmts, err := splitList(raw)
	if err != nil {
		return nil, malformed("Invalid policy syntax.")
	}
	if len(stmts) == 0 {
		return nil, malformed("Could not parse the policy: Statement is empty!")
	}
	sids := map[string]bool{}
	for _, s := range stmts {
		st, err := p.parseStatement(s)
		if err != nil {
			return nil, err
		}
		// IAM requires unique statement ids; S3 does not for bucket
		// policies (it stores and applies policies that repeat one).
		if st.Sid != "" && kind != KindBucket {
			if sids[st.Sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique")
			}
			sids[st.Sid] = true
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

// size measures a document the way its service does.
func size(doc []byte, kind Kind) int {
	if kind == KindBucket || kind == KindKey {
		return len(doc)
	}
	n := 0
	for _, r := range string(doc) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// splitList reads a JSON value that is either one element or an array.
func splitList(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var l []json.RawMessage
		err := json.Unmarshal(raw, &l)
		return l, err
	}
	return []json.RawMessage{raw}, nil
}

// stringList reads "x" or ["x", "y"]; anything else is an error.
func stringList(raw json.RawMessage) ([]string, error) {
	items, err := splitList(raw)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		if err := decodeString(it, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// decodeString accepts only a JSON string.
func decodeString(raw json.RawMessage, dst *string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return fmt.Errorf("not a string")
	}
	return json.Unmarshal(raw, dst)
}

// scalarList reads condition values: a string, number or boolean, or an
// array of them, each as its JSON text (strings unquoted).
func scalarList(raw json.RawMessage) ([]string, error) {
	items, err := splitList(raw)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		it = bytes.TrimSpace(it)
		if len(it) == 0 {
			return nil, fmt.Errorf("empty value")
		}
		switch c := it[0]; {
		case c == '"':
			var s string
			if err := json.Unmarshal(it, &s); err != nil {
				return nil, err
			}
			out = append(out, s)
		case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
			out = append(out, string(it))
		default:
			return nil, fmt.Errorf("condition value must be a string, number or boolean")
		}
	}
	return out, nil
}
