package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// tierObjects lists what the tier holds under prefix.
func tierObjects(t testing.TB, c *s3.Client, bucket, prefix string) []types.Object {
	t.Helper()
	out, err := c.ListObjectsV2(testContext(t), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	if err != nil {
		t.Fatalf("list the tier: %v", err)
	}
	return out.Contents
}

// blobFilesIn counts committed data files under dir (not temporary ones).
func blobFilesIn(t testing.TB, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return n
}

func uploadParts(t testing.TB, c *s3.Client, bucket, key string, data []byte, class types.StorageClass) {
	t.Helper()
	ctx := testContext(t)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key, StorageClass: class})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for i, off := 0, 0; off < len(data); i, off = i+1, off+5<<20 {
		end := min(off+5<<20, len(data))
		n := int32(i + 1)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId, PartNumber: &n, Body: bytes.NewReader(data[off:end])})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: &n, ChecksumCRC64NVME: out.ChecksumCRC64NVME})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteTier keeps STANDARD_IA and GLACIER in a second Hoard, moves
// objects there by copying them onto themselves, and takes the tier away
// and back.
func TestRemoteTier(t *testing.T) {
	addr := freePort(t)
	tier := startHoard(t, startOpts{args: []string{"--address", addr}})
	tc := tier.client()
	createBucket(t, tc, "tier")
	creds := filepath.Join(t.TempDir(), "tier-credentials")
	if err := os.WriteFile(creds, []byte(fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", accessKey, secretKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := "cold=s3://tier/hoard?endpoint=" + tier.URL + "&credentials=" + creds
	p := startHoard(t, startOpts{args: append([]string{"--tier", spec, "--class-tier", "STANDARD_IA=cold", "--class-tier", "GLACIER=cold"}, restoreArgs...)})
	c := p.client()
	b := "data"
	createBucket(t, c, b)
	blobs := filepath.Join(p.DataDir, "blobs")

	ia := randomData(300<<10, 11)
	putClass(t, c, b, "ia", ia, "")
	mp := randomData(6<<20+5, 12)
	uploadParts(t, c, b, "mp", mp, "")
	if n := blobFilesIn(t, blobs); n != 3 {
		t.Fatalf("%d data files before the moves, want 3", n)
	}
	for _, k := range []string{"ia", "mp"} {
		src := b + "/" + k
		if _, err := c.CopyObject(testContext(t), &s3.CopyObjectInput{Bucket: &b, Key: aws.String(k), CopySource: &src, StorageClass: "STANDARD_IA"}); err != nil {
			t.Fatalf("move %s: %v", k, err)
		}
	}
	if n := blobFilesIn(t, blobs); n != 0 {
		t.Errorf("%d data files left in the data directory after the moves", n)
	}
	objs := tierObjects(t, tc, "tier", "hoard/")
	if len(objs) != 3 {
		t.Fatalf("the tier holds %d objects, want 3", len(objs))
	}
	for _, o := range objs {
		got, err := getBytes(t, tc, "tier", *o.Key)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(got, ia[:64]) || bytes.Contains(got, mp[:64]) {
			t.Fatalf("the tier holds plaintext in %s", *o.Key)
		}
	}
	for k, want := range map[string][]byte{"ia": ia, "mp": mp} {
		if got, err := getBytes(t, c, b, k); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("GET %s from the tier: %v", k, err)
		}
	}

	g1, g2 := randomData(200<<10, 13), randomData(200<<10, 14)
	putClass(t, c, b, "g1", g1, "GLACIER")
	putClass(t, c, b, "g2", g2, "GLACIER")
	if err := restore(t, c, b, "g1", 5); err != nil {
		t.Fatal(err)
	}
	waitRestore(t, c, b, "g1", 10*time.Second)
	if got, err := getBytes(t, c, b, "g1"); err != nil || !bytes.Equal(got, g1) {
		t.Fatalf("GET g1 after restore: %v", err)
	}

	tier.stop(t)
	_, err := getBytes(t, c, b, "ia")
	assertErrorCode(t, "GET while the tier is away", err, "ServiceUnavailable")
	if h := headObject(t, c, b, "ia"); h.StorageClass != "STANDARD_IA" {
		t.Errorf("HEAD while the tier is away: %q", h.StorageClass)
	}
	if got, err := getBytes(t, c, b, "g1"); err != nil || !bytes.Equal(got, g1) {
		t.Errorf("restored copy while the tier is away: %v", err)
	}
	_, err = c.PutObject(testContext(t), &s3.PutObjectInput{Bucket: &b, Key: aws.String("new"), Body: bytes.NewReader(ia), StorageClass: "STANDARD_IA"})
	assertErrorCode(t, "PUT into the tier while it is away", err, "ServiceUnavailable")
	if err := restore(t, c, b, "g2", 1); err != nil {
		t.Fatalf("restore while the tier is away: %v", err)
	}
	time.Sleep(2 * time.Second) // the restore is due and fails
	if h := headObject(t, c, b, "g2"); aws.ToString(h.Restore) != `ongoing-request="true"` {
		t.Errorf("restore with the tier away: x-amz-restore %q", aws.ToString(h.Restore))
	}

	tier = startHoard(t, startOpts{dataDir: tier.DataDir, args: []string{"--address", addr}})
	if n := len(tierObjects(t, tier.client(), "tier", "hoard/")); n != 5 {
		t.Errorf("the tier holds %d objects after the outage, want 5", n)
	}
	if got, err := getBytes(t, c, b, "ia"); err != nil || !bytes.Equal(got, ia) {
		t.Fatalf("GET after the tier is back: %v", err)
	}
	waitRestore(t, c, b, "g2", 20*time.Second)
	if got, err := getBytes(t, c, b, "g2"); err != nil || !bytes.Equal(got, g2) {
		t.Fatalf("GET g2 after its postponed restore: %v", err)
	}
	if _, err := c.HeadObject(testContext(t), &s3.HeadObjectInput{Bucket: &b, Key: aws.String("new")}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a refused PUT stored an object: %v", err)
	}
}
