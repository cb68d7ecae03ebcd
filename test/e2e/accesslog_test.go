package e2e

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// logDeliveryPolicy lets the logging service write under access/ of logs.
const logDeliveryPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
"Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/access/*"}]}`

// TestAccessLogsSurviveCrash: access log records of acknowledged requests
// are queued durably; the server is SIGKILLed long before it would have
// delivered them, and after a restart every record arrives in a log
// object. Logging is configured with the aws CLI.
func TestAccessLogsSurviveCrash(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not installed")
	}
	dir := t.TempDir() + "/data"
	p := startHoard(t, startOpts{dataDir: dir, args: []string{"--access-log-interval", "1h"}})
	c := p.client()
	createBucket(t, c, "src")
	createBucket(t, c, "logs")
	cli := newAWSCLI(t, p)
	cli.run("s3api", "put-bucket-policy", "--bucket", "logs", "--policy", logDeliveryPolicy)
	cli.run("s3api", "put-bucket-logging", "--bucket", "src", "--bucket-logging-status",
		`{"LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":"access/","TargetObjectKeyFormat":{"PartitionedPrefix":{"PartitionDateSource":"EventTime"}}}}`)
	var got struct {
		LoggingEnabled struct {
			TargetBucket, TargetPrefix string
			TargetObjectKeyFormat      struct {
				PartitionedPrefix struct{ PartitionDateSource string }
			}
		}
	}
	cli.json(&got, "s3api", "get-bucket-logging", "--bucket", "src")
	if got.LoggingEnabled.TargetBucket != "logs" || got.LoggingEnabled.TargetPrefix != "access/" ||
		got.LoggingEnabled.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource != "EventTime" {
		t.Fatalf("get-bucket-logging answered %+v", got)
	}

	ids := map[string]bool{}
	for i := range 20 {
		out, err := c.PutObject(testContext(t), &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(fmt.Sprintf("k%02d", i)),
			Body: strings.NewReader("data")})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		ids[id] = true
	}
	if n := countObjects(t, c, "logs"); n != 0 {
		t.Fatalf("%d log objects before the interval", n)
	}
	p.kill()

	p = startHoard(t, startOpts{dataDir: dir, args: []string{"--access-log-interval", "200ms"}})
	c = p.client()
	waitFor(t, 30*time.Second, "the access log records", func() bool { return countObjects(t, c, "logs") > 0 })
	seen := logRecordIDs(t, c, "logs", "REST.PUT.OBJECT")
	for id := range ids {
		if !seen[id] {
			t.Errorf("no log record of PUT request %s", id)
		}
	}
}

func countObjects(t *testing.T, c *s3.Client, bucket string) int {
	out, err := c.ListObjectsV2(testContext(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Contents)
}

// logRecordIDs reads every log object of bucket and returns the request
// ids of the records of operation op. The fields before the operation
// hold no spaces but the time's, so splitting on spaces finds them.
func logRecordIDs(t *testing.T, c *s3.Client, bucket, op string) map[string]bool {
	ids := map[string]bool{}
	out, err := c.ListObjectsV2(testContext(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		if !strings.HasPrefix(aws.ToString(o.Key), "access/000000000000/us-east-1/src/") {
			t.Errorf("log object key %q, want the partitioned prefix", aws.ToString(o.Key))
		}
		g, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(g.Body)
		g.Body.Close()
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			if f := strings.Fields(line); len(f) > 7 && f[1] == "src" && f[7] == op {
				ids[f[6]] = true
			}
		}
	}
	return ids
}
