package console_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/chromedp/chromedp"
)

// TestBrowserUsage opens the usage page of a bucket written with the SDK
// over three days: the bars rank prefixes by bytes and by cost, a click
// drills into a prefix, and the trend shows the daily snapshots.
func TestBrowserUsage(t *testing.T) {
	ts := start(t)
	c := ts.Client()
	bg := context.Background()
	put := func(key string, n int, class types.StorageClass) {
		t.Helper()
		if _, err := c.PutObject(bg, &s3.PutObjectInput{Bucket: aws.String("stats"), Key: aws.String(key),
			Body: bytes.NewReader(make([]byte, n)), StorageClass: class}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("stats")}); err != nil {
		t.Fatal(err)
	}
	w := ts.Server().UsageWorker()
	now := time.Now().UTC()
	put("logs/2026/a", 1000, "")
	if err := w.TakeSnapshot(bg, "stats", now.AddDate(0, 0, -2)); err != nil {
		t.Fatal(err)
	}
	put("media/x.mp4", 5000, types.StorageClassGlacier)
	if err := w.TakeSnapshot(bg, "stats", now.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	put("media/y.mp4", 15000, types.StorageClassGlacier)
	put("logs/2026/b", 3000, "")

	ctx := newBrowser(t)
	signIn(t, ctx, ts)
	do(t, ctx, 20*time.Second, "open the usage page",
		chromedp.WaitVisible(chromedp.CSS("#nav-usage")),
		chromedp.Click(chromedp.CSS("#nav-usage")))
	poll[bool](t, ctx, 10*time.Second, "the bucket in the picker", `!!document.querySelector('#usage-bucket option[value="stats"]')`)
	poll[bool](t, ctx, 5*time.Second, "choose the bucket",
		`(() => { const s = document.querySelector('#usage-bucket'); s.value = 'stats'; return s.dispatchEvent(new Event('change')); })()`)
	do(t, ctx, 20*time.Second, "the charts", chromedp.WaitVisible(chromedp.CSS("#usage-bytes .bar")))
	// media/ holds 20000 bytes, logs/ 4000; at list prices logs/ (STANDARD)
	// still costs more than media/ (GLACIER).
	byBytes := poll[string](t, ctx, 5*time.Second, "bars by bytes",
		`[...document.querySelectorAll('#usage-bytes .bar')].map(b => b.dataset.prefix + '=' + b.dataset.value).join(' ')`)
	if byBytes != "media/=20000 logs/=4000" {
		t.Fatalf("bars by bytes: %q", byBytes)
	}
	byCost := poll[string](t, ctx, 5*time.Second, "bars by cost",
		`[...document.querySelectorAll('#usage-costs .bar')].map(b => b.dataset.prefix).join(' ')`)
	if byCost != "logs/ media/" {
		t.Fatalf("bars by cost: %q", byCost)
	}
	trend := poll[string](t, ctx, 5*time.Second, "trend series",
		`[...document.querySelectorAll('#usage-trend .series')].map(s => s.dataset.prefix + '=' + s.dataset.points).join(' ')`)
	if trend != "media/=0,5000,20000 logs/=1000,1000,4000" {
		t.Fatalf("trend: %q", trend)
	}
	objects := poll[string](t, ctx, 5*time.Second, "summary", `document.querySelector('#usage-summary dd').textContent`)
	if objects != "4" {
		t.Fatalf("objects in the summary: %q", objects)
	}
	screenshot(t, ctx, "usage.png")
	do(t, ctx, 20*time.Second, "drill into logs/",
		chromedp.Click(chromedp.CSS(`#usage-bytes .bar[data-prefix="logs/"] rect`)),
		chromedp.WaitVisible(chromedp.CSS(`#usage-bytes .bar[data-prefix="logs/2026/"]`)))
}
