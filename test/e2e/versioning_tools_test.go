package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func enableVersioning(t testing.TB, c *s3.Client, bucket string) {
	t.Helper()
	_, err := c.PutBucketVersioning(testContext(t), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		t.Fatalf("enable versioning of %s: %v", bucket, err)
	}
}

type cliVersions struct {
	Versions []struct {
		Key       string
		VersionId string
		IsLatest  bool
		Size      int64
	}
	DeleteMarkers []struct {
		Key       string
		VersionId string
		IsLatest  bool
	}
}

// TestAWSCLIVersioning drives a versioned bucket with the aws CLI:
// versions listed by s3api list-object-versions, `aws s3 rm --recursive`
// leaving delete markers, and the bucket emptied the S3 way (every version
// deleted by id) before delete-bucket succeeds.
func TestAWSCLIVersioning(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH")
	}
	p := startHoard(t, startOpts{})
	aws := newAWSCLI(t, p)
	aws.run("s3api", "create-bucket", "--bucket", "cli-versions")
	aws.run("s3api", "put-bucket-versioning", "--bucket", "cli-versions", "--versioning-configuration", "Status=Enabled")
	var st struct{ Status string }
	aws.json(&st, "s3api", "get-bucket-versioning", "--bucket", "cli-versions")
	if st.Status != "Enabled" {
		t.Fatalf("versioning status %q", st.Status)
	}
	src := filepath.Join(t.TempDir(), "f")
	for i, body := range []string{"one", "two!", "three"} {
		if err := os.WriteFile(src, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		aws.run("s3", "cp", src, "s3://cli-versions/dir/k")
		if i == 0 {
			aws.run("s3", "cp", src, "s3://cli-versions/dir/other")
		}
	}
	var lv cliVersions
	aws.json(&lv, "s3api", "list-object-versions", "--bucket", "cli-versions")
	if len(lv.Versions) != 4 || len(lv.DeleteMarkers) != 0 {
		t.Fatalf("versions %+v markers %+v", lv.Versions, lv.DeleteMarkers)
	}
	if v := lv.Versions[0]; v.Key != "dir/k" || !v.IsLatest || v.Size != 5 || lv.Versions[1].IsLatest {
		t.Fatalf("newest first: %+v", lv.Versions)
	}
	old := lv.Versions[2].VersionId
	dst := filepath.Join(t.TempDir(), "got")
	aws.run("s3api", "get-object", "--bucket", "cli-versions", "--key", "dir/k", "--version-id", old, dst)
	if b, _ := os.ReadFile(dst); string(b) != "one" {
		t.Fatalf("oldest version reads %q", b)
	}

	aws.run("s3", "rm", "--recursive", "s3://cli-versions/")
	if out := aws.run("s3", "ls", "--recursive", "s3://cli-versions/"); strings.TrimSpace(out) != "" {
		t.Fatalf("listing after rm: %q", out)
	}
	lv = cliVersions{}
	aws.json(&lv, "s3api", "list-object-versions", "--bucket", "cli-versions")
	if len(lv.Versions) != 4 || len(lv.DeleteMarkers) != 2 || !lv.DeleteMarkers[0].IsLatest || !lv.DeleteMarkers[1].IsLatest {
		t.Fatalf("after rm: versions %+v markers %+v", lv.Versions, lv.DeleteMarkers)
	}
	if _, _, err := aws.try("s3api", "delete-bucket", "--bucket", "cli-versions"); err == nil {
		t.Fatal("delete-bucket succeeded with versions left")
	}
	// Empty it the S3 way: DeleteObjects with every version id.
	type objID struct{ Key, VersionId string }
	var del struct{ Objects []objID }
	for _, v := range lv.Versions {
		del.Objects = append(del.Objects, objID{v.Key, v.VersionId})
	}
	for _, m := range lv.DeleteMarkers {
		del.Objects = append(del.Objects, objID{m.Key, m.VersionId})
	}
	doc, _ := json.Marshal(del)
	var res struct{ Deleted, Errors []map[string]any }
	aws.json(&res, "s3api", "delete-objects", "--bucket", "cli-versions", "--delete", string(doc))
	if len(res.Deleted) != 6 || len(res.Errors) != 0 {
		t.Fatalf("delete-objects: %+v", res)
	}
	aws.run("s3api", "delete-bucket", "--bucket", "cli-versions")
}

// TestResticVersionedBucket backs a tree up with restic into a versioned
// bucket, changes it, backs up again, checks the repository and restores
// both snapshots. restic deletes its lock files, which leaves delete
// markers and noncurrent versions behind: the repository must not mind.
func TestResticVersionedBucket(t *testing.T) {
	if _, err := exec.LookPath("restic"); err != nil {
		t.Skip("restic not on PATH; skipping (apt-get install restic)")
	}
	p := startHoard(t, startOpts{})
	c := p.client()
	createBucket(t, c, "restic")
	enableVersioning(t, c, "restic")
	work := t.TempDir()
	src := filepath.Join(work, "src")
	writeTree(t, src, treeFiles)
	writeRandomFile(t, filepath.Join(src, "big.bin"), 6<<20, 3)
	first := readTree(t, src)
	env := append(cleanEnv(),
		"RESTIC_REPOSITORY=s3:"+p.URL+"/restic/repo", "RESTIC_PASSWORD=correct horse",
		"AWS_ACCESS_KEY_ID="+accessKey, "AWS_SECRET_ACCESS_KEY="+secretKey, "AWS_DEFAULT_REGION="+region,
		"RESTIC_CACHE_DIR="+filepath.Join(work, "cache"))
	restic := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("restic", append([]string{"-o", "s3.bucket-lookup=path", "-o", "s3.region=" + region}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("restic %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	restic("init")
	restic("backup", "--host", "e2e", "--tag", "one", src)
	if err := os.WriteFile(filepath.Join(src, "a.txt"), []byte("changed after the first snapshot\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeRandomFile(t, filepath.Join(src, "new.bin"), 200<<10, 4)
	second := readTree(t, src)
	restic("backup", "--host", "e2e", "--tag", "two", src)
	restic("check", "--read-data")

	for tag, want := range map[string]map[string]string{"one": first, "two": second} {
		dst := filepath.Join(work, "restore-"+tag)
		restic("restore", "latest", "--tag", tag, "--target", dst)
		assertSameTree(t, want, readTree(t, filepath.Join(dst, src)))
	}
	// restic removed its locks: the bucket holds delete markers or
	// noncurrent versions, and the current listing none of the locks.
	out, err := c.ListObjectVersions(testContext(t), &s3.ListObjectVersionsInput{Bucket: aws.String("restic"), Prefix: aws.String("repo/locks/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.DeleteMarkers) == 0 {
		t.Errorf("no delete markers for restic's removed locks: %d versions", len(out.Versions))
	}
	cur, err := c.ListObjectsV2(testContext(t), &s3.ListObjectsV2Input{Bucket: aws.String("restic"), Prefix: aws.String("repo/locks/")})
	if err != nil || len(cur.Contents) != 0 {
		t.Errorf("locks still current: %v %+v", err, cur.Contents)
	}
}
