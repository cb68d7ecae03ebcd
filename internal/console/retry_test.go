package console_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/fetch"
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

	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*partNumber=2&*"}}}); err != nil {
		t.Fatal(err)
	}
	var failed atomic.Int32
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if ev.Request.Method == "PUT" && failed.Add(1) == 1 {
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
				continue
			}
			_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()

	f, sum := randomFile(t, "three.bin", 12_000_000)
	do(t, ctx, 10*time.Second, "upload options", setUploadOptions("5", "2"))
	do(t, ctx, 10*time.Second, "pick file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{f}))
	if st := uploadState(t, ctx, "three.bin", time.Minute); st != "done" {
		t.Fatalf("upload ended %q (status %q)", st, statusLine(ctx))
	}
	stats := monitorStats(t, ctx)
	if stats["Parts done"] != "3" || stats["Parts failed"] != "1" || stats["Parts retried"] != "1" {
		t.Errorf("monitor: %v, want 3 done, 1 failed, 1 retried", stats)
	}
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
