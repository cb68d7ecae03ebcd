package e2e

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLI drives the aws command line: high-level s3 commands, then
// s3api calls, against one server. Steps build on each other.
func TestAWSCLI(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{})
	cli := newAWSCLI(t, p)
	work := t.TempDir()
	const b = "s3://cli-bucket"

	cli.run("s3", "mb", b)
	if out := cli.run("s3", "ls"); !strings.Contains(out, "cli-bucket") {
		t.Fatalf("aws s3 ls does not list the new bucket:\n%s", out)
	}
	t.Run("cp small", func(t *testing.T) { awsCopySmall(t, cli.in(t), work, b) })
	t.Run("cp 100MB", func(t *testing.T) { awsCopyLarge(t, cli.in(t), work, b) })
	t.Run("sync tree", func(t *testing.T) { awsSync(t, cli.in(t), work, b) })
	t.Run("ls", func(t *testing.T) { awsList(t, cli.in(t), b) })
	t.Run("s3api", func(t *testing.T) { awsS3API(t, cli.in(t), "cli-bucket") })
	t.Run("rm recursive", func(t *testing.T) {
		cli := cli.in(t)
		cli.run("s3", "rm", "--recursive", b+"/tree/")
		// aws s3 ls exits 1 when nothing matches, which is the hope here.
		if out, _, _ := cli.try("s3", "ls", "--recursive", b+"/tree/"); strings.TrimSpace(out) != "" {
			t.Errorf("objects left after rm --recursive:\n%s", out)
		}
	})
	t.Run("rb force", func(t *testing.T) {
		cli := cli.in(t)
		cli.run("s3", "rb", "--force", b)
		if out := cli.run("s3", "ls"); strings.Contains(out, "cli-bucket") {
			t.Errorf("bucket still listed after rb:\n%s", out)
		}
	})
}

func awsCopySmall(t *testing.T, cli *awsCLI, work, b string) {
	src, dst := filepath.Join(work, "small.txt"), filepath.Join(work, "small.down")
	writeTree(t, work, map[string]string{"small.txt": "a small object\n"})
	cli.run("s3", "cp", "--no-progress", src, b+"/small.txt")
	cli.run("s3", "cp", "--no-progress", b+"/small.txt", dst)
	if got, _ := os.ReadFile(dst); string(got) != "a small object\n" {
		t.Errorf("downloaded %q", got)
	}
}

// awsCopyLarge moves 100 MB twice: with aws s3 cp (a 13-part multipart
// upload, ranged parallel GETs back) and with s3api put-object/get-object
// (one streamed request each way).
func awsCopyLarge(t *testing.T, cli *awsCLI, work, b string) {
	const size = 100 << 20
	src, dst := filepath.Join(work, "big.bin"), filepath.Join(work, "big.down")
	want := writeRandomFile(t, src, size, 1)
	defer os.Remove(src)
	defer os.Remove(dst)

	cli.run("s3", "cp", "--no-progress", src, b+"/big.bin")
	if etag := headSizeETag(t, cli, "big.bin", size); !strings.HasSuffix(etag, `-13"`) {
		t.Errorf("multipart ETag %s, want the 13-part form", etag)
	}
	cli.run("s3", "cp", "--no-progress", b+"/big.bin", dst)
	if got := fileSHA256(t, dst); got != want {
		t.Errorf("aws s3 cp: 100 MB object came back with SHA-256 %s, want %s", got, want)
	}

	cli.run("s3api", "put-object", "--bucket", "cli-bucket", "--key", "big-single.bin", "--body", src)
	headSizeETag(t, cli, "big-single.bin", size)
	cli.run("s3api", "get-object", "--bucket", "cli-bucket", "--key", "big-single.bin", dst)
	if got := fileSHA256(t, dst); got != want {
		t.Errorf("s3api get-object: 100 MB object came back with SHA-256 %s, want %s", got, want)
	}
}

func headSizeETag(t *testing.T, cli *awsCLI, key string, size int64) string {
	t.Helper()
	var head struct {
		ContentLength int64
		ETag          string
	}
	cli.json(&head, "s3api", "head-object", "--bucket", "cli-bucket", "--key", key)
	if head.ContentLength != size {
		t.Errorf("head-object %s: ContentLength %d, want %d", key, head.ContentLength, size)
	}
	return head.ETag
}

func awsSync(t *testing.T, cli *awsCLI, work, b string) {
	up, down := filepath.Join(work, "up"), filepath.Join(work, "down")
	writeTree(t, up, treeFiles)
	cli.run("s3", "sync", "--no-progress", up, b+"/tree/")
	cli.run("s3", "sync", "--no-progress", b+"/tree/", down)
	assertSameTree(t, treeFiles, readTree(t, down))
	// A second sync must find nothing to do: sizes and times listed by the
	// server agree with the files.
	if out := cli.run("s3", "sync", "--no-progress", up, b+"/tree/"); strings.TrimSpace(out) != "" {
		t.Errorf("second sync copied again:\n%s", out)
	}
}

func awsList(t *testing.T, cli *awsCLI, b string) {
	flat := cli.run("s3", "ls", b+"/")
	for _, want := range []string{"PRE tree/", "small.txt"} {
		if !strings.Contains(flat, want) {
			t.Errorf("aws s3 ls lacks %q:\n%s", want, flat)
		}
	}
	if strings.Contains(flat, "deep.txt") {
		t.Errorf("aws s3 ls without --recursive shows nested keys:\n%s", flat)
	}
	deep := cli.run("s3", "ls", "--recursive", b+"/tree/")
	for name := range treeFiles {
		if !strings.Contains(deep, "tree/"+name) {
			t.Errorf("aws s3 ls --recursive lacks %q", "tree/"+name)
		}
	}
}

func awsS3API(t *testing.T, cli *awsCLI, bucket string) {
	body := filepath.Join(t.TempDir(), "body")
	writeTree(t, filepath.Dir(body), map[string]string{"body": "metadata object\n"})
	sum := md5.Sum([]byte("metadata object\n"))
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	var put struct{ ETag string }
	cli.json(&put, "s3api", "put-object", "--bucket", bucket, "--key", "meta.txt", "--body", body,
		"--content-type", "text/plain", "--metadata", "color=blue,Shape=round")
	if put.ETag != etag {
		t.Errorf("put-object ETag %s, want %s", put.ETag, etag)
	}
	assertHead(t, cli, bucket, "meta.txt", etag)
	awsTagging(t, cli, bucket)
	awsDelimiterListing(t, cli, bucket)
	cli.run("s3api", "copy-object", "--bucket", bucket, "--key", "meta-copy.txt", "--copy-source", bucket+"/meta.txt")
	assertHead(t, cli, bucket, "meta-copy.txt", etag)
	awsDeleteObjects(t, cli, bucket)
}

func assertHead(t *testing.T, cli *awsCLI, bucket, key, etag string) {
	t.Helper()
	var head struct {
		ContentLength int64
		ContentType   string
		ETag          string
		Metadata      map[string]string
	}
	cli.json(&head, "s3api", "head-object", "--bucket", bucket, "--key", key)
	if head.ETag != etag || head.ContentType != "text/plain" || head.ContentLength != 16 {
		t.Errorf("head-object %s: %+v", key, head)
	}
	if head.Metadata["color"] != "blue" || head.Metadata["shape"] != "round" {
		t.Errorf("head-object %s metadata %v, want color=blue shape=round", key, head.Metadata)
	}
}

type tagSet struct {
	TagSet []struct{ Key, Value string }
}

func awsTagging(t *testing.T, cli *awsCLI, bucket string) {
	cli.run("s3api", "put-object-tagging", "--bucket", bucket, "--key", "meta.txt",
		"--tagging", "TagSet=[{Key=project,Value=hoard},{Key=tier,Value=gold}]")
	var got tagSet
	cli.json(&got, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "meta.txt")
	tags := map[string]string{}
	for _, tg := range got.TagSet {
		tags[tg.Key] = tg.Value
	}
	if len(tags) != 2 || tags["project"] != "hoard" || tags["tier"] != "gold" {
		t.Errorf("get-object-tagging = %+v", got.TagSet)
	}
}

func awsDelimiterListing(t *testing.T, cli *awsCLI, bucket string) {
	var got struct {
		Contents       []struct{ Key string }
		CommonPrefixes []struct{ Prefix string }
		KeyCount       int
	}
	cli.json(&got, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "tree/", "--delimiter", "/")
	prefixes := map[string]bool{}
	for _, cp := range got.CommonPrefixes {
		prefixes[cp.Prefix] = true
	}
	if len(prefixes) != 2 || !prefixes["tree/a/"] || !prefixes["tree/unicodé/"] {
		t.Errorf("common prefixes %v, want tree/a/ and tree/unicodé/", prefixes)
	}
	wantKeys := len(treeFiles) - 3 // three files live under a/ and unicodé/
	if len(got.Contents) != wantKeys {
		t.Errorf("%d keys at tree/ level, want %d: %+v", len(got.Contents), wantKeys, got.Contents)
	}
}

func awsDeleteObjects(t *testing.T, cli *awsCLI, bucket string) {
	var got struct {
		Deleted []struct{ Key string }
		Errors  []any
	}
	cli.json(&got, "s3api", "delete-objects", "--bucket", bucket,
		"--delete", "Objects=[{Key=meta.txt},{Key=meta-copy.txt},{Key=never-existed}],Quiet=false")
	if len(got.Deleted) != 3 || len(got.Errors) != 0 {
		t.Errorf("delete-objects = %+v, want three deleted (S3 reports missing keys as deleted)", got)
	}
	if _, stderr, err := cli.try("s3api", "head-object", "--bucket", bucket, "--key", "meta.txt"); err == nil || !strings.Contains(stderr, "404") {
		t.Errorf("head-object after delete-objects: err %v, stderr %q; want 404", err, stderr)
	}
}
