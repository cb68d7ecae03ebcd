package object

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

const testDay = 24 * time.Hour

func (e *testEnv) putClass(t *testing.T, bucket, key, class string, data []byte) *ObjectInfo {
	t.Helper()
	info, err := e.PutObject(ctx, PutInput{Bucket: bucket, Key: key, Body: bytes.NewReader(data), Size: int64(len(data)), StorageClass: class})
	if err != nil {
		t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
	return info
}

func (e *testEnv) accessTier(t *testing.T, bucket, key string) string {
	t.Helper()
	h, err := e.GetObject(ctx, GetInput{Bucket: bucket, Key: key, HeadOnly: true})
	if err != nil {
		t.Fatalf("head %s/%s: %v", bucket, key, err)
	}
	return h.Info.AccessTier
}

// TestITAccessTiersFollowReads: an INTELLIGENT_TIERING object goes to the
// infrequent tier after 30 days without a read and to archive instant
// after 90; a GET brings it back to frequent, a HEAD does not.
func TestITAccessTiersFollowReads(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	data := bytes.Repeat([]byte("it "), 2000)
	e.putClass(t, "bkt", "k", ClassIntelligentTiering, data)
	e.put(t, "bkt", "std", data)
	steps := []struct {
		advance time.Duration
		read    bool
		want    string
	}{
		{0, false, TierFrequent},
		{29 * testDay, false, TierFrequent},
		{testDay, false, TierInfrequent},
		{59 * testDay, false, TierInfrequent},
		{testDay, false, TierArchiveInstant},
		{0, true, TierFrequent},
		{29*testDay + time.Hour, false, TierFrequent},
		{0, true, TierFrequent},
		{30 * testDay, false, TierInfrequent},
	}
	for i, s := range steps {
		e.clock.Advance(s.advance)
		if s.read && !bytes.Equal(e.read(t, "bkt", "k"), data) {
			t.Fatalf("step %d: data differs", i)
		}
		if got := e.accessTier(t, "bkt", "k"); got != s.want {
			t.Fatalf("step %d: tier %q, want %q", i, got, s.want)
		}
	}
	if got := e.accessTier(t, "bkt", "std"); got != "" {
		t.Fatalf("STANDARD object has access tier %q", got)
	}
	page, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10})
	if err != nil || len(page.Objects) != 2 {
		t.Fatalf("list: %+v %v", page, err)
	}
	o := page.Objects[0]
	if o.Key != "k" || o.StorageClass != ClassIntelligentTiering || e.AccessTier(o.StorageClass, o.ArchiveTier, o.LastRead) != TierInfrequent {
		t.Fatalf("listed %+v", o)
	}
}

// TestTransitionIntoITStartsFrequent: an object moved into the class
// long after it was written starts in the frequent tier.
func TestTransitionIntoITStartsFrequent(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", bytes.Repeat([]byte("x"), 5000))
	e.clock.Advance(100 * testDay)
	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassIntelligentTiering}); err != nil {
		t.Fatal(err)
	}
	if got := e.accessTier(t, "bkt", "k"); got != TierFrequent {
		t.Fatalf("tier after the transition %q", got)
	}
	e.clock.Advance(30 * testDay)
	if got := e.accessTier(t, "bkt", "k"); got != TierInfrequent {
		t.Fatalf("tier 30 days after the transition %q", got)
	}
}

// TestITArchiveAndRestore: an IT object in an archive tier has its data
// in the tier of GLACIER, refuses reads naming class and tier, and a
// restore without Days brings it back to the frequent tier and its data
// back home.
func TestITArchiveAndRestore(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	e.cold.Grace, e.dir.Grace = 0, 0
	data := bytes.Repeat([]byte("archive me "), 1000)
	info := e.putClass(t, "bkt", "k", ClassIntelligentTiering, data)
	e.clock.Advance(90 * testDay)
	e.read(t, "bkt", "k") // a read since the listing the worker decided on
	_, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassIntelligentTiering,
		AccessTier: TierArchive, IfModTime: info.LastModified, IfLastRead: info.LastModified})
	if !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("archive of an object read since: %v", err)
	}
	_, err = e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassGlacier, AccessTier: TierArchive})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("access tier with another class: %v", err)
	}
	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "k", StorageClass: ClassIntelligentTiering, AccessTier: TierArchive}); err != nil {
		t.Fatal(err)
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 0 || c != 1 {
		t.Fatalf("archived: %d blobs in the data directory, %d in the tier; want 0 and 1", d, c)
	}
	_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k"})
	var ae *ArchivedError
	if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidObjectState) || ae.StorageClass != ClassIntelligentTiering || ae.AccessTier != TierArchive {
		t.Fatalf("GET of an archived IT object: %v", err)
	}
	h, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
	if err != nil || h.Info.AccessTier != TierArchive || h.Info.StorageClass != ClassIntelligentTiering {
		t.Fatalf("head: %+v %v", h, err)
	}
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k"}); err != nil {
		t.Fatalf("restore without Days: %v", err)
	}
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "k"}); !errors.Is(err, ErrRestoreInProgress) {
		t.Fatalf("second restore: %v", err)
	}
	e.clock.Advance(time.Minute)
	if n, err := e.RunRestores(ctx); n != 1 || err != nil {
		t.Fatalf("restore work: %d %v", n, err)
	}
	h, _ = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
	if h.Info.AccessTier != TierFrequent || h.Info.Restore != nil {
		t.Fatalf("after the restore: tier %q restore %+v", h.Info.AccessTier, h.Info.Restore)
	}
	if !bytes.Equal(e.read(t, "bkt", "k"), data) {
		t.Fatal("restored data differs")
	}
	if d, c := countIn(t, e.dir), countIn(t, e.cold); d != 1 || c != 0 {
		t.Fatalf("restored: %d and %d blobs; want 1 and 0", d, c)
	}
	// A GLACIER object still needs Days.
	e.putClass(t, "bkt", "g", ClassGlacier, data)
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "g"}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("GLACIER restore without Days: %v", err)
	}
}
