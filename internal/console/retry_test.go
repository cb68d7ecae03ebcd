package console_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestBrowserPartRetry fails the first attempt of part 2 in the browser's
// network stack: the page retries that part alone, after a backoff, and
// the object still arrives whole.
func TestBrowserPartRetry(t *testing.T) {
	ctx := newBrowser(t)
	ts := start(t)
	signIn(t, ctx, ts)
	createBucketInPage(t, ctx, "retry")

	// Block part 2 until its first attempt has failed, then let it through.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	block := func(on bool) {
		var p []*network.BlockPattern
		if on {
			p = []*network.BlockPattern{{URLPattern: ts.URL + "/retry/three.bin?*partNumber=2&*", Block: true}}
		}
		if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: p}); err != nil {
			t.Fatal(err)
		}
	}
	block(true)

	f, sum := randomFile(t, "three.bin", 12_000_000)
	do(t, ctx, 10*time.Second, "upload options", setUploadOptions("5", "2"))
	do(t, ctx, 10*time.Second, "pick file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{f}))
	poll[bool](t, ctx, 30*time.Second, "a failed part", `document.querySelector('#monitor-stats dd[data-stat="Parts failed"]').textContent !== '0'`)
	block(false)
	if st := uploadState(t, ctx, "three.bin", time.Minute); st != "done" {
		t.Fatalf("upload ended %q (status %q)", st, statusLine(ctx))
	}
	stats := monitorStats(t, ctx)
	if stats["Parts done"] != "3" || stats["Parts failed"] == "0" || stats["Parts retried"] != stats["Parts failed"] {
		t.Errorf("monitor: %v, want 3 done and each failure retried", stats)
	}
	t.Logf("monitor: %v", stats)
	got, err := ts.Client().GetObject(testserver.Context(t), &s3.GetObjectInput{Bucket: aws.String("retry"), Key: aws.String("three.bin")})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	_, err = io.Copy(h, got.Body)
	got.Body.Close()
	if err != nil || !bytes.Equal(h.Sum(nil), sum[:]) {
		t.Fatalf("object differs after a retried part: %v", err)
	}
}
