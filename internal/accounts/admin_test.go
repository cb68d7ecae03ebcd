package accounts_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func adminErr(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var e *adminapi.Error
	if !errors.As(err, &e) || e.Status != status || e.Code != code {
		t.Errorf("%s: got %v, want %d %s", what, err, status, code)
	}
}

func TestAdminAccountLifecycle(t *testing.T) {
	w := newWorld(t)
	b := w.newAccount("blue")
	_, err := w.admin.Create(w.ctx, adminapi.CreateRequest{Name: "BLUE"})
	adminErr(t, "duplicate name", err, 409, "AccountAlreadyExists")
	_, err = w.admin.Create(w.ctx, adminapi.CreateRequest{Name: "other", ID: b.id})
	adminErr(t, "duplicate id", err, 409, "AccountAlreadyExists")
	for _, bad := range []adminapi.CreateRequest{{Name: ""}, {Name: "a/b"}, {Name: "x", ID: "12"}, {Name: "x", ID: "abcdefghijkl"}, {Name: "x", Org: "org"}} {
		_, err = w.admin.Create(w.ctx, bad)
		adminErr(t, "invalid "+bad.Name+bad.ID+bad.Org, err, 400, "InvalidInput")
	}
	fixed, err := w.admin.Create(w.ctx, adminapi.CreateRequest{Name: "fixed", ID: "123456789012", Email: "ops@example.com"})
	if err != nil || fixed.ID != "123456789012" {
		t.Fatalf("create with an id: %+v, %v", fixed, err)
	}

	// Only the operator's root administers accounts.
	for _, who := range []*account{b, w.op.user("admin", allowS3)} {
		cl := &adminapi.Client{Endpoint: w.srv.URL, AccessKey: who.key, SecretKey: who.secret}
		_, err := cl.List(w.ctx)
		adminErr(t, who.name+" lists accounts", err, 403, "AccessDenied")
	}
	bad := &adminapi.Client{Endpoint: w.srv.URL, AccessKey: testserver.AccessKey, SecretKey: "wrong-secret-0123456789"}
	_, err = bad.List(w.ctx)
	adminErr(t, "wrong secret", err, 403, "AccessDenied")

	// An account with a bucket cannot be deleted; once empty it can, and
	// its keys and users stop working at once.
	b.bucket("blue-bucket")
	bu := b.user("worker", allowS3)
	adminErr(t, "delete with a bucket", w.admin.Delete(w.ctx, b.id), 409, "AccountNotEmpty")
	adminErr(t, "delete the operator", w.admin.Delete(w.ctx, w.op.id), 409, "OperatorAccount")
	adminErr(t, "delete a missing account", w.admin.Delete(w.ctx, "999999999999"), 404, "NoSuchAccount")
	if _, err := b.s3.DeleteBucket(w.ctx, &s3.DeleteBucketInput{Bucket: aws.String("blue-bucket")}); err != nil {
		t.Fatal(err)
	}
	if err := w.admin.Delete(w.ctx, b.id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	for _, who := range []*account{b, bu} {
		_, err := who.s3.ListBuckets(w.ctx, &s3.ListBucketsInput{})
		wantCode(t, who.name+" after deletion", err, "InvalidAccessKeyId")
	}
	list, err := w.admin.List(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range list {
		ids = append(ids, a.ID)
		if a.RootSecretKey != "" {
			t.Error("a listing shows a root secret")
		}
	}
	if !slices.Equal(ids, []string{w.op.id, fixed.ID}) {
		t.Errorf("accounts after deletion: %v", ids)
	}
	// The name is free again, under a fresh identity.
	again := w.newAccount("blue")
	if again.canon == b.canon || again.key == b.key {
		t.Error("a re-created account reuses the old one's identity")
	}
}

func TestAccountsSurviveRestartAndOldBucketsStayTheOperators(t *testing.T) {
	srv := testserver.Start(t)
	ctx := testserver.Context(t)
	// A bucket as buckets were created before accounts: its owner is the
	// canonical id of one of the operator's IAM users' keys.
	if err := srv.Server().Service().CreateBucket(ctx, "legacy", testserver.Region, accounts.LegacyCanonicalID("AKIAOLDUSERKEY000001")); err != nil {
		t.Fatal(err)
	}
	admin := &adminapi.Client{Endpoint: srv.URL, AccessKey: testserver.AccessKey, SecretKey: testserver.SecretKey}
	created, err := admin.Create(ctx, adminapi.CreateRequest{Name: "blue"})
	if err != nil {
		t.Fatal(err)
	}
	dir := srv.DataDir
	srv.Stop(t)
	srv = testserver.Start(t, testserver.WithDataDir(dir))
	w := &world{t: t, srv: srv, ctx: ctx}
	op := w.clients("000000000000", "operator", accounts.LegacyCanonicalID(testserver.AccessKey), testserver.AccessKey, testserver.SecretKey, "")
	b := w.clients(created.ID, "blue", created.CanonicalID, created.RootAccessKey, created.RootSecretKey, "")
	if got := bucketNames(t, op); !slices.Equal(got, []string{"legacy"}) {
		t.Errorf("operator's buckets: %v", got)
	}
	if got := bucketNames(t, b); len(got) != 0 {
		t.Errorf("blue's buckets after restart: %v", got)
	}
	acl, err := op.s3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("legacy")})
	if err != nil || aws.ToString(acl.Owner.ID) != op.canon {
		t.Errorf("legacy bucket's owner: %+v, %v", acl, err)
	}
	_, err = b.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("legacy")})
	wantCode(t, "blue creates legacy", err, "BucketAlreadyExists")
}
