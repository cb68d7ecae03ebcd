package e2e

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestAccessLogCrashMidResponse: a GET whose response has begun (the
// client holds the status, headers and the first bytes) when the server
// is SIGKILLed still has its access log record after a restart; so does
// the PUT before it. The record of the cut GET carries the status and
// the length the response declared.
func TestAccessLogCrashMidResponse(t *testing.T) {
	dir := t.TempDir() + "/data"
	p := startHoard(t, startOpts{dataDir: dir, args: []string{"--access-log-interval", "1h"}})
	c := p.client()
	ctx := testContext(t)
	createBucket(t, c, "src")
	createBucket(t, c, "logs")
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs"), Policy: aws.String(logDeliveryPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("src"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("logs"), TargetPrefix: aws.String("access/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}}},
	}}); err != nil {
		t.Fatal(err)
	}
	// Larger than what loopback sockets buffer, so the server is still
	// writing the body when it dies.
	const size = 48 << 20
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("big"),
		Body: bytes.NewReader(bytes.Repeat([]byte("x"), size))})
	if err != nil {
		t.Fatal(err)
	}
	putID, _ := awsmiddleware.GetRequestIDMetadata(put.ResultMetadata)
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("src"), Key: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	getID, _ := awsmiddleware.GetRequestIDMetadata(get.ResultMetadata)
	if _, err := io.ReadFull(get.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	p.kill()
	get.Body.Close()

	p = startHoard(t, startOpts{dataDir: dir, args: []string{"--access-log-interval", "200ms"}})
	c = p.client()
	waitFor(t, 30*time.Second, "the access log records", func() bool { return countObjects(t, c, "logs") > 0 })
	if !logRecordIDs(t, c, "logs", "REST.PUT.OBJECT")[putID] {
		t.Errorf("no log record of PUT request %s", putID)
	}
	lines := logLines(t, c, "logs", getID)
	if len(lines) != 1 {
		t.Fatalf("%d log records of the cut GET %s, want 1: %q", len(lines), getID, lines)
	}
	// Status and bytes sent follow the quoted request line.
	_, after, _ := strings.Cut(lines[0], "HTTP/1.1\" ")
	if f := strings.Fields(after); len(f) < 3 || f[0] != "200" || f[2] != "50331648" {
		t.Errorf("record of the cut GET: %q", lines[0])
	}
}

// logLines are the log records of one request id in bucket's objects.
func logLines(t *testing.T, c *s3.Client, bucket, id string) []string {
	out, err := c.ListObjectsV2(testContext(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, o := range out.Contents {
		g, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(g.Body)
		g.Body.Close()
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			if f := strings.Fields(line); len(f) > 6 && f[6] == id {
				lines = append(lines, line)
			}
		}
	}
	return lines
}
