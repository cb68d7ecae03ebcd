package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// day is the lifecycle day of these tests: short enough to keep the
// suite quick, long enough that a loaded machine still orders events.
const day = time.Second

type env struct {
	t      *testing.T
	c      *s3.Client
	ctx    context.Context
	bucket string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	t.Parallel()
	srv := testserver.Start(t, testserver.WithLifecycleDay(day))
	e := &env{t: t, c: srv.Client(), ctx: testserver.Context(t), bucket: "lc-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))}
	if len(e.bucket) > 63 {
		e.bucket = e.bucket[:63]
	}
	e.must(e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: &e.bucket}))
	return e
}

func (e *env) must(_ any, err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) versioned() {
	e.must(e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: &e.bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}))
}

func (e *env) put(key, body string) *s3.PutObjectOutput {
	e.t.Helper()
	out, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: &e.bucket, Key: &key, Body: strings.NewReader(body)})
	if err != nil {
		e.t.Fatalf("put %s: %v", key, err)
	}
	return out
}

func (e *env) rules(rules ...types.LifecycleRule) {
	e.t.Helper()
	e.must(e.c.PutBucketLifecycleConfiguration(e.ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &e.bucket,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}}))
}

func prefixRule(id, prefix string) types.LifecycleRule {
	return types.LifecycleRule{ID: aws.String(id), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String(prefix)}}
}

// versions lists the bucket's versions as "key@N" for versions and
// "key@marker" for delete markers, newest first.
func (e *env) versions() []string {
	e.t.Helper()
	out, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: &e.bucket})
	if err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, v := range out.Versions {
		got = append(got, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
	}
	for _, m := range out.DeleteMarkers {
		got = append(got, aws.ToString(m.Key)+"@marker")
	}
	return got
}

// eventually polls cond for up to ten lifecycle days.
func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(10 * day)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("%s did not happen within ten lifecycle days", what)
		}
		time.Sleep(day / 10)
	}
}

func (e *env) exists(key string) bool {
	_, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: &e.bucket, Key: &key})
	return err == nil
}

func TestExpiryUnversioned(t *testing.T) {
	e := newEnv(t)
	e.put("tmp/a", "gone soon")
	e.put("keep/b", "stays")
	r := prefixRule("tmp", "tmp/")
	r.Expiration = &types.LifecycleExpiration{Days: aws.Int32(1)}
	e.rules(r)
	e.eventually("expiry of tmp/a", func() bool { return !e.exists("tmp/a") })
	if !e.exists("keep/b") {
		t.Fatal("keep/b was removed too")
	}
	if v := e.versions(); len(v) != 1 || v[0] != "keep/b@null" {
		t.Fatalf("versions after expiry: %v", v)
	}
}

func TestExpiryVersionedWritesMarker(t *testing.T) {
	e := newEnv(t)
	e.versioned()
	put := e.put("tmp/a", "v1")
	r := prefixRule("tmp", "tmp/")
	r.Expiration = &types.LifecycleExpiration{Days: aws.Int32(1)}
	e.rules(r)
	e.eventually("delete marker on tmp/a", func() bool { return !e.exists("tmp/a") })
	got := e.versions()
	want := []string{"tmp/a@" + aws.ToString(put.VersionId), "tmp/a@marker"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("versions = %v, want %v", got, want)
	}
	// The marker is not alone (the version is there), and the rule has
	// no noncurrent action: two more days change nothing.
	time.Sleep(2 * day)
	if fmt.Sprint(e.versions()) != fmt.Sprint(want) {
		t.Fatalf("versions later = %v", e.versions())
	}
}

func TestNoncurrentExpiry(t *testing.T) {
	e := newEnv(t)
	e.versioned()
	var ids []string
	for i := range 4 {
		ids = append(ids, aws.ToString(e.put("doc", fmt.Sprint("v", i)).VersionId))
	}
	r := prefixRule("old", "")
	r.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1), NewerNoncurrentVersions: aws.Int32(1)}
	e.rules(r)
	// The current version and the newest noncurrent one stay.
	want := fmt.Sprint([]string{"doc@" + ids[3], "doc@" + ids[2]})
	e.eventually("noncurrent expiry", func() bool { return fmt.Sprint(e.versions()) == want })
}

func TestDeleteMarkerCleanup(t *testing.T) {
	e := newEnv(t)
	e.versioned()
	e.put("a/x", "1")
	e.must(e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: &e.bucket, Key: aws.String("a/x")}))
	e.put("b/y", "1")
	e.must(e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: &e.bucket, Key: aws.String("b/y")}))
	r := prefixRule("a", "a/")
	r.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}
	r2 := prefixRule("markers", "a/")
	r2.Expiration = &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}
	e.rules(r, r2)
	// First the noncurrent version goes, then the marker left alone.
	e.eventually("lone marker removal", func() bool {
		for _, v := range e.versions() {
			if strings.HasPrefix(v, "a/") {
				return false
			}
		}
		return true
	})
	if got := e.versions(); len(got) != 2 {
		t.Fatalf("b/ was touched: %v", got)
	}
}

func TestUploadAbort(t *testing.T) {
	e := newEnv(t)
	up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: &e.bucket, Key: aws.String("up/big")})
	e.must(up, err)
	e.must(e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: &e.bucket, Key: aws.String("up/big"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part one")}))
	keep, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: &e.bucket, Key: aws.String("other")})
	e.must(keep, err)
	r := prefixRule("stale", "up/")
	r.AbortIncompleteMultipartUpload = &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}
	e.rules(r)
	e.eventually("abort of up/big", func() bool {
		_, err := e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: &e.bucket, Key: aws.String("up/big"), UploadId: up.UploadId})
		return err != nil && strings.Contains(err.Error(), "NoSuchUpload")
	})
	ups, err := e.c.ListMultipartUploads(e.ctx, &s3.ListMultipartUploadsInput{Bucket: &e.bucket})
	e.must(ups, err)
	if len(ups.Uploads) != 1 || aws.ToString(ups.Uploads[0].Key) != "other" {
		t.Fatalf("uploads left: %+v", ups.Uploads)
	}
}

// TestObjectLockRespected: the worker writes delete markers over locked
// versions (that removes nothing) but never removes a version under
// retention or legal hold, while it does remove an unprotected one.
func TestObjectLockRespected(t *testing.T) {
	e := newEnv(t)
	e.bucket += "-locked"
	e.must(e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: &e.bucket, ObjectLockEnabledForBucket: aws.Bool(true)}))
	until := time.Now().Add(time.Hour)
	put := func(key string, mod func(*s3.PutObjectInput)) string {
		in := &s3.PutObjectInput{Bucket: &e.bucket, Key: aws.String(key), Body: strings.NewReader(key),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32}
		if mod != nil {
			mod(in)
		}
		out, err := e.c.PutObject(e.ctx, in)
		e.must(out, err)
		return aws.ToString(out.VersionId)
	}
	retained := put("retained", func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeGovernance, &until
	})
	held := put("held", func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn })
	put("free", nil)
	r := prefixRule("all", "")
	r.Expiration = &types.LifecycleExpiration{Days: aws.Int32(1)}
	r.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}
	e.rules(r)
	// "free" is expired (marker), then its version removed, then the
	// lone marker (Expiration Days) too.
	e.eventually("removal of the unprotected version", func() bool {
		for _, v := range e.versions() {
			if strings.HasPrefix(v, "free@") {
				return false
			}
		}
		return true
	})
	time.Sleep(2 * day)
	got := strings.Join(e.versions(), " ")
	for _, want := range []string{"retained@" + retained, "held@" + held, "retained@marker", "held@marker"} {
		if !strings.Contains(got, want) {
			t.Fatalf("versions %s lack %s", got, want)
		}
	}
	body, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: &e.bucket, Key: aws.String("retained"), VersionId: &retained})
	e.must(body, err)
	body.Body.Close()
}

// TestTransitionObserved: a Days rule moves a large enough object to
// GLACIER through the object service's transition (after which a GET
// needs a restore), and leaves a small one where it is.
func TestTransitionObserved(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("b", 200<<10)
	e.put("cold/big", big)
	e.put("cold/small", "tiny")
	r := prefixRule("freeze", "cold/")
	r.Transitions = []types.Transition{{Days: aws.Int32(1), StorageClass: types.TransitionStorageClassGlacier}}
	e.rules(r)
	e.eventually("transition of cold/big", func() bool {
		h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: &e.bucket, Key: aws.String("cold/big")})
		return err == nil && h.StorageClass == types.StorageClassGlacier
	})
	_, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: &e.bucket, Key: aws.String("cold/big")})
	if err == nil || !strings.Contains(err.Error(), "InvalidObjectState") {
		t.Fatalf("GET of the archived object: %v", err)
	}
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: &e.bucket, Key: aws.String("cold/small")})
	e.must(h, err)
	if h.StorageClass != "" && h.StorageClass != types.StorageClassStandard {
		t.Fatalf("the object under 128 KiB moved to %s", h.StorageClass)
	}
}
