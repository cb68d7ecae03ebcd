package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func createBucket(name string) *s3.CreateBucketInput {
	return &s3.CreateBucketInput{Bucket: aws.String(name)}
}

var signer = v4.NewSigner()

// signed builds a SigV4-signed request with an unsigned payload.
func signed(ctx context.Context, srv *testserver.Server, method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: testserver.SecretKey}
	return req, signer.SignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", testserver.Region, timeNow())
}

// roundTrip PUTs a small object and reads it back through cl.
func roundTrip(ctx context.Context, srv *testserver.Server, cl *http.Client, key string) error {
	body := "body of " + key
	if err := putStream(ctx, srv, cl, key, strings.NewReader(body), int64(len(body))); err != nil {
		return err
	}
	req, err := signed(ctx, srv, http.MethodGet, "/rot/"+key, nil)
	if err != nil {
		return err
	}
	resp, err := cl.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", key, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || string(b) != body {
		return fmt.Errorf("GET %s: %d %q %v", key, resp.StatusCode, b, err)
	}
	return nil
}

func putStream(ctx context.Context, srv *testserver.Server, cl *http.Client, key string, body io.Reader, size int64) error {
	req, err := signed(ctx, srv, http.MethodPut, "/rot/"+key, body)
	if err != nil {
		return err
	}
	req.ContentLength = size
	resp, err := cl.Do(req)
	if err != nil {
		return fmt.Errorf("PUT %s: %w", key, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("PUT %s: %d %s", key, resp.StatusCode, b)
	}
	return nil
}

func timeNow() time.Time { return time.Now() }
