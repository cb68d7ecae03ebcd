package replication_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

const role = "arn:aws:iam::123456789012:role/replication"

type site struct {
	srv *testserver.Server
	c   *s3.Client
}

func newSite(t *testing.T) *site {
	srv := testserver.Start(t)
	return &site{srv: srv, c: srv.Client()}
}

// link registers to on from and makes from's bucket replicate to to's.
func link(t *testing.T, ctx context.Context, from, to *site, srcBucket, dstBucket string, rule func(*types.ReplicationRule)) {
	t.Helper()
	admin := &adminapi.Client{Endpoint: from.srv.URL, AccessKey: testserver.AccessKey, SecretKey: testserver.SecretKey}
	_, err := admin.AddSite(ctx, adminapi.SiteRequest{Name: "peer", Endpoint: to.srv.URL, Region: testserver.Region,
		AccessKey: testserver.AccessKey, SecretKey: testserver.SecretKey})
	if err != nil && !strings.Contains(err.Error(), "SiteAlreadyExists") {
		t.Fatal(err)
	}
	r := types.ReplicationRule{ID: aws.String("all"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled,
		Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("")},
		DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled},
		Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::" + dstBucket)}}
	if rule != nil {
		rule(&r)
	}
	if _, err := from.c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(srcBucket),
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String(role), Rules: []types.ReplicationRule{r}}}); err != nil {
		t.Fatal(err)
	}
}

func versionedBucket(t *testing.T, ctx context.Context, s *site, name string) {
	t.Helper()
	if _, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
}

// waitStatus waits until a version shows the replication status want.
func waitStatus(t *testing.T, ctx context.Context, s *site, bucket, key, vid string, want types.ReplicationStatus) *s3.HeadObjectOutput {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		h, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(vid)})
		if err == nil && h.ReplicationStatus == want {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s %s: status %v (%v), want %s", bucket, key, vid, h, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestReplicateOneWay(t *testing.T) {
	ctx := testserver.Context(t)
	a, b := newSite(t), newSite(t)
	versionedBucket(t, ctx, a, "src")
	versionedBucket(t, ctx, b, "dst")
	link(t, ctx, a, b, "src", "dst", nil)

	put, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/k"), Body: strings.NewReader("hello replica"),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"colour": "blue"}, Tagging: aws.String("team=red"),
		ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, a, "src", "dir/k", *put.VersionId, types.ReplicationStatusCompleted)
	got, err := b.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("dst"), Key: aws.String("dir/k")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "hello replica" || aws.ToString(got.VersionId) != *put.VersionId || got.ReplicationStatus != types.ReplicationStatusReplica ||
		got.Metadata["colour"] != "blue" || aws.ToString(got.ContentType) != "text/plain" || aws.ToInt32(got.TagCount) != 1 ||
		got.ServerSideEncryption != types.ServerSideEncryptionAes256 || aws.ToString(got.ETag) != aws.ToString(put.ETag) {
		t.Fatalf("replica: %q %+v", body, got)
	}

	// A delete marker follows; a delete by version id does not.
	del, err := a.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/k")})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		l, err := b.c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("dst")})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.DeleteMarkers) == 1 {
			if aws.ToString(l.DeleteMarkers[0].VersionId) != aws.ToString(del.VersionId) || !aws.ToBool(l.DeleteMarkers[0].IsLatest) {
				t.Fatalf("marker %+v", l.DeleteMarkers[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("delete marker not replicated")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := a.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/k"), VersionId: put.VersionId}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if _, err := b.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String("dir/k"), VersionId: put.VersionId}); err != nil {
		t.Fatalf("a delete by version id reached the destination: %v", err)
	}
}

func TestReplicateTwoWayWithoutLoops(t *testing.T) {
	ctx := testserver.Context(t)
	a, b := newSite(t), newSite(t)
	versionedBucket(t, ctx, a, "shared")
	versionedBucket(t, ctx, b, "shared")
	link(t, ctx, a, b, "shared", "shared", nil)
	link(t, ctx, b, a, "shared", "shared", nil)

	pa, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("from-a"), Body: strings.NewReader("A")})
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("from-b"), Body: strings.NewReader("B")})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, a, "shared", "from-a", *pa.VersionId, types.ReplicationStatusCompleted)
	waitStatus(t, ctx, b, "shared", "from-b", *pb.VersionId, types.ReplicationStatusCompleted)
	waitStatus(t, ctx, b, "shared", "from-a", *pa.VersionId, types.ReplicationStatusReplica)
	waitStatus(t, ctx, a, "shared", "from-b", *pb.VersionId, types.ReplicationStatusReplica)
	time.Sleep(time.Second)
	for _, s := range []*site{a, b} {
		l, err := s.c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("shared")})
		if err != nil || len(l.Versions) != 2 || len(l.DeleteMarkers) != 0 {
			t.Fatalf("versions %+v %v", l, err)
		}
		snap, err := s.srv.Server().Replicator().Snapshot(ctx)
		if err != nil || snap.Backlog != 0 || snap.Completed != 1 {
			t.Fatalf("metrics %+v %v", snap, err)
		}
	}
}

// SSE-C objects are never replicated; SSE-KMS ones only when the rule
// opts in, and then sealed under the destination's ReplicaKmsKeyID.
func TestReplicateEncrypted(t *testing.T) {
	ctx := testserver.Context(t)
	a, b := newSite(t), newSite(t)
	versionedBucket(t, ctx, a, "enc")
	versionedBucket(t, ctx, b, "enc-copy")
	key, err := b.srv.KMSClient().CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	dstKey := aws.ToString(key.KeyMetadata.Arn)
	link(t, ctx, a, b, "enc", "enc-copy", func(r *types.ReplicationRule) {
		r.SourceSelectionCriteria = &types.SourceSelectionCriteria{SseKmsEncryptedObjects: &types.SseKmsEncryptedObjects{Status: types.SseKmsEncryptedObjectsStatusEnabled}}
		r.Destination.EncryptionConfiguration = &types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String(dstKey)}
	})
	custKey := strings.Repeat("k", 32)
	sum := md5.Sum([]byte(custKey))
	c, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("customer"), Body: strings.NewReader("secret"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(base64.StdEncoding.EncodeToString([]byte(custKey))),
		SSECustomerKeyMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
	if err != nil {
		t.Fatal(err)
	}
	k, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("enc"), Key: aws.String("kms"), Body: strings.NewReader("under kms"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, a, "enc", "kms", *k.VersionId, types.ReplicationStatusCompleted)
	got, err := b.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("enc-copy"), Key: aws.String("kms")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "under kms" || got.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(got.SSEKMSKeyId) != dstKey {
		t.Fatalf("kms replica: %q %s %s", body, got.ServerSideEncryption, aws.ToString(got.SSEKMSKeyId))
	}
	h, err := a.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enc"), Key: aws.String("customer"), VersionId: c.VersionId,
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(base64.StdEncoding.EncodeToString([]byte(custKey))),
		SSECustomerKeyMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
	if err != nil || h.ReplicationStatus != "" {
		t.Fatalf("SSE-C version: %v %v", h.ReplicationStatus, err)
	}
	if _, err := b.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("enc-copy"), Key: aws.String("customer")}); err == nil {
		t.Fatal("an SSE-C object was replicated")
	}
}

// Without SseKmsEncryptedObjects, SSE-KMS objects stay home.
func TestReplicateSkipsKMSWithoutOptIn(t *testing.T) {
	ctx := testserver.Context(t)
	a, b := newSite(t), newSite(t)
	versionedBucket(t, ctx, a, "kms-src")
	versionedBucket(t, ctx, b, "kms-dst")
	link(t, ctx, a, b, "kms-src", "kms-dst", nil)
	k, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms-src"), Key: aws.String("kms"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms-src"), Key: aws.String("plain"), Body: strings.NewReader("y")})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, a, "kms-src", "plain", *p.VersionId, types.ReplicationStatusCompleted)
	h, err := a.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("kms-src"), Key: aws.String("kms"), VersionId: k.VersionId})
	if err != nil || h.ReplicationStatus != "" {
		t.Fatalf("SSE-KMS version: %v %v", h.ReplicationStatus, err)
	}
}

func waitTags(t *testing.T, ctx context.Context, s *site, bucket, key, vid, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := s.c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(vid)})
		got := ""
		if err == nil {
			for _, tg := range out.TagSet {
				got += aws.ToString(tg.Key) + "=" + aws.ToString(tg.Value) + ";"
			}
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s tags %q (%v), want %q", bucket, key, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Tag changes follow a replicated version; a replica's changes go back
// only with ReplicaModifications.
func TestReplicateModifications(t *testing.T) {
	ctx := testserver.Context(t)
	a, b := newSite(t), newSite(t)
	versionedBucket(t, ctx, a, "mods")
	versionedBucket(t, ctx, b, "mods")
	link(t, ctx, a, b, "mods", "mods", nil)
	replicaMods := func(r *types.ReplicationRule) {
		r.SourceSelectionCriteria = &types.SourceSelectionCriteria{ReplicaModifications: &types.ReplicaModifications{Status: types.ReplicaModificationsStatusEnabled}}
	}
	link(t, ctx, b, a, "mods", "mods", replicaMods)

	p, err := a.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mods"), Key: aws.String("k"), Body: strings.NewReader("v"), Tagging: aws.String("a=1")})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, a, "mods", "k", *p.VersionId, types.ReplicationStatusCompleted)
	setTags := func(s *site, kv string) {
		t.Helper()
		k, v, _ := strings.Cut(kv, "=")
		if _, err := s.c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("mods"), Key: aws.String("k"), VersionId: p.VersionId,
			Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String(k), Value: aws.String(v)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	setTags(a, "a=2")
	waitTags(t, ctx, b, "mods", "k", *p.VersionId, "a=2;")
	waitStatus(t, ctx, a, "mods", "k", *p.VersionId, types.ReplicationStatusCompleted)
	// b's rule sends its replica's changes back.
	setTags(b, "b=3")
	waitTags(t, ctx, a, "mods", "k", *p.VersionId, "b=3;")
	waitStatus(t, ctx, b, "mods", "k", *p.VersionId, types.ReplicationStatusReplica)
	time.Sleep(500 * time.Millisecond)
	waitTags(t, ctx, b, "mods", "k", *p.VersionId, "b=3;") // and nothing bounced back
}
