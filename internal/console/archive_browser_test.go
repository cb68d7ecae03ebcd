package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestBrowserArchivedObjects: the object list shows each object's
// storage class; the details of a GLACIER object and of an
// INTELLIGENT_TIERING object the worker moved to Archive Access say that
// they are archived; Restore asks for a restore (with Days for GLACIER,
// without for Intelligent-Tiering) and the pane follows it to the end.
func TestBrowserArchivedObjects(t *testing.T) {
	ts := testserver.Start(t, testserver.WithConsole(), testserver.WithLifecycleDay(20*time.Millisecond),
		testserver.WithTiering(server.TierConfig{RestoreDelays: map[string]time.Duration{"Standard": 300 * time.Millisecond},
			RestoreEvery: 50 * time.Millisecond}))
	ctx := newBrowser(t)
	s3c := ts.Client()
	sctx := testserver.Context(t)
	b := aws.String("vault")
	if _, err := s3c.CreateBucket(sctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	for key, class := range map[string]types.StorageClass{"cold": "GLACIER", "it": "INTELLIGENT_TIERING", "plain": ""} {
		if _, err := s3c.PutObject(sctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader("data of " + key), StorageClass: class}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s3c.PutBucketIntelligentTieringConfiguration(sctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: aws.String("all"),
		IntelligentTieringConfiguration: &types.IntelligentTieringConfiguration{Id: aws.String("all"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{{AccessTier: types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(90)}}}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		h, err := s3c.HeadObject(sctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("it")})
		if err != nil {
			t.Fatal(err)
		}
		if h.ArchiveStatus == types.ArchiveStatusArchiveAccess {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker never archived the Intelligent-Tiering object")
		}
		time.Sleep(50 * time.Millisecond)
	}

	signIn(t, ctx, ts)
	do(t, ctx, 20*time.Second, "open the bucket",
		chromedp.WaitVisible(chromedp.CSS(`#buckets a[href="#/b/vault/"]`)),
		chromedp.Click(chromedp.CSS(`#buckets a[href="#/b/vault/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#next-page")))
	classes := poll[string](t, ctx, 10*time.Second, "classes listed",
		`(() => { const rows = [...document.querySelectorAll('#objects tbody tr')]; if (rows.length < 3) return '';
		   return rows.map((r) => r.querySelector('button.link').textContent + '=' + r.querySelector('td.class').textContent).join(','); })()`)
	if classes != "cold=GLACIER,it=INTELLIGENT_TIERING,plain=STANDARD" {
		t.Fatalf("listed classes %q", classes)
	}
	open := func(key string) {
		t.Helper()
		poll[bool](t, ctx, 10*time.Second, "open "+key, `(() => { const b = [...document.querySelectorAll('#objects button.link')].find((x) => x.textContent === `+jsString(key)+`);
		  if (!b) return false; b.click(); return true; })()`)
		poll[bool](t, ctx, 10*time.Second, "details of "+key, `document.querySelector('#details dl')?.textContent.includes(`+jsString(key)+`) === true`)
	}
	// reopenUntil opens key's details again until cond (over the pane's
	// text d) holds: the pane shows the state when it was opened.
	reopenUntil := func(key, cond string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			open("plain")
			open(key)
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
				`(() => { const d = document.querySelector('#details')?.textContent || ''; return `+cond+`; })()`))
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: never %s; details %q", key, cond, textOf(t, ctx, "#details"))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	details := func(what, want string) {
		t.Helper()
		poll[bool](t, ctx, 15*time.Second, what, `document.querySelector('#details')?.textContent.includes(`+jsString(want)+`) === true`)
	}

	open("cold")
	details("GLACIER archived", "Archived (restore to read)")
	do(t, ctx, 10*time.Second, "restore cold",
		chromedp.SetValue(chromedp.CSS("#restore-days"), "3"),
		chromedp.Click(chromedp.CSS("#restore-archived")))
	details("GLACIER restoring", "Restore in progress")
	screenshot(t, ctx, "archive-restoring.png")
	if _, err := s3c.HeadObject(sctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("cold")}); err != nil {
		t.Fatal(err)
	}
	reopenUntil("cold", `d.includes('Restored until')`)

	open("it")
	details("IT archived", "Archived in Archive Access (restore to read)")
	if n := poll[int](t, ctx, 5*time.Second, "no Days for IT", `document.querySelectorAll('#restore-days').length + 1`); n != 1 {
		t.Fatal("the restore of an Intelligent-Tiering object asks for Days")
	}
	do(t, ctx, 10*time.Second, "restore it", chromedp.Click(chromedp.CSS("#restore-archived")))
	details("IT restoring", "Restore from Archive Access in progress")
	deadline = time.Now().Add(15 * time.Second)
	for {
		out, err := s3c.GetObject(sctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("it")})
		if err == nil {
			out.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Intelligent-Tiering object was never restored: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	reopenUntil("it", `d.includes('INTELLIGENT_TIERING') && !d.includes('Archived') && !document.querySelector('#restore-archived')`)
}
