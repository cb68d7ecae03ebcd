package console_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestBrowserTenThousand browses a folder of 10,000 objects: the page
// loads one page of the listing at a time and pages through with
// continuation tokens, never the whole folder.
func TestBrowserTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,000 objects")
	}
	ctx := newBrowser(t)
	ts := start(t)
	s3c := ts.Client()
	sctx := testserver.Context(t)
	if _, err := s3c.CreateBucket(sctx, &s3.CreateBucketInput{Bucket: aws.String("bulk")}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	keys := make(chan string)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for k := range keys {
				if _, err := s3c.PutObject(sctx, &s3.PutObjectInput{Bucket: aws.String("bulk"), Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 10000 {
		keys <- fmt.Sprintf("many/obj-%05d", i)
	}
	close(keys)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	t.Logf("wrote 10,000 objects in %s", time.Since(began).Round(time.Millisecond))

	signIn(t, ctx, ts)
	began = time.Now()
	do(t, ctx, 30*time.Second, "open the folder",
		chromedp.Navigate(ts.ConsoleURL+"/#/b/bulk/many%2F"),
		chromedp.WaitVisible(chromedp.CSS("#page-info")))
	info := poll[string](t, ctx, 10*time.Second, "first page", `document.querySelector('#page-info')?.textContent`)
	if info != "Page 1 · 200 entries" {
		t.Fatalf("first page: %q", info)
	}
	t.Logf("first page of 10,000 shown in %s", time.Since(began).Round(time.Millisecond))
	// Page forward by keyboard-reachable buttons, then a 1,000-key page.
	do(t, ctx, 30*time.Second, "next page",
		chromedp.Click(chromedp.CSS("#next-page")),
		chromedp.WaitVisible(chromedp.CSS(`#objects button.link`)))
	poll[bool](t, ctx, 10*time.Second, "second page", `document.querySelector('#page-info')?.textContent === 'Page 2 · 200 entries' &&
		document.querySelector('#objects button.link').textContent === 'obj-00200'`)
	began = time.Now()
	do(t, ctx, 30*time.Second, "1,000 per page",
		chromedp.SetValue(chromedp.CSS("#page-size"), "1000"),
		chromedp.Click(chromedp.CSS(`#filter-form button[type="submit"]`)))
	poll[bool](t, ctx, 20*time.Second, "1,000 rows", `document.querySelector('#page-info')?.textContent === 'Page 1 · 1000 entries'`)
	t.Logf("1,000-row page shown in %s", time.Since(began).Round(time.Millisecond))
	// Sort within the page: name descending puts obj-00999 first.
	do(t, ctx, 10*time.Second, "sort", chromedp.Click(chromedp.CSS(`#objects thead th:nth-child(2) button`)))
	poll[bool](t, ctx, 10*time.Second, "sorted", `document.querySelector('#objects button.link').textContent === 'obj-00999'`)
	// Walk to the last page with the Next button.
	for page := 2; page <= 10; page++ {
		do(t, ctx, 30*time.Second, "next", chromedp.Click(chromedp.CSS("#next-page")))
		poll[bool](t, ctx, 20*time.Second, "page", fmt.Sprintf(`document.querySelector('#page-info')?.textContent === 'Page %d · 1000 entries'`, page))
	}
	if dis := poll[bool](t, ctx, 5*time.Second, "last page", `document.querySelector('#next-page').disabled || null`); !dis {
		t.Fatal("Next is enabled on the last page")
	}
	// Filter by prefix narrows the listing server-side.
	do(t, ctx, 10*time.Second, "filter",
		chromedp.SendKeys(chromedp.CSS("#filter"), "obj-0123"),
		chromedp.Click(chromedp.CSS(`#filter-form button[type="submit"]`)))
	poll[bool](t, ctx, 10*time.Second, "filtered", `document.querySelector('#page-info')?.textContent === 'Page 1 · 10 entries'`)
}
