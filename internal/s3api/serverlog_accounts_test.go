package s3api_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestServerAccessLogOtherAccount: another account's logged bucket gets
// its own account id in the partitioned key and as aws:SourceAccount, and
// its owner's canonical id as the records' bucket owner.
func TestServerAccessLogOtherAccount(t *testing.T) {
	srv := testserver.Start(t)
	ctx := testserver.Context(t)
	second, err := srv.Server().Accounts().Create(ctx, accounts.CreateInput{Name: "second", ID: "333333333333"})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(second.RootAccessKey, second.RootSecretKey, "")
	})
	e := &env{t: t, srv: srv, c: c, ctx: ctx}
	src, target := e.newBucket(), e.newBucket()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%s/*",
		"Condition":{"StringEquals":{"aws:SourceAccount":"333333333333"}}}]}`, target)
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(target), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if err := e.putLogging(src, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(""),
		TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}}}); err != nil {
		t.Fatal(err)
	}
	e.bucket = src
	e.put("k", "v")
	recs, keys := e.logRecords(target, "")
	re := regexp.MustCompile(`^333333333333/us-east-1/` + src + `/` + time.Now().UTC().Format("2006/01/02") + `/`)
	if len(keys) != 1 || !re.MatchString(keys[0]) {
		t.Fatalf("log objects %q, want one under 333333333333/us-east-1/%s/", keys, src)
	}
	put := findRecord(recs, "REST.PUT.OBJECT", "k")
	if put == nil || put["BucketOwner"] != second.CanonicalID || put["Requester"] != second.CanonicalID {
		t.Fatalf("PUT record %v, want owner and requester %s", put, second.CanonicalID)
	}
}
