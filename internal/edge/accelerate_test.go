package edge_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestAccelerateConfiguration(t *testing.T) {
	o := testserver.Start(t, testserver.WithDomain(domain))
	ctx := testserver.Context(t)
	c := o.Client()
	for _, b := range []string{"plain", "dotted.name"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: aws.String("plain")})
	if err != nil || got.Status != "" {
		t.Fatalf("never set: %v, status %q; want empty", err, got.Status)
	}
	for _, s := range []types.BucketAccelerateStatus{types.BucketAccelerateStatusEnabled, types.BucketAccelerateStatusSuspended} {
		setAccelerate(t, c, "plain", s)
		got, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: aws.String("plain")})
		if err != nil || got.Status != s {
			t.Fatalf("after %s: %v, status %q", s, err, got.Status)
		}
	}
	cases := []struct {
		bucket string
		status types.BucketAccelerateStatus
		code   string
	}{
		{"dotted.name", types.BucketAccelerateStatusEnabled, "InvalidRequest"},
		{"plain", "On", "MalformedXML"},
		{"missing", types.BucketAccelerateStatusEnabled, "NoSuchBucket"},
	}
	for _, tc := range cases {
		_, err := c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{
			Bucket: aws.String(tc.bucket), AccelerateConfiguration: &types.AccelerateConfiguration{Status: tc.status},
		})
		if code := apiCode(err); code != tc.code {
			t.Errorf("put %s on %s: %v (code %q), want %s", tc.status, tc.bucket, err, code, tc.code)
		}
	}
}

func TestAccelerationNotEnabled(t *testing.T) {
	e := newEnv(t)
	ctx := testserver.Context(t)
	admin := e.origin.Client()
	if _, err := admin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")}); err != nil {
		t.Fatal(err)
	}
	wantRefused := func(t *testing.T, c *s3.Client, what string) {
		t.Helper()
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("plain"), Key: aws.String("k"), Body: strings.NewReader("x")})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidRequest" ||
			ae.ErrorMessage() != "S3 Transfer Acceleration is not configured on this bucket" {
			t.Fatalf("%s: %v, want InvalidRequest (not configured)", what, err)
		}
	}
	wantRefused(t, e.pathClient(noRetry), "through the edge, never set")
	wantRefused(t, e.accelClient(noRetry), "accelerate host, never set")
	setAccelerate(t, admin, "plain", types.BucketAccelerateStatusSuspended)
	wantRefused(t, e.accelClient(noRetry), "suspended")
	// The accelerate host form sent straight to the origin is refused too.
	direct := &env{origin: e.origin, addr: e.origin.Addr}
	wantRefused(t, direct.accelClient(noRetry), "accelerate host at the origin")
	// Direct, non-accelerated access still works.
	if _, err := admin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("plain"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	// Enabling it opens the edge path.
	setAccelerate(t, admin, "plain", types.BucketAccelerateStatusEnabled)
	if _, err := e.accelClient().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("plain"), Key: aws.String("k"), Body: strings.NewReader("y")}); err != nil {
		t.Fatal(err)
	}
}
