package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// SignatureHeader carries the HMAC-SHA256 of the body under the target's
// secret, as "sha256=<hex>", when the target has a secret.
const SignatureHeader = "X-Hoard-Signature"

// webhook POSTs each message. The URL's fragment, which HTTP never sends,
// holds its options: #token=BEARER&hmac-secret=SECRET.
type webhook struct {
	url    string
	token  string
	secret []byte
	client *http.Client
}

func newWebhook(s Spec) (*webhook, error) {
	opts, err := url.ParseQuery(s.URL.Fragment)
	if err != nil {
		return nil, fmt.Errorf("webhook options in the URL fragment: %w", err)
	}
	u := *s.URL
	u.Fragment, u.RawFragment = "", ""
	w := &webhook{url: u.String(), token: opts.Get("token"), client: &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
		},
		// A redirect would resend the body elsewhere; S3's event targets
		// do not redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	if sec := opts.Get("hmac-secret"); sec != "" {
		w.secret = []byte(sec)
	}
	return w, nil
}

func (w *webhook) Send(ctx context.Context, m Message) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(m.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	if w.secret != nil {
		mac := hmac.New(sha256.New, w.secret)
		mac.Write(m.Body)
		req.Header.Set(SignatureHeader, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // keeps the connection reusable
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

func (w *webhook) Close() error {
	w.client.CloseIdleConnections()
	return nil
}
