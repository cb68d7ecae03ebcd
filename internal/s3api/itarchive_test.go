package s3api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// itDay is the lifecycle day of the Intelligent-Tiering tests: 90 days
// (the shortest archive tier) are 1.8 seconds.
const itDay = 20 * time.Millisecond

// TestITArchiveTiersWire: with Intelligent-Tiering configurations, the
// worker moves unread INTELLIGENT_TIERING objects to the archive tiers;
// HEAD tells it with x-amz-archive-status, GET refuses with S3's body,
// an object read all along stays, and RestoreObject without Days brings
// an archived one back.
func TestITArchiveTiersWire(t *testing.T) {
	e := newEnv(t, testserver.WithLifecycleDay(itDay), testserver.WithTiering(server.TierConfig{
		RestoreDelays: map[string]time.Duration{"Standard": 300 * time.Millisecond},
		RestoreEvery:  50 * time.Millisecond}))
	wantNoErr(t, e.putIT(types.IntelligentTieringConfiguration{Id: aws.String("archive"), Status: types.IntelligentTieringStatusEnabled,
		Filter:   &types.IntelligentTieringFilter{Prefix: aws.String("a/")},
		Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierArchiveAccess, 90)}}))
	wantNoErr(t, e.putIT(types.IntelligentTieringConfiguration{Id: aws.String("deep"), Status: types.IntelligentTieringStatusEnabled,
		Filter:   &types.IntelligentTieringFilter{Prefix: aws.String("d/")},
		Tierings: []types.Tiering{itTiering(types.IntelligentTieringAccessTierDeepArchiveAccess, 180)}}))
	it := func(in *s3.PutObjectInput) { in.StorageClass = types.StorageClassIntelligentTiering }
	body := strings.Repeat("intelligent ", 500)
	e.put("a/cold", body, it)
	e.put("a/hot", body, it)
	e.put("a/std", body)
	e.put("d/cold", body, it)

	// a/hot is read all along, more often than every 90 days.
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if out, err := e.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &e.bucket, Key: aws.String("a/hot")}); err == nil {
				out.Body.Close()
			}
			time.Sleep(40 * itDay)
		}
	}()
	waitArchive(t, e, "a/cold", "ARCHIVE_ACCESS")
	waitArchive(t, e, "d/cold", "DEEP_ARCHIVE_ACCESS")
	cancel()
	for _, key := range []string{"a/hot", "a/std"} {
		if r := e.signedDo("HEAD", "/"+e.bucket+"/"+key, nil, nil); r.status != 200 || r.header.Get("X-Amz-Archive-Status") != "" {
			t.Fatalf("%s: %d archive status %q", key, r.status, r.header.Get("X-Amz-Archive-Status"))
		}
	}
	r := e.signedDo("GET", "/"+e.bucket+"/a/cold", nil, nil)
	r.wantError(t, 403, "InvalidObjectState")
	if b := string(r.body); !strings.Contains(b, "<StorageClass>INTELLIGENT_TIERING</StorageClass><AccessTier>ARCHIVE_ACCESS</AccessTier>") {
		t.Fatalf("error body %s", b)
	}
	r = e.signedDo("GET", "/"+e.bucket+"/d/cold", nil, nil)
	if b := string(r.body); r.status != 403 || !strings.Contains(b, "<AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier>") {
		t.Fatalf("deep: %d %s", r.status, b)
	}

	_, err := e.c.RestoreObject(e.ctx, &s3.RestoreObjectInput{Bucket: &e.bucket, Key: aws.String("a/cold"), RestoreRequest: &types.RestoreRequest{}})
	wantNoErr(t, err)
	_, err = e.c.RestoreObject(e.ctx, &s3.RestoreObjectInput{Bucket: &e.bucket, Key: aws.String("a/cold"), RestoreRequest: &types.RestoreRequest{}})
	wantStatusCode(t, err, 409, "RestoreAlreadyInProgress")
	r = e.signedDo("HEAD", "/"+e.bucket+"/a/cold", nil, nil)
	if r.header.Get("X-Amz-Restore") != `ongoing-request="true"` || r.header.Get("X-Amz-Archive-Status") != "ARCHIVE_ACCESS" {
		t.Fatalf("restoring: %v", r.header)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, got, err := e.get("a/cold")
		if err == nil {
			if got != body {
				t.Fatal("restored data differs")
			}
			break
		}
		wantStatusCode(t, err, 403, "InvalidObjectState")
		if time.Now().After(deadline) {
			t.Fatal("restore never completed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r = e.signedDo("HEAD", "/"+e.bucket+"/a/cold", nil, nil)
	if r.header.Get("X-Amz-Archive-Status") != "" || r.header.Get("X-Amz-Restore") != "" || r.header.Get("X-Amz-Storage-Class") != "INTELLIGENT_TIERING" {
		t.Fatalf("restored: %v", r.header)
	}
}

// waitArchive waits for the worker to move key to an archive tier.
func waitArchive(t *testing.T, e *env, key, tier string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: &e.bucket, Key: aws.String(key)})
		wantNoErr(t, err)
		if h.ArchiveStatus != "" {
			if string(h.ArchiveStatus) != tier || h.StorageClass != types.StorageClassIntelligentTiering {
				t.Fatalf("%s: archive status %q class %q", key, h.ArchiveStatus, h.StorageClass)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never reached %s", key, tier)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
