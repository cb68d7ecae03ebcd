package s3api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestBucketTagging(t *testing.T) {
	e := newEnv(t)
	b := aws.String(e.bucket)
	_, err := e.c.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: b})
	wantCode(t, err, "NoSuchTagSet")

	set := []types.Tag{{Key: aws.String("team"), Value: aws.String("storage")}, {Key: aws.String("empty"), Value: aws.String("")}}
	_, err = e.c.PutBucketTagging(e.ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: set}})
	wantNoErr(t, err)
	out, err := e.c.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: b})
	wantNoErr(t, err)
	if len(out.TagSet) != 2 || *out.TagSet[1].Key != "team" || *out.TagSet[1].Value != "storage" || *out.TagSet[0].Key != "empty" || *out.TagSet[0].Value != "" {
		t.Fatalf("tag set = %+v", out.TagSet)
	}
	// The object's tags and the bucket's are separate.
	e.put("obj", "x")
	otags, err := e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("obj")})
	if err != nil || len(otags.TagSet) != 0 {
		t.Fatalf("object tags = %+v, %v", otags, err)
	}

	resp := e.signedDo(http.MethodDelete, "/"+e.bucket+"?tagging", nil, nil)
	if resp.status != http.StatusNoContent {
		t.Fatalf("delete status %d: %s", resp.status, resp.body)
	}
	_, err = e.c.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: b})
	wantCode(t, err, "NoSuchTagSet")

	_, err = e.c.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("no-such-bucket-here")})
	wantCode(t, err, "NoSuchBucket")
}

func TestPutBucketTaggingRefused(t *testing.T) {
	e := newEnv(t)
	b := aws.String(e.bucket)
	keep := []types.Tag{{Key: aws.String("keep"), Value: aws.String("me")}}
	_, err := e.c.PutBucketTagging(e.ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: keep}})
	wantNoErr(t, err)

	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	var many []types.Tag
	for i := 0; i < 51; i++ {
		many = append(many, tag(fmt.Sprint("k", i), "v"))
	}
	for name, set := range map[string][]types.Tag{
		"51 tags":       many,
		"duplicate key": {tag("a", "1"), tag("a", "2")},
		"empty key":     {tag("", "v")},
		"long key":      {tag(strings.Repeat("k", 129), "v")},
		"long value":    {tag("k", strings.Repeat("v", 257))},
		"aws: prefix":   {tag("aws:createdBy", "me")},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.c.PutBucketTagging(e.ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: set}})
			wantCode(t, err, "InvalidTag")
			out, err := e.c.GetBucketTagging(e.ctx, &s3.GetBucketTaggingInput{Bucket: b})
			if err != nil || len(out.TagSet) != 1 || *out.TagSet[0].Key != "keep" {
				t.Fatalf("after refusal: %+v, %v", out, err)
			}
		})
	}

	// Raw requests: no integrity header, and a body that is not Tagging.
	body := []byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`)
	e.signedDo(http.MethodPut, "/"+e.bucket+"?tagging", body, nil).wantError(t, 400, "InvalidRequest")
	bad := []byte(`<NotTagging/>`)
	e.signedDo(http.MethodPut, "/"+e.bucket+"?tagging", bad, map[string]string{"Content-MD5": md5b64(bad)}).wantError(t, 400, "MalformedXML")
}

// TestUnsetBucketConfigs: configurations not built yet read as S3 reads a
// bucket without them; their writes say 501.
func TestUnsetBucketConfigs(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		sub, code string
		status    int
		body      string
	}{
		{"website", "NoSuchWebsiteConfiguration", 404, ""},
	} {
		t.Run(c.sub, func(t *testing.T) {
			resp := e.signedDo(http.MethodGet, "/"+e.bucket+"?"+c.sub, nil, nil)
			if c.code != "" {
				resp.wantError(t, c.status, c.code)
			} else if resp.status != c.status || !strings.HasSuffix(strings.TrimSpace(string(resp.body)), c.body) {
				t.Fatalf("status %d body %q, want %d %q", resp.status, resp.body, c.status, c.body)
			}
			e.signedDo(http.MethodGet, "/no-such-bucket-here?"+c.sub, nil, nil).wantError(t, 404, "NoSuchBucket")
			body := []byte("<x/>")
			e.signedDo(http.MethodPut, "/"+e.bucket+"?"+c.sub, body, map[string]string{"Content-MD5": md5b64(body)}).wantError(t, 501, "NotImplemented")
		})
	}
	// The SDK reads them as empty configurations (notification.go and
	// bucket_logging.go serve these now; a bucket without them has an
	// empty one).
	n, err := e.c.GetBucketNotificationConfiguration(e.ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(e.bucket)})
	if err != nil || len(n.TopicConfigurations)+len(n.QueueConfigurations)+len(n.LambdaFunctionConfigurations) != 0 || n.EventBridgeConfiguration != nil {
		t.Fatalf("notification = %+v, %v", n, err)
	}
	l, err := e.c.GetBucketLogging(e.ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(e.bucket)})
	if err != nil || l.LoggingEnabled != nil {
		t.Fatalf("logging = %+v, %v", l, err)
	}
}
