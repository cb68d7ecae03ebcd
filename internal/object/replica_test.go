package object

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/outbox"
)

func on() *bool { v := true; return &v }

// queuedTasks reads the replication records of the outbox.
func queuedTasks(t *testing.T, m meta.Store) []ReplicationTask {
	t.Helper()
	base := []byte("outbox/r/" + ReplicationKind + "/")
	it, err := m.NewIter(context.Background(), base, meta.PrefixEnd(base))
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []ReplicationTask
	for ok := it.First(); ok; ok = it.Next() {
		v, _ := it.Value()
		// Record value: format byte, 8-byte time, uvarint key length, key, payload.
		n, w := binary.Uvarint(v[9:])
		if w <= 0 {
			t.Fatalf("outbox record %q", v)
		}
		task, err := DecodeTask(v[9+w+int(n):])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, task)
	}
	return out
}

func replicatingEnv(t *testing.T) *testEnv {
	e := newEnv(t)
	e.cfg.Replication = outbox.New(e.meta, outbox.Options{})
	ctx := context.Background()
	for _, b := range []string{"src", "dst"} {
		e.bucket(t, b)
		if err := e.PutBucketVersioning(ctx, b, VersioningEnabled); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &ReplicationConfig{Role: "arn:aws:iam::123456789012:role/r", Rules: []ReplicationRule{{
		ID: "docs", Enabled: true, Filter: &ReplicationFilter{Prefix: "docs/"}, HasDeleteMarker: true, DeleteMarkers: true,
		Destination: ReplicationDestination{Bucket: "arn:aws:s3:::dst"},
	}}}
	if err := e.PutBucketReplication(ctx, "src", cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestReplicationQueuedWithTheWrite(t *testing.T) {
	e := replicatingEnv(t)
	ctx := context.Background()
	a := e.put(t, "src", "docs/a", []byte("one"))
	e.put(t, "src", "other", []byte("two"))
	if h := e.head(t, "src", "docs/a", ""); h.Replication != ReplPending {
		t.Fatalf("docs/a: %v", h.Replication)
	}
	if h := e.head(t, "src", "other", ""); h.Replication != ReplNone {
		t.Fatalf("other: %v", h.Replication)
	}
	res, err := e.DeleteObject(ctx, DeleteInput{Bucket: "src", Key: "docs/a"})
	if err != nil || !res.DeleteMarker {
		t.Fatal(res, err)
	}
	// A delete by version id is never replicated.
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "src", Key: "other", VersionID: e.head(t, "src", "other", "").VersionID}); err != nil {
		t.Fatal(err)
	}
	tasks := queuedTasks(t, e.meta)
	if len(tasks) != 2 || tasks[0].VersionID != a.VersionID && tasks[1].VersionID != a.VersionID {
		t.Fatalf("tasks %+v", tasks)
	}
	markers := 0
	for _, task := range tasks {
		if task.Marker {
			markers++
			if task.VersionID != res.VersionID || task.Rule != "docs" {
				t.Fatalf("marker task %+v", task)
			}
		}
	}
	if markers != 1 {
		t.Fatalf("tasks %+v", tasks)
	}
}

func TestPutReplicaKeepsTheVersion(t *testing.T) {
	e := replicatingEnv(t)
	ctx := context.Background()
	src := e.put(t, "src", "docs/k", []byte("newer"))
	older := newVersionID(src.LastModified.Add(-time.Hour).UnixNano())
	put := func(vid string, body string, marker bool) {
		t.Helper()
		_, err := e.PutReplica(ctx, ReplicaInput{Bucket: "dst", Key: "docs/k", VersionID: vid,
			DeleteMarker: marker, Body: bytes.NewReader([]byte(body)), Size: int64(len(body)),
			Metadata: Metadata{ContentType: "text/plain", User: map[string]string{"colour": "blue"}}, Tags: []Tag{{Key: "t", Value: "v"}}})
		if err != nil {
			t.Fatalf("replica %s: %v", vid, err)
		}
	}
	put(src.VersionID, "newer", false)
	put(src.VersionID, "newer", false) // a retried delivery
	// An older version arriving late stays noncurrent: the latest write wins.
	put(older, "older", false)
	h := e.head(t, "dst", "docs/k", "")
	if h.VersionID != src.VersionID || h.Replication != ReplReplica || h.Metadata.User["colour"] != "blue" || h.TagCount != 1 {
		t.Fatalf("latest %+v", h)
	}
	if got := e.read(t, "dst", "docs/k"); string(got) != "newer" {
		t.Fatalf("latest data %q", got)
	}
	if h := e.head(t, "dst", "docs/k", older); h.Size != 5 || h.Replication != ReplReplica {
		t.Fatalf("older %+v", h)
	}
	// A newer delete marker hides the key.
	mk := newVersionID(src.LastModified.Add(time.Second).UnixNano())
	put(mk, "", true)
	if _, err := e.GetObject(ctx, GetInput{Bucket: "dst", Key: "docs/k"}); err == nil {
		t.Fatal("the key still reads after a newer delete marker")
	}
	l, err := e.ListObjectVersions(ctx, ListVersionsInput{Bucket: "dst", MaxKeys: 1000})
	if err != nil || len(l.Versions) != 3 || !l.Versions[0].DeleteMarker || !l.Versions[0].IsLatest ||
		l.Versions[1].VersionID != src.VersionID || l.Versions[2].VersionID != older {
		t.Fatalf("versions %+v %v", l, err)
	}
	// Replicas are never queued again, even where a rule selects them.
	for _, task := range queuedTasks(t, e.meta) {
		if task.Bucket == "dst" {
			t.Fatalf("replica queued: %+v", task)
		}
	}
	// An unversioned destination refuses.
	e.bucket(t, "plain")
	if _, err := e.PutReplica(ctx, ReplicaInput{Bucket: "plain", Key: "k", VersionID: src.VersionID,
		Body: bytes.NewReader(nil)}); err == nil {
		t.Fatal("unversioned destination took a replica")
	}
}

// With the outbox full a write goes on without a status, so that
// replicate-existing queues it once there is room.
func TestReplicationOutboxFull(t *testing.T) {
	e := replicatingEnv(t)
	ctx := context.Background()
	ob := outbox.New(e.meta, outbox.Options{Limits: outbox.Limits{MaxRecords: 1}})
	e.cfg.Replication = ob
	first := e.put(t, "src", "docs/1", []byte("a"))
	if _, err := ob.Stats(ctx); err != nil || !ob.Full() {
		t.Fatalf("outbox not full: %v", err)
	}
	second := e.put(t, "src", "docs/2", []byte("b"))
	if h := e.head(t, "src", "docs/1", first.VersionID); h.Replication != ReplPending {
		t.Fatalf("first: %v", h.Replication)
	}
	if h := e.head(t, "src", "docs/2", second.VersionID); h.Replication != ReplNone {
		t.Fatalf("second, not queued: %v", h.Replication)
	}
	e.cfg.Replication = outbox.New(e.meta, outbox.Options{}) // room again
	run, total, err := e.ReplicateExisting(ctx, "src")
	if err != nil || run != 1 || total != 1 {
		t.Fatalf("replicate-existing: %d %d %v", run, total, err)
	}
	if h := e.head(t, "src", "docs/2", second.VersionID); h.Replication != ReplPending {
		t.Fatalf("second after replicate-existing: %v", h.Replication)
	}
	if n := len(queuedTasks(t, e.meta)); n != 2 {
		t.Fatalf("%d tasks", n)
	}
}
