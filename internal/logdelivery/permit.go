package logdelivery

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// logDeliveryService is the principal S3 writes access logs as.
const logDeliveryService = "logging.s3.amazonaws.com"

// bucketPolicyConfig names the bucket policy in the configuration store.
const bucketPolicyConfig = "policy"

// permitted evaluates the target bucket's policy for the logging service
// writing key, with the condition keys S3 sets (aws:SourceArn,
// aws:SourceAccount), as S3 does at each delivery. A Deny, or statements
// for the service whose conditions do not hold, refuse it; a target
// without such statements was accepted through its ACL when logging was
// configured.
func (a *AccessSink) permitted(ctx context.Context, target, key, source, account string) (bool, error) {
	docs, err := a.Service.BucketConfigs(ctx, target, bucketPolicyConfig)
	if errors.Is(err, object.ErrNoSuchBucket) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if docs[0] == nil {
		return true, nil
	}
	p, err := policy.ParseCached(string(docs[0]), policy.KindBucket)
	if err != nil {
		return false, fmt.Errorf("policy of %q: %w", target, err)
	}
	req := &policy.Request{
		Principal: policy.Principal{Type: policy.PrincipalService, ARN: logDeliveryService},
		Action:    "s3:PutObject",
		Resource:  "arn:aws:s3:::" + target + "/" + key,
		Context: map[string][]string{
			"aws:SourceArn":     {"arn:aws:s3:::" + source},
			"aws:SourceAccount": {account},
		},
	}
	switch p.Evaluate(req) {
	case policy.ResultAllow:
		return true, nil
	case policy.ResultDeny:
		return false, nil
	}
	return !p.AllowsIgnoringConditions(req), nil
}
