package s3api_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Every path that can remove a version, tried against every kind of lock
// (USERS.md #10): DELETE by version, DELETE without one, DeleteObjects,
// bucket deletion, for GOVERNANCE with and without bypass and the
// permission, COMPLIANCE even for root, and legal hold.

var far = time.Date(2130, 1, 1, 0, 0, 0, 0, time.UTC)

// lockedVersion writes key with the given lock and returns its version.
func (e *env) lockedVersion(bucket, key string, mode types.ObjectLockMode, hold bool) string {
	e.t.Helper()
	out, err := e.putIn(bucket, key, "locked bytes", func(in *s3.PutObjectInput) {
		if mode != "" {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(far)
		}
		if hold {
			in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
		}
	})
	if err != nil {
		e.t.Fatalf("put locked %s: %v", key, err)
	}
	return aws.ToString(out.VersionId)
}

// wantVersionBody asserts that a version still reads back whole.
func (e *env) wantVersionBody(bucket, key, version, body string) {
	e.t.Helper()
	out, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version)})
	if err != nil {
		e.t.Fatalf("get %s@%s: %v", key, version, err)
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	if string(b) != body {
		e.t.Fatalf("%s@%s reads %q, want %q", key, version, b, body)
	}
}

func TestObjectLockDeleteVersion(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	cases := []struct {
		name       string
		mode       types.ObjectLockMode
		hold       bool
		bypassable bool
	}{
		{"governance", types.ObjectLockModeGovernance, false, true},
		{"compliance", types.ObjectLockModeCompliance, false, false},
		{"legal hold", "", true, false},
		{"governance and legal hold", types.ObjectLockModeGovernance, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "k-" + c.name
			v := e.lockedVersion(b, key, c.mode, c.hold)
			wantCode(t, e.deleteVersion(e.c, b, key, v, false), "AccessDenied")
			err := e.deleteVersion(e.c, b, key, v, true)
			if c.bypassable {
				wantNoErr(t, err)
				return
			}
			wantCode(t, err, "AccessDenied")
			e.wantVersionBody(b, key, v, "locked bytes")
		})
	}

	// Lifting the legal hold makes the version removable again.
	v := e.lockedVersion(b, "held", "", true)
	wantNoErr(t, e.legalHold(e.c, b, "held", v, false))
	wantNoErr(t, e.deleteVersion(e.c, b, "held", v, false))

	// An expired retention no longer protects.
	soon := time.Now().Add(1500 * time.Millisecond)
	out, err := e.putIn(b, "expiring", "x", func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeCompliance, aws.Time(soon)
	})
	wantNoErr(t, err)
	wantCode(t, e.deleteVersion(e.c, b, "expiring", aws.ToString(out.VersionId), false), "AccessDenied")
	time.Sleep(time.Until(soon) + 100*time.Millisecond)
	wantNoErr(t, e.deleteVersion(e.c, b, "expiring", aws.ToString(out.VersionId), false))
}

func TestObjectLockDeleteWithoutVersionWritesMarker(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	v := e.lockedVersion(b, "k", types.ObjectLockModeCompliance, true)
	del, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantNoErr(t, err)
	if !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("delete without a version: marker %v, version %q", del.DeleteMarker, aws.ToString(del.VersionId))
	}
	e.wantVersionBody(b, "k", v, "locked bytes")
	// Removing the marker is allowed and restores the object.
	wantNoErr(t, e.deleteVersion(e.c, b, "k", aws.ToString(del.VersionId), false))
	wantCode(t, e.deleteVersion(e.c, b, "k", v, true), "AccessDenied")
	e.wantVersionBody(b, "k", v, "locked bytes")
}

func TestObjectLockDeleteObjects(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	vGov := e.lockedVersion(b, "gov", types.ObjectLockModeGovernance, false)
	vComp := e.lockedVersion(b, "comp", types.ObjectLockModeCompliance, false)
	vHold := e.lockedVersion(b, "hold", "", true)
	vFree := e.lockedVersion(b, "free", "", false)
	batch := func(bypass bool, ids ...types.ObjectIdentifier) *s3.DeleteObjectsOutput {
		in := &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &types.Delete{Objects: ids}}
		if bypass {
			in.BypassGovernanceRetention = aws.Bool(true)
		}
		out, err := e.c.DeleteObjects(e.ctx, in)
		wantNoErr(t, err)
		return out
	}
	id := func(k, v string) types.ObjectIdentifier {
		return types.ObjectIdentifier{Key: aws.String(k), VersionId: aws.String(v)}
	}
	out := batch(false, id("gov", vGov), id("comp", vComp), id("hold", vHold), id("free", vFree))
	if len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "free" || len(out.Errors) != 3 {
		t.Fatalf("deleted %+v, errors %+v", out.Deleted, out.Errors)
	}
	for _, er := range out.Errors {
		if aws.ToString(er.Code) != "AccessDenied" || aws.ToString(er.VersionId) == "" {
			t.Fatalf("error entry %+v", er)
		}
	}
	out = batch(true, id("gov", vGov), id("comp", vComp), id("hold", vHold))
	if len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "gov" || len(out.Errors) != 2 {
		t.Fatalf("with bypass: deleted %+v, errors %+v", out.Deleted, out.Errors)
	}
	e.wantVersionBody(b, "comp", vComp, "locked bytes")
	e.wantVersionBody(b, "hold", vHold, "locked bytes")
	// Without version ids the batch writes delete markers, locks or not.
	out = batch(false, types.ObjectIdentifier{Key: aws.String("comp")})
	if len(out.Deleted) != 1 || !aws.ToBool(out.Deleted[0].DeleteMarker) {
		t.Fatalf("batch without version: %+v %+v", out.Deleted, out.Errors)
	}
	e.wantVersionBody(b, "comp", vComp, "locked bytes")

	_, err := e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)})
	wantCode(t, err, "BucketNotEmpty")
	e.wantVersionBody(b, "hold", vHold, "locked bytes")
}

func TestObjectLockBypassNeedsPermission(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	res := `["arn:aws:s3:::` + b + `/*"]`
	plain := e.newUser(allowDoc(`["s3:DeleteObject","s3:DeleteObjectVersion","s3:PutObjectRetention"]`, res))
	bypasser := e.newUser(allowDoc(`["s3:DeleteObject","s3:DeleteObjectVersion","s3:PutObjectRetention","s3:BypassGovernanceRetention"]`, res))

	v := e.lockedVersion(b, "k", types.ObjectLockModeGovernance, false)
	wantCode(t, e.deleteVersion(plain.c, b, "k", v, true), "AccessDenied")
	wantCode(t, e.setRetention(plain.c, b, "k", v, gov, far.AddDate(0, 0, -1), true), "AccessDenied")
	_, err := plain.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), BypassGovernanceRetention: aws.Bool(true),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k"), VersionId: aws.String(v)}}}})
	wantNoErr(t, err)
	e.wantVersionBody(b, "k", v, "locked bytes")
	// The bypass header without the permission still lets unlocked
	// versions go.
	free := e.lockedVersion(b, "free", "", false)
	wantNoErr(t, e.deleteVersion(plain.c, b, "free", free, true))

	wantNoErr(t, e.setRetention(bypasser.c, b, "k", v, gov, far.AddDate(0, 0, -1), true))
	wantNoErr(t, e.deleteVersion(bypasser.c, b, "k", v, true))

	// Nobody bypasses COMPLIANCE.
	c := e.lockedVersion(b, "c", types.ObjectLockModeCompliance, false)
	wantCode(t, e.deleteVersion(bypasser.c, b, "c", c, true), "AccessDenied")
	wantCode(t, e.deleteVersion(e.c, b, "c", c, true), "AccessDenied")
}

func TestObjectLockMultipartAndCopy(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(far),
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	wantNoErr(t, err)
	part, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("part one"))})
	wantNoErr(t, err)
	done, err := e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32}}}})
	wantNoErr(t, err)
	mv := aws.ToString(done.VersionId)
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("mp"), VersionId: done.VersionId})
	wantNoErr(t, err)
	if h.ObjectLockMode != types.ObjectLockModeGovernance || h.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("completed upload's lock: %v %v", h.ObjectLockMode, h.ObjectLockLegalHoldStatus)
	}
	wantCode(t, e.deleteVersion(e.c, b, "mp", mv, true), "AccessDenied") // legal hold
	wantNoErr(t, e.legalHold(e.c, b, "mp", mv, false))
	wantCode(t, e.deleteVersion(e.c, b, "mp", mv, false), "AccessDenied")
	wantNoErr(t, e.deleteVersion(e.c, b, "mp", mv, true))

	// A copy takes the lock its request names, never the source's.
	src := e.lockedVersion(b, "src", types.ObjectLockModeCompliance, true)
	cp, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst"),
		CopySource: aws.String(b + "/src?versionId=" + src)})
	wantNoErr(t, err)
	h, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("dst")})
	wantNoErr(t, err)
	if h.ObjectLockMode != "" || h.ObjectLockLegalHoldStatus == types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("copy inherited the source's lock: %v %v", h.ObjectLockMode, h.ObjectLockLegalHoldStatus)
	}
	wantNoErr(t, e.deleteVersion(e.c, b, "dst", aws.ToString(cp.VersionId), false))
	cp, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("dst2"),
		CopySource: aws.String(b + "/src?versionId=" + src), ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(far)})
	wantNoErr(t, err)
	wantCode(t, e.deleteVersion(e.c, b, "dst2", aws.ToString(cp.VersionId), false), "AccessDenied")

	// Lock headers on a bucket without object lock.
	_, err = e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	wantCode(t, err, "InvalidRequest")
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dst"),
		CopySource: aws.String(b + "/src?versionId=" + src), ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	wantCode(t, err, "InvalidRequest")
}

func TestObjectLockPostForm(t *testing.T) {
	e := newEnv(t)
	e.bucket = e.newLockedBucket()
	f := newForm(
		map[string]string{"key": "form"},
		map[string]string{"x-amz-object-lock-mode": "GOVERNANCE"},
		map[string]string{"x-amz-object-lock-retain-until-date": "2130-01-01T00:00:00Z"},
		map[string]string{"x-amz-object-lock-legal-hold": "ON"},
	).field("key", "form").field("x-amz-object-lock-mode", "GOVERNANCE").
		field("x-amz-object-lock-retain-until-date", "2130-01-01T00:00:00Z").field("x-amz-object-lock-legal-hold", "ON")
	if r := e.post(f, "f.txt", []byte("form bytes")); r.status != 204 {
		t.Fatalf("post: %d %s", r.status, r.body)
	}
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("form")})
	wantNoErr(t, err)
	if h.ObjectLockMode != types.ObjectLockModeGovernance || !aws.ToTime(h.ObjectLockRetainUntilDate).Equal(far) ||
		h.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("form upload's lock: %v %v %v", h.ObjectLockMode, h.ObjectLockRetainUntilDate, h.ObjectLockLegalHoldStatus)
	}
	wantCode(t, e.deleteVersion(e.c, e.bucket, "form", aws.ToString(h.VersionId), true), "AccessDenied")
}

// A version written before versioning was enabled ("null") keeps its
// protection once the bucket gains object lock.
func TestObjectLockNullVersion(t *testing.T) {
	e := newEnv(t)
	e.put("old", "null bytes")
	_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	wantNoErr(t, err)
	wantNoErr(t, e.putLockConfig(e.bucket, nil))
	wantNoErr(t, e.setRetention(e.c, e.bucket, "old", "null", comp, far, false))
	wantCode(t, e.deleteVersion(e.c, e.bucket, "old", "null", true), "AccessDenied")
	out, err := e.putIn(e.bucket, "old", "new bytes")
	wantNoErr(t, err)
	if aws.ToString(out.VersionId) == "" || aws.ToString(out.VersionId) == "null" {
		t.Fatalf("overwrite got version %q", aws.ToString(out.VersionId))
	}
	e.wantVersionBody(e.bucket, "old", "null", "null bytes")
	wantCode(t, e.deleteVersion(e.c, e.bucket, "old", "null", false), "AccessDenied")
}
