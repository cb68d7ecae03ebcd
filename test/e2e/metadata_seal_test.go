package e2e

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLISealedMetadataAndSSECETag drives a server started with its
// defaults (--encrypt-metadata on) through the aws CLI: metadata and tags come back
// from head-object and get-object-tagging but are nowhere in the data
// directory in the clear; an SSE-C object's ETag is not the MD5 of its
// data, is the same in head-object and the listing, and a wrong key is
// refused with 403.
func TestAWSCLISealedMetadataAndSSECETag(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	const marker = "sealedmarker4e2e"
	// SSE-C over plain HTTP: the development setting (S3 refuses it).
	p := startHoard(t, startOpts{args: []string{"--allow-sse-c-over-http=on"}})
	cli := newAWSCLI(t, p)
	cli.run("s3", "mb", "s3://sealed-meta")
	src := filepath.Join(t.TempDir(), "doc.bin")
	body := []byte(strings.Repeat("confidential report ", 1000))
	if err := os.WriteFile(src, body, 0o600); err != nil {
		t.Fatal(err)
	}
	key := "0123456789abcdef0123456789abcdef" // the CLI base64-encodes it and adds its MD5
	ssec := []string{"--sse-customer-algorithm", "AES256", "--sse-customer-key", key}
	put := append([]string{"s3api", "put-object", "--bucket", "sealed-meta", "--key", "doc.bin", "--body", src,
		"--metadata", "owner=" + marker + "-owner", "--tagging", "team=" + marker + "-team"}, ssec...)
	var out struct{ ETag string }
	cli.json(&out, put...)
	sum := md5.Sum(body)
	if plain := `"` + hex.EncodeToString(sum[:]) + `"`; out.ETag == plain || len(out.ETag) != 34 {
		t.Fatalf("SSE-C ETag %s, MD5 of the data %s", out.ETag, plain)
	}
	var head struct {
		ETag     string
		Metadata map[string]string
	}
	cli.json(&head, append([]string{"s3api", "head-object", "--bucket", "sealed-meta", "--key", "doc.bin"}, ssec...)...)
	if head.ETag != out.ETag || head.Metadata["owner"] != marker+"-owner" {
		t.Fatalf("head-object %+v, PUT ETag %s", head, out.ETag)
	}
	var list struct{ Contents []struct{ Key, ETag string } }
	cli.json(&list, "s3api", "list-objects-v2", "--bucket", "sealed-meta")
	if len(list.Contents) != 1 || list.Contents[0].ETag != out.ETag {
		t.Fatalf("listing %+v", list.Contents)
	}
	var tags tagSet
	cli.json(&tags, "s3api", "get-object-tagging", "--bucket", "sealed-meta", "--key", "doc.bin")
	if len(tags.TagSet) != 1 || tags.TagSet[0].Value != marker+"-team" {
		t.Fatalf("get-object-tagging %+v", tags.TagSet)
	}
	_, stderr, err := cli.try("s3api", "head-object", "--bucket", "sealed-meta", "--key", "doc.bin",
		"--sse-customer-algorithm", "AES256", "--sse-customer-key", "ffffffffffffffffffffffffffffffff")
	if err == nil || !strings.Contains(stderr, "403") {
		t.Fatalf("head-object with a wrong key: %v %s", err, stderr)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	assertNoPlaintext(t, p.DataDir, [][]byte{[]byte(marker)})
}
