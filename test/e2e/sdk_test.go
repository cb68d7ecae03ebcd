package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// client is an aws-sdk-go-v2 client for the server with the root test
// credentials and the SDK's default checksum behaviour.
func (p *proc) client() *s3.Client { return p.clientAs(accessKey, secretKey) }

// clientAs signs with the given key pair. Retries are off so that a
// failing request is seen, not papered over.
func (p *proc) clientAs(ak, sk string) *s3.Client {
	return s3.New(s3.Options{
		Region:           region,
		BaseEndpoint:     aws.String(p.URL),
		UsePathStyle:     true,
		Credentials:      credentials.NewStaticCredentialsProvider(ak, sk, ""),
		HTTPClient:       &http.Client{Timeout: 2 * time.Minute},
		RetryMaxAttempts: 1,
	})
}

// testContext is bounded so that a hung server fails the test instead of
// stalling the suite.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
