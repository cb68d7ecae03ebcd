package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/hoard-s3/hoard/bench/internal/result"
)

// The SDK spends several times more CPU decoding a 1,000-key page than a
// fast server spends producing it, so with one client on a 2-core machine
// list-page-1000 measures mostly the client. list-page-1000-raw sends the
// same signed request and reads the whole body, counting keys without
// decoding the XML: the server's own speed. list-full-raw does the same for
// a complete listing.

// emptySHA256 is the payload hash of a request without body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

type rawLister struct {
	o      options
	hc     *http.Client
	signer *v4.Signer
	creds  aws.Credentials
}

func newRawLister(o options) *rawLister {
	return &rawLister{
		o: o, hc: &http.Client{Timeout: 2 * time.Minute}, signer: v4.NewSigner(),
		creds: aws.Credentials{AccessKeyID: o.accessKey, SecretAccessKey: o.secretKey},
	}
}

// page fetches one 1,000-key page (the first, or the one after token) and
// returns its key count and the next continuation token ("" at the end).
func (l *rawLister) page(ctx context.Context, token string) (int, string, error) {
	q := url.Values{"list-type": {"2"}, "max-keys": {fmt.Sprint(pageSize)}}
	if token != "" {
		q.Set("continuation-token", token)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.o.endpoint+"/"+l.o.bucket+"?"+q.Encode(), nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if err := l.signer.SignHTTP(ctx, l.creds, req, emptySHA256, "s3", l.o.region, time.Now()); err != nil {
		return 0, "", err
	}
	resp, err := l.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("list %s: status %d: %.200s", l.o.bucket, resp.StatusCode, body)
	}
	n := bytes.Count(body, []byte("<Key>"))
	// A continuation may come back empty: MinIO marks a page that ends
	// exactly at the last key as truncated.
	if n == 0 && token == "" || n > pageSize {
		return n, "", fmt.Errorf("page of %d keys", n)
	}
	return n, nextToken(body), nil
}

// nextToken is the NextContinuationToken of a raw page, "" when none.
func nextToken(body []byte) string {
	const open, end = "<NextContinuationToken>", "</NextContinuationToken>"
	i := bytes.Index(body, []byte(open))
	if i < 0 {
		return ""
	}
	rest := body[i+len(open):]
	j := bytes.Index(rest, []byte(end))
	if j < 0 {
		return ""
	}
	return html.UnescapeString(string(rest[:j]))
}

// listFullRaw pages through the whole bucket with raw requests, as
// list-full does with the SDK.
func listFullRaw(ctx context.Context, o options) error {
	l := newRawLister(o)
	return withMeasure(o, func(m *measure) error {
		var lat []time.Duration
		m.begin()
		for range o.full {
			total, token := 0, ""
			for {
				t := time.Now()
				n, next, err := l.page(ctx, token)
				if err != nil {
					return err
				}
				lat = append(lat, time.Since(t))
				total += n
				if next == "" {
					break
				}
				token = next
			}
			if total != o.keys {
				return fmt.Errorf("raw full listing returned %d keys, want %d", total, o.keys)
			}
		}
		m.finish()
		return m.record(sized("list-full-raw", "-", o.keys), result.KeysPerSec, len(lat), lat, float64(o.full*o.keys))
	})
}

func listRaw(ctx context.Context, o options) error {
	l := newRawLister(o)
	return withMeasure(o, func(m *measure) error {
		lat := make([]time.Duration, 0, o.pages)
		m.begin()
		for i := 0; o.morePages(i, m); i++ {
			t := time.Now()
			if _, _, err := l.page(ctx, ""); err != nil {
				return err
			}
			lat = append(lat, time.Since(t))
		}
		m.finish()
		return m.record(sized("list-page-1000-raw", "-at-", o.keys), result.OpsPerSec, len(lat), lat, float64(len(lat)))
	})
}
