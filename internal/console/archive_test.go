package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestArchivedObjects: the listing names each object's class, the details
// say whether an archived object is restored, and the console asks for a
// restore.
func TestArchivedObjects(t *testing.T) {
	ts := testserver.Start(t, testserver.WithConsole(), testserver.WithTiering(server.TierConfig{
		RestoreDelays: map[string]time.Duration{"Standard": 200 * time.Millisecond}, RestoreEvery: 50 * time.Millisecond}))
	s3c := ts.Client()
	ctx := t.Context()
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("arch")}); err != nil {
		t.Fatal(err)
	}
	for k, class := range map[string]string{"cold": "GLACIER", "warm": "STANDARD_IA"} {
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("arch"), Key: aws.String(k), Body: strings.NewReader(k), StorageClass: s3Class(class)})
		if err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	st, out := c.call("GET", "/api/objects?bucket=arch", nil, nil)
	if st != 200 {
		t.Fatalf("list: %d %v", st, out)
	}
	classes := map[string]string{}
	for _, o := range out["objects"].([]any) {
		m := o.(map[string]any)
		classes[m["key"].(string)], _ = m["storageClass"].(string)
	}
	if classes["cold"] != "GLACIER" || classes["warm"] != "STANDARD_IA" {
		t.Fatalf("listed classes %v", classes)
	}
	st, out = c.call("GET", "/api/object?bucket=arch&key=cold", nil, nil)
	if st != 200 || out["storageClass"] != "GLACIER" || out["restore"] != "" {
		t.Fatalf("details before restore: %d %v", st, out)
	}
	st, out = c.call("POST", "/api/objects/archive-restore", map[string]any{"bucket": "arch", "key": "warm", "days": 1}, nil)
	if st != 403 || errCode(out) != "InvalidObjectState" {
		t.Fatalf("restore of STANDARD_IA: %d %v", st, out)
	}
	st, out = c.call("POST", "/api/objects/archive-restore", map[string]any{"bucket": "arch", "key": "cold", "days": 0}, nil)
	if st != 400 {
		t.Fatalf("restore for 0 days: %d %v", st, out)
	}
	st, out = c.call("POST", "/api/objects/archive-restore", map[string]any{"bucket": "arch", "key": "cold", "days": 2}, nil)
	if st != 200 {
		t.Fatalf("restore: %d %v", st, out)
	}
	_, out = c.call("GET", "/api/object?bucket=arch&key=cold", nil, nil)
	if out["restore"] != `ongoing-request="true"` {
		t.Fatalf("details while restoring: %v", out["restore"])
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, out = c.call("GET", "/api/object?bucket=arch&key=cold", nil, nil)
		if r, _ := out["restore"].(string); strings.Contains(r, "expiry-date=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never restored: %v", out["restore"])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func s3Class(c string) types.StorageClass { return types.StorageClass(c) }
