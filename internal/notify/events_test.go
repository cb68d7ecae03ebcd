package notify_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmw "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// want is what one event must say.
type want struct {
	name, key, etag, version string
	size                     int64 // -1: no size
	requestID                string
}

func checkEvent(t *testing.T, got event.MessageRecord, w want, bucket, config string) {
	t.Helper()
	if got.EventName != w.name || got.S3.Object.Key != w.key {
		t.Fatalf("event %s %q, want %s %q", got.EventName, got.S3.Object.Key, w.name, w.key)
	}
	if got.EventVersion != "2.1" || got.EventSource != "aws:s3" || got.AWSRegion != "us-east-1" {
		t.Errorf("%s: version %q source %q region %q", w.name, got.EventVersion, got.EventSource, got.AWSRegion)
	}
	if ts, err := event.ParseTime(got.EventTime); err != nil || time.Since(ts) > time.Minute || time.Until(ts) > time.Second {
		t.Errorf("%s: eventTime %q (%v)", w.name, got.EventTime, err)
	}
	if got.UserIdentity.PrincipalID == "" || got.RequestParameters.SourceIPAddress != "127.0.0.1" {
		t.Errorf("%s: identity %+v parameters %v", w.name, got.UserIdentity, got.RequestParameters)
	}
	if w.requestID != "" && got.ResponseElements.RequestID != w.requestID || got.ResponseElements.HostID == "" {
		t.Errorf("%s: response elements %v, want request id %s", w.name, got.ResponseElements, w.requestID)
	}
	s := got.S3
	if s.SchemaVersion != "1.0" || s.ConfigurationID != config || s.Bucket.Name != bucket ||
		s.Bucket.ARN != "arn:aws:s3:::"+bucket || s.Bucket.OwnerIdentity.PrincipalID == "" {
		t.Errorf("%s: s3 %+v", w.name, s)
	}
	o := s.Object
	if o.ETag != w.etag || o.VersionID != w.version || len(o.Sequencer) != 16 {
		t.Errorf("%s: object %+v, want etag %q version %q", w.name, o, w.etag, w.version)
	}
	if (w.size < 0) != (o.Size == nil) || o.Size != nil && *o.Size != w.size {
		t.Errorf("%s: size %v, want %d", w.name, o.Size, w.size)
	}
}

// TestEveryEventType: each change raises its event with S3's fields, in
// order, to the rule's configuration id; filters pick keys; keys are
// URL-encoded as S3 encodes them.
func TestEveryEventType(t *testing.T) {
	r := newReceiver(t)
	srv := testserver.Start(t, testserver.WithNotifyTargets(r.spec(t, "hook")), testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	c := srv.Client()
	ctx := testserver.Context(t)
	const b = "events"
	createBucket(t, c, b)
	all := []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*", "s3:ObjectAcl:Put"}
	if err := putNotification(ctx, c, b, types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		queueRule("all", "hook", all, "", ""),
	}}); err != nil {
		t.Fatal(err)
	}
	var ws []want
	p := put(t, c, b, "a.txt", "hello")
	ws = append(ws, want{name: event.ObjectCreatedPut, key: "a.txt", etag: strings.Trim(*p.ETag, `"`), size: 5, requestID: rid(p.ResultMetadata)})
	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("copy.txt"), CopySource: aws.String(b + "/a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, want{name: event.ObjectCreatedCopy, key: "copy.txt", etag: strings.Trim(*cp.CopyObjectResult.ETag, `"`), size: 5, requestID: rid(cp.ResultMetadata)})
	mp := multipart(t, c, b, "big.bin")
	ws = append(ws, want{name: event.ObjectCreatedComplete, key: "big.bin", etag: strings.Trim(*mp.ETag, `"`), size: 6 << 20, requestID: rid(mp.ResultMetadata)})
	tg, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("a.txt"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}})
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, want{name: event.ObjectTaggingPut, key: "a.txt", etag: ws[0].etag, size: -1, requestID: rid(tg.ResultMetadata)})
	dt, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, want{name: event.ObjectTaggingDelete, key: "a.txt", etag: ws[0].etag, size: -1, requestID: rid(dt.ResultMetadata)})
	acl, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("a.txt"), ACL: types.ObjectCannedACLPrivate})
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, want{name: event.ObjectACLPut, key: "a.txt", etag: ws[0].etag, size: -1, requestID: rid(acl.ResultMetadata)})
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, want{name: event.ObjectRemovedDelete, key: "a.txt", size: -1, requestID: rid(del.ResultMetadata)})
	dm, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("copy.txt")}, {Key: aws.String("big.bin")}}}})
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, want{name: event.ObjectRemovedDelete, key: "copy.txt", size: -1, requestID: rid(dm.ResultMetadata)},
		want{name: event.ObjectRemovedDelete, key: "big.bin", size: -1, requestID: rid(dm.ResultMetadata)})

	got := r.waitEvents(t, len(ws))
	if len(got) != len(ws) {
		t.Fatalf("%d events, want %d", len(got), len(ws))
	}
	// Different keys may arrive in any order (as in S3); sort ours by
	// what was sent for each key.
	byKey := map[string][]event.MessageRecord{}
	for _, g := range got {
		byKey[g.S3.Object.Key] = append(byKey[g.S3.Object.Key], g)
	}
	seen := map[string]int{}
	for _, w := range ws {
		g := byKey[w.key][seen[w.key]]
		seen[w.key]++
		checkEvent(t, g, w, b, "all")
	}
	for k, evs := range byKey {
		for i := 1; i < len(evs); i++ {
			if evs[i].S3.Object.Sequencer <= evs[i-1].S3.Object.Sequencer {
				t.Errorf("key %s: sequencer %s after %s", k, evs[i].S3.Object.Sequencer, evs[i-1].S3.Object.Sequencer)
			}
		}
	}
}

func rid(md middleware.Metadata) string {
	id, _ := awsmw.GetRequestIDMetadata(md)
	return id
}

func multipart(t *testing.T, c *s3.Client, b, key string) *s3.CompleteMultipartUploadOutput {
	t.Helper()
	ctx := testserver.Context(t)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for i, size := range []int{5 << 20, 1 << 20} {
		n := int32(i + 1)
		pr, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String(key), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(bytes.Repeat([]byte{byte('a' + i)}, size))})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: pr.ETag, ChecksumCRC32: pr.ChecksumCRC32})
	}
	out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
