package object

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

func TestLockAllowsRemoval(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for _, c := range []struct {
		name   string
		l      ObjectLock
		bypass bool
		ok     bool
	}{
		{"none", ObjectLock{}, false, true},
		{"governance", ObjectLock{Mode: LockGovernance, RetainUntil: later}, false, false},
		{"governance bypassed", ObjectLock{Mode: LockGovernance, RetainUntil: later}, true, true},
		{"compliance", ObjectLock{Mode: LockCompliance, RetainUntil: later}, true, false},
		{"compliance expired", ObjectLock{Mode: LockCompliance, RetainUntil: earlier}, false, true},
		{"compliance ends now", ObjectLock{Mode: LockCompliance, RetainUntil: now}, false, true},
		{"legal hold", ObjectLock{LegalHold: true}, true, false},
		{"legal hold, expired retention", ObjectLock{Mode: LockGovernance, RetainUntil: earlier, LegalHold: true}, true, false},
	} {
		err := lockAllowsRemoval(c.l, c.bypass, now)
		if (err == nil) != c.ok || err != nil && !errors.Is(err, ErrObjectLocked) || err != nil && !errors.Is(err, ErrAccessDenied) {
			t.Errorf("%s: %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestCheckRetentionChange(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d1, d2 := now.Add(24*time.Hour), now.Add(48*time.Hour)
	gov := ObjectLock{Mode: LockGovernance, RetainUntil: d1}
	comp := ObjectLock{Mode: LockCompliance, RetainUntil: d1}
	for _, c := range []struct {
		name   string
		old    ObjectLock
		mode   LockMode
		until  time.Time
		bypass bool
		ok     bool
	}{
		{"set on none", ObjectLock{}, LockCompliance, d1, false, true},
		{"extend governance", gov, LockGovernance, d2, false, true},
		{"keep governance", gov, LockGovernance, d1, false, true},
		{"shorten governance", gov, LockGovernance, now.Add(time.Hour), false, false},
		{"shorten governance bypassed", gov, LockGovernance, now.Add(time.Hour), true, true},
		{"governance to compliance", gov, LockCompliance, d2, false, false},
		{"governance to compliance bypassed", gov, LockCompliance, d1, true, true},
		{"remove governance", gov, LockNone, time.Time{}, false, false},
		{"remove governance bypassed", gov, LockNone, time.Time{}, true, true},
		{"extend compliance", comp, LockCompliance, d2, false, true},
		{"shorten compliance bypassed", comp, LockCompliance, now.Add(time.Hour), true, false},
		{"compliance to governance bypassed", comp, LockGovernance, d2, true, false},
		{"remove compliance bypassed", comp, LockNone, time.Time{}, true, false},
		{"replace expired compliance", ObjectLock{Mode: LockCompliance, RetainUntil: now.Add(-time.Second)}, LockGovernance, d1, false, true},
	} {
		err := checkRetentionChange(c.old, c.mode, c.until, c.bypass, now)
		if (err == nil) != c.ok || err != nil && !errors.Is(err, ErrObjectLocked) {
			t.Errorf("%s: %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

// lockedNullVersion leaves bucket b with key "k" as a null version under
// COMPLIANCE retention for a day.
func lockedNullVersion(t *testing.T, e *testEnv, b string) {
	t.Helper()
	e.bucket(t, b)
	e.put(t, b, "k", []byte("original"))
	if err := e.PutBucketVersioning(ctx, b, VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	if err := e.PutObjectLockConfig(ctx, b, ObjectLockConfig{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutObjectRetention(ctx, RetentionInput{Bucket: b, Key: "k", VersionID: NullVersion,
		Mode: LockCompliance, RetainUntil: e.clock.Now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// The S3 API cannot suspend a locked bucket, but the rule holds anyway:
// a write or a delete marker that would replace a locked null version in
// place is refused, and allowed once the retention has run out.
func TestLockedNullVersionNotOverwritten(t *testing.T) {
	e := newEnv(t)
	lockedNullVersion(t, e, "bkt")
	if err := e.PutBucketVersioning(ctx, "bkt", VersioningSuspended); !errors.Is(err, ErrInvalidBucketState) {
		t.Fatalf("suspend a locked bucket: %v", err)
	}
	// Force the state the API refuses.
	err := e.meta.Update(ctx, func(tx meta.Txn) error {
		bk, err := e.Service.bucket(ctx, tx, "bkt")
		if err != nil {
			return err
		}
		bk.Versioning = VersioningSuspended
		return tx.Set(bucketKey("bkt"), encodeBucket(bk))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader([]byte("new")), Size: 3})
	if !errors.Is(err, ErrObjectLocked) {
		t.Fatalf("overwrite of a locked null version: %v", err)
	}
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"}); !errors.Is(err, ErrObjectLocked) {
		t.Fatalf("null delete marker over a locked null version: %v", err)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "original" {
		t.Fatalf("locked null version reads %q", got)
	}
	e.clock.Advance(25 * time.Hour)
	e.put(t, "bkt", "k", []byte("new"))
	if got := e.read(t, "bkt", "k"); string(got) != "new" {
		t.Fatalf("after expiry reads %q", got)
	}
}

func TestLockExpiresWithTheClock(t *testing.T) {
	e := newEnv(t)
	lockedNullVersion(t, e, "bkt")
	del := DeleteInput{Bucket: "bkt", Key: "k", VersionID: NullVersion, BypassGovernance: true}
	if _, err := e.DeleteObject(ctx, del); !errors.Is(err, ErrObjectLocked) {
		t.Fatalf("delete under compliance: %v", err)
	}
	e.clock.Advance(24 * time.Hour)
	if _, err := e.DeleteObject(ctx, del); err != nil {
		t.Fatalf("delete once the retention ended: %v", err)
	}
}

func TestUploadRecordKeepsLock(t *testing.T) {
	until := time.Date(2130, 1, 2, 3, 4, 5, 6e6, time.UTC)
	for _, l := range []*ObjectLock{nil, {LegalHold: true, LegalHoldSet: true}, {LegalHoldSet: true},
		{Mode: LockGovernance, RetainUntil: until}, {Mode: LockCompliance, RetainUntil: until, LegalHold: true, LegalHoldSet: true}} {
		u := &uploadRec{Initiated: 5, Alg: algCodes[1], Lock: l}
		got, err := decodeUpload(u.encode())
		if err != nil {
			t.Fatalf("%+v: %v", l, err)
		}
		if (got.Lock == nil) != (l == nil) || l != nil && (*got.Lock != *l) || got.Initiated != 5 {
			t.Fatalf("upload lock %+v decoded as %+v", l, got.Lock)
		}
	}
	bad := (&uploadRec{Alg: algCodes[1], Lock: &ObjectLock{LegalHold: true, LegalHoldSet: true}}).encode()
	bad[1] = byte(LockGovernance) // a mode without a date
	if _, err := decodeUpload(bad); err == nil {
		t.Fatal("a retention without a date decoded")
	}
}

// clockReader advances the clock while the body is read, as a long upload
// would.
type clockReader struct {
	r     *bytes.Reader
	clock *fakeClock
}

func (c *clockReader) Read(p []byte) (int, error) {
	c.clock.Advance(time.Hour)
	return c.r.Read(p)
}

// A default retention counts from when the version is created, not from
// when its upload began.
func TestDefaultRetentionFromCreation(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	if err := e.EnableObjectLock(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	if err := e.PutObjectLockConfig(ctx, "bkt", ObjectLockConfig{Default: &DefaultRetention{Mode: LockGovernance, Days: 1}}); err != nil {
		t.Fatal(err)
	}
	body := []byte("slow upload")
	info, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: &clockReader{r: bytes.NewReader(body), clock: e.clock}, Size: int64(len(body)),
		Checksum: ExpectedChecksum{Algorithm: algCodes[1]}})
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := e.GetObjectLock(ctx, "bkt", "k", info.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if want := info.LastModified.AddDate(0, 0, 1).Truncate(time.Millisecond); l.Mode != LockGovernance || !l.RetainUntil.Equal(want) {
		t.Fatalf("retention %v until %v, want GOVERNANCE until %v", l.Mode, l.RetainUntil, want)
	}
	// Without Content-MD5 or a checksum the default retention is refused.
	_, err = e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k2", Body: bytes.NewReader(body), Size: int64(len(body)), LockNeedsDigest: true})
	if !errors.Is(err, ErrLockDigestRequired) {
		t.Fatalf("default retention without a digest: %v", err)
	}
}
