package iamapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hoard-s3/hoard/internal/testserver"
)

const region = testserver.Region

type creds struct{ ak, secret, token string }

var rootCreds = creds{testserver.AccessKey, testserver.SecretKey, ""}

func provider(c creds) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(c.ak, c.secret, c.token)
}

func iamClient(url string, hc *http.Client, c creds) *iam.Client {
	return iam.New(iam.Options{Region: region, BaseEndpoint: aws.String(url), Credentials: provider(c), HTTPClient: hc,
		RetryMaxAttempts: 1})
}

func stsClient(url string, hc *http.Client, c creds) *sts.Client {
	return sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(url), Credentials: provider(c), HTTPClient: hc,
		RetryMaxAttempts: 1})
}

func s3Client(url string, hc *http.Client, c creds) *s3.Client {
	return s3.New(s3.Options{Region: region, BaseEndpoint: aws.String(url), UsePathStyle: true, Credentials: provider(c), HTTPClient: hc,
		RetryMaxAttempts: 1})
}

// wantCode checks an SDK error's code and HTTP status.
func wantCode(t *testing.T, err error, code string, status int) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if api.ErrorCode() != code {
		t.Fatalf("got code %s (%s), want %s", api.ErrorCode(), api.ErrorMessage(), code)
	}
	var re *smithyhttp.ResponseError
	if status != 0 && errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Fatalf("%s: status %d, want %d", code, re.HTTPStatusCode(), status)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
