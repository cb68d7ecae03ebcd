package s3api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func (e *env) putLifecycle(rules ...types.LifecycleRule) error {
	_, err := e.c.PutBucketLifecycleConfiguration(e.ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket: aws.String(e.bucket), LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules},
	})
	return err
}

func TestLifecycleRoundTrip(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.GetBucketLifecycleConfiguration(e.ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantStatusCode(t, err, 404, "NoSuchLifecycleConfiguration")
	date := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	rules := []types.LifecycleRule{
		{ID: aws.String("logs"), Status: types.ExpirationStatusEnabled,
			Filter:                      &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration:                  &types.LifecycleExpiration{Days: aws.Int32(30)},
			Transitions:                 []types.Transition{{Days: aws.Int32(0), StorageClass: types.TransitionStorageClassGlacier}},
			NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(3)},
			NoncurrentVersionTransitions: []types.NoncurrentVersionTransition{
				{NoncurrentDays: aws.Int32(30), StorageClass: types.TransitionStorageClassStandardIa}},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(2)},
		},
		{ID: aws.String("tagged"), Status: types.ExpirationStatusDisabled,
			Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{
				Prefix: aws.String("a/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
				ObjectSizeGreaterThan: aws.Int64(10), ObjectSizeLessThan: aws.Int64(1000)}},
			Expiration: &types.LifecycleExpiration{Date: &date}},
		{ID: aws.String("markers"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{},
			Expiration: &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
		{Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String("t"), Value: aws.String("1")}},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
	}
	wantNoErr(t, e.putLifecycle(rules...))
	got, err := e.c.GetBucketLifecycleConfiguration(e.ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(got.Rules) != 4 {
		t.Fatalf("rules = %d", len(got.Rules))
	}
	if got.TransitionDefaultMinimumObjectSize != types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k {
		t.Errorf("minimum size = %q", got.TransitionDefaultMinimumObjectSize)
	}
	r := got.Rules[0]
	if aws.ToString(r.Filter.Prefix) != "logs/" || aws.ToInt32(r.Expiration.Days) != 30 || len(r.Transitions) != 1 ||
		r.Transitions[0].StorageClass != types.TransitionStorageClassGlacier || aws.ToInt32(r.Transitions[0].Days) != 0 ||
		aws.ToInt32(r.NoncurrentVersionExpiration.NewerNoncurrentVersions) != 3 ||
		aws.ToInt32(r.NoncurrentVersionTransitions[0].NoncurrentDays) != 30 ||
		aws.ToInt32(r.AbortIncompleteMultipartUpload.DaysAfterInitiation) != 2 {
		t.Errorf("rule 0 = %+v", r)
	}
	a := got.Rules[1].Filter.And
	if got.Rules[1].Status != types.ExpirationStatusDisabled || a == nil || aws.ToString(a.Prefix) != "a/" || len(a.Tags) != 1 ||
		aws.ToInt64(a.ObjectSizeGreaterThan) != 10 || aws.ToInt64(a.ObjectSizeLessThan) != 1000 || !got.Rules[1].Expiration.Date.Equal(date) {
		t.Errorf("rule 1 = %+v", got.Rules[1])
	}
	if !aws.ToBool(got.Rules[2].Expiration.ExpiredObjectDeleteMarker) {
		t.Errorf("rule 2 = %+v", got.Rules[2])
	}
	if id := aws.ToString(got.Rules[3].ID); id == "" || got.Rules[3].Filter.Tag == nil {
		t.Errorf("rule 3 (no ID given) = %+v", got.Rules[3])
	}
	_, err = e.c.DeleteBucketLifecycle(e.ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.GetBucketLifecycleConfiguration(e.ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchLifecycleConfiguration")
	_, err = e.c.DeleteBucketLifecycle(e.ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.GetBucketLifecycleConfiguration(e.ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("no-such-bucket-lc")})
	wantCode(t, err, "NoSuchBucket")
}

// TestLifecycleLegacyPrefix: a rule given a top-level Prefix reads back
// with one, as boto3-era tools expect.
func TestLifecycleLegacyPrefix(t *testing.T) {
	e := newEnv(t)
	doc := `<LifecycleConfiguration><Rule><ID>r</ID><Prefix>old/</Prefix><Status>Enabled</Status>` +
		`<Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>`
	resp := e.signedDo(http.MethodPut, "/"+e.bucket+"?lifecycle", []byte(doc), map[string]string{"Content-MD5": md5b64([]byte(doc))})
	if resp.status != 200 || resp.header.Get("X-Amz-Transition-Default-Minimum-Object-Size") != "all_storage_classes_128K" {
		t.Fatalf("put: %d %s %v", resp.status, resp.body, resp.header)
	}
	got := e.signedDo(http.MethodGet, "/"+e.bucket+"?lifecycle", nil, nil)
	want := `<Rule><ID>r</ID><Prefix>old/</Prefix><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule>`
	if got.status != 200 || !strings.Contains(string(got.body), want) || strings.Contains(string(got.body), "<Filter>") {
		t.Fatalf("get: %d %s", got.status, got.body)
	}
}

func TestLifecycleRefused(t *testing.T) {
	e := newEnv(t)
	rule := func(inner string) string {
		return `<LifecycleConfiguration><Rule>` + inner + `</Rule></LifecycleConfiguration>`
	}
	exp := `<Expiration><Days>1</Days></Expiration>`
	en := `<Status>Enabled</Status>`
	many := strings.Repeat(`<Rule><Status>Enabled</Status>`+exp+`</Rule>`, 1001)
	for name, c := range map[string]struct{ doc, code, msg string }{
		"not xml":          {"<Lifecycle", "MalformedXML", ""},
		"no rules":         {`<LifecycleConfiguration></LifecycleConfiguration>`, "MalformedXML", ""},
		"too many rules":   {`<LifecycleConfiguration>` + many + `</LifecycleConfiguration>`, "InvalidArgument", "1000"},
		"status lowercase": {rule(`<Status>enabled</Status>` + exp), "MalformedXML", ""},
		"id too long":      {rule(`<ID>` + strings.Repeat("a", 256) + `</ID>` + en + exp), "InvalidArgument", "ID length should not exceed allowed limit of 255"},
		"same id": {`<LifecycleConfiguration><Rule><ID>x</ID>` + en + exp + `</Rule><Rule><ID>x</ID>` + en + exp + `</Rule></LifecycleConfiguration>`,
			"InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"},
		"no action":             {rule(en), "InvalidRequest", "At least one action needs to be specified in a rule"},
		"days zero":             {rule(en + `<Expiration><Days>0</Days></Expiration>`), "InvalidArgument", "'Days' for Expiration action must be a positive integer"},
		"days not a number":     {rule(en + `<Expiration><Days>x</Days></Expiration>`), "MalformedXML", ""},
		"empty expiration":      {rule(en + `<Expiration></Expiration>`), "MalformedXML", ""},
		"days and date":         {rule(en + `<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>`), "MalformedXML", ""},
		"date not midnight":     {rule(en + `<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>`), "InvalidArgument", "'Date' must be at midnight GMT"},
		"bad date":              {rule(en + `<Expiration><Date>20200101</Date></Expiration>`), "MalformedXML", ""},
		"marker with days":      {rule(en + `<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>`), "InvalidArgument", "ExpiredObjectDeleteMarker"},
		"marker with tag":       {rule(en + `<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>`), "InvalidArgument", ""},
		"filter and prefix":     {rule(`<Prefix>a</Prefix><Filter><Prefix>a</Prefix></Filter>` + en + exp), "MalformedXML", ""},
		"filter two elements":   {rule(`<Filter><Prefix>a</Prefix><Tag><Key>a</Key><Value>b</Value></Tag></Filter>` + en + exp), "MalformedXML", ""},
		"unknown element":       {rule(en + exp + `<Bogus>1</Bogus>`), "MalformedXML", ""},
		"duplicate tag keys":    {rule(`<Filter><And><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></And></Filter>` + en + exp), "InvalidArgument", "Duplicate Tag Keys are not allowed."},
		"size range":            {rule(`<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>5</ObjectSizeLessThan></And></Filter>` + en + exp), "InvalidArgument", "ObjectSizeGreaterThan must be less than ObjectSizeLessThan"},
		"noncurrent zero":       {rule(en + `<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>`), "InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"},
		"newer too many":        {rule(en + `<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>`), "InvalidArgument", "NewerNoncurrentVersions"},
		"transition class":      {rule(en + `<Transition><Days>1</Days><StorageClass>STANDARD</StorageClass></Transition>`), "MalformedXML", ""},
		"transition ia 29":      {rule(en + `<Transition><Days>29</Days><StorageClass>STANDARD_IA</StorageClass></Transition>`), "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"},
		"noncurrent ia 10":      {rule(en + `<NoncurrentVersionTransition><NoncurrentDays>10</NoncurrentDays><StorageClass>ONEZONE_IA</StorageClass></NoncurrentVersionTransition>`), "InvalidArgument", "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass 'ONEZONE_IA'"},
		"expire before move":    {rule(en + `<Expiration><Days>10</Days></Expiration><Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>`), "InvalidArgument", "must be greater than 'Days' in the Transition action"},
		"same class twice":      {rule(en + `<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>2</Days><StorageClass>GLACIER</StorageClass></Transition>`), "InvalidArgument", "'StorageClass' must be different"},
		"abort zero":            {rule(en + `<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>`), "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"},
		"abort with tag":        {rule(`<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>` + en + `<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>`), "InvalidArgument", "AbortIncompleteMultipartUpload cannot be specified with Tags."},
		"transition date mix":   {rule(en + `<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>`), "InvalidArgument", "mixed"},
		"transition both kinds": {rule(en + `<Transition><Days>1</Days><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>`), "MalformedXML", ""},
	} {
		t.Run(name, func(t *testing.T) {
			resp := e.signedDo(http.MethodPut, "/"+e.bucket+"?lifecycle", []byte(c.doc), map[string]string{"Content-MD5": md5b64([]byte(c.doc))})
			d := resp.wantError(t, 400, c.code)
			if !strings.Contains(d.Message, c.msg) {
				t.Errorf("message %q, want %q", d.Message, c.msg)
			}
		})
	}
	// Nothing was stored by any of them.
	_, err := e.c.GetBucketLifecycleConfiguration(e.ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchLifecycleConfiguration")
	// S3 requires an integrity header on this call.
	doc := rule(en + exp)
	e.signedDo(http.MethodPut, "/"+e.bucket+"?lifecycle", []byte(doc), nil).wantError(t, 400, "InvalidRequest")
	bad := map[string]string{"Content-MD5": md5b64([]byte(doc)), "X-Amz-Transition-Default-Minimum-Object-Size": "tiny"}
	e.signedDo(http.MethodPut, "/"+e.bucket+"?lifecycle", []byte(doc), bad).wantError(t, 400, "InvalidArgument")
}

// TestLifecycleMinimumSizeHeader: the transition minimum size is kept and
// returned.
func TestLifecycleMinimumSizeHeader(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.PutBucketLifecycleConfiguration(e.ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                             aws.String(e.bucket),
		TransitionDefaultMinimumObjectSize: types.TransitionDefaultMinimumObjectSizeVariesByStorageClass,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("g"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{},
			Transitions: []types.Transition{{Days: aws.Int32(1), StorageClass: types.TransitionStorageClassGlacier}},
		}}},
	})
	wantNoErr(t, err)
	got, err := e.c.GetBucketLifecycleConfiguration(e.ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if got.TransitionDefaultMinimumObjectSize != types.TransitionDefaultMinimumObjectSizeVariesByStorageClass {
		t.Fatalf("minimum size = %q", got.TransitionDefaultMinimumObjectSize)
	}
}

var expirationHeader = regexp.MustCompile(`^expiry-date="([^"]+)", rule-id="([^"]+)"$`)

// TestExpirationHeaders: PUT, HEAD and GET announce the rule that will
// expire the object, with S3's date (midnight UTC after Days).
func TestExpirationHeaders(t *testing.T) {
	e := newEnv(t)
	wantNoErr(t, e.putLifecycle(
		types.LifecycleRule{ID: aws.String("week"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)}},
		types.LifecycleRule{ID: aws.String("tagged"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String("gone"), Value: aws.String("soon")}}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
	))
	put := e.put("tmp/a", "x")
	want := midnightAfter(time.Now().UTC().Add(7 * 24 * time.Hour))
	checkExpiration(t, aws.ToString(put.Expiration), "week", want)
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("tmp/a")})
	wantNoErr(t, err)
	checkExpiration(t, aws.ToString(head.Expiration), "week", want)
	get, _, err := e.get("tmp/a")
	wantNoErr(t, err)
	checkExpiration(t, aws.ToString(get.Expiration), "week", want)

	cp, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("tmp/copy"),
		CopySource: aws.String(e.bucket + "/tmp/a")})
	wantNoErr(t, err)
	checkExpiration(t, aws.ToString(cp.Expiration), "week", want)

	// A tag filter: only the tagged object, and the earlier rule wins.
	e.put("tmp/b", "x", func(in *s3.PutObjectInput) { in.Tagging = aws.String("gone=soon") })
	head, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("tmp/b")})
	wantNoErr(t, err)
	checkExpiration(t, aws.ToString(head.Expiration), "tagged", midnightAfter(time.Now().UTC().Add(24*time.Hour)))
	e.put("other", "x", func(in *s3.PutObjectInput) { in.Tagging = aws.String("gone=later") })
	head, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("other")})
	wantNoErr(t, err)
	if head.Expiration != nil {
		t.Fatalf("untouched object has x-amz-expiration %q", *head.Expiration)
	}
}

func midnightAfter(t time.Time) time.Time { return t.Truncate(24 * time.Hour).Add(24 * time.Hour) }

func checkExpiration(t *testing.T, hdr, rule string, day time.Time) {
	t.Helper()
	m := expirationHeader.FindStringSubmatch(hdr)
	if m == nil {
		t.Fatalf("x-amz-expiration = %q", hdr)
	}
	at, err := time.Parse(http.TimeFormat, m[1])
	if err != nil || m[2] != rule {
		t.Fatalf("x-amz-expiration = %q (%v), want rule %s", hdr, err, rule)
	}
	// The test may straddle midnight; allow the day after.
	if !at.Equal(day) && !at.Equal(day.Add(24*time.Hour)) {
		t.Fatalf("expiry %s, want %s", at, day)
	}
}

// TestAbortHeaders: CreateMultipartUpload and ListParts name the rule
// that will abort the upload and when.
func TestAbortHeaders(t *testing.T) {
	e := newEnv(t)
	wantNoErr(t, e.putLifecycle(types.LifecycleRule{ID: aws.String("stale"), Status: types.ExpirationStatusEnabled,
		Filter:                         &types.LifecycleRuleFilter{Prefix: aws.String("up/")},
		AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(3)}}))
	up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("up/big")})
	wantNoErr(t, err)
	want := midnightAfter(time.Now().UTC().Add(3 * 24 * time.Hour))
	if aws.ToString(up.AbortRuleId) != "stale" || up.AbortDate == nil || (!up.AbortDate.Equal(want) && !up.AbortDate.Equal(want.Add(24*time.Hour))) {
		t.Fatalf("create: rule %q date %v, want %s", aws.ToString(up.AbortRuleId), up.AbortDate, want)
	}
	lp, err := e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("up/big"), UploadId: up.UploadId})
	wantNoErr(t, err)
	if aws.ToString(lp.AbortRuleId) != "stale" || lp.AbortDate == nil || !lp.AbortDate.Equal(*up.AbortDate) {
		t.Fatalf("list parts: rule %q date %v", aws.ToString(lp.AbortRuleId), lp.AbortDate)
	}
	raw := e.signedDo(http.MethodGet, fmt.Sprintf("/%s/up/big?uploadId=%s", e.bucket, aws.ToString(up.UploadId)), nil, nil)
	if !strings.Contains(string(raw.body), "<AbortRuleId>stale</AbortRuleId>") || !strings.Contains(string(raw.body), "<AbortDate>") {
		t.Fatalf("ListParts XML: %s", raw.body)
	}
	other, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("elsewhere")})
	wantNoErr(t, err)
	if other.AbortRuleId != nil || other.AbortDate != nil {
		t.Fatalf("upload outside the rule: %v %v", other.AbortRuleId, other.AbortDate)
	}
}
