package accounts_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func s3Tags(kv ...string) *s3types.Tagging {
	t := &s3types.Tagging{TagSet: []s3types.Tag{}}
	for i := 0; i+1 < len(kv); i += 2 {
		t.TagSet = append(t.TagSet, s3types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return t
}

// Tag conditions of S3 requests, each through a real server: the bucket's
// tags as aws:ResourceTag, an object's as s3:ExistingObjectTag, and the
// tags a write sets (x-amz-tagging or a PutObjectTagging body) as
// s3:RequestObjectTag and s3:RequestObjectTagKeys.
func TestTagConditions(t *testing.T) {
	w := newWorld(t)
	op, ctx := w.op, w.ctx
	for _, b := range []string{"apollo-data", "gemini-data"} {
		op.bucket(b)
		proj := b[:len(b)-len("-data")]
		if _, err := op.s3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(b), Tagging: s3Tags("project", proj)}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(a *account, b string) error {
		_, err := a.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
		return err
	}

	t.Run("aws:ResourceTag", func(t *testing.T) {
		u := op.user("abac", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"*",
			"Condition":{"StringEquals":{"aws:ResourceTag/project":"${aws:PrincipalTag/project}"}}}]}`)
		if _, err := op.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("abac"), Tags: []iamtypes.Tag{{Key: aws.String("project"), Value: aws.String("apollo")}}}); err != nil {
			t.Fatal(err)
		}
		if err := list(u, "apollo-data"); err != nil {
			t.Fatalf("list the bucket tagged with the user's project: %v", err)
		}
		wantCode(t, "list another project's bucket", list(u, "gemini-data"), "AccessDenied")
		if err := op.put("apollo-data", "k", "v"); err != nil {
			t.Fatal(err)
		}
		if got, err := u.get("apollo-data", "k"); err != nil || got != "v" {
			t.Fatalf("read an object of the tagged bucket: %q, %v", got, err)
		}
		if _, err := op.s3.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String("apollo-data")}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "list once the bucket's tags are gone", list(u, "apollo-data"), "AccessDenied")
	})

	t.Run("s3:ExistingObjectTag", func(t *testing.T) {
		u := op.user("reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::gemini-data/*",
			"Condition":{"StringEquals":{"s3:ExistingObjectTag/class":"public"}}}]}`)
		for key, class := range map[string]string{"pub": "public", "priv": "private"} {
			_, err := op.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("gemini-data"), Key: aws.String(key), Body: stringsReader(key), Tagging: aws.String("class=" + class)})
			if err != nil {
				t.Fatal(err)
			}
		}
		if got, err := u.get("gemini-data", "pub"); err != nil || got != "pub" {
			t.Fatalf("read the public-tagged object: %q, %v", got, err)
		}
		_, err := u.get("gemini-data", "priv")
		wantCode(t, "read the private-tagged object", err, "AccessDenied")
	})

	t.Run("s3:RequestObjectTag", func(t *testing.T) {
		u := op.user("writer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],"Resource":"arn:aws:s3:::gemini-data/*",
			"Condition":{"StringEquals":{"s3:RequestObjectTag/team":"blue"}}}]}`)
		put := func(tagging string) error {
			_, err := u.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("gemini-data"), Key: aws.String("w"), Body: stringsReader("x"), Tagging: aws.String(tagging)})
			return err
		}
		if err := put("team=blue"); err != nil {
			t.Fatalf("PutObject tagged team=blue: %v", err)
		}
		wantCode(t, "PutObject tagged team=red", put("team=red"), "AccessDenied")
		tag := func(v string) error {
			_, err := u.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("gemini-data"), Key: aws.String("w"), Tagging: s3Tags("team", v)})
			return err
		}
		if err := tag("blue"); err != nil {
			t.Fatalf("PutObjectTagging team=blue: %v", err)
		}
		wantCode(t, "PutObjectTagging team=red", tag("red"), "AccessDenied")
		got, err := op.s3.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("gemini-data"), Key: aws.String("w")})
		if err != nil || len(got.TagSet) != 1 || aws.ToString(got.TagSet[0].Value) != "blue" {
			t.Fatalf("tags after the refused write: %+v, %v", got, err)
		}
	})

	t.Run("s3:RequestObjectTagKeys", func(t *testing.T) {
		u := op.user("keys", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],"Resource":"arn:aws:s3:::gemini-data/*",
			"Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["Owner","Project"]}}}]}`)
		tag := func(kv ...string) error {
			_, err := u.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("gemini-data"), Key: aws.String("w"), Tagging: s3Tags(kv...)})
			return err
		}
		if err := tag("Owner", "ann", "Project", "p"); err != nil {
			t.Fatalf("allowed tag keys: %v", err)
		}
		wantCode(t, "a tag key outside the list", tag("Owner", "ann", "Secret", "s"), "AccessDenied")
		_, err := u.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("gemini-data"), Key: aws.String("k2"), Body: stringsReader("x"), Tagging: aws.String("Secret=s")})
		wantCode(t, "PutObject with a key outside the list", err, "AccessDenied")
	})
}
