package sigv4

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestEmptyScopeRegion: a client without a region (boto3 with
// region_name="") signs with an empty scope region, which stands for the
// server's one region; another region is still refused.
func TestEmptyScopeRegion(t *testing.T) {
	v := newTestVerifier(testTime)
	body := []byte("Action=ListUsers&Version=2010-05-08")
	sign := func(service, region string, tamper bool) *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://s3.example.test:9000/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if service == "s3" {
			req.Header.Set("X-Amz-Content-Sha256", sha256Hex(body))
		}
		o := signOpts{}
		o.defaults()
		if err := v4.NewSigner().SignHTTP(context.Background(), sdkCreds(o), req, sha256Hex(body), service, region, testTime); err != nil {
			t.Fatal(err)
		}
		if tamper {
			req.Header.Set("Content-Type", "text/plain")
		}
		return serverSide(t, req)
	}
	a, err := v.Verify(sign("iam", "", false))
	if err != nil {
		t.Fatalf("iam with an empty region: %v", err)
	}
	if a.Service != "iam" || a.AccessKey != testAK {
		t.Fatalf("auth = %+v", a)
	}
	_, err = v.Verify(sign("iam", "", true))
	wantErr(t, err, ErrSignatureDoesNotMatch)
	_, err = v.Verify(sign("", "", false))
	wantErr(t, err, ErrAuthHeaderMalformed)
	for _, svc := range []string{"s3", "sts"} {
		if a, err := v.Verify(sign(svc, "", false)); err != nil || a.Service != svc {
			t.Fatalf("%s with an empty region: %+v, %v", svc, a, err)
		}
	}
	_, err = v.Verify(sign("iam", "eu-west-3", false))
	wantErr(t, err, ErrInvalidRegion)
	_, err = v.Verify(sign("s3", "eu-west-3", false))
	wantErr(t, err, ErrInvalidRegion)
}
