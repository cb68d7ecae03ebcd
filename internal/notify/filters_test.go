package notify_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestFiltersVersionsAndKeys: prefix and suffix pick the keys, each rule
// reports its own id, removals in a versioned bucket name the delete
// marker or the version, and unicode keys arrive URL-encoded as S3
// encodes them.
func TestFiltersVersionsAndKeys(t *testing.T) {
	r := newReceiver(t)
	srv := testserver.Start(t, testserver.WithNotifyTargets(r.spec(t, "hook")))
	c := srv.Client()
	ctx := testserver.Context(t)
	const b = "filtered"
	createBucket(t, c, b)
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if err := putNotification(ctx, c, b, types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		queueRule("jpg-in-img", "hook", []string{"s3:ObjectCreated:Put"}, "img/", ".jpg"),
		queueRule("unicode", "hook", []string{"s3:ObjectCreated:*"}, "répertoire/", ""),
		queueRule("removed", "hook", []string{"s3:ObjectRemoved:*"}, "del/", ""),
	}}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"img/a.jpg", "img/a.png", "doc/a.jpg", "img.jpg", "img/sub/b.jpg"} {
		put(t, c, b, k, "x")
	}
	uni := "répertoire/ファイル name+1 (v2)&.txt"
	put(t, c, b, uni, "u")
	v1 := put(t, c, b, "del/k", "one")
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("del/k")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("del/k"), VersionId: v1.VersionId}); err != nil {
		t.Fatal(err)
	}
	r.waitEvents(t, 5)
	time.Sleep(300 * time.Millisecond) // for any event that should not come
	got, _ := r.snapshot()
	var names []string
	for _, g := range got {
		names = append(names, g.S3.ConfigurationID+" "+g.EventName+" "+g.S3.Object.Key+" "+g.S3.Object.VersionID)
	}
	sort.Strings(names)
	wantNames := []string{
		"jpg-in-img ObjectCreated:Put img/a.jpg " + versionOf(t, got, "img/a.jpg"),
		"jpg-in-img ObjectCreated:Put img/sub/b.jpg " + versionOf(t, got, "img/sub/b.jpg"),
		"removed ObjectRemoved:Delete del/k " + *v1.VersionId,
		"removed ObjectRemoved:DeleteMarkerCreated del/k " + *del.VersionId,
		"unicode ObjectCreated:Put r%C3%A9pertoire/%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB+name%2B1+%28v2%29%26.txt " + versionOf(t, got, "r%C3%A9pertoire/%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB+name%2B1+%28v2%29%26.txt"),
	}
	// No ObjectCreated rule covers del/, so its PUT raises nothing.
	if len(got) != len(wantNames) {
		t.Fatalf("%d events %q, want %q", len(got), names, wantNames)
	}
	sort.Strings(wantNames)
	if fmt.Sprint(names) != fmt.Sprint(wantNames) {
		t.Fatalf("events\n%q\nwant\n%q", names, wantNames)
	}
	for _, g := range got {
		if g.S3.Object.VersionID == "" {
			t.Errorf("%s %s: no versionId in a versioned bucket", g.EventName, g.S3.Object.Key)
		}
	}
}

func versionOf(t *testing.T, got []event.MessageRecord, key string) string {
	for _, g := range got {
		if g.S3.Object.Key == key {
			return g.S3.Object.VersionID
		}
	}
	t.Fatalf("no event for %s", key)
	return ""
}

// TestPerKeyOrderUnderConcurrentWriters: writers overwrite a few keys at
// once; per key, the events arrive in commit order with increasing
// sequencers, and the last one is of the version that stayed.
func TestPerKeyOrderUnderConcurrentWriters(t *testing.T) {
	r := newReceiver(t)
	srv := testserver.Start(t, testserver.WithNotifyTargets(r.spec(t, "hook")))
	c := srv.Client()
	ctx := testserver.Context(t)
	const b = "ordered"
	createBucket(t, c, b)
	if err := putNotification(ctx, c, b, types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		queueRule("all", "hook", []string{"s3:ObjectCreated:*"}, "", ""),
	}}); err != nil {
		t.Fatal(err)
	}
	const writers, rounds, keys = 8, 15, 3
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				key := fmt.Sprintf("k%d", (w+i)%keys)
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key),
					Body: strings.NewReader(fmt.Sprintf("writer %d round %d", w, i))}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got := r.waitEvents(t, writers*rounds)
	if len(got) != writers*rounds {
		t.Fatalf("%d events, want %d", len(got), writers*rounds)
	}
	last := map[string]event.MessageRecord{}
	for _, g := range got {
		k := g.S3.Object.Key
		if prev, ok := last[k]; ok && g.S3.Object.Sequencer <= prev.S3.Object.Sequencer {
			t.Fatalf("key %s: sequencer %s arrived after %s", k, g.S3.Object.Sequencer, prev.S3.Object.Sequencer)
		}
		last[k] = g
	}
	for k, g := range last {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Trim(*h.ETag, `"`) != g.S3.Object.ETag {
			t.Errorf("key %s: last event has ETag %s, the object %s", k, g.S3.Object.ETag, *h.ETag)
		}
	}
}
