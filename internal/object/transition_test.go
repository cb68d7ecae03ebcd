package object

import (
	"context"
	"io"
	"slices"

	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
)

// tierEnv is a service whose GLACIER and STANDARD_IA classes live in a
// second directory (tier "cold").
type tierEnv struct {
	*testEnv
	cold *blob.Dir
}

func newTierEnv(t *testing.T) *tierEnv {
	t.Helper()
	dir := t.TempDir()
	m, err := pebblemeta.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatalf("open meta: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	def, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := blob.OpenDir(filepath.Join(dir, "cold"), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	tiers, err := blob.NewTiered(def, map[string]blob.Store{"cold": cold})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := New(m, tiers, Config{InlineThreshold: testThreshold, Now: clock.Now,
		ClassTiers:    map[string]string{ClassGlacier: "cold", ClassStandardIA: "cold"},
		RestoreDelays: map[string]time.Duration{RestoreStandard: time.Minute}, RestoreDay: time.Hour})
	return &tierEnv{testEnv: &testEnv{Service: s, t: t, blobDir: filepath.Join(dir, "blobs"), dir: def, clock: clock}, cold: cold}
}

func countIn(t *testing.T, d *blob.Dir) int {
	t.Helper()
	n := 0
	_, err := d.GC(ctx, func(_ context.Context, id string) (bool, error) { n++; return true, nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTransitionMovesDataBetweenTiers(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	e.cold.Grace, e.dir.Grace = 0, 0
	data := bytes.Repeat([]byte("cold data "), 1000) // a blob, not inline
	e.put(t, "bkt", "k", data)
	if n := countIn(t, e.dir); n != 1 {
		t.Fatalf("data directory holds %d blobs, want 1", n)
	}
	info, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassStandardIA})
	if err != nil {
		t.Fatalf("transition: %v", err)
	}
	if info.StorageClass != ClassStandardIA {
		t.Fatalf("class %q", info.StorageClass)
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 0 || c != 1 {
		t.Fatalf("after transition: %d blobs in the data directory, %d in the tier; want 0 and 1", d, c)
	}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, data) {
		t.Fatal("data differs after the transition")
	}
	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassStandard}); err != nil {
		t.Fatalf("transition back: %v", err)
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 1 || c != 0 {
		t.Fatalf("after transition back: %d and %d blobs; want 1 and 0", d, c)
	}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, data) {
		t.Fatal("data differs after the transition back")
	}
}

func TestTransitionGuardAndErrors(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	info := e.put(t, "bkt", "k", bytes.Repeat([]byte("x"), 5000))
	_, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: "COLD"})
	if !errors.Is(err, ErrInvalidStorageClass) {
		t.Fatalf("bad class: %v", err)
	}
	_, err = e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassGlacier, IfModTime: info.LastModified.Add(time.Second)})
	if !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("stale guard: %v", err)
	}
	_, err = e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "nope", StorageClass: ClassGlacier})
	if !errors.Is(err, ErrNoSuchKey) {
		t.Fatalf("missing key: %v", err)
	}
}

func TestRestoreRoundTrip(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	e.cold.Grace, e.dir.Grace = 0, 0
	wait := collectEvents(t, e.testEnv)
	err := e.PutBucketNotification(ctx, "bkt", NotificationConfig{Rules: []NotificationRule{{
		ID: "r", Type: DestQueue, ARN: "arn:aws:sqs:eu-west-3:1:t",
		Events: []string{"s3:ObjectRestore:*", "s3:LifecycleTransition"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("archive "), 2000)
	e.put(t, "bkt", "k", data)
	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassGlacier, EventName: EventLifecycleTransition}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k"}); !errors.Is(err, ErrInvalidObjectState) {
		t.Fatalf("GET of an archived object: %v", err)
	}
	already, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k", Days: 2})
	if err != nil || already {
		t.Fatalf("restore: %v %v", already, err)
	}
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k", Days: 2}); !errors.Is(err, ErrRestoreInProgress) {
		t.Fatalf("second restore: %v", err)
	}
	head, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
	if err != nil || head.Info.Restore == nil || !head.Info.Restore.Ongoing {
		t.Fatalf("head while restoring: %+v %v", head, err)
	}
	if n, err := e.RunRestores(ctx); n != 0 || err != nil {
		t.Fatalf("restore ran before its delay: %d %v", n, err)
	}
	e.clock.Advance(time.Minute)
	if n, err := e.RunRestores(ctx); n != 1 || err != nil {
		t.Fatalf("restore work: %d %v", n, err)
	}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, data) {
		t.Fatal("restored data differs")
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 1 || c != 1 {
		t.Fatalf("restored: %d blobs in the data directory, %d in the tier; want 1 and 1", d, c)
	}
	head, _ = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
	want := e.clock.Now().Add(2 * time.Hour)
	if head.Info.Restore == nil || head.Info.Restore.Ongoing || !head.Info.Restore.Expiry.Equal(want) {
		t.Fatalf("restore status %+v, want expiry %v", head.Info.Restore, want)
	}
	if already, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k", Days: 1}); err != nil || !already {
		t.Fatalf("restore of a restored object: %v %v", already, err)
	}
	e.clock.Advance(time.Hour)
	if n, err := e.RunRestores(ctx); n != 1 || err != nil {
		t.Fatalf("expiry: %d %v", n, err)
	}
	if _, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k"}); !errors.Is(err, ErrInvalidObjectState) {
		t.Fatalf("GET after expiry: %v", err)
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 0 || c != 1 {
		t.Fatalf("expired: %d and %d blobs; want 0 and 1", d, c)
	}
	var events []string
	for _, r := range wait(5) {
		if r.Name != event.Test {
			events = append(events, r.Name)
		}
	}
	wantEv := []string{EventLifecycleTransition, EventRestorePost, EventRestoreCompleted, EventRestoreDelete}
	if !slices.Equal(events, wantEv) {
		t.Fatalf("events %v, want %v", events, wantEv)
	}
}

func TestRestoreRefusesOtherClasses(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", []byte("hot"))
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k", Days: 1}); !errors.Is(err, ErrInvalidObjectState) {
		t.Fatalf("restore of STANDARD: %v", err)
	}
	for _, in := range []RestoreInput{{Bucket: "bkt", Key: "k", Days: 0}, {Bucket: "bkt", Key: "k", Days: 1, Tier: "Fast"}} {
		if _, err := e.RestoreObject(ctx, in); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("restore %+v: %v", in, err)
		}
	}
}

// A restored archive copied onto itself as STANDARD stays readable for
// good, as S3 users make restores permanent; its data leaves the tier.
func TestRestoredCopyMadePermanent(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	e.cold.Grace, e.dir.Grace = 0, 0
	data := bytes.Repeat([]byte("permanent "), 3000)
	if _, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(data), Size: int64(len(data)), StorageClass: ClassGlacier}); err != nil {
		t.Fatal(err)
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 0 || c != 1 {
		t.Fatalf("GLACIER PUT: %d and %d blobs", d, c)
	}
	if _, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "k", StorageClass: ClassStandard}); !errors.Is(err, ErrInvalidObjectState) {
		t.Fatalf("copy of an archived object: %v", err)
	}
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k", Days: 1}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if n, err := e.RunRestores(ctx); n != 1 || err != nil {
		t.Fatalf("restore: %d %v", n, err)
	}
	info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "k", StorageClass: ClassStandard})
	if err != nil || info.StorageClass != ClassStandard || info.Restore != nil {
		t.Fatalf("copy onto itself as STANDARD: %+v %v", info, err)
	}
	e.clock.Advance(48 * time.Hour)
	if _, err := e.RunRestores(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, data) {
		t.Fatal("data differs")
	}
	if _, err := e.CollectGarbage(ctx); err != nil {
		t.Fatal(err)
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 1 || c != 0 {
		t.Fatalf("after the copy: %d blobs in the data directory, %d in the tier; want 1 and 0", d, c)
	}
}

// Noncurrent versions transition and restore by version id, as lifecycle's
// noncurrent rules and clients that name versions need.
func TestNoncurrentVersionTransitionAndRestore(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	if err := e.PutBucketVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	old := bytes.Repeat([]byte("old "), 3000)
	v1 := e.put(t, "bkt", "k", old)
	e.put(t, "bkt", "k", []byte("new"))
	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID, StorageClass: ClassGlacier, IfModTime: v1.LastModified}); err != nil {
		t.Fatalf("transition of a noncurrent version: %v", err)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "new" {
		t.Fatalf("latest changed: %q", got)
	}
	if _, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID}); !errors.Is(err, ErrInvalidObjectState) {
		t.Fatalf("GET of the archived version: %v", err)
	}
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID, Days: 1}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if n, err := e.RunRestores(ctx); n != 1 || err != nil {
		t.Fatalf("restore: %d %v", n, err)
	}
	r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !bytes.Equal(got, old) || r.Info.StorageClass != ClassGlacier {
		t.Fatalf("restored version: %d bytes, class %s", len(got), r.Info.StorageClass)
	}
	// Deleting the version frees the archive and the restored copy; the
	// restore's expiry entry then finds nothing and goes.
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	if _, err := e.RunRestores(ctx); err != nil {
		t.Fatal(err)
	}
	if jobs, err := e.dueRestores(ctx); err != nil || len(jobs) != 0 {
		t.Fatalf("restore entries left: %d %v", len(jobs), err)
	}
}
