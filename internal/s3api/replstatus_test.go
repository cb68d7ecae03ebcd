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
