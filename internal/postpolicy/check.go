package postpolicy

import "strings"

// fields are the form fields before the file, keyed by lowercased name
// (S3 treats names case-insensitively). Repeated fields are joined with
// commas, as S3 documents.
type fields struct {
	values map[string]string
	names  map[string]string // lowercased -> as first sent, for messages
	order  []string          // lowercased, in form order
}

func newFields() *fields {
	return &fields{values: map[string]string{}, names: map[string]string{}}
}

func (f *fields) add(name, value string) {
	k := strings.ToLower(name)
	if old, ok := f.values[k]; ok {
		f.values[k] = old + "," + value
		return
	}
	f.values[k] = value
	f.names[k] = name
	f.order = append(f.order, k)
}

func (f *fields) get(name string) (string, bool) {
	v, ok := f.values[name]
	return v, ok
}

// lengthRange is the content-length-range the policy allows; max < 0 means
// no upper bound.
type lengthRange struct{ min, max int64 }

// check applies the policy to the form: every condition must hold, and
// every field but the exempt ones must be the subject of a condition.
// bucket is the bucket the request addresses: the "bucket" condition is
// about it, whatever a bucket field says.
func (p *Policy) check(f *fields, bucket string, exempt func(string) bool) (lengthRange, error) {
	lr := lengthRange{min: 0, max: -1}
	covered := map[string]bool{}
	for i := range p.Conditions {
		c := &p.Conditions[i]
		if c.never {
			return lr, conditionErr("Policy Condition failed: %s", c.text)
		}
		if c.Op == OpRange {
			// Several ranges must all hold: keep their intersection.
			lr.min = max(lr.min, c.Min)
			if lr.max < 0 || c.Max < lr.max {
				lr.max = c.Max
			}
			continue
		}
		covered[c.Field] = true
		value, ok := f.get(c.Field)
		if c.Field == "bucket" {
			value, ok = bucket, true
		}
		// A condition on an absent field fails, except starts-with "",
		// which S3 documents as "any content" and applies to a field the
		// form leaves out (a policy may allow x-amz-server-side-encryption
		// without the form choosing one).
		anything := c.Op != OpEq && c.Value == ""
		if !ok && !anything || ok && !c.matches(value) {
			return lr, conditionErr("Policy Condition failed: %s", c.text)
		}
	}
	for _, k := range f.order {
		if !covered[k] && !exempt(k) {
			return lr, conditionErr("Extra input fields: %s", f.names[k])
		}
	}
	return lr, nil
}

// matches compares case-sensitively, as S3 does for values.
func (c *Condition) matches(value string) bool {
	if c.Op == OpEq {
		return value == c.Value
	}
	// "Content-Types values for a starts-with condition that include
	// commas are interpreted as lists. Each value in the list must meet the
	// condition." Other fields are plain strings.
	if c.Field == "content-type" {
		for _, v := range strings.Split(value, ",") {
			if !strings.HasPrefix(strings.TrimSpace(v), c.Value) {
				return false
			}
		}
		return true
	}
	return strings.HasPrefix(value, c.Value)
}

// exemptV4 and exemptV2 are the fields no condition needs to cover: "Each
// form field that you specify in a form (except x-amz-signature, file,
// policy, and field names that have an x-ignore- prefix) must appear in the
// list of conditions" (AWSAccessKeyId and signature instead for SigV2).
// S3 also takes checksum fields that no condition names: they only add a
// check of the file's bytes, so they cannot widen what the policy allows.
func exemptV4(k string) bool {
	return k == "x-amz-signature" || k == "file" || k == "policy" || strings.HasPrefix(k, "x-ignore-") || isChecksumField(k)
}

func exemptV2(k string) bool {
	return k == "awsaccesskeyid" || k == "signature" || k == "file" || k == "policy" || strings.HasPrefix(k, "x-ignore-") || isChecksumField(k)
}

func isChecksumField(k string) bool { return strings.HasPrefix(k, "x-amz-checksum-") }
