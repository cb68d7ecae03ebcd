package console_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// chromiumPath finds a Chromium or Chrome binary ($HOARD_CHROMIUM first).
func chromiumPath() string {
	if p := os.Getenv("HOARD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium with a fresh profile; the browser
// tests skip, saying why, when none is installed. Start the test server
// first: cleanups run last-first, so the browser then closes its
// preconnected sockets before the server drains (net/http waits up to
// 5 s for a connection that never sent a request).
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("no chromium binary found (apt-get install chromium, or set HOARD_CHROMIUM); skipping browser tests")
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000)}, extra...)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(alloc)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// do runs steps with a bound, failing the test with the step's error.
func do(t *testing.T, ctx context.Context, d time.Duration, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v (status line: %q)", what, err, statusLine(ctx))
	}
}

func statusLine(ctx context.Context) string {
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(c, chromedp.Evaluate[string](`document.querySelector('#status')?.textContent || ''`))
	return s
}

func poll[T any](t *testing.T, ctx context.Context, d time.Duration, what, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d+5*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(d), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("%s: %v (status line: %q)", what, err, statusLine(ctx))
	}
	return v
}

func randomFile(t *testing.T, name string, size int64) (string, [32]byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rand.Reader, size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return p, sum
}

// uploadState waits for an upload row to settle and returns its state.
func uploadState(t *testing.T, ctx context.Context, key string, d time.Duration) string {
	t.Helper()
	return poll[string](t, ctx, d, "upload of "+key,
		`(() => { const r = document.querySelector('.upl[data-key=`+jsString(key)+`]'); return r && r.dataset.state || ''; })()`)
}

func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func setUploadOptions(partMiB, parallel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SetValue(chromedp.CSS("#part-size"), partMiB),
		chromedp.SetValue(chromedp.CSS("#parallel"), parallel),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`['#part-size','#parallel'].every(s => document.querySelector(s).dispatchEvent(new Event('change')))`)(ctx, t)
			return err
		}),
	)
}

func monitorStats(t *testing.T, ctx context.Context) map[string]string {
	return poll[map[string]string](t, ctx, 5*time.Second, "monitor",
		`Object.fromEntries([...document.querySelectorAll('#monitor-stats dd')].map(d => [d.dataset.stat, d.textContent]))`)
}

func signIn(t *testing.T, ctx context.Context, ts *testserver.Server) {
	do(t, ctx, 30*time.Second, "sign in",
		chromedp.Navigate(ts.ConsoleURL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#access-key")),
		chromedp.SendKeys(chromedp.CSS("#access-key"), testserver.AccessKey),
		// Enter in the secret field submits: the form works from the keyboard.
		chromedp.SendKeys(chromedp.CSS("#secret-key"), testserver.SecretKey+"\r"),
		chromedp.WaitVisible(chromedp.CSS("#new-bucket")))
}

func createBucketInPage(t *testing.T, ctx context.Context, name string) {
	do(t, ctx, 20*time.Second, "create bucket",
		chromedp.SendKeys(chromedp.CSS("#new-bucket"), name),
		chromedp.Click(chromedp.CSS(`#create-bucket button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#buckets a[href="#/b/`+name+`/"]`)),
		chromedp.Click(chromedp.CSS(`#buckets a[href="#/b/`+name+`/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#file-input")),
		chromedp.WaitVisible(chromedp.CSS("#next-page")))
}

func TestBrowserScenario(t *testing.T) {
	ts := start(t) // before the browser, so that it stops after it
	ctx := newBrowser(t)
	s3c := ts.Client()
	sctx := testserver.Context(t)

	signIn(t, ctx, ts)
	createBucketInPage(t, ctx, "photos")

	// A 40 MB file in 5 MiB parts, 4 at a time, straight to the S3 endpoint.
	big, bigSum := randomFile(t, "big.bin", 40_000_000)
	do(t, ctx, 10*time.Second, "upload options", setUploadOptions("5", "4"))
	do(t, ctx, 10*time.Second, "pick file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{big}))
	if st := uploadState(t, ctx, "big.bin", 2*time.Minute); st != "done" {
		t.Fatalf("upload of big.bin ended %q (status line: %q)", st, statusLine(ctx))
	}
	got, err := s3c.GetObject(sctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(h, got.Body)
	got.Body.Close()
	if err != nil || n != 40_000_000 || !bytes.Equal(h.Sum(nil), bigSum[:]) {
		t.Fatalf("stored object differs: %d bytes, err %v", n, err)
	}
	if etag := aws.ToString(got.ETag); !strings.HasSuffix(etag, `-8"`) {
		t.Errorf("ETag %s: want a multipart ETag of 8 parts", etag)
	}
	stats := monitorStats(t, ctx)
	if stats["Parts done"] != "8" || stats["Parts failed"] != "0" || stats["Files done"] != "1" {
		t.Errorf("monitor: %v", stats)
	}
	t.Logf("monitor after 40 MB: %v", stats)
	do(t, ctx, 10*time.Second, "listing shows the object", chromedp.WaitVisible(chromedp.CSS(`#objects button.link`)))
	screenshot(t, ctx, "object-browser.png")

	// Cancel an upload as soon as it makes progress: nothing stays open.
	cancelFile, _ := randomFile(t, "cancel.bin", 100<<20)
	do(t, ctx, 10*time.Second, "upload options", setUploadOptions("5", "1"))
	do(t, ctx, 10*time.Second, "pick file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{cancelFile}))
	poll[bool](t, ctx, time.Minute, "cancel mid-upload", `(() => {
		const r = document.querySelector('.upl[data-key="cancel.bin"]');
		const b = r && r.querySelector('button.cancel');
		if (b && / of /.test(r.textContent)) { b.click(); return true; }
		if (r && r.dataset.state) throw new Error('upload ended before cancel: ' + r.dataset.state);
		return false; })()`)
	if st := uploadState(t, ctx, "cancel.bin", time.Minute); st != "cancelled" {
		t.Fatalf("cancelled upload ended %q", st)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ups, err := s3c.ListMultipartUploads(sctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("photos")})
		if err != nil {
			t.Fatal(err)
		}
		if len(ups.Uploads) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d uploads still open after cancel", len(ups.Uploads))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := s3c.HeadObject(sctx, &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("cancel.bin")}); err == nil {
		t.Fatal("the cancelled upload produced an object")
	}

	// Create a folder, browse into it, upload a small file (one presigned
	// PUT), and fetch it through a share link.
	do(t, ctx, 20*time.Second, "create and open folder",
		chromedp.SendKeys(chromedp.CSS("#folder-name"), "docs"),
		chromedp.Click(chromedp.CSS(`#create-folder button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.folder[href="#/b/photos/docs%2F"]`)),
		chromedp.Click(chromedp.CSS(`a.folder[href="#/b/photos/docs%2F"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.crumbs a[href="#/b/photos/docs%2F"]`)),
		chromedp.WaitVisible(chromedp.CSS("#next-page")))
	small := filepath.Join(t.TempDir(), "hello.txt")
	if err := os.WriteFile(small, []byte("hello from the console\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "zz-second.txt")
	if err := os.WriteFile(second, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, 10*time.Second, "pick two small files", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{small, second}))
	for _, k := range []string{"docs/hello.txt", "docs/zz-second.txt"} {
		if st := uploadState(t, ctx, k, 30*time.Second); st != "done" {
			t.Fatalf("small upload %s ended %q (status %q)", k, st, statusLine(ctx))
		}
	}
	do(t, ctx, 20*time.Second, "open details and share",
		chromedp.WaitVisible(chromedp.CSS(`#objects button.link`)),
		chromedp.Click(chromedp.CSS(`#objects button.link`)),
		chromedp.WaitVisible(chromedp.CSS("#share")),
		chromedp.SetValue(chromedp.CSS("#share-expiry"), "86400"),
		chromedp.Click(chromedp.CSS("#share")))
	link := poll[string](t, ctx, 10*time.Second, "share link", `document.querySelector('#share-url').value`)
	if !strings.Contains(link, "X-Amz-Expires=86400") {
		t.Errorf("share link %s: want a one-day expiry", link)
	}
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "hello from the console\n" {
		t.Fatalf("share link: %d %q", res.StatusCode, body)
	}

	// Delete it (two clicks: the button asks for confirmation).
	do(t, ctx, 20*time.Second, "delete object",
		chromedp.Click(chromedp.CSS("#delete-object")),
		chromedp.Click(chromedp.CSS("#delete-object")),
		chromedp.WaitNotPresent(chromedp.CSS("#delete-object")))
	poll[bool](t, ctx, 10*time.Second, "row gone", `document.querySelector('#objects button.link')?.textContent === 'zz-second.txt'`)
	if _, err := s3c.HeadObject(sctx, &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("docs/hello.txt")}); err == nil {
		t.Fatal("object still there after delete")
	}

	// Bucket settings and users render (and, with HOARD_SCREENSHOT_DIR,
	// are captured for a look).
	do(t, ctx, 20*time.Second, "settings",
		chromedp.Click(chromedp.CSS("#nav-buckets")),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="#/settings/photos"]`)),
		chromedp.Click(chromedp.CSS(`a.btn[href="#/settings/photos"]`)),
		chromedp.WaitVisible(chromedp.CSS("#set-cors")),
		chromedp.WaitVisible(chromedp.CSS("#set-encryption")))
	screenshot(t, ctx, "settings.png")
	do(t, ctx, 20*time.Second, "users",
		chromedp.Click(chromedp.CSS("#nav-users")),
		chromedp.WaitVisible(chromedp.CSS("#new-user")),
		chromedp.SendKeys(chromedp.CSS("#new-user"), "carol"),
		chromedp.Click(chromedp.CSS(`#create-user button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`section[aria-label="User carol"] .new-key`)),
		chromedp.Click(chromedp.CSS(`section[aria-label="User carol"] .new-key`)),
		chromedp.WaitVisible(chromedp.CSS("#new-secret .secret")))
	pair := poll[[]string](t, ctx, 5*time.Second, "new key", `[...document.querySelectorAll('#new-secret .secret dd')].map(d => d.textContent)`)
	if len(pair) != 2 {
		t.Fatalf("new key shown as %v", pair)
	}
	if _, err := ts.Server().Identities().Lookup(sctx, pair[0]); err != nil {
		t.Fatalf("the key the page showed is not usable: %v", err)
	}
	screenshot(t, ctx, "users.png")

	// Sign out: the old session cookie is worthless afterwards.
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{ts.ConsoleURL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var sess *network.Cookie
	for _, c := range cookies.Cookies {
		if c.Name == "hoard_console" {
			sess = c
		}
	}
	if sess == nil || !sess.HTTPOnly || sess.SameSite != network.CookieSameSiteStrict {
		t.Fatalf("session cookie: %+v", sess)
	}
	if code := getWithCookie(t, ts.ConsoleURL+"/api/buckets", sess.Value); code != 200 {
		t.Fatalf("session cookie before sign-out: %d", code)
	}
	do(t, ctx, 20*time.Second, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#access-key")))
	if code := getWithCookie(t, ts.ConsoleURL+"/api/buckets", sess.Value); code != 401 {
		t.Fatalf("session cookie after sign-out: %d, want 401", code)
	}
}

func getWithCookie(t *testing.T, url, value string) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.AddCookie(&http.Cookie{Name: "hoard_console", Value: value})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// screenshot saves the page to $HOARD_SCREENSHOT_DIR when it is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("HOARD_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Error(err)
	}
}

// TestBrowserLargeUpload uploads a 485 MB file (5 MiB parts, 6 at a time)
// and logs what the upload monitor reports. It is for measuring, so it
// runs only when HOARD_CONSOLE_LARGE_UPLOAD=1.
func TestBrowserLargeUpload(t *testing.T) {
	if os.Getenv("HOARD_CONSOLE_LARGE_UPLOAD") != "1" {
		t.Skip("set HOARD_CONSOLE_LARGE_UPLOAD=1 to upload 485 MB through the console")
	}
	ts := start(t) // before the browser, so that it stops after it
	ctx := newBrowser(t)
	signIn(t, ctx, ts)
	createBucketInPage(t, ctx, "large")
	f, _ := randomFile(t, "large.bin", 485_000_000)
	do(t, ctx, 10*time.Second, "upload options", setUploadOptions("5", "6"))
	do(t, ctx, 10*time.Second, "pick file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{f}))
	if st := uploadState(t, ctx, "large.bin", 10*time.Minute); st != "done" {
		t.Fatalf("upload ended %q", st)
	}
	stats := monitorStats(t, ctx)
	t.Logf("upload monitor for 485 MB, 5 MiB parts, 6 in parallel: %v", stats)
	screenshot(t, ctx, "upload-monitor.png")
}
