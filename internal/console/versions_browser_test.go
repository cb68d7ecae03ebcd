package console_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestBrowserVersions turns versioning on in the settings, uploads two
// versions of a key, shows both, deletes the object (a delete marker
// appears), restores it, downloads the older version, and turns object
// lock on with a default retention.
func TestBrowserVersions(t *testing.T) {
	// The server starts first so that it stops last: Chromium's
	// preconnected sockets close with the browser, not during shutdown.
	ts := start(t)
	ctx := newBrowser(t)
	s3c := ts.Client()
	sctx := testserver.Context(t)
	signIn(t, ctx, ts)
	createBucketInPage(t, ctx, "history")

	do(t, ctx, 20*time.Second, "open settings",
		chromedp.Click(chromedp.CSS("#nav-buckets")),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="#/settings/history"]`)),
		chromedp.Click(chromedp.CSS(`a.btn[href="#/settings/history"]`)),
		chromedp.WaitVisible(chromedp.CSS("#versioning-status")))
	if st := textOf(t, ctx, "#versioning-status"); st != "Status: Unversioned" {
		t.Fatalf("a new bucket shows versioning %q", st)
	}
	do(t, ctx, 20*time.Second, "enable versioning", chromedp.Click(chromedp.CSS("#versioning-enable")))
	poll[bool](t, ctx, 10*time.Second, "versioning shown Enabled", `document.querySelector('#versioning-status')?.textContent === 'Status: Enabled'`)
	if v, err := s3c.GetBucketVersioning(sctx, &s3.GetBucketVersioningInput{Bucket: aws.String("history")}); err != nil || v.Status != "Enabled" {
		t.Fatalf("versioning after the settings page: %v %v", v, err)
	}
	screenshot(t, ctx, "settings-versioning.png")

	do(t, ctx, 20*time.Second, "back to the objects",
		chromedp.Click(chromedp.CSS(`main a[href="#/b/history/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#file-input")),
		chromedp.WaitVisible(chromedp.CSS("#next-page")))
	older, newer := []byte("version one\n"), []byte("version two, a little longer\n")
	for i, body := range [][]byte{older, newer} {
		p := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, 10*time.Second, "pick notes.txt", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{p}))
		poll[bool](t, ctx, 30*time.Second, "upload of version "+string(rune('1'+i)),
			`document.querySelectorAll('.upl[data-key="notes.txt"][data-state="done"]').length === `+string(rune('1'+i)))
	}
	lv, err := s3c.ListObjectVersions(sctx, &s3.ListObjectVersionsInput{Bucket: aws.String("history")})
	if err != nil || len(lv.Versions) != 2 {
		t.Fatalf("S3 API lists %v versions (%v), want 2", lv, err)
	}
	newID, oldID := aws.ToString(lv.Versions[0].VersionId), aws.ToString(lv.Versions[1].VersionId)

	do(t, ctx, 10*time.Second, "show versions", chromedp.Click(chromedp.CSS("#show-versions")))
	rows := versionRowsInPage(t, ctx, 2)
	if rows[0] != newID+" latest" || rows[1] != oldID+" " {
		t.Fatalf("versions shown %v, want %s (latest) then %s", rows, newID, oldID)
	}

	// Delete the object as usual: on a versioned bucket that writes a
	// delete marker, which the versions view shows as the latest.
	do(t, ctx, 20*time.Second, "delete the object",
		chromedp.Click(chromedp.CSS("#show-versions")),
		chromedp.WaitVisible(chromedp.CSS(`#select-all`)),
		chromedp.WaitVisible(chromedp.CSS(`#objects button.link`)),
		chromedp.Click(chromedp.CSS(`#objects button.link`)),
		chromedp.WaitVisible(chromedp.CSS("#delete-object")),
		chromedp.Click(chromedp.CSS("#delete-object")),
		chromedp.Click(chromedp.CSS("#delete-object")),
		chromedp.WaitNotPresent(chromedp.CSS("#delete-object")))
	poll[bool](t, ctx, 10*time.Second, "object gone from the listing", `!document.querySelector('#objects button.link')`)
	if st := statusLine(ctx); !strings.Contains(st, "delete marker") || !strings.Contains(st, "Show versions") {
		t.Errorf("after deleting on a versioned bucket the page says %q; want it to point at the delete marker", st)
	}
	do(t, ctx, 10*time.Second, "show versions again", chromedp.Click(chromedp.CSS("#show-versions")))
	rows = versionRowsInPage(t, ctx, 3)
	if rows[0][len(rows[0])-len(" latest marker"):] != " latest marker" || rows[1] != newID+" " || rows[2] != oldID+" " {
		t.Fatalf("after delete the page shows %v, want a latest delete marker over %s and %s", rows, newID, oldID)
	}
	screenshot(t, ctx, "versions.png")

	do(t, ctx, 10*time.Second, "restore", chromedp.Click(chromedp.CSS(`#objects tr[data-marker="true"] button[data-action="restore"]`)))
	rows = versionRowsInPage(t, ctx, 2)
	if rows[0] != newID+" latest" {
		t.Fatalf("after restore the page shows %v", rows)
	}
	if h, err := s3c.HeadObject(sctx, &s3.HeadObjectInput{Bucket: aws.String("history"), Key: aws.String("notes.txt")}); err != nil || aws.ToString(h.VersionId) != newID {
		t.Fatalf("restored object: %v %v", h, err)
	}

	got := downloadInPage(t, ctx, `#objects tr[data-version="`+oldID+`"] button[data-action="download"]`)
	if string(got) != string(older) {
		t.Fatalf("downloaded older version %q, want %q", got, older)
	}

	// Object lock on the versioned bucket, with a default retention; then
	// versioning can no longer be suspended, and the page stops offering it.
	do(t, ctx, 20*time.Second, "enable object lock",
		chromedp.Click(chromedp.CSS(`.crumbs a[href="#/buckets"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="#/settings/history"]`)),
		chromedp.Click(chromedp.CSS(`a.btn[href="#/settings/history"]`)),
		chromedp.WaitVisible(chromedp.CSS("#versioning-suspend")),
		chromedp.WaitVisible(chromedp.CSS("#set-objectLock-enable")),
		chromedp.SetValue(chromedp.CSS("#set-objectLock-mode"), "GOVERNANCE"),
		chromedp.SetValue(chromedp.CSS("#set-objectLock-period"), "1"),
		chromedp.Click(chromedp.CSS("#set-objectLock-enable")),
		chromedp.Click(chromedp.CSS("#set-objectLock-enable")))
	poll[bool](t, ctx, 10*time.Second, "object lock shown on",
		`(document.querySelector('#set-objectLock-status')?.textContent || '').includes('1 day in GOVERNANCE') && !document.querySelector('#versioning-suspend')`)
	lc, err := s3c.GetObjectLockConfiguration(sctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("history")})
	if err != nil || lc.ObjectLockConfiguration.Rule == nil || aws.ToInt32(lc.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 1 {
		t.Fatalf("object lock set by the page: %+v %v", lc, err)
	}
	screenshot(t, ctx, "settings-lock-enabled.png")
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return poll[string](t, ctx, 5*time.Second, "text of "+sel, `document.querySelector(`+jsString(sel)+`)?.textContent ?? ''`)
}

// versionRowsInPage waits for n version rows of notes.txt and returns each
// as "versionId[ latest][ marker]".
func versionRowsInPage(t *testing.T, ctx context.Context, n int) []string {
	t.Helper()
	return poll[[]string](t, ctx, 10*time.Second, "version rows", `(() => {
		const rows = [...document.querySelectorAll('#objects tr[data-key="notes.txt"]')];
		if (rows.length !== `+string(rune('0'+n))+`) return null;
		return rows.map(r => r.dataset.version + ' ' + [r.dataset.latest === 'true' ? 'latest' : '', r.dataset.marker === 'true' ? 'marker' : ''].filter(Boolean).join(' '));
	})()`)
}

// downloadInPage clicks sel and returns the bytes Chromium saved.
func downloadInPage(t *testing.T, ctx context.Context, sel string) []byte {
	t.Helper()
	dir := t.TempDir()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	progress := chromedp.Events(c, browser.DownloadProgress)
	begin := chromedp.Events(c, browser.DownloadWillBegin)
	do(t, ctx, 10*time.Second, "download", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: aws.Bool(true)})
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range begin {
		if err != nil {
			t.Fatalf("download did not begin: %v (status line %q)", err, statusLine(ctx))
		}
		if ev.SuggestedFilename != "notes.txt" {
			t.Errorf("download named %q, want notes.txt", ev.SuggestedFilename)
		}
		break
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatal("no download finished")
	return nil
}
