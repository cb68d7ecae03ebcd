package object

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/blob/faultfs"
	"github.com/hoard-s3/hoard/internal/meta"
)

// A disk that fills up in the middle of an upload fails the PUT, leaves
// nothing visible and no data file behind; the previous object survives.
func TestPutFaults(t *testing.T) {
	faults := []struct {
		name   string
		inject func(*faultfs.FS)
		want   error
	}{
		{"ENOSPC mid-upload", func(f *faultfs.FS) { f.FailWritesAfter(10 << 10) }, blob.ErrNoSpace},
		{"ENOSPC on first write", func(f *faultfs.FS) { f.FailNthWrite(1) }, blob.ErrNoSpace},
		{"create fails", func(f *faultfs.FS) { f.FailCreate(true) }, nil},
		{"fsync fails", func(f *faultfs.FS) { f.FailSync(true) }, nil},
		{"rename fails", func(f *faultfs.FS) { f.FailRename(true) }, nil},
		{"directory fsync fails", func(f *faultfs.FS) { f.FailSyncDir(true) }, nil},
	}
	for _, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			ffs := faultfs.New(blob.OS)
			e := newEnvFS(t, ffs)
			e.bucket(t, "bkt")
			old := randBytes(2 * testThreshold)
			e.put(t, "bkt", "k", old)
			e.put(t, "bkt", "new", nil)
			filesBefore := e.blobFiles(t)
			big := randBytes(1 << 20)
			for _, key := range []string{"k", "fresh"} {
				tt.inject(ffs)
				_, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(big), Size: int64(len(big))})
				if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("put %s: %v, want failure %v", key, err, tt.want)
				}
			}
			ffs.Reset()
			if got := e.read(t, "bkt", "k"); !bytes.Equal(got, old) {
				t.Fatal("previous object damaged")
			}
			_, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "fresh", HeadOnly: true})
			wantErr(t, err, ErrNoSuchKey)
			if n := e.blobFiles(t); n != filesBefore {
				t.Fatalf("%d blob files, want %d", n, filesBefore)
			}
		})
	}
}

// failingMeta fails every transaction, as a metadata engine that lost its
// disk would.
type failingMeta struct{ meta.Store }

var errMetaDown = errors.New("metadata engine unavailable")

func (failingMeta) Update(context.Context, func(meta.Txn) error) error { return errMetaDown }

func TestPutMetaFailureDropsBlob(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	real := e.meta
	e.meta = failingMeta{real}
	_, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(randBytes(3 * testThreshold)), Size: 3 * testThreshold})
	wantErr(t, err, errMetaDown)
	e.meta = real
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files after failed metadata commit", n)
	}
}

// Data files that no record references, as an interrupted write or a
// crash between a metadata commit and a file removal leaves them, are
// reclaimed by CollectGarbage; referenced ones are kept.
func TestCollectGarbage(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	kept := randBytes(2 * testThreshold)
	e.put(t, "bkt", "kept", kept)
	e.put(t, "bkt", "inline", []byte("x"))
	// A crash between the blob commit and the metadata commit.
	w, err := e.blobs.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(randBytes(5000))
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// A crash between deleting a record and removing its file.
	e.put(t, "bkt", "gone", randBytes(3*testThreshold))
	if err := e.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := e.Service.bucket(ctx, tx, "bkt")
		if err != nil {
			return err
		}
		_, _, err = e.deleteOne(ctx, tx, b, DeleteInput{Bucket: "bkt", Key: "gone"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := e.blobFiles(t); n != 3 {
		t.Fatalf("%d blob files before GC", n)
	}
	// Within the grace period nothing is touched: the metadata commit of a
	// young blob may still be on its way.
	n, err := e.CollectGarbage(ctx)
	if err != nil || n != 0 {
		t.Fatalf("young GC removed %d, %v", n, err)
	}
	e.dir.Grace = -time.Minute
	n, err = e.collectPastGrace(t)
	if err != nil || n != 2 {
		t.Fatalf("GC removed %d, %v; want 2", n, err)
	}
	if got := e.read(t, "bkt", "kept"); !bytes.Equal(got, kept) || e.blobFiles(t) != 1 {
		t.Fatalf("referenced blob lost; %d files", e.blobFiles(t))
	}
}

// collectPastGrace runs the orphan collector twice, the clock moved past
// the grace between: the first pass records the orphans it finds in the
// metadata, the second removes them.
func (e *testEnv) collectPastGrace(t *testing.T) (int, error) {
	t.Helper()
	if n, err := e.CollectGarbage(ctx); err != nil || n != 0 {
		t.Fatalf("first GC pass removed %d, %v; it only records orphans", n, err)
	}
	e.clock.Advance(e.cfg.OrphanGrace + time.Second)
	return e.CollectGarbage(ctx)
}

// An orphan recorded by the collector is claimed by the metadata commit
// that references it (the record goes, the file stays); one the collector
// has doomed can no longer be committed.
func TestOrphanRecordsAndClaims(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.dir.Grace = -time.Minute
	commitBlob := func(key string) (string, error) {
		w, err := e.blobs.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(randBytes(5000))
		if err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CollectGarbage(ctx); err != nil { // records it
			t.Fatal(err)
		}
		return w.ID(), nil
	}
	id, _ := commitBlob("a")
	if _, err := e.meta.Get(ctx, orphanKey(id)); err != nil {
		t.Fatalf("orphan not recorded: %v", err)
	}
	rec := &record{VersionID: NullVersion, Size: 5000, ModTime: e.clock.Now().UnixNano(), ETag: make([]byte, 16), BlobID: id}
	if _, err := e.commitRecord(ctx, "bkt", "claimed", rec, WriteConditions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.meta.Get(ctx, orphanKey(id)); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("claimed blob's orphan record: %v", err)
	}
	e.clock.Advance(e.cfg.OrphanGrace + time.Second)
	if n, err := e.CollectGarbage(ctx); err != nil || n != 0 {
		t.Fatalf("GC removed %d claimed files, %v", n, err)
	}
	// A file doomed by the collector cannot be committed afterwards.
	id2, _ := commitBlob("b")
	if err := e.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(orphanKey(id2), doomed) }); err != nil {
		t.Fatal(err)
	}
	rec2 := &record{VersionID: NullVersion, Size: 5000, ModTime: e.clock.Now().UnixNano(), ETag: make([]byte, 16), BlobID: id2}
	if _, err := e.commitRecord(ctx, "bkt", "late", rec2, WriteConditions{}); !errors.Is(err, errBlobReclaimed) {
		t.Fatalf("commit of a doomed blob: %v", err)
	}
}
