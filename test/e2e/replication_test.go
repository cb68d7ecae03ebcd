package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Bucket replication between Hoard sites, each its own process on
// loopback: sites registered with `hoard admin site add`, configurations
// put with the SDK, and what arrives read back from the other site.

const replRole = "arn:aws:iam::123456789012:role/replication"

// hoardAdmin runs `hoard admin ARGS…` against p as the operator.
func hoardAdmin(t *testing.T, p *proc, args ...string) string {
	t.Helper()
	cmd := exec.Command(hoardBin, append([]string{"admin"}, args...)...)
	cmd.Env = append(cleanEnv(), "HOARD_ENDPOINT="+p.URL, "HOARD_ROOT_ACCESS_KEY="+accessKey, "HOARD_ROOT_SECRET_KEY="+secretKey)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hoard admin %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func addSite(t *testing.T, on *proc, name string, to *proc) {
	t.Helper()
	out := hoardAdmin(t, on, "site", "add", name, "--endpoint", to.URL, "--region", region, "--access-key", accessKey, "--secret-key", secretKey)
	if strings.Contains(out, secretKey) {
		t.Fatalf("site add printed the secret: %s", out)
	}
}

func replicatedBucket(t *testing.T, c *s3.Client, name string, lock bool) {
	t.Helper()
	ctx := testContext(t)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(lock)}); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
}

func putReplication(t *testing.T, c *s3.Client, bucket, dest string) {
	t.Helper()
	_, err := c.PutBucketReplication(testContext(t), &s3.PutBucketReplicationInput{Bucket: aws.String(bucket),
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String(replRole), Rules: []types.ReplicationRule{{
			ID: aws.String("all"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled,
			Filter:                    &types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication:   &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled},
			ExistingObjectReplication: &types.ExistingObjectReplication{Status: types.ExistingObjectReplicationStatusEnabled},
			Destination:               &types.Destination{Bucket: aws.String("arn:aws:s3:::" + dest)},
		}}}})
	if err != nil {
		t.Fatalf("put replication of %s: %v", bucket, err)
	}
}

func replStatus(c *s3.Client, bucket, key, vid string) (types.ReplicationStatus, error) {
	h, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(vid)})
	if err != nil {
		return "", err
	}
	return h.ReplicationStatus, nil
}

func waitReplStatus(t *testing.T, c *s3.Client, bucket, key, vid string, want types.ReplicationStatus) {
	t.Helper()
	waitFor(t, 30*time.Second, fmt.Sprintf("%s/%s %s to be %s", bucket, key, vid, want), func() bool {
		st, _ := replStatus(c, bucket, key, vid)
		return st == want
	})
}

func readVersion(t *testing.T, c *s3.Client, bucket, key, vid string) ([]byte, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(vid)})
	if err != nil {
		t.Fatalf("get %s/%s %s: %v", bucket, key, vid, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, out
}

// restartOn starts a stopped site again on its old address, where the
// other site's registration points.
func restartOn(t testing.TB, p *proc) *proc {
	t.Helper()
	return startHoard(t, startOpts{dataDir: p.DataDir, args: []string{"--address", p.Addr}})
}

func TestReplicationBetweenSites(t *testing.T) {
	a := startHoard(t, startOpts{})
	b := startHoard(t, startOpts{})
	addSite(t, a, "b", b)
	addSite(t, b, "a", a)
	if out := hoardAdmin(t, a, "site", "list"); !strings.Contains(out, b.URL) || strings.Contains(out, secretKey) {
		t.Fatalf("site list: %s", out)
	}
	ca, cb := a.client(), b.client()
	ctx := testContext(t)
	top := t // restarted sites live as long as the whole test

	t.Run("OneWay", func(t *testing.T) {
		replicatedBucket(t, ca, "one", true)
		replicatedBucket(t, cb, "one-copy", true)
		putReplication(t, ca, "one", "one-copy")
		until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		v1, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("one"), Key: aws.String("doc"), Body: strings.NewReader("first"),
			Tagging: aws.String("team=blue"), ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(until),
			ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn, Metadata: map[string]string{"origin": "a"}})
		if err != nil {
			t.Fatal(err)
		}
		v2, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("one"), Key: aws.String("doc"), Body: strings.NewReader("second, longer")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("one"), Key: aws.String("gone"), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
		dm, err := ca.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("one"), Key: aws.String("gone")})
		if err != nil {
			t.Fatal(err)
		}
		waitReplStatus(t, ca, "one", "doc", *v1.VersionId, types.ReplicationStatusCompleted)
		waitReplStatus(t, ca, "one", "doc", *v2.VersionId, types.ReplicationStatusCompleted)

		body, got := readVersion(t, cb, "one-copy", "doc", *v1.VersionId)
		if string(body) != "first" || got.ReplicationStatus != types.ReplicationStatusReplica || got.Metadata["origin"] != "a" ||
			got.ObjectLockMode != types.ObjectLockModeGovernance || !aws.ToTime(got.ObjectLockRetainUntilDate).Equal(until) ||
			got.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn || aws.ToInt32(got.TagCount) != 1 {
			t.Fatalf("version 1 at b: %q %+v", body, got)
		}
		if body, got := readVersion(t, cb, "one-copy", "doc", ""); string(body) != "second, longer" || aws.ToString(got.VersionId) != *v2.VersionId {
			t.Fatalf("latest at b: %q %s", body, aws.ToString(got.VersionId))
		}
		tags, err := cb.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("one-copy"), Key: aws.String("doc"), VersionId: v1.VersionId})
		if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Value) != "blue" {
			t.Fatalf("tags at b: %+v %v", tags, err)
		}
		waitFor(t, 30*time.Second, "the delete marker at b", func() bool {
			l, err := cb.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("one-copy"), Prefix: aws.String("gone")})
			return err == nil && len(l.DeleteMarkers) == 1 && aws.ToString(l.DeleteMarkers[0].VersionId) == aws.ToString(dm.VersionId) && len(l.Versions) == 1
		})
	})

	t.Run("TwoWay", func(t *testing.T) {
		replicatedBucket(t, ca, "both", false)
		replicatedBucket(t, cb, "both", false)
		putReplication(t, ca, "both", "both")
		putReplication(t, cb, "both", "both")
		pa, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("both"), Key: aws.String("k"), Body: strings.NewReader("from a")})
		if err != nil {
			t.Fatal(err)
		}
		waitReplStatus(t, ca, "both", "k", *pa.VersionId, types.ReplicationStatusCompleted)
		pb, err := cb.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("both"), Key: aws.String("k"), Body: strings.NewReader("from b, later")})
		if err != nil {
			t.Fatal(err)
		}
		waitReplStatus(t, cb, "both", "k", *pb.VersionId, types.ReplicationStatusCompleted)
		waitReplStatus(t, ca, "both", "k", *pb.VersionId, types.ReplicationStatusReplica)
		time.Sleep(time.Second) // room for a loop to show
		for name, c := range map[string]*s3.Client{"a": ca, "b": cb} {
			l, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("both")})
			if err != nil || len(l.Versions) != 2 || aws.ToString(l.Versions[0].VersionId) != *pb.VersionId || !aws.ToBool(l.Versions[0].IsLatest) {
				t.Fatalf("versions at %s: %+v %v", name, l, err)
			}
		}
	})

	t.Run("ExistingObjects", func(t *testing.T) {
		replicatedBucket(t, ca, "old", false)
		replicatedBucket(t, cb, "old-copy", false)
		var vids []string
		for i := range 25 {
			out, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("old"), Key: aws.String(fmt.Sprintf("k%02d", i)), Body: strings.NewReader(fmt.Sprint("old ", i))})
			if err != nil {
				t.Fatal(err)
			}
			vids = append(vids, *out.VersionId)
		}
		putReplication(t, ca, "old", "old-copy")
		if st, _ := replStatus(ca, "old", "k00", vids[0]); st != "" {
			t.Fatalf("an existing version got status %q without a job", st)
		}
		if out := hoardAdmin(t, a, "replicate-existing", "old"); !strings.Contains(out, "queued 25 versions") {
			t.Fatalf("replicate-existing: %s", out)
		}
		for i, vid := range vids {
			waitReplStatus(t, ca, "old", fmt.Sprintf("k%02d", i), vid, types.ReplicationStatusCompleted)
		}
		if body, _ := readVersion(t, cb, "old-copy", "k24", vids[24]); string(body) != "old 24" {
			t.Fatalf("k24 at b: %q", body)
		}
		// Run again: nothing is left to queue.
		if out := hoardAdmin(t, a, "replicate-existing", "old"); !strings.Contains(out, "queued 0 versions") {
			t.Fatalf("second run: %s", out)
		}
	})

	// The destination goes down: versions written meanwhile show FAILED,
	// then COMPLETED once it is back, and every one of them arrives.
	t.Run("DestinationDown", func(t *testing.T) {
		replicatedBucket(t, ca, "flaky", false)
		replicatedBucket(t, cb, "flaky-copy", false)
		putReplication(t, ca, "flaky", "flaky-copy")
		b.stop(t)
		var vids []string
		for i := range 10 {
			out, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("flaky"), Key: aws.String(fmt.Sprint("d", i)), Body: strings.NewReader(fmt.Sprint("while down ", i))})
			if err != nil {
				t.Fatal(err)
			}
			vids = append(vids, *out.VersionId)
		}
		waitReplStatus(t, ca, "flaky", "d0", vids[0], types.ReplicationStatusFailed)
		b = restartOn(top, b)
		cb = b.client()
		for i, vid := range vids {
			waitReplStatus(t, ca, "flaky", fmt.Sprint("d", i), vid, types.ReplicationStatusCompleted)
			if body, _ := readVersion(t, cb, "flaky-copy", fmt.Sprint("d", i), vid); string(body) != fmt.Sprint("while down ", i) {
				t.Fatalf("d%d at b: %q", i, body)
			}
		}
	})

	// The source is SIGKILLed while it replicates: after a restart every
	// acknowledged write reaches the destination.
	t.Run("SourceKilled", func(t *testing.T) {
		replicatedBucket(t, ca, "crashy", false)
		replicatedBucket(t, cb, "crashy-copy", false)
		putReplication(t, ca, "crashy", "crashy-copy")
		type acked struct{ key, vid, etag string }
		var mu sync.Mutex
		var done []acked
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 30 {
					key := fmt.Sprintf("w%d/%02d", w, i)
					out, err := ca.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("crashy"), Key: aws.String(key),
						Body: bytes.NewReader(bytes.Repeat([]byte{byte(i)}, 4<<10+i*1000))})
					if err != nil {
						return // the kill
					}
					mu.Lock()
					done = append(done, acked{key, *out.VersionId, aws.ToString(out.ETag)})
					mu.Unlock()
				}
			}()
		}
		waitFor(t, 30*time.Second, "some writes", func() bool { mu.Lock(); defer mu.Unlock(); return len(done) >= 40 })
		a.stopWith(t, syscall.SIGKILL)
		wg.Wait()
		a = restartOn(top, a)
		ca = a.client()
		t.Logf("%d writes acknowledged before the kill", len(done))
		for _, d := range done {
			waitReplStatus(t, ca, "crashy", d.key, d.vid, types.ReplicationStatusCompleted)
			h, err := cb.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("crashy-copy"), Key: aws.String(d.key), VersionId: aws.String(d.vid)})
			if err != nil || aws.ToString(h.ETag) != d.etag || h.ReplicationStatus != types.ReplicationStatusReplica {
				t.Fatalf("%s at b: %+v %v", d.key, h, err)
			}
		}
	})
}
