package kmsapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sse"
)

const (
	region  = "us-east-1"
	account = "123456789012"
)

// newWrapper returns an in-memory root keyring, the server's own wrapper.
func newWrapper(t testing.TB) *sse.Keyring {
	kr, err := sse.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// rootIdentities resolves every access key to the account root, as a
// server whose only key is the root's does.
type rootIdentities struct{}

func (rootIdentities) Principal(ctx context.Context, accessKey string) (iam.Principal, error) {
	return iam.Principal{
		Principal: policy.Principal{Type: policy.PrincipalRoot, ARN: "arn:aws:iam::" + account + ":root", Account: account, UserID: account},
		AccessKey: accessKey,
	}, nil
}

// newHandler builds the handler over an in-memory metadata store; its
// callers are the account root.
func newHandler(t testing.TB) *kmsapi.Handler {
	t.Helper()
	store, err := pebblemeta.OpenWith("meta", pebblemeta.Options{
		FS: vfs.NewMem(), CacheSize: 1 << 20, MemTableSize: 4 << 20,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := kms.New(store, newWrapper(t), kms.Config{Region: region, AccountID: account})
	return kmsapi.New(svc, rootIdentities{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

type env struct {
	url    string
	client *awskms.Client
	signed bool // raw requests are signed as the root
}

// newEnv serves the handler behind the SigV4 verifier, as the wire layer
// does, with a client signing as the account root.
func newEnv(t *testing.T) *env {
	t.Helper()
	url := verifiedServer(t)
	return &env{url: url, client: signedClient(url, testAK, testSecret), signed: true}
}

// raw sends a hand-made request and returns status, error type and body.
func (e *env) raw(t *testing.T, method, target, contentType, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if e.signed {
		sum := sha256.Sum256([]byte(body))
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: testAK, SecretAccessKey: testSecret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, "kms", region, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), string(b)
}

// wantAPIError checks that err is the SDK's typed error T.
func wantAPIError[T error](t *testing.T, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("err = %v, want %T", err, target)
	}
}

// wantCode checks the error code of a KMS error the SDK has no type for.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

// isCode reports whether err is a KMS error with the code.
func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
