package accounts_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func initiatorOf(o *s3types.Initiator) string {
	if o == nil {
		return "<nil>"
	}
	return aws.ToString(o.ID) + "/" + aws.ToString(o.DisplayName)
}

func ownerOf(o *s3types.Owner) string {
	if o == nil {
		return "<nil>"
	}
	return aws.ToString(o.ID) + "/" + aws.ToString(o.DisplayName)
}

// Multipart uploads record who started them: an account root by canonical
// id and name, an IAM user by ARN and name. The owner is the account whose
// object the upload makes, and listings of the completed objects show it.
func TestUploadInitiatorAndListingOwners(t *testing.T) {
	w := newWorld(t)
	op, b := w.op, w.newAccount("blue")
	ctx := w.ctx
	bucket := "initiators"
	if _, err := op.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket), ObjectOwnership: s3types.ObjectOwnershipObjectWriter}); err != nil {
		t.Fatal(err)
	}
	if _, err := op.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	op.setPolicy(bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+b.id+`"},
		"Action":["s3:PutObject","s3:ListBucketMultipartUploads","s3:ListMultipartUploadParts","s3:ListBucket"],
		"Resource":["arn:aws:s3:::`+bucket+`","arn:aws:s3:::`+bucket+`/*"]}]}`)
	ann := op.user("ann", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)

	start := func(a *account, key string) string {
		t.Helper()
		out, err := a.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("%s starts %s: %v", a.name, key, err)
		}
		return aws.ToString(out.UploadId)
	}
	blueUp := start(b, "blue-key")
	annUp := start(ann, "ann-key")
	rootUp := start(op, "root-key")

	opOwner := op.canon + "/" + op.acctName
	blueOwner := b.canon + "/" + b.acctName
	annARN := "arn:aws:iam::" + op.id + ":user/ann/ann"
	want := map[string][2]string{ // upload id → initiator, owner
		blueUp: {blueOwner, blueOwner},
		annUp:  {annARN, opOwner},
		rootUp: {opOwner, opOwner},
	}
	list, err := op.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Uploads) != 3 {
		t.Fatalf("uploads: %d", len(list.Uploads))
	}
	for _, u := range list.Uploads {
		w := want[aws.ToString(u.UploadId)]
		if got := [2]string{initiatorOf(u.Initiator), ownerOf(u.Owner)}; got != w {
			t.Errorf("ListMultipartUploads %s: initiator, owner %v, want %v", aws.ToString(u.Key), got, w)
		}
	}
	for key, id := range map[string]string{"blue-key": blueUp, "ann-key": annUp, "root-key": rootUp} {
		parts, err := b.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id)})
		if err != nil {
			t.Fatalf("ListParts %s: %v", key, err)
		}
		if got := [2]string{initiatorOf(parts.Initiator), ownerOf(parts.Owner)}; got != want[id] {
			t.Errorf("ListParts %s: initiator, owner %v, want %v", key, got, want[id])
		}
	}

	// Blue completes its upload: the object is blue's in every listing.
	body := strings.Repeat("b", 10)
	p, err := b.s3.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("blue-key"), UploadId: aws.String(blueUp),
		PartNumber: aws.Int32(1), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("blue-key"), UploadId: aws.String(blueUp),
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: p.ETag}}}}); err != nil {
		t.Fatal(err)
	}
	if err := op.put(bucket, "op-key", "o"); err != nil {
		t.Fatal(err)
	}
	if owner, _ := objectOwner(t, b, bucket, "blue-key"); owner != b.canon {
		t.Errorf("GetObjectAcl of the completed upload: owner %q, want blue %q", owner, b.canon)
	}
	wantOwner := map[string]string{"blue-key": blueOwner, "op-key": opOwner}
	v2, err := op.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), FetchOwner: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := op.s3.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.Contents) != 2 || len(v1.Contents) != 2 {
		t.Fatalf("listed %d and %d objects", len(v2.Contents), len(v1.Contents))
	}
	for i := range v2.Contents {
		for _, o := range []s3types.Object{v2.Contents[i], v1.Contents[i]} {
			if got := ownerOf(o.Owner); got != wantOwner[aws.ToString(o.Key)] {
				t.Errorf("listed owner of %s: %s, want %s", aws.ToString(o.Key), got, wantOwner[aws.ToString(o.Key)])
			}
		}
	}
	vs, err := op.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.Versions) != 2 {
		t.Fatalf("versions: %d", len(vs.Versions))
	}
	for _, v := range vs.Versions {
		if got := ownerOf(v.Owner); got != wantOwner[aws.ToString(v.Key)] {
			t.Errorf("version owner of %s: %s, want %s", aws.ToString(v.Key), got, wantOwner[aws.ToString(v.Key)])
		}
	}
	// Without FetchOwner, V2 shows no owner.
	plain, err := op.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil || plain.Contents[0].Owner != nil {
		t.Errorf("ListObjectsV2 without FetchOwner: %+v, %v", plain.Contents, err)
	}
}
