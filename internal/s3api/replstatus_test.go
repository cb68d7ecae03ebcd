package s3api_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/object"
)

// x-amz-replication-status is shown on HEAD and GET of a version that
// has one, and absent otherwise.
func TestReplicationStatusHeader(t *testing.T) {
	e := newEnv(t)
	if _, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	put := e.put("k", "data")
	head := func() *s3.HeadObjectOutput {
		t.Helper()
		out, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := head().ReplicationStatus; got != "" {
		t.Fatalf("status before any replication: %q", got)
	}
	svc := e.srv.Server().Service()
	for _, st := range []object.ReplicationStatus{object.ReplPending, object.ReplFailed, object.ReplCompleted} {
		if err := svc.SetReplicationStatus(e.ctx, e.bucket, "k", *put.VersionId, st); err != nil {
			t.Fatal(err)
		}
		if got := head().ReplicationStatus; string(got) != st.String() {
			t.Fatalf("HEAD shows %q, want %s", got, st)
		}
		out, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		out.Body.Close()
		if string(out.ReplicationStatus) != st.String() {
			t.Fatalf("GET shows %q, want %s", out.ReplicationStatus, st)
		}
	}
}

// A site-to-site replica write needs s3:ReplicateObject (s3:ReplicateDelete
// for a delete marker): s3:PutObject alone is refused and stores nothing.
func TestReplicaWritesNeedReplicatePermission(t *testing.T) {
	e := newEnv(t)
	enableVersioning(t, e, e.bucket)
	vid := "SS8J5A5GG7KQ855VVBQCB3G7JG"
	hdr := map[string]string{"X-Amz-Hoard-Replica-Version-Id": vid}
	res := `"arn:aws:s3:::` + e.bucket + `/*"`
	putter := e.newUser(allowDoc(`["s3:PutObject","s3:DeleteObject"]`, res))
	e.signedAs(putter, "PUT", "/"+e.bucket+"/k", []byte("data"), hdr).wantError(t, 403, "AccessDenied")
	e.signedAs(putter, "DELETE", "/"+e.bucket+"/k", nil, hdr).wantError(t, 403, "AccessDenied")

	replicator := e.newUser(allowDoc(`["s3:ReplicateObject","s3:ReplicateDelete"]`, res))
	if r := e.signedAs(replicator, "PUT", "/"+e.bucket+"/k", []byte("data"), hdr); r.status != 200 || r.header.Get("X-Amz-Version-Id") != vid {
		t.Fatalf("replica put: %d %s %v", r.status, r.body, r.header)
	}
	out, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	if err != nil || aws.ToString(out.VersionId) != vid || out.ReplicationStatus != "REPLICA" || aws.ToInt64(out.ContentLength) != 4 {
		t.Fatalf("head: %+v %v", out, err)
	}
	bad := map[string]string{"X-Amz-Hoard-Replica-Version-Id": "not-a-version"}
	e.signedAs(replicator, "PUT", "/"+e.bucket+"/k2", []byte("data"), bad).wantError(t, 400, "InvalidArgument")
}
