package inventory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func (e *env) manifests(bucket, prefix string) []string {
	e.t.Helper()
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		e.t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		if strings.HasSuffix(*o.Key, "/manifest.json") {
			keys = append(keys, *o.Key)
		}
	}
	return keys
}

// TestSchedulerInventoryDay: with a one-second inventory day the server
// writes a Daily report by itself, once per day, and none for a
// disabled configuration.
func TestSchedulerInventoryDay(t *testing.T) {
	const day = time.Second
	e := newEnv(t, testserver.WithConfig(func(c *server.Config) { c.InventoryDay = day }))
	e.bucket("src", true)
	e.bucket("dst", false)
	e.fill("src")
	for _, id := range []string{"on", "off"} {
		_, err := e.c.PutBucketInventoryConfiguration(e.ctx, &s3.PutBucketInventoryConfigurationInput{
			Bucket: aws.String("src"), Id: aws.String(id), InventoryConfiguration: &types.InventoryConfiguration{
				Id: aws.String(id), IsEnabled: aws.Bool(id == "on"), IncludedObjectVersions: types.InventoryIncludedObjectVersionsAll,
				OptionalFields: []types.InventoryOptionalField{"Size", "ETag", "StorageClass", "LastModifiedDate"},
				Schedule:       &types.InventorySchedule{Frequency: types.InventoryFrequencyDaily},
				Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{
					Bucket: aws.String("arn:aws:s3:::dst"), Format: types.InventoryFormatParquet}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Reports of one minute share the manifest's folder (S3 names it to
	// the minute), so the scheduler's record tells the days apart: over
	// three days, a report a day (the first day's may land right at its
	// end), never more.
	end := time.Now().Add(3 * day)
	var man string
	var times []time.Time
	for time.Now().Before(end) {
		m, at, err := e.srv.Server().Inventory().LastReport(e.ctx, "src", "on")
		if err != nil {
			t.Fatal(err)
		}
		if m != "" && (len(times) == 0 || at.After(times[len(times)-1])) {
			man, times = m, append(times, at)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(times) < 2 || len(times) > 4 {
		t.Fatalf("%d reports in three days: %v", len(times), times)
	}
	if keys := e.manifests("dst", "src/on/"); len(keys) == 0 {
		t.Fatal("no manifest in the destination")
	}
	_, rows := e.readReport("dst", &inventory.Report{ManifestKey: man,
		ChecksumKey: strings.TrimSuffix(man, ".json") + ".checksum", SymlinkKey: e.symlinkOf(man)})
	compare(t, rows, e.expected("src", true))
	if off := e.manifests("dst", "src/off/"); len(off) != 0 {
		t.Errorf("disabled configuration reported: %v", off)
	}
}

// symlinkOf finds the hive symlink of the report whose manifest is man
// (same minute: dt=YYYY-MM-DD-HH-MM).
func (e *env) symlinkOf(man string) string {
	parts := strings.Split(man, "/")
	stamp := parts[len(parts)-2] // YYYY-MM-DDTHH-MMZ
	dt := strings.Replace(strings.TrimSuffix(stamp, "Z"), "T", "-", 1)
	return strings.Join(parts[:len(parts)-2], "/") + "/hive/dt=" + dt + "/symlink.txt"
}
