// Package postpolicy authenticates and validates browser form uploads
// (POST Object) as Amazon S3 defines them: a multipart/form-data body whose
// fields carry a base64 JSON policy signed with SigV4 (or the legacy
// SigV2), followed by the file. It reads the form as a stream, checks the
// signature and every policy condition, and hands the file on as a reader
// that enforces content-length-range. It knows no buckets or storage.
package postpolicy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Condition operators, lowercase. S3 matches operator names without regard
// to case.
const (
	OpEq         = "eq"
	OpStartsWith = "starts-with"
	OpRange      = "content-length-range"
)

// Policy is a decoded POST policy.
type Policy struct {
	Expiration time.Time
	Conditions []Condition
}

// Condition is one entry of the policy's conditions list. Exact-match
// objects ({"acl": "x"}) become OpEq conditions.
type Condition struct {
	Op       string // OpEq, OpStartsWith or OpRange
	Field    string // lowercased form field name, without '$'; "" for OpRange
	Value    string
	Min, Max int64 // OpRange bounds, inclusive

	// never marks a condition S3 parses but no form can satisfy: a field
	// reference without '$', or a range bound that is a non-numeric string.
	never bool
	text  string // how S3 prints the condition when it fails
}

// String is the condition as S3 prints it in "Policy Condition failed".
func (c Condition) String() string { return c.text }

// ParsePolicy decodes the policy form field (base64 of UTF-8 JSON).
// Errors wrap ErrInvalidPolicy and carry S3's "Invalid Policy: ..." text.
func ParsePolicy(field string) (*Policy, error) {
	doc, err := base64.StdEncoding.DecodeString(field)
	if err != nil {
		return nil, policyErr("invalid Base64 encoding.")
	}
	return DecodePolicy(doc)
}

// DecodePolicy parses the JSON document of a policy.
func DecodePolicy(doc []byte) (*Policy, error) {
	// encoding/json would silently replace invalid UTF-8; the policy must
	// be UTF-8, so refuse it instead.
	if !utf8.Valid(doc) {
		return nil, policyErr("Invalid JSON.")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil || top == nil {
		return nil, policyErr("Invalid JSON.")
	}
	// Member names are case-sensitive: "EXPIRATION" is an unexpected member.
	var unexpected []string
	for k := range top {
		if k != "expiration" && k != "conditions" {
			unexpected = append(unexpected, strings.ToLower(k))
		}
	}
	if len(unexpected) > 0 {
		slices.Sort(unexpected)
		return nil, policyErr("Unexpected: '%s'", unexpected[0])
	}
	p := &Policy{}
	rawExp, ok := top["expiration"]
	if !ok {
		return nil, policyErr("Policy missing expiration.")
	}
	if p.Expiration, ok = parseExpiration(rawExp); !ok {
		return nil, policyErr("Invalid 'expiration' value: '%s'", strings.Trim(string(rawExp), `"`))
	}
	rawConds, ok := top["conditions"]
	if !ok {
		return nil, policyErr("Policy missing conditions.")
	}
	var list []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(rawConds), []byte("null")) || json.Unmarshal(rawConds, &list) != nil {
		return nil, policyErr("Invalid 'conditions' value: must be a List.")
	}
	for _, raw := range list {
		c, err := parseCondition(raw)
		if err != nil {
			return nil, err
		}
		p.Conditions = append(p.Conditions, c)
	}
	return p, nil
}

// parseExpiration accepts ISO 8601 in UTC with or without fractional
// seconds, as AWS's examples and SDKs write it. S3 refuses offsets and a
// space for the 'T'.
func parseExpiration(raw json.RawMessage) (time.Time, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil || !strings.HasSuffix(s, "Z") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func parseCondition(raw json.RawMessage) (Condition, error) {
	switch t := bytes.TrimSpace(raw); {
	case len(t) > 0 && t[0] == '{':
		return parseSimple(t)
	case len(t) > 0 && t[0] == '[':
		return parseList(t)
	case bytes.Equal(t, []byte("null")):
		return Condition{}, policyErr("Invalid JSON.")
	}
	return Condition{}, policyErr("Invalid condition test: must be a List or Object.")
}

// parseSimple reads {"field": "value"}, an exact match.
func parseSimple(raw []byte) (Condition, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return Condition{}, policyErr("Invalid JSON.")
	}
	if len(m) != 1 {
		return Condition{}, policyErr("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
	}
	for name, v := range m {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return Condition{}, policyErr("Invalid JSON.")
		}
		var value string
		if json.Unmarshal(v, &value) != nil {
			return Condition{}, policyErr("Invalid Simple-Condition: value must be a string.")
		}
		// S3 prints a failed exact match as the equivalent eq list.
		return Condition{Op: OpEq, Field: strings.ToLower(name), Value: value,
			text: listText(jsonString(OpEq), jsonString("$"+name), jsonString(value))}, nil
	}
	return Condition{}, policyErr("Invalid JSON.") // not reached: m has one member
}

// parseList reads ["eq"|"starts-with", "$field", "value"] and
// ["content-length-range", min, max].
func parseList(raw []byte) (Condition, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return Condition{}, policyErr("Invalid JSON.")
	}
	if len(items) == 0 {
		return Condition{}, policyErr("Invalid Condition: missing operation identifier.")
	}
	var op string
	if json.Unmarshal(items[0], &op) != nil {
		return Condition{}, policyErr("Invalid JSON.")
	}
	lop := strings.ToLower(op)
	if lop != OpEq && lop != OpStartsWith && lop != OpRange {
		return Condition{}, policyErr("Invalid Condition: unknown operation '%s'.", op)
	}
	if len(items) != 3 {
		return Condition{}, policyErr("Invalid %s: wrong number of arguments.", op)
	}
	if lop == OpRange {
		return parseRange(op, items[1], items[2])
	}
	var ref, value string
	if json.Unmarshal(items[1], &ref) != nil || json.Unmarshal(items[2], &value) != nil {
		return Condition{}, policyErr("Invalid JSON.")
	}
	c := Condition{Op: lop, Value: value, text: listText(jsonString(op), jsonString(ref), jsonString(value))}
	if name, ok := strings.CutPrefix(ref, "$"); ok {
		c.Field = strings.ToLower(name)
	} else {
		c.never = true // S3 parses it, then fails the condition
	}
	return c, nil
}

// parseRange reads the two bounds. Integers and numeric strings are
// accepted, as S3 does; a float is invalid JSON to S3, and a string that is
// no number parses but fails as a condition.
func parseRange(op string, lo, hi json.RawMessage) (Condition, error) {
	c := Condition{Op: OpRange, text: listText(jsonString(op), compact(lo), compact(hi))}
	var err error
	var ok1, ok2 bool
	if c.Min, ok1, err = parseBound(lo); err != nil {
		return Condition{}, err
	}
	if c.Max, ok2, err = parseBound(hi); err != nil {
		return Condition{}, err
	}
	c.never = !ok1 || !ok2
	if !c.never && (c.Min < 0 || c.Max < 0) {
		return Condition{}, policyErr("Invalid content-length-range: bounds must not be negative.")
	}
	return c, nil
}

// parseBound returns the bound, whether it is usable, and an error for
// JSON S3 refuses outright.
func parseBound(raw json.RawMessage) (int64, bool, error) {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' {
		var s string
		if json.Unmarshal(t, &s) != nil {
			return 0, false, policyErr("Invalid JSON.")
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return n, err == nil, nil
	}
	n, err := strconv.ParseInt(string(t), 10, 64)
	if err != nil {
		return 0, false, policyErr("Invalid JSON.")
	}
	return n, true, nil
}

func listText(parts ...string) string { return "[" + strings.Join(parts, ", ") + "]" }

// jsonString quotes s as JSON without HTML escaping, as S3 prints it.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}
