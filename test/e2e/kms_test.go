package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestAWSCLIKMS drives the built-in key service through `aws kms` at the
// S3 endpoint: keys, aliases, enable/disable, encrypt/decrypt and data
// keys, and that keys and ciphertexts survive a restart.
func TestAWSCLIKMS(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	p := startHoard(t, startOpts{dataDir: dataDir})
	cli := newAWSCLI(t, p)
	work := t.TempDir()

	var created struct {
		KeyMetadata struct{ KeyId, Arn, KeyState, KeyManager string }
	}
	cli.json(&created, "kms", "create-key", "--description", "e2e key")
	id, arn := created.KeyMetadata.KeyId, created.KeyMetadata.Arn
	if id == "" || !strings.HasSuffix(arn, ":key/"+id) || created.KeyMetadata.KeyState != "Enabled" || created.KeyMetadata.KeyManager != "CUSTOMER" {
		t.Fatalf("create-key = %+v", created)
	}

	var described struct {
		KeyMetadata struct {
			KeyId, Description string
			Enabled            bool
		}
	}
	cli.json(&described, "kms", "describe-key", "--key-id", arn)
	if described.KeyMetadata.KeyId != id || !described.KeyMetadata.Enabled || described.KeyMetadata.Description != "e2e key" {
		t.Fatalf("describe-key = %+v", described)
	}

	var listed struct{ Keys []struct{ KeyId string } }
	cli.json(&listed, "kms", "list-keys")
	if !containsKey(listed.Keys, id) {
		t.Fatalf("list-keys does not list %s: %+v", id, listed)
	}

	cli.run("kms", "create-alias", "--alias-name", "alias/e2e", "--target-key-id", id)
	var aliases struct {
		Aliases []struct{ AliasName, TargetKeyId string }
	}
	cli.json(&aliases, "kms", "list-aliases", "--key-id", id)
	if len(aliases.Aliases) != 1 || aliases.Aliases[0].AliasName != "alias/e2e" {
		t.Fatalf("list-aliases = %+v", aliases)
	}

	plainFile := filepath.Join(work, "plain")
	if err := os.WriteFile(plainFile, []byte("attack at dawn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var enc struct{ CiphertextBlob, KeyId string }
	cli.json(&enc, "kms", "encrypt", "--key-id", "alias/e2e", "--plaintext", "fileb://"+plainFile,
		"--encryption-context", "purpose=e2e")
	if enc.KeyId != arn {
		t.Fatalf("encrypt answered key %q, want %q", enc.KeyId, arn)
	}
	blobFile := filepath.Join(work, "blob")
	writeBase64(t, blobFile, enc.CiphertextBlob)
	decrypt := func(cli *awsCLI) string {
		var dec struct{ Plaintext, KeyId string }
		cli.json(&dec, "kms", "decrypt", "--ciphertext-blob", "fileb://"+blobFile, "--encryption-context", "purpose=e2e")
		raw, err := base64.StdEncoding.DecodeString(dec.Plaintext)
		if err != nil {
			t.Fatalf("decrypt Plaintext %q: %v", dec.Plaintext, err)
		}
		return string(raw)
	}
	if got := decrypt(cli); got != "attack at dawn\n" {
		t.Fatalf("decrypt = %q", got)
	}
	_, stderr, err := cli.try("kms", "decrypt", "--ciphertext-blob", "fileb://"+blobFile, "--encryption-context", "purpose=other")
	if err == nil || !strings.Contains(stderr, "InvalidCiphertextException") {
		t.Fatalf("decrypt with another context: err %v, stderr %s", err, stderr)
	}

	// The key policy is the default one; an IAM user needs an IAM policy
	// to use the key, and gets one through the IAM API.
	var pol struct{ Policy string }
	cli.json(&pol, "kms", "get-key-policy", "--key-id", id, "--policy-name", "default")
	if !strings.Contains(pol.Policy, "Enable IAM User Permissions") {
		t.Fatalf("get-key-policy = %q", pol.Policy)
	}
	cli.run("iam", "create-user", "--user-name", "kmsuser")
	var ak struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	cli.json(&ak, "iam", "create-access-key", "--user-name", "kmsuser")
	user := *cli
	user.env = append(append([]string{}, cli.env...), "AWS_ACCESS_KEY_ID="+ak.AccessKey.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+ak.AccessKey.SecretAccessKey)
	_, stderr, err = user.try("kms", "decrypt", "--ciphertext-blob", "fileb://"+blobFile, "--encryption-context", "purpose=e2e")
	if err == nil || !strings.Contains(stderr, "AccessDeniedException") {
		t.Fatalf("decrypt as a user without permission: err %v, stderr %s", err, stderr)
	}
	cli.run("iam", "put-user-policy", "--user-name", "kmsuser", "--policy-name", "decrypt", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"`+arn+`"}]}`)
	if got := decrypt(&user); got != "attack at dawn\n" {
		t.Fatalf("decrypt as a user allowed kms:Decrypt = %q", got)
	}

	cli.run("kms", "disable-key", "--key-id", id)
	_, stderr, err = cli.try("kms", "encrypt", "--key-id", id, "--plaintext", "fileb://"+plainFile)
	if err == nil || !strings.Contains(stderr, "DisabledException") {
		t.Fatalf("encrypt under a disabled key: err %v, stderr %s", err, stderr)
	}
	cli.run("kms", "enable-key", "--key-id", id)

	var dk struct{ CiphertextBlob, Plaintext, KeyId string }
	cli.json(&dk, "kms", "generate-data-key", "--key-id", "alias/e2e", "--key-spec", "AES_256")
	if raw, _ := base64.StdEncoding.DecodeString(dk.Plaintext); len(raw) != 32 || dk.KeyId != arn {
		t.Fatalf("generate-data-key = %+v", dk)
	}

	// Keys and their material live in the data directory, under its root key.
	p.stop(t)
	p = startHoard(t, startOpts{dataDir: dataDir})
	cli = newAWSCLI(t, p)
	if got := decrypt(cli); got != "attack at dawn\n" {
		t.Fatalf("decrypt after restart = %q", got)
	}
	cli.json(&described, "kms", "describe-key", "--key-id", "alias/e2e")
	if described.KeyMetadata.KeyId != id {
		t.Fatalf("alias after restart = %+v", described)
	}
}

func containsKey(keys []struct{ KeyId string }, id string) bool {
	for _, k := range keys {
		if k.KeyId == id {
			return true
		}
	}
	return false
}

func writeBase64(t *testing.T, path, b64 string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("decode %q: %v", b64, err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestKMSSignatureScope: a KMS request signed for S3 does not reach the
// key service, and an S3 request signed for KMS does not reach the object
// service, even with valid credentials.
func TestKMSSignatureScope(t *testing.T) {
	p := startHoard(t, startOpts{})
	ctx := testContext(t)
	send := func(method, path, target, body, service string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, p.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		}
		sum := sha256.Sum256([]byte(body))
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hash, service, region, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if r := send("POST", "/", "TrentService.ListKeys", "{}", "kms"); r.StatusCode != 200 {
		t.Fatalf("KMS request signed for kms: %d %s", r.StatusCode, r.Header.Get("X-Amzn-ErrorType"))
	}
	if r := send("POST", "/", "TrentService.ListKeys", "{}", "s3"); r.StatusCode != 400 || r.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
		t.Fatalf("KMS request signed for s3: %d %q", r.StatusCode, r.Header.Get("X-Amzn-ErrorType"))
	}
	if r := send("GET", "/", "", "", "s3"); r.StatusCode != 200 {
		t.Fatalf("ListBuckets signed for s3: %d", r.StatusCode)
	}
	if r := send("GET", "/", "", "", "kms"); r.StatusCode != 400 {
		t.Fatalf("ListBuckets signed for kms: %d, want 400", r.StatusCode)
	}
}
