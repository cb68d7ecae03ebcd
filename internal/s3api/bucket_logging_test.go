package s3api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// allowLogDelivery gives the logging service principal s3:PutObject under
// prefix of target, as S3's documentation shows it.
func (e *env) allowLogDelivery(target, prefix, source string) {
	e.t.Helper()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S3ServerAccessLogsPolicy","Effect":"Allow",
		"Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%s/%s*",
		"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::%s"},"StringEquals":{"aws:SourceAccount":"000000000000"}}}]}`,
		target, prefix, source)
	if _, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(target), Policy: aws.String(doc)}); err != nil {
		e.t.Fatalf("put policy of %s: %v", target, err)
	}
}

func (e *env) putLogging(source string, le *types.LoggingEnabled) error {
	_, err := e.c.PutBucketLogging(e.ctx, &s3.PutBucketLoggingInput{
		Bucket: aws.String(source), BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: le},
	})
	return err
}

func (e *env) getLogging(source string) *types.LoggingEnabled {
	e.t.Helper()
	out, err := e.c.GetBucketLogging(e.ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(source)})
	if err != nil {
		e.t.Fatalf("get logging of %s: %v", source, err)
	}
	return out.LoggingEnabled
}

func TestBucketLoggingConfiguration(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	if le := e.getLogging(e.bucket); le != nil {
		t.Fatalf("a new bucket logs: %+v", le)
	}
	le := &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("logs/")}

	// Without a grant to the logging service the target is refused.
	wantCode(t, e.putLogging(e.bucket, le), "InvalidTargetBucketForLogging")
	e.allowLogDelivery(target, "logs/", e.bucket)
	if err := e.putLogging(e.bucket, le); err != nil {
		t.Fatal(err)
	}
	// No TargetGrants element without grants (SDKs would read an empty list).
	raw := e.signedDo(http.MethodGet, "/"+e.bucket+"?logging", nil, nil)
	if want := `<LoggingEnabled><TargetBucket>` + target + `</TargetBucket><TargetObjectKeyFormat><SimplePrefix></SimplePrefix></TargetObjectKeyFormat><TargetPrefix>logs/</TargetPrefix></LoggingEnabled>`; raw.status != 200 || !strings.Contains(string(raw.body), want) {
		t.Fatalf("GetBucketLogging answered %d %s, want %s", raw.status, raw.body, want)
	}
	got := e.getLogging(e.bucket)
	if aws.ToString(got.TargetBucket) != target || aws.ToString(got.TargetPrefix) != "logs/" ||
		got.TargetObjectKeyFormat == nil || got.TargetObjectKeyFormat.SimplePrefix == nil {
		t.Fatalf("got %+v, want the target with the simple key format", got)
	}

	le.TargetObjectKeyFormat = &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{
		PartitionDateSource: types.PartitionDateSourceDeliveryTime}}
	if err := e.putLogging(e.bucket, le); err != nil {
		t.Fatal(err)
	}
	got = e.getLogging(e.bucket)
	if p := got.TargetObjectKeyFormat.PartitionedPrefix; p == nil || p.PartitionDateSource != types.PartitionDateSourceDeliveryTime ||
		got.TargetObjectKeyFormat.SimplePrefix != nil {
		t.Fatalf("got key format %+v, want PartitionedPrefix/DeliveryTime", got.TargetObjectKeyFormat)
	}

	// An empty BucketLoggingStatus turns logging off.
	if err := e.putLogging(e.bucket, nil); err != nil {
		t.Fatal(err)
	}
	if le := e.getLogging(e.bucket); le != nil {
		t.Fatalf("logging still on: %+v", le)
	}
}

func TestBucketLoggingErrors(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	e.allowLogDelivery(target, "", e.bucket)
	grant := []types.TargetGrant{{
		Grantee:    &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AuthenticatedUsers")},
		Permission: types.BucketLogsPermissionRead,
	}}
	cases := []struct {
		name, source, code string
		le                 *types.LoggingEnabled
	}{
		{"missing target", e.bucket, "InvalidTargetBucketForLogging",
			&types.LoggingEnabled{TargetBucket: aws.String("no-such-target"), TargetPrefix: aws.String("")}},
		{"missing source", "no-such-source", "NoSuchBucket",
			&types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("")}},
		{"grants on an owner-enforced target", e.bucket, "AccessControlListNotSupported",
			&types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(""), TargetGrants: grant}},
		{"bad date source", e.bucket, "MalformedXML",
			&types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(""),
				TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: "Yesterday"}}}},
		{"empty target", e.bucket, "MalformedXML",
			&types.LoggingEnabled{TargetBucket: aws.String(""), TargetPrefix: aws.String("")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, e.putLogging(tc.source, tc.le), tc.code)
			if tc.source == e.bucket && e.getLogging(e.bucket) != nil {
				t.Fatal("a refused configuration was stored")
			}
		})
	}

	// With ACLs on for the target, grants are kept and shown.
	if _, err := e.c.PutBucketOwnershipControls(e.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(target),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.putLogging(e.bucket, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(""), TargetGrants: grant}); err != nil {
		t.Fatal(err)
	}
	got := e.getLogging(e.bucket)
	if len(got.TargetGrants) != 1 || got.TargetGrants[0].Permission != types.BucketLogsPermissionRead ||
		aws.ToString(got.TargetGrants[0].Grantee.URI) != aws.ToString(grant[0].Grantee.URI) || got.TargetGrants[0].Grantee.Type != types.TypeGroup {
		t.Fatalf("got grants %+v", got.TargetGrants)
	}
}

// TestBucketLoggingLockedTarget: S3 does not deliver logs into a bucket
// with a default object lock retention, so it cannot be a target.
func TestBucketLoggingLockedTarget(t *testing.T) {
	e := newEnv(t)
	target := "locked-target"
	if _, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(target), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	e.allowLogDelivery(target, "", e.bucket)
	le := &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String("")}
	if err := e.putLogging(e.bucket, le); err != nil {
		t.Fatalf("object lock without a default retention: %v", err)
	}
	if _, err := e.c.PutObjectLockConfiguration(e.ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(target),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.putLogging(e.bucket, le), "InvalidTargetBucketForLogging")
}
