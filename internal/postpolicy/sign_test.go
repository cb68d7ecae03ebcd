package postpolicy

import (
	"context"
	"errors"
	"io"
	"testing"
)

// The policy and signature of AWS's "Example: Browser-Based Upload using
// HTTP POST (Using AWS Signature Version 4)"; the policy has CRLF line ends.
const (
	docPolicy    = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	docSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
)

func TestSignV4DocumentExample(t *testing.T) {
	if got := SignV4(exampleSecret, "20151229", "us-east-1", docPolicy); got != docSignature {
		t.Fatalf("signature = %s; want %s", got, docSignature)
	}
}

// TestSignV4Botocore is botocore's generate_presigned_post for
// "user/user1/photo.jpg" with the example credentials and a clock fixed at
// 2015-12-29T00:00:00Z: a second, independent vector.
func TestSignV4Botocore(t *testing.T) {
	policy := "eyJleHBpcmF0aW9uIjogIjIwMTUtMTItMjlUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAic2lndjRleGFtcGxlYnVja2V0In0sIHsia2V5IjogInVzZXIvdXNlcjEvcGhvdG8uanBnIn0sIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTUxMjI5L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSwgeyJ4LWFtei1kYXRlIjogIjIwMTUxMjI5VDAwMDAwMFoifV19"
	want := "3364624b39010d9b06f5d9b8c9a18a6e478d261c048159c92f2fd6fa885f14e6"
	if got := SignV4(exampleSecret, "20151229", "us-east-1", policy); got != want {
		t.Fatalf("signature = %s; want %s", got, want)
	}
	// And the whole form, as botocore's fields would be posted.
	fields := []field{
		{"key", "user/user1/photo.jpg"},
		{"x-amz-algorithm", AlgorithmV4},
		{"x-amz-credential", exampleAK + "/20151229/us-east-1/s3/aws4_request"},
		{"x-amz-date", "20151229T000000Z"},
		{"policy", policy},
		{"x-amz-signature", want},
	}
	body, ct := buildForm(t, fields, &file{filename: "photo.jpg", content: []byte("x")}, nil)
	form, err := Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
	if err != nil {
		t.Fatal(err)
	}
	if form.Auth != SigV4 || form.AccessKey != exampleAK || form.Key != "user/user1/photo.jpg" {
		t.Fatalf("form = %+v", form)
	}
}

// TestDocumentExampleForm posts the documentation's example form exactly,
// its mixed-case field names and trailing submit button included.
func TestDocumentExampleForm(t *testing.T) {
	fields := []field{
		{"key", "user/user1/${filename}"},
		{"acl", "public-read"},
		{"success_action_redirect", "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},
		{"Content-Type", "image/jpeg"},
		{"x-amz-meta-uuid", "14365123651274"},
		{"x-amz-server-side-encryption", "AES256"},
		{"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Date", "20151229T000000Z"},
		{"x-amz-meta-tag", ""},
		{"Policy", docPolicy},
		{"X-Amz-Signature", docSignature},
	}
	content := []byte("\x89PNG fake image bytes")
	body, ct := buildForm(t, fields, &file{filename: `C:\Users\mary\photo.png`, content: content},
		[]field{{"submit", "Upload to Amazon S3"}})
	form, err := Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(form.File)
	if err != nil || string(got) != string(content) {
		t.Fatalf("file = %q, %v", got, err)
	}
	checks := []struct{ name, got, want string }{
		{"key", form.Key, "user/user1/photo.png"},
		{"filename", form.FileName, "photo.png"},
		{"content type", form.ContentType, "image/jpeg"},
		{"redirect", form.SuccessActionRedirect, "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},
		{"uuid", form.Metadata["uuid"], "14365123651274"},
		{"acl", form.Fields["acl"], "public-read"},
		{"sse", form.Fields["x-amz-server-side-encryption"], "AES256"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q; want %q", c.name, c.got, c.want)
		}
	}
	if v, ok := form.Metadata["tag"]; !ok || v != "" {
		t.Errorf("tag metadata = %q, %v", v, ok)
	}
	if form.SuccessActionStatus != 204 || form.Auth != SigV4 {
		t.Errorf("status %d auth %v", form.SuccessActionStatus, form.Auth)
	}
	if _, ok := form.Fields["submit"]; ok {
		t.Error("a field after the file was read")
	}

	// The same form a day after the policy expired.
	o := opts()
	o.Now = testNow.Add(48 * 3600e9)
	_, err = Read(context.Background(), request(body, ct), "sigv4examplebucket", o)
	wantErr(t, err, ErrPolicyExpired, "Invalid according to Policy: Policy expired.")

	// Another bucket: the bucket condition is about the URL's bucket.
	_, err = Read(context.Background(), request(body, ct), "otherbucket", opts())
	wantErr(t, err, ErrConditionFailed, `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "sigv4examplebucket"]`)

	// The server is in another region than the credential scope.
	o = opts()
	o.Region = "eu-west-1"
	_, err = Read(context.Background(), request(body, ct), "sigv4examplebucket", o)
	wantErr(t, err, ErrInvalidArgument, "the region 'us-east-1' is wrong; expecting 'eu-west-1'")
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.Name != "X-Amz-Credential" || ae.Region != "eu-west-1" {
		t.Fatalf("argument error = %+v", ae)
	}
}

func TestSigV2(t *testing.T) {
	policyJSON := `{"expiration": "2015-12-29T01:00:00Z", "conditions": [{"bucket": "sigv4examplebucket"}, ["starts-with", "$key", "foo"], {"acl": "private"}, ["content-length-range", 0, 1024]]}`
	b64 := b64(policyJSON)
	fields := []field{
		{"key", "foo.txt"}, {"AWSAccessKeyId", exampleAK}, {"acl", "private"},
		{"signature", SignV2(exampleSecret, b64)}, {"policy", b64},
	}
	body, ct := buildForm(t, fields, &file{filename: "foo.txt", content: []byte("bar")}, nil)
	form, err := Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
	if err != nil {
		t.Fatal(err)
	}
	if form.Auth != SigV2 || form.AccessKey != exampleAK {
		t.Fatalf("form = %+v", form)
	}
	// A reversed signature.
	fields[3].value = reverse(fields[3].value)
	body, ct = buildForm(t, fields, &file{filename: "foo.txt", content: []byte("bar")}, nil)
	_, err = Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
	wantErr(t, err, ErrSignatureMismatch, "")
	// An unknown access key reaches the caller as the lookup's error.
	fields[1].value = "NOPE"
	body, ct = buildForm(t, fields, &file{filename: "foo.txt", content: []byte("bar")}, nil)
	_, err = Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
	if !errors.Is(err, errUnknownKey) {
		t.Fatalf("err = %v", err)
	}
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
