package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestAdminInventoryRun(t *testing.T) {
	srv := testserver.Start(t)
	ctx := testserver.Context(t)
	c := srv.Client()
	for _, b := range []string{"src", "dst"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"a", "b/c", "d e"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String("src"), Id: aws.String("daily"), InventoryConfiguration: &types.InventoryConfiguration{
			Id: aws.String("daily"), IsEnabled: aws.Bool(false), IncludedObjectVersions: types.InventoryIncludedObjectVersionsCurrent,
			Schedule: &types.InventorySchedule{Frequency: types.InventoryFrequencyDaily},
			Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{
				Bucket: aws.String("arn:aws:s3:::dst"), Format: types.InventoryFormatCsv, Prefix: aws.String("reports")}}}})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOARD_ENDPOINT": srv.URL, "HOARD_ROOT_ACCESS_KEY": testserver.AccessKey, "HOARD_ROOT_SECRET_KEY": testserver.SecretKey}
	code, out, errs := runAppEnv(env, "admin", "inventory", "run", "src", "daily", "--json")
	var run adminapi.InventoryRunJSON
	if code != 0 || json.Unmarshal([]byte(out), &run) != nil || run.Rows != 3 || len(run.Files) != 1 ||
		!strings.HasPrefix(run.Manifest, "reports/src/daily/") || !strings.HasSuffix(run.Manifest, "/manifest.json") {
		t.Fatalf("run: %d %q %q", code, out, errs)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String(run.Manifest)}); err != nil {
		t.Fatalf("manifest %s: %v", run.Manifest, err)
	}
	if code, out, _ = runAppEnv(env, "admin", "inventory", "run", "src", "daily"); code != 0 || !strings.Contains(out, "3 rows in 1 files") {
		t.Fatalf("run (text): %d %q", code, out)
	}
	if code, _, errs = runAppEnv(env, "admin", "inventory", "run", "src", "weekly"); code != 1 || !strings.Contains(errs, "NoSuchConfiguration") {
		t.Fatalf("missing configuration: %d %q", code, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "inventory", "run", "nosuch", "daily"); code != 1 || !strings.Contains(errs, "NoSuchBucket") {
		t.Fatalf("missing bucket: %d %q", code, errs)
	}
	if code, _, _ = runAppEnv(env, "admin", "inventory", "run", "src"); code != 2 {
		t.Fatalf("one argument: %d", code)
	}
}
