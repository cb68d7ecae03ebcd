package object

import (
	"context"
	"reflect"
	"testing"
)

func TestRecordReplicationStatusRoundTrip(t *testing.T) {
	for st := ReplPending; st <= ReplReplica; st++ {
		r := sampleRecord()
		r.VersionID, r.Repl = newVersionID(11), st
		enc := r.encode()
		if enc[0]&recordExt == 0 {
			t.Fatalf("%s: no version block", st)
		}
		got, err := decodeRecordMode(enc, modeFull)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("%s: %v\n got %+v\nwant %+v", st, err, got, r)
		}
		if info := got.info("b", "k"); info.Replication.String() != replNames[st] {
			t.Fatalf("info shows %q", info.Replication)
		}
	}
	for _, st := range []string{"PENDING", "COMPLETED", "FAILED", "REPLICA", ""} {
		if p, err := ParseReplicationStatus(st); err != nil || p.String() != st {
			t.Fatalf("parse %q: %v %v", st, p, err)
		}
	}
	if _, err := ParseReplicationStatus("DONE"); err == nil {
		t.Fatal("DONE parsed")
	}
}

func TestSetReplicationStatus(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.bucket(t, "src")
	if err := e.PutBucketVersioning(ctx, "src", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	info := e.put(t, "src", "k", []byte("hello"))
	// A version no rule queued has no status and gets none.
	if err := e.SetReplicationStatus(ctx, "src", "k", info.VersionID, ReplCompleted); err != nil {
		t.Fatal(err)
	}
	if h := e.head(t, "src", "k", ""); h.Replication != ReplNone {
		t.Fatalf("unqueued version: %v", h.Replication)
	}
	steps := []struct {
		set, want ReplicationStatus
	}{
		{ReplPending, ReplPending},
		{ReplFailed, ReplFailed},
		{ReplCompleted, ReplCompleted},
		{ReplFailed, ReplCompleted}, // a late failure never undoes a success
	}
	for _, s := range steps {
		if err := e.SetReplicationStatus(ctx, "src", "k", info.VersionID, s.set); err != nil {
			t.Fatal(err)
		}
		if h := e.head(t, "src", "k", info.VersionID); h.Replication != s.want || h.ETag != info.ETag {
			t.Fatalf("after %s: %v", s.set, h.Replication)
		}
	}
	// A noncurrent version keeps its place and data.
	e.put(t, "src", "k", []byte("second"))
	if err := e.SetReplicationStatus(ctx, "src", "k", info.VersionID, ReplFailed); err != nil {
		t.Fatal(err)
	}
	if got := e.read(t, "src", "k"); string(got) != "second" {
		t.Fatalf("latest %q", got)
	}
	if h := e.head(t, "src", "k", info.VersionID); h.Replication != ReplCompleted || h.Size != 5 {
		t.Fatalf("noncurrent: %+v", h)
	}
	if err := e.SetReplicationStatus(ctx, "src", "gone", info.VersionID, ReplCompleted); err != nil {
		t.Fatalf("missing version: %v", err)
	}
}

func (e *testEnv) head(t testing.TB, bucket, key, vid string) ObjectInfo {
	t.Helper()
	r, err := e.GetObject(context.Background(), GetInput{Bucket: bucket, Key: key, VersionID: vid, HeadOnly: true})
	if err != nil {
		t.Fatalf("head %s/%s: %v", bucket, key, err)
	}
	return r.Info
}
