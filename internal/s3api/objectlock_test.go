package s3api_test

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// newLockedBucket creates a bucket with object lock enabled.
func (e *env) newLockedBucket() string {
	e.t.Helper()
	name := fmt.Sprintf("locked-%d", bucketSeq.Add(1))
	_, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)})
	if err != nil {
		e.t.Fatalf("create locked bucket: %v", err)
	}
	return name
}

func (e *env) putLockConfig(bucket string, rule *types.DefaultRetention) error {
	cfg := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
	if rule != nil {
		cfg.Rule = &types.ObjectLockRule{DefaultRetention: rule}
	}
	_, err := e.c.PutObjectLockConfiguration(e.ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bucket), ObjectLockConfiguration: cfg})
	return err
}

func (e *env) putIn(bucket, key, body string, mod ...func(*s3.PutObjectInput)) (*s3.PutObjectOutput, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	for _, m := range mod {
		m(in)
	}
	return e.c.PutObject(e.ctx, in)
}

func (e *env) setRetention(c *s3.Client, bucket, key, version string, mode types.ObjectLockRetentionMode, until time.Time, bypass bool) error {
	in := &s3.PutObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Retention: &types.ObjectLockRetention{Mode: mode, RetainUntilDate: aws.Time(until)}}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	if bypass {
		in.BypassGovernanceRetention = aws.Bool(true)
	}
	_, err := c.PutObjectRetention(e.ctx, in)
	return err
}

func (e *env) deleteVersion(c *s3.Client, bucket, key, version string, bypass bool) error {
	in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version)}
	if bypass {
		in.BypassGovernanceRetention = aws.Bool(true)
	}
	_, err := c.DeleteObject(e.ctx, in)
	return err
}

func TestObjectLockBucketConfiguration(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	v, err := e.c.GetBucketVersioning(e.ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
	wantNoErr(t, err)
	if v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning of a locked bucket: %q, want Enabled", v.Status)
	}
	got, err := e.c.GetObjectLockConfiguration(e.ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	wantNoErr(t, err)
	if got.ObjectLockConfiguration.ObjectLockEnabled != types.ObjectLockEnabledEnabled || got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("fresh locked bucket: %+v", got.ObjectLockConfiguration)
	}

	for _, rule := range []*types.DefaultRetention{
		{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)},
		{Mode: types.ObjectLockRetentionModeCompliance, Years: aws.Int32(1)},
	} {
		wantNoErr(t, e.putLockConfig(b, rule))
		got, err := e.c.GetObjectLockConfiguration(e.ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
		wantNoErr(t, err)
		d := got.ObjectLockConfiguration.Rule.DefaultRetention
		if d.Mode != rule.Mode || aws.ToInt32(d.Days) != aws.ToInt32(rule.Days) || aws.ToInt32(d.Years) != aws.ToInt32(rule.Years) {
			t.Fatalf("default retention %+v, want %+v", d, rule)
		}
	}
	// A configuration without a rule removes the default retention.
	wantNoErr(t, e.putLockConfig(b, nil))
	got, err = e.c.GetObjectLockConfiguration(e.ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	wantNoErr(t, err)
	if got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("rule left after a configuration without one: %+v", got.ObjectLockConfiguration.Rule)
	}

	_, err = e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantCode(t, err, "InvalidBucketState")

	_, err = e.c.GetObjectLockConfiguration(e.ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "ObjectLockConfigurationNotFoundError")
}

func TestObjectLockConfigurationErrors(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	gov := types.ObjectLockRetentionModeGovernance
	for _, c := range []struct {
		name string
		rule *types.DefaultRetention
		code string
	}{
		{"days and years", &types.DefaultRetention{Mode: gov, Days: aws.Int32(1), Years: aws.Int32(1)}, "MalformedXML"},
		{"neither", &types.DefaultRetention{Mode: gov}, "MalformedXML"},
		{"zero days", &types.DefaultRetention{Mode: gov, Days: aws.Int32(0)}, "InvalidRetentionPeriod"},
		{"negative years", &types.DefaultRetention{Mode: gov, Years: aws.Int32(-1)}, "InvalidRetentionPeriod"},
		{"too many days", &types.DefaultRetention{Mode: gov, Days: aws.Int32(36501)}, "InvalidRetentionPeriod"},
		{"lower-case mode", &types.DefaultRetention{Mode: "governance", Days: aws.Int32(1)}, "MalformedXML"},
		{"unknown mode", &types.DefaultRetention{Mode: "abc", Days: aws.Int32(1)}, "MalformedXML"},
	} {
		t.Run(c.name, func(t *testing.T) { wantCode(t, e.putLockConfig(b, c.rule), c.code) })
	}
	_, err := e.c.PutObjectLockConfiguration(e.ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(b),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: "Disabled"}})
	wantCode(t, err, "MalformedXML")

	// Nothing of the refused documents was stored.
	got, err := e.c.GetObjectLockConfiguration(e.ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	wantNoErr(t, err)
	if got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("a refused configuration was stored: %+v", got.ObjectLockConfiguration.Rule)
	}

	// S3 requires an integrity check on this call.
	doc := []byte(`<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`)
	resp := e.signedDo(http.MethodPut, "/"+b+"?object-lock", doc, nil)
	resp.wantError(t, 400, "InvalidRequest")
	req := e.newRaw(http.MethodPut, "/"+b+"?object-lock", doc)
	sum := md5.Sum(doc)
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	e.sign(req, doc)
	if r := e.do(req); r.status != 200 {
		t.Fatalf("with Content-MD5: %d %s", r.status, r.body)
	}
}

func TestObjectLockEnableOnExistingBucket(t *testing.T) {
	e := newEnv(t)
	rule := &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}
	wantCode(t, e.putLockConfig(e.bucket, rule), "InvalidBucketState")
	setVersioning := func(s types.BucketVersioningStatus) {
		_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
			VersioningConfiguration: &types.VersioningConfiguration{Status: s}})
		wantNoErr(t, err)
	}
	setVersioning(types.BucketVersioningStatusSuspended)
	wantCode(t, e.putLockConfig(e.bucket, rule), "InvalidBucketState")
	setVersioning(types.BucketVersioningStatusEnabled)
	wantNoErr(t, e.putLockConfig(e.bucket, rule))
	_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantCode(t, err, "InvalidBucketState")
}

func TestObjectLockCreateBucketHeader(t *testing.T) {
	e := newEnv(t)
	req := e.newRaw(http.MethodPut, "/badlockheader", nil)
	req.Header.Set("X-Amz-Bucket-Object-Lock-Enabled", "yes")
	e.sign(req, nil)
	e.do(req).wantError(t, 400, "InvalidArgument")
	if _, err := e.c.HeadBucket(e.ctx, &s3.HeadBucketInput{Bucket: aws.String("badlockheader")}); err == nil {
		t.Fatal("a refused CreateBucket created the bucket")
	}
}
