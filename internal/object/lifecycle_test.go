package object

import (
	"errors"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
)

func TestLifecycleDayAfter(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		day  LifecycleDay
		days int
		want time.Time
	}{
		// S3 rounds up to the next midnight UTC.
		{S3Day, 1, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		{S3Day, 30, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
		{0, 1, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
		// A midnight stays a midnight.
		{S3Day, 1, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		// A test day counts exactly.
		{LifecycleDay(10 * time.Second), 3, at.Add(30 * time.Second)},
	} {
		from := at
		if c.want.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
			from = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		}
		if got := c.day.After(from, c.days); !got.Equal(c.want) {
			t.Errorf("%v.After(%s, %d) = %s, want %s", time.Duration(c.day), from, c.days, got, c.want)
		}
	}
}

func TestRuleMatches(t *testing.T) {
	gt, lt := int64(10), int64(100)
	r := LifecycleRule{Enabled: true, Filter: LifecycleFilter{Prefix: "a/", Tags: []Tag{{"k", "v"}}, SizeGreaterThan: &gt, SizeLessThan: &lt}}
	for _, c := range []struct {
		key  string
		size int64
		tags []Tag
		want bool
	}{
		{"a/x", 50, []Tag{{"k", "v"}, {"o", "p"}}, true},
		{"b/x", 50, []Tag{{"k", "v"}}, false},
		{"a/x", 10, []Tag{{"k", "v"}}, false},
		{"a/x", 100, []Tag{{"k", "v"}}, false},
		{"a/x", 50, []Tag{{"k", "w"}}, false},
		{"a/x", 50, nil, false},
	} {
		if got := r.Matches(c.key, c.size, c.tags); got != c.want {
			t.Errorf("Matches(%q, %d, %v) = %v", c.key, c.size, c.tags, got)
		}
	}
	r.Enabled = false
	if r.Matches("a/x", 50, []Tag{{"k", "v"}}) {
		t.Error("a disabled rule matched")
	}
}

// TestApplyLifecycleStaleAndLocked: an action on a version that changed
// since the scan, or that object lock protects, leaves it alone and
// reports why, while the others in the batch are applied.
func TestApplyLifecycleStaleAndLocked(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	if err := e.PutBucketVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	if err := e.EnableObjectLock(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	old := e.put(t, "bkt", "k", []byte("one"))
	e.clock.Advance(time.Second)
	e.put(t, "bkt", "k", []byte("two"))
	e.clock.Advance(time.Second)
	if _, err := e.PutObjectLegalHold(ctx, "bkt", "k", old.VersionID, true); err != nil {
		t.Fatal(err)
	}
	free := e.put(t, "bkt", "f", []byte("free"))
	e.clock.Advance(time.Second)
	e.put(t, "bkt", "f", []byte("newer"))
	wait := collectEvents(t, e)
	err := e.PutBucketNotification(ctx, "bkt", NotificationConfig{Rules: []NotificationRule{{
		ID: "r", Type: DestQueue, ARN: "arn:aws:sqs:eu-west-3:1:t", Events: []string{"s3:LifecycleExpiration:*"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.ApplyLifecycle(ctx, "bkt", []LifecycleAction{
		{Kind: ExpireNoncurrent, Key: "k", VersionID: old.VersionID, ModTime: old.LastModified},
		{Kind: ExpireNoncurrent, Key: "f", VersionID: free.VersionID, ModTime: free.LastModified.Add(time.Nanosecond)},
		{Kind: ExpireNoncurrent, Key: "f", VersionID: free.VersionID, ModTime: free.LastModified},
		{Kind: ExpireCurrent, Key: "f", VersionID: free.VersionID, ModTime: free.LastModified},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(out[0], ErrObjectLocked) || !errors.Is(out[1], ErrLifecycleStale) || out[2] != nil || !errors.Is(out[3], ErrLifecycleStale) {
		t.Fatalf("outcomes %v", out)
	}
	if _, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: old.VersionID}); err != nil {
		t.Fatalf("the held version is gone: %v", err)
	}
	if _, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "f", VersionID: free.VersionID}); !errors.Is(err, ErrNoSuchVersion) {
		t.Fatalf("the expired version: %v", err)
	}
	var sinks []string
	for _, r := range wait(2) {
		if r.Name != event.Test {
			sinks = append(sinks, r.Name+" "+r.Key)
		}
	}
	if len(sinks) != 1 || sinks[0] != EventLifecycleDelete+" f" {
		t.Fatalf("events %v", sinks)
	}
}
