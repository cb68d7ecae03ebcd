package kms_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sse"
)

// newWrapper returns an in-memory root keyring, the server's own wrapper.
func newWrapper(t testing.TB) *sse.Keyring {
	kr, err := sse.NewKeyring()
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	svc   *kms.Service
	store meta.Store
	root  *sse.Keyring
	clock *clock
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store, err := pebblemeta.Open(filepath.Join(t.TempDir(), "meta"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, root: newWrapper(t), clock: &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	f.svc = kms.New(store, f.root, kms.Config{Region: "eu-west-1", AccountID: "123456789012", Now: f.clock.Now})
	return f
}

func (f *fixture) create(t *testing.T, desc string) kms.KeyMetadata {
	t.Helper()
	k, err := f.svc.CreateKey(rootCtx(), kms.CreateKeyInput{Description: desc})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// rootCtx names the root of the fixture's account as the caller,
// directly (not via S3).
func rootCtx() context.Context { return rootCtxOf("123456789012") }

func rootCtxOf(acct string) context.Context {
	return kms.WithCaller(context.Background(), &kms.Caller{Principal: policy.Principal{
		Type: policy.PrincipalRoot, ARN: "arn:aws:iam::" + acct + ":root", Account: acct, UserID: acct,
	}})
}

// viaS3 names the root as the caller through S3 in eu-west-1.
func viaS3() context.Context {
	c := *kms.CallerFrom(rootCtx())
	c.ViaService = "s3.eu-west-1.amazonaws.com"
	return kms.WithCaller(context.Background(), &c)
}

func mustErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

func TestCreateAndDescribe(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	k := f.create(t, "my key")
	wantARN := "arn:aws:kms:eu-west-1:123456789012:key/" + k.KeyID
	if k.ARN != wantARN || !k.Enabled || k.KeyState != kms.StateEnabled || k.KeyManager != kms.ManagerCustomer ||
		k.Description != "my key" || !k.CreationDate.Equal(f.clock.Now()) {
		t.Fatalf("metadata = %+v", k)
	}
	if err := f.svc.CreateAlias(ctx, "alias/mine", k.KeyID); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{k.KeyID, k.ARN, "alias/mine", "arn:aws:kms:eu-west-1:123456789012:alias/mine"} {
		got, err := f.svc.DescribeKey(ctx, ref)
		if err != nil || got != k {
			t.Errorf("DescribeKey(%q) = %+v, %v", ref, got, err)
		}
	}
	for _, ref := range []string{
		"", "nope", strings.ToUpper(k.KeyID), "{" + k.KeyID + "}", "urn:uuid:" + k.KeyID,
		"arn:aws:kms:us-east-1:123456789012:key/" + k.KeyID, // other region
		"arn:aws:kms:eu-west-1:999999999999:key/" + k.KeyID, // other account
		"arn:aws:s3:eu-west-1:123456789012:key/" + k.KeyID,
		"arn:aws:kms:eu-west-1:123456789012:key/x", "alias/other", "alias/", "alias/bad name",
		"00000000-0000-0000-0000-000000000000", "arn:", "arn:aws:kms:eu-west-1:123456789012:secret/x",
		strings.Repeat("a", 100000), "alias/\x00",
	} {
		_, err := f.svc.DescribeKey(ctx, ref)
		mustErr(t, err, sse.ErrKeyNotFound)
	}
	_, err := f.svc.CreateKey(ctx, kms.CreateKeyInput{Description: strings.Repeat("d", 8193)})
	mustErr(t, err, kms.ErrValidation)
	_, err = f.svc.CreateKey(ctx, kms.CreateKeyInput{Description: "bad \xff utf-8"})
	mustErr(t, err, kms.ErrValidation)
}

func TestListKeysPaging(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	want := map[string]bool{}
	for i := range 7 {
		want[f.create(t, fmt.Sprint(i)).KeyID] = true
	}
	got := map[string]bool{}
	marker, pages := "", 0
	for {
		keys, next, err := f.svc.ListKeys(ctx, marker, 3)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, k := range keys {
			if got[k.KeyID] {
				t.Fatalf("key %s listed twice", k.KeyID)
			}
			got[k.KeyID] = true
		}
		if next == "" {
			break
		}
		marker = next
	}
	if pages != 3 || len(got) != len(want) {
		t.Fatalf("pages %d, got %d keys, want %d", pages, len(got), len(want))
	}
	all, next, err := f.svc.ListKeys(ctx, "", 0)
	if err != nil || next != "" || len(all) != 7 {
		t.Fatalf("ListKeys default limit: %d keys, next %q, %v", len(all), next, err)
	}
	_, _, err = f.svc.ListKeys(ctx, "junk", 3)
	mustErr(t, err, kms.ErrInvalidMarker)
}

func TestAliases(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	a, b := f.create(t, "a"), f.create(t, "b")
	if err := f.svc.CreateAlias(ctx, "alias/x", a.ARN); err != nil {
		t.Fatal(err)
	}
	mustErr(t, f.svc.CreateAlias(ctx, "alias/x", b.KeyID), kms.ErrAlreadyExists)
	for _, bad := range []string{"x", "alias/", "alias/a b", "alias/\xff", "alias/" + strings.Repeat("a", 251), "alias/aws/s3", "alias/aws/mine"} {
		mustErr(t, f.svc.CreateAlias(ctx, bad, a.KeyID), kms.ErrInvalidAlias)
	}
	mustErr(t, f.svc.CreateAlias(ctx, "alias/y", "alias/x"), kms.ErrValidation)
	mustErr(t, f.svc.CreateAlias(ctx, "alias/y", "00000000-0000-0000-0000-000000000000"), sse.ErrKeyNotFound)
	if err := f.svc.CreateAlias(ctx, "alias/y/z_1-2", b.KeyID); err != nil {
		t.Fatal(err)
	}

	f.clock.Add(time.Minute)
	if err := f.svc.UpdateAlias(ctx, "alias/x", b.KeyID); err != nil {
		t.Fatal(err)
	}
	if k, _ := f.svc.DescribeKey(ctx, "alias/x"); k.KeyID != b.KeyID {
		t.Fatalf("alias/x -> %s after update, want %s", k.KeyID, b.KeyID)
	}
	mustErr(t, f.svc.UpdateAlias(ctx, "alias/none", b.KeyID), sse.ErrKeyNotFound)

	list, next, err := f.svc.ListAliases(ctx, "", "", 1)
	if err != nil || len(list) != 1 || next != "alias/y/z_1-2" || list[0].Name != "alias/x" {
		t.Fatalf("ListAliases page 1 = %+v, %q, %v", list, next, err)
	}
	if !list[0].LastUpdatedDate.After(list[0].CreationDate) || list[0].ARN != "arn:aws:kms:eu-west-1:123456789012:alias/x" {
		t.Fatalf("alias = %+v", list[0])
	}
	list, next, err = f.svc.ListAliases(ctx, "", next, 1)
	if err != nil || len(list) != 1 || next != "" || list[0].TargetKeyID != b.KeyID {
		t.Fatalf("ListAliases page 2 = %+v, %q, %v", list, next, err)
	}
	if list, _, _ := f.svc.ListAliases(ctx, a.KeyID, "", 0); len(list) != 0 {
		t.Fatalf("aliases of a = %+v", list)
	}
	if list, _, _ := f.svc.ListAliases(ctx, b.ARN, "", 0); len(list) != 2 {
		t.Fatalf("aliases of b = %+v", list)
	}
	_, _, err = f.svc.ListAliases(ctx, "alias/x", "", 0)
	mustErr(t, err, kms.ErrValidation)
	_, _, err = f.svc.ListAliases(ctx, "", "bogus", 0)
	mustErr(t, err, kms.ErrInvalidMarker)

	if err := f.svc.DeleteAlias(ctx, "alias/x"); err != nil {
		t.Fatal(err)
	}
	mustErr(t, f.svc.DeleteAlias(ctx, "alias/x"), sse.ErrKeyNotFound)
	mustErr(t, f.svc.DeleteAlias(ctx, "alias/aws/s3"), kms.ErrInvalidAlias)
	if _, err := f.svc.DescribeKey(ctx, b.KeyID); err != nil {
		t.Fatalf("key gone with its alias: %v", err)
	}
}

func TestEnableDisable(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	k := f.create(t, "")
	enc := map[string]string{"bucket": "b"}
	_, blob, _, err := f.svc.GenerateDataKey(ctx, k.KeyID, enc)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DisableKey(ctx, k.ARN); err != nil {
		t.Fatal(err)
	}
	if d, _ := f.svc.DescribeKey(ctx, k.KeyID); d.Enabled || d.KeyState != kms.StateDisabled {
		t.Fatalf("after disable: %+v", d)
	}
	_, _, _, err = f.svc.GenerateDataKey(ctx, k.KeyID, enc)
	mustErr(t, err, sse.ErrKeyDisabled)
	_, err = f.svc.Decrypt(ctx, k.ARN, blob, enc)
	mustErr(t, err, sse.ErrKeyDisabled)
	_, _, err = f.svc.Encrypt(ctx, k.KeyID, []byte("x"), nil)
	mustErr(t, err, sse.ErrKeyDisabled)
	if err := f.svc.EnableKey(ctx, k.KeyID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Decrypt(ctx, k.ARN, blob, enc); err != nil {
		t.Fatalf("decrypt after enable: %v", err)
	}
	mustErr(t, f.svc.EnableKey(ctx, "00000000-0000-0000-0000-000000000000"), sse.ErrKeyNotFound)
}

func TestScheduleDeletion(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	k := f.create(t, "")
	if err := f.svc.CreateAlias(ctx, "alias/doomed", k.KeyID); err != nil {
		t.Fatal(err)
	}
	blob, _, err := f.svc.Encrypt(ctx, k.KeyID, []byte("secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{-1, 6, 31} {
		_, err := f.svc.ScheduleKeyDeletion(ctx, k.KeyID, days)
		mustErr(t, err, kms.ErrValidation)
	}
	d, err := f.svc.ScheduleKeyDeletion(ctx, k.KeyID, 7)
	if err != nil || d.KeyState != kms.StatePendingDeletion || !d.DeletionDate.Equal(f.clock.Now().Add(7*24*time.Hour)) {
		t.Fatalf("schedule = %+v, %v", d, err)
	}
	_, err = f.svc.ScheduleKeyDeletion(ctx, k.KeyID, 7)
	mustErr(t, err, kms.ErrInvalidState)
	mustErr(t, f.svc.EnableKey(ctx, k.KeyID), kms.ErrInvalidState)
	_, _, err = f.svc.DecryptBlob(ctx, blob, nil, "")
	mustErr(t, err, kms.ErrInvalidState)
	mustErr(t, err, sse.ErrKeyDisabled) // what an SSE caller checks

	d, err = f.svc.CancelKeyDeletion(ctx, k.KeyID)
	if err != nil || d.KeyState != kms.StateDisabled || !d.DeletionDate.IsZero() {
		t.Fatalf("cancel = %+v, %v", d, err)
	}
	_, err = f.svc.CancelKeyDeletion(ctx, k.KeyID)
	mustErr(t, err, kms.ErrInvalidState)

	if _, err := f.svc.ScheduleKeyDeletion(ctx, k.KeyID, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.PurgeDeleted(ctx); n != 0 || err != nil {
		t.Fatalf("PurgeDeleted before the deletion date = %d, %v", n, err)
	}
	f.clock.Add(30*24*time.Hour + time.Second)
	_, err = f.svc.DescribeKey(ctx, k.KeyID)
	mustErr(t, err, sse.ErrKeyNotFound)
	_, _, err = f.svc.DecryptBlob(ctx, blob, nil, "")
	mustErr(t, err, sse.ErrInvalidCiphertext)
	if keys, _, _ := f.svc.ListKeys(ctx, "", 0); len(keys) != 0 {
		t.Fatalf("deleted key listed: %+v", keys)
	}
	if n, err := f.svc.PurgeDeleted(ctx); n != 1 || err != nil {
		t.Fatalf("PurgeDeleted = %d, %v", n, err)
	}
	if _, err := f.store.Get(ctx, []byte("kms/alias/doomed")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("alias of deleted key kept: %v", err)
	}
}

func TestDefaultKey(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	arn, err := f.svc.DefaultKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.DefaultKey(ctx)
	if err != nil || again != arn {
		t.Fatalf("second DefaultKey = %q, %v; want %q", again, err, arn)
	}
	// Another service on the same store (another gateway) agrees.
	other := kms.New(f.store, f.root, kms.Config{Region: "eu-west-1", AccountID: "123456789012"})
	if got, err := other.DefaultKey(ctx); err != nil || got != arn {
		t.Fatalf("other gateway's DefaultKey = %q, %v; want %q", got, err, arn)
	}
	d, err := f.svc.DescribeKey(ctx, "alias/aws/s3")
	if err != nil || d.ARN != arn || d.KeyManager != kms.ManagerAWS {
		t.Fatalf("DescribeKey(alias/aws/s3) = %+v, %v", d, err)
	}
	// Its policy lets nobody change it, nor use it except through S3.
	mustErr(t, f.svc.DisableKey(ctx, arn), sse.ErrKeyAccessDenied)
	_, err = f.svc.ScheduleKeyDeletion(ctx, arn, 7)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	mustErr(t, f.svc.CreateAlias(ctx, "alias/mine", arn), kms.ErrManagedKey)
	_, _, _, err = f.svc.GenerateDataKey(ctx, "", nil)
	mustErr(t, err, sse.ErrKeyNotFound) // an empty key id is not the default
	_, _, _, err = f.svc.GenerateDataKey(ctx, arn, nil)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	plain, blob, gotARN, err := f.svc.GenerateDataKey(viaS3(), arn, nil)
	if err != nil || gotARN != arn {
		t.Fatal(err)
	}
	if _, err := other.Decrypt(ctx, arn, blob, nil); !errors.Is(err, sse.ErrKeyAccessDenied) {
		t.Fatalf("direct Decrypt under aws/s3: %v", err)
	}
	if p, err := other.Decrypt(viaS3(), arn, blob, nil); err != nil || !bytes.Equal(p, plain) {
		t.Fatalf("Decrypt on other gateway: %v", err)
	}
}

func TestDefaultKeyConcurrent(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	arns := make([]string, 8)
	var wg sync.WaitGroup
	for i := range arns {
		wg.Go(func() {
			svc := kms.New(f.store, f.root, kms.Config{})
			arn, err := svc.DefaultKey(ctx)
			if err != nil {
				t.Error(err)
			}
			arns[i] = arn
		})
	}
	wg.Wait()
	for _, a := range arns {
		if a != arns[0] {
			t.Fatalf("racing gateways made different default keys: %v", arns)
		}
	}
}
