package postpolicy

import (
	"context"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// authorize picks the signature version from the fields present, checks
// the signature over the policy as sent, then decodes the policy and
// applies it. S3's order: missing fields, signature, policy document,
// expiration, conditions.
func (form *Form) authorize(ctx context.Context, f *fields, bucket string, opts Options) error {
	has := func(k string) bool { _, ok := f.get(k); return ok }
	var (
		exempt func(string) bool
		err    error
	)
	switch {
	case has("x-amz-algorithm") || has("x-amz-credential") || has("x-amz-date") || has("x-amz-signature"):
		if err := require(f, "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature", "Policy"); err != nil {
			return err
		}
		form.Auth, exempt = SigV4, exemptV4
		form.AccessKey, err = verifyV4(ctx, f, opts.Region, opts.Lookup)
	case has("awsaccesskeyid") || has("signature"):
		if err := require(f, "AWSAccessKeyId", "Signature", "Policy"); err != nil {
			return err
		}
		form.Auth, exempt = SigV2, exemptV2
		form.AccessKey, err = verifyV2(ctx, f, opts.Lookup)
	default:
		// Without signature fields the request is anonymous, even with a
		// policy field; whether that is allowed is the caller's decision.
		form.Auth = Anonymous
		return nil
	}
	if err != nil {
		return err
	}
	policy, _ := f.get("policy")
	if form.Policy, err = ParsePolicy(policy); err != nil {
		return err
	}
	if opts.Now.After(form.Policy.Expiration) {
		return &Error{Kind: ErrPolicyExpired, Message: "Invalid according to Policy: Policy expired."}
	}
	lr, err := form.Policy.check(f, bucket, exempt)
	if err != nil {
		return err
	}
	if lr.min > 0 || lr.max >= 0 {
		form.File = LimitLength(form.File, lr.min, lr.max)
	}
	return nil
}

// require reports the first absent field under the name S3 uses for it.
func require(f *fields, names ...string) error {
	for _, n := range names {
		if v, ok := f.get(strings.ToLower(n)); !ok || v == "" {
			return missingField(n)
		}
	}
	return nil
}

// fill copies the fields the upload needs out of the form.
func (form *Form) fill(f *fields) {
	form.Fields = f.values
	form.Key = f.values["key"]
	form.ContentType = f.values["content-type"]
	form.SuccessActionRedirect = f.values["success_action_redirect"]
	if form.SuccessActionRedirect == "" {
		form.SuccessActionRedirect = f.values["redirect"]
	}
	// "If the value is not set or if it is set to a value that is not
	// valid, Amazon S3 returns an empty document with a 204 status code."
	form.SuccessActionStatus = 204
	if s, err := strconv.Atoi(f.values["success_action_status"]); err == nil && (s == 200 || s == 201) {
		form.SuccessActionStatus = s
	}
	form.ChecksumAlgorithm = f.values["x-amz-checksum-algorithm"]
	for k, v := range f.values {
		if name, ok := strings.CutPrefix(k, "x-amz-meta-"); ok {
			if form.Metadata == nil {
				form.Metadata = map[string]string{}
			}
			form.Metadata[name] = v
		}
	}
	for _, alg := range checksum.All {
		if v, ok := f.values[strings.ToLower(alg.Header())]; ok {
			if form.Checksums == nil {
				form.Checksums = map[checksum.Algorithm]string{}
			}
			form.Checksums[alg] = v
		}
	}
}
