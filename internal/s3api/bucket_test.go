package s3api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBucketLifecycle(t *testing.T) {
	e := newEnv(t)
	out, err := e.c.HeadBucket(e.ctx, &s3.HeadBucketInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if aws.ToString(out.BucketRegion) != "us-east-1" {
		t.Fatalf("region %q", aws.ToString(out.BucketRegion))
	}
	loc, err := e.c.GetBucketLocation(e.ctx, &s3.GetBucketLocationInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if loc.LocationConstraint != "" {
		t.Fatalf("location %q, want empty for us-east-1", loc.LocationConstraint)
	}
	e.put("k", "v")
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "BucketNotEmpty")
	_, err = e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantNoErr(t, err)
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.HeadBucket(e.ctx, &s3.HeadBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NotFound")
	_, err = e.c.GetBucketLocation(e.ctx, &s3.GetBucketLocationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchBucket")
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchBucket")
}

func TestCreateBucketErrors(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"ab", "UPPER", "has_underscore", "-leading", "192.168.1.1", "a..b", strings.Repeat("a", 64)} {
		_, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
		wantCode(t, err, "InvalidBucketName")
	}
	_, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{
		Bucket:                    aws.String("elsewhere"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1},
	})
	wantCode(t, err, "IllegalLocationConstraintException")
	// us-east-1 answers 200 when the owner re-creates its bucket, as S3.
	_, err = e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
}

func TestCreateBucketRaw(t *testing.T) {
	e := newEnv(t)
	body := []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`)
	r := e.signedDo("PUT", "/raw-bucket", body, nil)
	if r.status != 200 || r.header.Get("Location") != "/raw-bucket" {
		t.Fatalf("status %d location %q body %s", r.status, r.header.Get("Location"), r.body)
	}
	r = e.signedDo("PUT", "/raw-bucket2", []byte("<CreateBucketConfiguration><Loc"), nil)
	r.wantError(t, 400, "MalformedXML")
	r = e.signedDo("PUT", "/raw-bucket2", []byte(strings.Repeat(" ", 70<<10)), nil)
	r.wantError(t, 400, "MaxMessageLengthExceeded")
	if r := e.signedDo("HEAD", "/raw-bucket2", nil, nil); r.status != 404 || len(r.body) != 0 {
		t.Fatalf("bucket created by a bad request: %d %q", r.status, r.body)
	}
}

func TestListBuckets(t *testing.T) {
	e := newEnv(t)
	names := []string{e.bucket}
	for i := 0; i < 4; i++ {
		names = append(names, e.newBucket())
	}
	out, err := e.c.ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantNoErr(t, err)
	if len(out.Buckets) != 5 || out.Owner == nil || aws.ToString(out.Owner.ID) == "" {
		t.Fatalf("buckets %d owner %+v", len(out.Buckets), out.Owner)
	}
	if aws.ToString(out.Buckets[0].BucketRegion) != "us-east-1" || out.Buckets[0].CreationDate == nil {
		t.Fatalf("bucket entry %+v", out.Buckets[0])
	}
	var got []string
	p := s3.NewListBucketsPaginator(e.c, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		wantNoErr(t, err)
		if len(page.Buckets) > 2 {
			t.Fatalf("page of %d", len(page.Buckets))
		}
		for _, b := range page.Buckets {
			got = append(got, aws.ToString(b.Name))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(sortedCopy(names)) {
		t.Fatalf("paged %v, want %v", got, names)
	}
	out, err = e.c.ListBuckets(e.ctx, &s3.ListBucketsInput{Prefix: aws.String(names[1])})
	wantNoErr(t, err)
	if len(out.Buckets) != 1 || aws.ToString(out.Prefix) != names[1] {
		t.Fatalf("prefix listing %+v", out.Buckets)
	}
	for _, q := range []string{"max-buckets=0", "max-buckets=10001", "max-buckets=x", "continuation-token=%21%21"} {
		e.signedDo("GET", "/?"+q, nil, nil).wantError(t, 400, "InvalidArgument")
	}
}

func TestBucketVersioningAndUnsupported(t *testing.T) {
	e := newEnv(t)
	v, err := e.c.GetBucketVersioning(e.ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if v.Status != "" {
		t.Fatalf("versioning status %q", v.Status)
	}
	_, err = e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled},
	})
	wantCode(t, err, "NotImplemented")
	// Lifecycle, replication, website, logging and notification reads
	// answer as for a bucket without them (TestUnsetBucketConfigs).
	for _, sub := range []string{
		"metrics",
		"analytics", "requestPayment"} {
		e.signedDo("GET", "/"+e.bucket+"?"+sub, nil, nil).wantError(t, 501, "NotImplemented")
	}
	for _, sub := range []string{"torrent"} {
		e.signedDo("GET", "/"+e.bucket+"/k?"+sub, nil, nil).wantError(t, 501, "NotImplemented")
	}
	for _, sub := range []string{"select&select-type=2"} {
		e.signedDo("POST", "/"+e.bucket+"/k?"+sub, nil, nil).wantError(t, 501, "NotImplemented")
	}
	e.signedDo("PATCH", "/"+e.bucket+"/k", nil, nil).wantError(t, 405, "MethodNotAllowed")
	if r := e.signedDo("GET", "/"+e.bucket+"?versioning", nil, nil); r.status != 200 ||
		!strings.Contains(string(r.body), `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`) {
		t.Fatalf("versioning %d %s", r.status, r.body)
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
