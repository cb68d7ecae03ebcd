package s3api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/accounts"
)

func (e *env) putInventory(id string, c *types.InventoryConfiguration) error {
	_, err := e.c.PutBucketInventoryConfiguration(e.ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String(id), InventoryConfiguration: c})
	return err
}

func inventoryConfig(id, dest string) *types.InventoryConfiguration {
	return &types.InventoryConfiguration{
		Id: aws.String(id), IsEnabled: aws.Bool(true),
		Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{
			Bucket: aws.String("arn:aws:s3:::" + dest), Format: types.InventoryFormatCsv}},
		IncludedObjectVersions: types.InventoryIncludedObjectVersionsCurrent,
		Schedule:               &types.InventorySchedule{Frequency: types.InventoryFrequencyDaily},
	}
}

func TestInventoryConfigRoundTrip(t *testing.T) {
	e := newEnv(t)
	dest := e.newBucket()
	_, err := e.c.GetBucketInventoryConfiguration(e.ctx, &s3.GetBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("none")})
	wantStatusCode(t, err, 404, "NoSuchConfiguration")

	c := inventoryConfig("report-1", dest)
	c.IsEnabled = aws.Bool(false)
	s3d := c.Destination.S3BucketDestination
	s3d.Format, s3d.Prefix, s3d.AccountId = types.InventoryFormatParquet, aws.String("inv"), aws.String("123456789012")
	s3d.Encryption = &types.InventoryEncryption{SSEKMS: &types.SSEKMS{KeyId: aws.String("arn:aws:kms:us-east-1:123456789012:key/k1")}}
	c.Filter = &types.InventoryFilter{Prefix: aws.String("logs/")}
	c.IncludedObjectVersions = types.InventoryIncludedObjectVersionsAll
	c.Schedule.Frequency = types.InventoryFrequencyWeekly
	c.OptionalFields = []types.InventoryOptionalField{"ObjectOwner", "Size", "ETag", "ChecksumAlgorithm"}
	wantNoErr(t, e.putInventory("report-1", c))

	got, err := e.c.GetBucketInventoryConfiguration(e.ctx, &s3.GetBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("report-1")})
	wantNoErr(t, err)
	g := got.InventoryConfiguration
	gd := g.Destination.S3BucketDestination
	if aws.ToString(g.Id) != "report-1" || aws.ToBool(g.IsEnabled) || aws.ToString(g.Filter.Prefix) != "logs/" ||
		g.IncludedObjectVersions != "All" || g.Schedule.Frequency != "Weekly" ||
		fmt.Sprint(g.OptionalFields) != "[ObjectOwner Size ETag ChecksumAlgorithm]" {
		t.Errorf("configuration = %+v", g)
	}
	if aws.ToString(gd.Bucket) != "arn:aws:s3:::"+dest || gd.Format != "Parquet" || aws.ToString(gd.Prefix) != "inv" ||
		aws.ToString(gd.AccountId) != "123456789012" || gd.Encryption == nil || gd.Encryption.SSEKMS == nil ||
		aws.ToString(gd.Encryption.SSEKMS.KeyId) != "arn:aws:kms:us-east-1:123456789012:key/k1" || gd.Encryption.SSES3 != nil {
		t.Errorf("destination = %+v", gd)
	}

	// Replacing keeps one configuration under the id.
	c2 := inventoryConfig("report-1", dest)
	c2.Destination.S3BucketDestination.Encryption = &types.InventoryEncryption{SSES3: &types.SSES3{}}
	wantNoErr(t, e.putInventory("report-1", c2))
	got, err = e.c.GetBucketInventoryConfiguration(e.ctx, &s3.GetBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("report-1")})
	wantNoErr(t, err)
	if enc := got.InventoryConfiguration.Destination.S3BucketDestination.Encryption; enc == nil || enc.SSES3 == nil || enc.SSEKMS != nil ||
		got.InventoryConfiguration.Filter != nil || len(got.InventoryConfiguration.OptionalFields) != 0 {
		t.Errorf("replaced configuration = %+v", got.InventoryConfiguration)
	}

	_, err = e.c.DeleteBucketInventoryConfiguration(e.ctx, &s3.DeleteBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("report-1")})
	wantNoErr(t, err)
	_, err = e.c.GetBucketInventoryConfiguration(e.ctx, &s3.GetBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("report-1")})
	wantStatusCode(t, err, 404, "NoSuchConfiguration")
	_, err = e.c.DeleteBucketInventoryConfiguration(e.ctx, &s3.DeleteBucketInventoryConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("report-1")})
	wantStatusCode(t, err, 404, "NoSuchConfiguration")
}

func TestInventoryConfigErrors(t *testing.T) {
	e := newEnv(t)
	dest := e.newBucket()
	cases := []struct {
		name   string
		id     string
		mod    func(*types.InventoryConfiguration)
		status int
		code   string
	}{
		{"id mismatch", "other", func(*types.InventoryConfiguration) {}, 400, "InvalidArgument"},
		{"bad id", "a/b", func(c *types.InventoryConfiguration) { c.Id = aws.String("a/b") }, 400, "InvalidArgument"},
		{"long id", strings.Repeat("a", 65), func(c *types.InventoryConfiguration) { c.Id = aws.String(strings.Repeat("a", 65)) }, 400, "InvalidArgument"},
		{"bad format", "x", func(c *types.InventoryConfiguration) { c.Destination.S3BucketDestination.Format = "JSON" }, 400, "MalformedXML"},
		{"orc", "x", func(c *types.InventoryConfiguration) { c.Destination.S3BucketDestination.Format = "ORC" }, 501, "NotImplemented"},
		{"bad versions", "x", func(c *types.InventoryConfiguration) { c.IncludedObjectVersions = "Some" }, 400, "MalformedXML"},
		{"bad frequency", "x", func(c *types.InventoryConfiguration) { c.Schedule.Frequency = "Hourly" }, 400, "MalformedXML"},
		{"bad field", "x", func(c *types.InventoryConfiguration) { c.OptionalFields = []types.InventoryOptionalField{"Colour"} }, 400, "MalformedXML"},
		{"duplicate field", "x", func(c *types.InventoryConfiguration) {
			c.OptionalFields = []types.InventoryOptionalField{"Size", "Size"}
		}, 400, "InvalidArgument"},
		{"not an arn", "x", func(c *types.InventoryConfiguration) { c.Destination.S3BucketDestination.Bucket = aws.String(dest) }, 400, "InvalidS3DestinationBucket"},
		{"namespace", "x", func(c *types.InventoryConfiguration) {
			c.Destination.S3BucketDestination.Bucket = aws.String("arn:aws:s3::123456789012:" + dest)
		}, 400, "InvalidS3DestinationBucket"},
		{"missing destination", "x", func(c *types.InventoryConfiguration) {
			c.Destination.S3BucketDestination.Bucket = aws.String("arn:aws:s3:::no-such-bucket-here")
		}, 400, "InvalidS3DestinationBucket"},
		{"kms without key", "x", func(c *types.InventoryConfiguration) {
			c.Destination.S3BucketDestination.Encryption = &types.InventoryEncryption{SSEKMS: &types.SSEKMS{KeyId: aws.String("")}}
		}, 400, "MalformedXML"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := inventoryConfig("x", dest)
			tc.mod(c)
			wantStatusCode(t, e.putInventory(tc.id, c), tc.status, tc.code)
		})
	}
	out, err := e.c.ListBucketInventoryConfigurations(e.ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(out.InventoryConfigurationList) != 0 {
		t.Errorf("refused configurations were stored: %d", len(out.InventoryConfigurationList))
	}
	// A document without the required elements is malformed.
	resp := e.signedDo("PUT", "/"+e.bucket+"?inventory&id=x",
		[]byte(`<InventoryConfiguration><Id>x</Id><IsEnabled>true</IsEnabled></InventoryConfiguration>`), nil)
	resp.wantError(t, 400, "MalformedXML")
	_, err = e.c.ListBucketInventoryConfigurations(e.ctx, &s3.ListBucketInventoryConfigurationsInput{
		Bucket: aws.String("no-such-bucket-inv")})
	wantStatusCode(t, err, 404, "NoSuchBucket")
}

// TestInventoryConfigLimitAndPaging fills a bucket to S3's limit of
// 1,000 and pages through the list 100 at a time.
func TestInventoryConfigLimitAndPaging(t *testing.T) {
	e := newEnv(t)
	dest := e.newBucket()
	for i := range 1000 {
		id := fmt.Sprintf("c%04d", i)
		if err := e.putInventory(id, inventoryConfig(id, dest)); err != nil {
			t.Fatalf("put %s: %v", id, err)
		}
	}
	wantStatusCode(t, e.putInventory("c1000", inventoryConfig("c1000", dest)), 400, "TooManyConfigurations")
	// Replacing an existing one is not a new configuration.
	wantNoErr(t, e.putInventory("c0007", inventoryConfig("c0007", dest)))

	var ids []string
	var token *string
	pages := 0
	for {
		out, err := e.c.ListBucketInventoryConfigurations(e.ctx, &s3.ListBucketInventoryConfigurationsInput{
			Bucket: aws.String(e.bucket), ContinuationToken: token})
		wantNoErr(t, err)
		pages++
		if aws.ToString(out.ContinuationToken) != aws.ToString(token) {
			t.Errorf("page %d echoes token %q", pages, aws.ToString(out.ContinuationToken))
		}
		for _, c := range out.InventoryConfigurationList {
			ids = append(ids, aws.ToString(c.Id))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		token = out.NextContinuationToken
	}
	if pages != 10 || len(ids) != 1000 || ids[0] != "c0000" || ids[999] != "c0999" {
		t.Fatalf("pages = %d, ids = %d (%v..%v)", pages, len(ids), ids[0], ids[len(ids)-1])
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids out of order at %d: %s, %s", i, ids[i-1], ids[i])
		}
	}
	_, err := e.c.ListBucketInventoryConfigurations(e.ctx, &s3.ListBucketInventoryConfigurationsInput{
		Bucket: aws.String(e.bucket), ContinuationToken: aws.String("!!")})
	wantStatusCode(t, err, 400, "InvalidArgument")
}

// TestInventoryForeignDestination: reports go only into buckets of the
// source bucket's owner (no bucket policy grants the writes).
func TestInventoryForeignDestination(t *testing.T) {
	e := newEnv(t)
	created, err := e.srv.Server().Accounts().Create(e.ctx, accounts.CreateInput{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	other := e.srv.Client(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(created.RootAccessKey, created.RootSecretKey, "")
	})
	if _, err := other.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String("foreign-reports")}); err != nil {
		t.Fatal(err)
	}
	wantStatusCode(t, e.putInventory("x", inventoryConfig("x", "foreign-reports")), 400, "InvalidS3DestinationBucket")
}
