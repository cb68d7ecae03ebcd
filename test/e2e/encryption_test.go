package e2e

import (
	"bytes"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestEncryptedAtRest: with no encryption asked for, no byte of an
// object's content reaches the disk in the clear, whether it is small
// enough to live in the metadata record or large enough for a data file.
// Contents are random, so compression cannot hide plaintext.
func TestEncryptedAtRest(t *testing.T) {
	p := startHoard(t, startOpts{})
	c := p.client()
	createBucket(t, c, "sealed")
	var needles [][]byte
	for _, size := range []int{1 << 10, 300 << 10} {
		body := make([]byte, size)
		rand.Read(body)
		_, err := c.PutObject(testContext(t), &s3.PutObjectInput{
			Bucket: aws.String("sealed"), Key: aws.String("secret"), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatalf("PutObject %d bytes: %v", size, err)
		}
		// Overwritten below; its blob may linger until GC, still sealed.
		needles = append(needles, body[:48], body[size/2:size/2+48])
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	assertNoPlaintext(t, p.DataDir, needles)
}

func assertNoPlaintext(t *testing.T, dir string, needles [][]byte) {
	scanned := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for _, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("object content found in clear in %s", path)
				return nil
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	if scanned == 0 {
		t.Fatalf("no files under %s", dir)
	}
}

// TestAWSCLISSE: a key made with `aws kms create-key` on the built-in key
// service encrypts an object written with `aws s3 cp --sse aws:kms`, and
// objects written without asking are SSE-S3 (AES256), as on S3 since 2023.
func TestAWSCLISSE(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{})
	cli := newAWSCLI(t, p)
	cli.run("s3", "mb", "s3://kms-bucket")
	src, dst := filepath.Join(t.TempDir(), "plain.bin"), filepath.Join(t.TempDir(), "back.bin")
	want := writeRandomFile(t, src, 200<<10, 11)

	cli.run("s3", "cp", "--no-progress", src, "s3://kms-bucket/default.bin")
	if head := headSSE(t, cli, "default.bin"); head.ServerSideEncryption != "AES256" {
		t.Errorf("object written without SSE headers: ServerSideEncryption %q, want AES256", head.ServerSideEncryption)
	}

	var key struct{ KeyMetadata struct{ KeyId, Arn string } }
	cli.json(&key, "kms", "create-key", "--description", "e2e key")
	if key.KeyMetadata.KeyId == "" {
		t.Fatalf("kms create-key returned no key id")
	}
	cli.run("s3", "cp", "--no-progress", src, "s3://kms-bucket/kms.bin", "--sse", "aws:kms", "--sse-kms-key-id", key.KeyMetadata.KeyId)
	head := headSSE(t, cli, "kms.bin")
	if head.ServerSideEncryption != "aws:kms" || !strings.Contains(head.SSEKMSKeyId, key.KeyMetadata.KeyId) {
		t.Errorf("head-object: %+v, want aws:kms with key %s", head, key.KeyMetadata.KeyId)
	}
	cli.run("s3", "cp", "--no-progress", "s3://kms-bucket/kms.bin", dst)
	if got := fileSHA256(t, dst); got != want {
		t.Errorf("SSE-KMS object came back with SHA-256 %s, want %s", got, want)
	}
}

type sseHead struct {
	ServerSideEncryption string
	SSEKMSKeyId          string
}

func headSSE(t *testing.T, cli *awsCLI, key string) sseHead {
	t.Helper()
	var h sseHead
	cli.json(&h, "s3api", "head-object", "--bucket", "kms-bucket", "--key", key)
	return h
}
