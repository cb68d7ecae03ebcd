package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/bench/internal/result"
)

// Versioned buckets: with -versions V > 1 the loaders turn versioning on
// and write every key V times, so a bucket of -keys K keys holds K*V
// versions; -mode list-versions then times ListObjectVersions pages of
// 1,000 entries at the start of the bucket and from a key marker in its
// middle, raw (counted, not decoded) and decoded by aws-sdk-go-v2.

func enableVersioning(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		return fmt.Errorf("enable versioning of %s: %w", bucket, err)
	}
	return nil
}

// versionsLabel names the bucket by its versions: list-versions-page-at-1M.
func (o options) versionsLabel(workload string) string {
	return sized(workload, "-at-", o.keys*o.versions)
}

// listVersions times the pages.
func listVersions(ctx context.Context, c *s3.Client, o options) error {
	l := newRawLister(o)
	// Keys spread over d00/..d99/ (see key), so half of them sort after "d50/".
	mid := "d50/"
	for _, w := range []struct {
		name   string
		marker string
	}{{"list-versions-page-raw", ""}, {"list-versions-page-raw-mid", mid}} {
		err := withMeasure(o, func(m *measure) error {
			var lat []time.Duration
			m.begin()
			for i := 0; o.morePages(i, m); i++ {
				t := time.Now()
				n, err := l.versionsPage(ctx, w.marker)
				if err != nil {
					return err
				}
				if n != pageSize {
					return fmt.Errorf("versions page of %d entries, want %d", n, pageSize)
				}
				lat = append(lat, time.Since(t))
			}
			m.finish()
			return m.record(o.versionsLabel(w.name), result.OpsPerSec, len(lat), lat, float64(len(lat)))
		})
		if err != nil {
			return err
		}
	}
	return withMeasure(o, func(m *measure) error {
		var lat []time.Duration
		m.begin()
		for i := 0; o.morePages(i, m); i++ {
			t := time.Now()
			out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(o.bucket), MaxKeys: aws.Int32(pageSize)})
			if err != nil {
				return fmt.Errorf("list versions of %s: %w", o.bucket, err)
			}
			if n := len(out.Versions) + len(out.DeleteMarkers); n != pageSize {
				return fmt.Errorf("versions page of %d entries, want %d", n, pageSize)
			}
			lat = append(lat, time.Since(t))
		}
		m.finish()
		return m.record(o.versionsLabel("list-versions-page"), result.OpsPerSec, len(lat), lat, float64(len(lat)))
	})
}

// versionsPage fetches one ListObjectVersions page of 1,000 entries after
// keyMarker and counts its entries without decoding the XML.
func (l *rawLister) versionsPage(ctx context.Context, keyMarker string) (int, error) {
	q := url.Values{"versions": {""}, "max-keys": {fmt.Sprint(pageSize)}}
	if keyMarker != "" {
		q.Set("key-marker", keyMarker)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.o.endpoint+"/"+l.o.bucket+"?"+q.Encode(), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if err := l.signer.SignHTTP(ctx, l.creds, req, emptySHA256, "s3", l.o.region, time.Now()); err != nil {
		return 0, err
	}
	resp, err := l.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("list versions of %s: status %d: %.200s", l.o.bucket, resp.StatusCode, body)
	}
	return bytes.Count(body, []byte("<Version>")) + bytes.Count(body, []byte("<DeleteMarker>")), nil
}
