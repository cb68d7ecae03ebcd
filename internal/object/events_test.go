package object

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// eventsEnv is a service that queues events for target "t" and a
// dispatcher that collects them.
func eventsEnv(t *testing.T) (*testEnv, func(n int) []*event.Record) {
	e := newEnv(t)
	return e, collectEvents(t, e)
}

// collectEvents makes e queue events for target "t" and returns a
// function that waits for n of them.
func collectEvents(t *testing.T, e *testEnv) func(n int) []*event.Record {
	ob := outbox.New(e.meta, outbox.Options{Shards: 2})
	e.cfg.Events = &Events{Outbox: ob, Targets: map[string]bool{"t": true}, Region: "eu-west-3"}
	var mu sync.Mutex
	var got []*event.Record
	d := outbox.NewDispatcher(ob, outbox.DispatcherOptions{Owner: "test", Poll: 10 * time.Millisecond})
	d.Register(event.Kind("t"), outbox.ConsumerFunc(func(_ context.Context, b []outbox.Record) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range b {
			ev, err := event.Decode(r.Payload)
			if err != nil {
				t.Error(err)
			}
			got = append(got, ev)
		}
		return len(b), nil
	}), outbox.ConsumerOptions{})
	d.Start(context.Background())
	t.Cleanup(d.Stop)
	wait := func(n int) []*event.Record {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			out := append([]*event.Record(nil), got...)
			mu.Unlock()
			if len(out) >= n || time.Now().After(deadline) {
				time.Sleep(50 * time.Millisecond) // for any that should not come
				mu.Lock()
				defer mu.Unlock()
				return append([]*event.Record(nil), got...)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return wait
}

// TestEventHook: the name a caller sets with event.WithName is the one
// raised (PostObject, lifecycle expiry, which becomes
// LifecycleExpiration:DeleteMarkerCreated when it writes a marker), a
// change that fails raises nothing, and the record carries what the
// message needs.
func TestEventHook(t *testing.T) {
	e, wait := eventsEnv(t)
	e.bucket(t, "hooks")
	if err := e.PutBucketVersioning(ctx, "hooks", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	err := e.PutBucketNotification(ctx, "hooks", NotificationConfig{Rules: []NotificationRule{{
		ID: "r", Type: DestQueue, ARN: "arn:aws:sqs:eu-west-3:1:t",
		Events: []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:LifecycleExpiration:*"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	req := event.Request{PrincipalID: "AWS:AIDATEST", SourceIP: "192.0.2.7", RequestID: "RID", HostID: "HID"}
	rctx := event.WithRequest(ctx, req)
	post, err := e.PutObject(event.WithName(rctx, event.ObjectCreatedPost), PutInput{Bucket: "hooks", Key: "form", Body: bytes.NewReader([]byte("x")), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Refused by its condition: no event.
	_, err = e.PutObject(rctx, PutInput{Bucket: "hooks", Key: "form", Body: bytes.NewReader([]byte("y")), Size: 1, Cond: WriteConditions{IfNoneMatch: "*"}})
	wantErr(t, err, ErrPreconditionFailed)
	expire := event.WithName(ctx, event.LifecycleExpiration)
	marker, err := e.DeleteObject(expire, DeleteInput{Bucket: "hooks", Key: "form"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeleteObject(expire, DeleteInput{Bucket: "hooks", Key: "form", VersionID: post.VersionID}); err != nil {
		t.Fatal(err)
	}
	all := wait(4)
	var got []*event.Record
	tests := 0
	for _, ev := range all {
		if ev.Name == event.Test && ev.Bucket == "hooks" {
			tests++ // its own order key: it may come at any point
			continue
		}
		got = append(got, ev)
	}
	if tests != 1 || len(got) != 3 {
		t.Fatalf("%d test events and %d others, want 1 and 3 (one per change that happened)", tests, len(got))
	}
	got = append([]*event.Record{nil}, got...)
	p := got[1]
	if p.Name != event.ObjectCreatedPost || p.Key != "form" || p.VersionID != post.VersionID || p.Size == nil || *p.Size != 1 ||
		p.ETag != post.ETag || p.Request != req || p.ConfigID != "r" || p.Region != "eu-west-3" || p.Owner != "owner" {
		t.Fatalf("post event %+v", p)
	}
	if m := got[2]; m.Name != event.LifecycleMarker || m.VersionID != marker.VersionID || m.Size != nil || m.Request.PrincipalID != "AmazonS3" {
		t.Fatalf("expiry marker event %+v", m)
	}
	if d := got[3]; d.Name != event.LifecycleExpiration || d.VersionID != post.VersionID {
		t.Fatalf("expiry event %+v", d)
	}
}

func TestEventPatterns(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"s3:ObjectCreated:*", event.ObjectCreatedPut, true},
		{"s3:ObjectCreated:*", event.ObjectCreatedComplete, true},
		{"s3:ObjectCreated:*", event.ObjectRetentionPut, false}, // only by name
		{"s3:ObjectCreated:PutRetention", event.ObjectRetentionPut, true},
		{"s3:ObjectCreated:Put", event.ObjectCreatedPost, false},
		{"s3:ObjectRemoved:*", event.ObjectRemovedMarker, true},
		{"s3:ObjectRemoved:*", event.LifecycleExpiration, false},
		{"s3:LifecycleExpiration:*", event.LifecycleMarker, true},
		{"s3:LifecycleTransition", event.LifecycleTransition, true},
		{"ObjectCreated:*", event.ObjectCreatedPut, false},
	} {
		if got := event.Matches(c.pattern, c.name); got != c.want {
			t.Errorf("Matches(%q, %q) = %v", c.pattern, c.name, got)
		}
	}
	for _, p := range []string{"s3:ObjectCreated:*", "s3:ObjectAcl:Put", "s3:LifecycleTransition"} {
		if !event.ValidPattern(p) {
			t.Errorf("%s refused", p)
		}
	}
	for _, p := range []string{"s3:*", "s3:ObjectCreated:", "s3:ObjectAcl:*", "ObjectCreated:Put", ""} {
		if event.ValidPattern(p) {
			t.Errorf("%q accepted", p)
		}
	}
	if got := event.EncodeKey("a b/ü+~*.txt"); got != "a+b/%C3%BC%2B%7E*.txt" {
		t.Errorf("EncodeKey = %q", got)
	}
}
