package s3api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func (e *env) putIT(c types.IntelligentTieringConfiguration) error {
	_, err := e.c.PutBucketIntelligentTieringConfiguration(e.ctx, &s3.PutBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: c.Id, IntelligentTieringConfiguration: &c})
	return err
}

func itTiering(tier types.IntelligentTieringAccessTier, days int32) types.Tiering {
	return types.Tiering{AccessTier: tier, Days: aws.Int32(days)}
}

func TestIntelligentTieringRoundTrip(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.GetBucketIntelligentTieringConfiguration(e.ctx, &s3.GetBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("none")})
	wantStatusCode(t, err, 404, "NoSuchConfiguration")

	configs := []types.IntelligentTieringConfiguration{
		{Id: aws.String("all"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 90),
				itTiering(types.IntelligentTieringAccessTierDeepArchiveAccess, 180)}},
		{Id: aws.String("logs"), Status: types.IntelligentTieringStatusDisabled,
			Filter:   &types.IntelligentTieringFilter{Prefix: aws.String("logs/")},
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierDeepArchiveAccess, 365)}},
		{Id: aws.String("tagged"), Status: types.IntelligentTieringStatusEnabled,
			Filter: &types.IntelligentTieringFilter{And: &types.IntelligentTieringAndOperator{
				Prefix: aws.String("a/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}},
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 730)}},
	}
	for _, c := range configs {
		wantNoErr(t, e.putIT(c))
	}
	got, err := e.c.GetBucketIntelligentTieringConfiguration(e.ctx, &s3.GetBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("tagged")})
	wantNoErr(t, err)
	c := got.IntelligentTieringConfiguration
	if aws.ToString(c.Id) != "tagged" || c.Status != types.IntelligentTieringStatusEnabled || c.Filter == nil || c.Filter.And == nil ||
		aws.ToString(c.Filter.And.Prefix) != "a/" || len(c.Filter.And.Tags) != 1 || aws.ToString(c.Filter.And.Tags[0].Value) != "v" ||
		len(c.Tierings) != 1 || c.Tierings[0].AccessTier != types.IntelligentTieringAccessTierArchiveAccess || aws.ToInt32(c.Tierings[0].Days) != 730 {
		t.Fatalf("got %+v", c)
	}
	got, err = e.c.GetBucketIntelligentTieringConfiguration(e.ctx, &s3.GetBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("logs")})
	wantNoErr(t, err)
	if c := got.IntelligentTieringConfiguration; c.Status != types.IntelligentTieringStatusDisabled || aws.ToString(c.Filter.Prefix) != "logs/" {
		t.Fatalf("got %+v", c)
	}

	list, err := e.c.ListBucketIntelligentTieringConfigurations(e.ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	var ids []string
	for _, c := range list.IntelligentTieringConfigurationList {
		ids = append(ids, aws.ToString(c.Id))
	}
	if strings.Join(ids, ",") != "all,logs,tagged" || aws.ToBool(list.IsTruncated) {
		t.Fatalf("list = %v truncated %v", ids, aws.ToBool(list.IsTruncated))
	}

	_, err = e.c.DeleteBucketIntelligentTieringConfiguration(e.ctx, &s3.DeleteBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("logs")})
	wantNoErr(t, err)
	_, err = e.c.DeleteBucketIntelligentTieringConfiguration(e.ctx, &s3.DeleteBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("logs")})
	wantStatusCode(t, err, 404, "NoSuchConfiguration")
	_, err = e.c.GetBucketIntelligentTieringConfiguration(e.ctx, &s3.GetBucketIntelligentTieringConfigurationInput{
		Bucket: aws.String(e.bucket), Id: aws.String("logs")})
	wantStatusCode(t, err, 404, "NoSuchConfiguration")
	_, err = e.c.ListBucketIntelligentTieringConfigurations(e.ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: aws.String("no-such-bucket-it")})
	wantStatusCode(t, err, 404, "NoSuchBucket")
}

func TestIntelligentTieringValidation(t *testing.T) {
	e := newEnv(t)
	ok := []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 90)}
	cases := []struct {
		name string
		c    types.IntelligentTieringConfiguration
		code string
	}{
		{"archive under 90 days", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 89)}}, "InvalidArgument"},
		{"deep under 180 days", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierDeepArchiveAccess, 179)}}, "InvalidArgument"},
		{"over two years", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierDeepArchiveAccess, 731)}}, "InvalidArgument"},
		{"same tier twice", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{ok[0], ok[0]}}, "InvalidArgument"},
		{"deep before archive", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 200),
				itTiering(types.IntelligentTieringAccessTierDeepArchiveAccess, 190)}}, "InvalidArgument"},
		{"unknown tier", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{itTiering("FREQUENT", 100)}}, "MalformedXML"},
		{"bad status", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: "On", Tierings: ok}, "MalformedXML"},
		{"bad id", types.IntelligentTieringConfiguration{Id: aws.String("a b"), Status: types.IntelligentTieringStatusEnabled, Tierings: ok}, "InvalidArgument"},
		{"long id", types.IntelligentTieringConfiguration{Id: aws.String(strings.Repeat("x", 65)), Status: types.IntelligentTieringStatusEnabled, Tierings: ok}, "InvalidArgument"},
		{"prefix and tag outside And", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled, Tierings: ok,
			Filter: &types.IntelligentTieringFilter{Prefix: aws.String("p"), Tag: &types.Tag{Key: aws.String("k"), Value: aws.String("v")}}}, "MalformedXML"},
		{"And of one condition", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled, Tierings: ok,
			Filter: &types.IntelligentTieringFilter{And: &types.IntelligentTieringAndOperator{Prefix: aws.String("p")}}}, "MalformedXML"},
		{"reserved tag", types.IntelligentTieringConfiguration{Id: aws.String("a"), Status: types.IntelligentTieringStatusEnabled, Tierings: ok,
			Filter: &types.IntelligentTieringFilter{Tag: &types.Tag{Key: aws.String("aws:x"), Value: aws.String("v")}}}, "InvalidArgument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantStatusCode(t, e.putIT(tc.c), 400, tc.code)
		})
	}
	list, err := e.c.ListBucketIntelligentTieringConfigurations(e.ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if n := len(list.IntelligentTieringConfigurationList); n != 0 {
		t.Fatalf("refused configurations were stored: %d", n)
	}
	// The id of the query and the one of the body must agree.
	body := `<IntelligentTieringConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>b</Id><Status>Enabled</Status>` +
		`<Tiering><AccessTier>ARCHIVE_ACCESS</AccessTier><Days>90</Days></Tiering></IntelligentTieringConfiguration>`
	e.signedDo("PUT", "/"+e.bucket+"?intelligent-tiering&id=a", []byte(body), nil).wantError(t, 400, "InvalidArgument")
	e.signedDo("PUT", "/"+e.bucket+"?intelligent-tiering", []byte(body), nil).wantError(t, 400, "InvalidArgument")
	e.signedDo("PUT", "/"+e.bucket+"?intelligent-tiering&id=b", []byte(strings.Replace(body, "<Status>", "<Bogus/><Status>", 1)), nil).
		wantError(t, 400, "MalformedXML")
	noTiers := `<IntelligentTieringConfiguration><Id>b</Id><Status>Enabled</Status></IntelligentTieringConfiguration>`
	e.signedDo("PUT", "/"+e.bucket+"?intelligent-tiering&id=b", []byte(noTiers), nil).wantError(t, 400, "MalformedXML")
	e.signedDo("GET", "/"+e.bucket+"?intelligent-tiering&continuation-token=%21%21", nil, nil).wantError(t, 400, "InvalidArgument")
}

// TestIntelligentTieringLimitAndPages fills a bucket with S3's 1,000
// configurations: the next is refused, replacing one is not, and a
// listing pages through all of them with continuation tokens.
func TestIntelligentTieringLimitAndPages(t *testing.T) {
	e := newEnv(t)
	for i := range 1000 {
		c := types.IntelligentTieringConfiguration{Id: aws.String(fmt.Sprintf("c%04d", i)), Status: types.IntelligentTieringStatusEnabled,
			Filter:   &types.IntelligentTieringFilter{Prefix: aws.String(fmt.Sprintf("p%d/", i))},
			Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 90)}}
		wantNoErr(t, e.putIT(c))
	}
	over := types.IntelligentTieringConfiguration{Id: aws.String("c1000"), Status: types.IntelligentTieringStatusEnabled,
		Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 90)}}
	wantStatusCode(t, e.putIT(over), 400, "TooManyConfigurations")
	over.Id = aws.String("c0500")
	wantNoErr(t, e.putIT(over))

	var ids []string
	var token *string
	pages := 0
	for {
		out, err := e.c.ListBucketIntelligentTieringConfigurations(e.ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{
			Bucket: aws.String(e.bucket), ContinuationToken: token})
		wantNoErr(t, err)
		pages++
		if aws.ToString(out.ContinuationToken) != aws.ToString(token) {
			t.Fatalf("continuation token not echoed: %q", aws.ToString(out.ContinuationToken))
		}
		for _, c := range out.IntelligentTieringConfigurationList {
			ids = append(ids, aws.ToString(c.Id))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		token = out.NextContinuationToken
	}
	if pages != 10 || len(ids) != 1000 || ids[0] != "c0000" || ids[999] != "c0999" {
		t.Fatalf("pages %d ids %d first %q last %q", pages, len(ids), ids[0], ids[len(ids)-1])
	}
	for i, id := range ids {
		if id != fmt.Sprintf("c%04d", i) {
			t.Fatalf("ids[%d] = %q", i, id)
		}
	}
}
