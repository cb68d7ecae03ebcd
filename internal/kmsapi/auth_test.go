package kmsapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

const (
	testAK     = "AKIAKMSTEST000000001"
	testSecret = "kms-test-secret-0123456789abcdefghijklm"
)

// verifiedServer authenticates like the wire layer does before ServeVerified.
func verifiedServer(t *testing.T) string {
	h := newHandler(t)
	v := sigv4.NewVerifier(region, iam.NewRoot(testAK, testSecret))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, err := v.Verify(r)
		h.ServeVerified(w, r, auth, err)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func signedClient(url, ak, secret string) *awskms.Client {
	return awskms.New(awskms.Options{
		Region: region, BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(ak, secret, ""),
	})
}

func TestServeVerified(t *testing.T) {
	url := verifiedServer(t)
	ctx := context.Background()
	good := signedClient(url, testAK, testSecret)
	out, err := good.CreateKey(ctx, &awskms.CreateKeyInput{Description: aws.String("signed")})
	if err != nil {
		t.Fatalf("signed CreateKey: %v", err)
	}
	enc, err := good.Encrypt(ctx, &awskms.EncryptInput{KeyId: out.KeyMetadata.KeyId, Plaintext: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := good.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); err != nil || string(dec.Plaintext) != "x" {
		t.Fatalf("signed Decrypt: %v", err)
	}
	_, err = signedClient(url, testAK, "wrong-secret").ListKeys(ctx, &awskms.ListKeysInput{})
	wantCode(t, err, "InvalidSignatureException")
	_, err = signedClient(url, "AKIAUNKNOWN000000000", testSecret).ListKeys(ctx, &awskms.ListKeysInput{})
	wantCode(t, err, "UnrecognizedClientException")
}

// TestServeVerifiedRefusesOtherServices: a valid signature for S3 (or any
// service but kms) does not open the key service.
func TestServeVerifiedRefusesOtherServices(t *testing.T) {
	url := verifiedServer(t)
	for _, tc := range []struct{ service, signed, sent string }{
		{"s3", "{}", "{}"}, {"sts", "{}", "{}"}, {"iam", "{}", "{}"},
		{"kms", "{}", `{"Limit":1}`}, // body swapped after signing
	} {
		req, _ := http.NewRequest("POST", url, strings.NewReader(tc.sent))
		req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
		req.Header.Set("Content-Type", jsonType)
		sum := sha256.Sum256([]byte(tc.signed))
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: testAK, SecretAccessKey: testSecret}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, tc.service, region, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
			t.Errorf("signed for %s: %d %s", tc.service, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
		}
	}
	// Unsigned.
	e := &env{url: url}
	status, typ, _ := e.raw(t, "POST", "TrentService.ListKeys", jsonType, "{}")
	if status != 400 || typ != "MissingAuthenticationTokenException" {
		t.Errorf("anonymous: %d %s", status, typ)
	}
}
