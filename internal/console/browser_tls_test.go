package console_test

import (
	"crypto/tls"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// TestBrowserOverHTTPS signs in to the console over HTTPS in Chromium,
// which trusts the test certificate by its key only (no system store is
// touched), gets a Secure session cookie, and uploads a file through a
// presigned https URL to the S3 endpoint.
func TestBrowserOverHTTPS(t *testing.T) {
	ca := testserver.NewCA(t)
	cert, key := ca.Issue(t, t.TempDir(), "srv", []string{"127.0.0.1"})
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	ts := testserver.Start(t, testserver.WithConsole(), testserver.WithTLS(tlsconf.Source{CertFile: cert, KeyFile: key}, ca.Pool()))
	if !strings.HasPrefix(ts.ConsoleURL, "https://") {
		t.Fatalf("console at %s", ts.ConsoleURL)
	}
	spki := strings.TrimPrefix(tlsconf.Pin(pair.Leaf), "sha256/")
	ctx := newBrowser(t, chromedp.Flag("ignore-certificate-errors-spki-list", spki))

	signIn(t, ctx, ts)
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
	if sess == nil || !sess.Secure || !sess.HTTPOnly {
		t.Fatalf("session cookie over HTTPS: %+v", sess)
	}

	createBucketInPage(t, ctx, "tls-photos")
	small, _ := randomFile(t, "small.bin", 200_000)
	do(t, ctx, 10*time.Second, "pick file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{small}))
	if st := uploadState(t, ctx, "small.bin", time.Minute); st != "done" {
		t.Fatalf("upload over HTTPS ended %q", st)
	}
	head, err := ts.Client().HeadObject(testserver.Context(t), &s3.HeadObjectInput{Bucket: aws.String("tls-photos"), Key: aws.String("small.bin")})
	if err != nil || aws.ToInt64(head.ContentLength) != 200_000 {
		t.Fatalf("uploaded object: %v", err)
	}

	// The console's answers carry HSTS.
	res, err := ts.HTTPClient().Get(ts.ConsoleURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.Header.Get("Strict-Transport-Security") != tlsconf.HSTSValue || res.Proto != "HTTP/2.0" {
		t.Fatalf("console over HTTPS: %s, HSTS %q", res.Proto, res.Header.Get("Strict-Transport-Security"))
	}
}
