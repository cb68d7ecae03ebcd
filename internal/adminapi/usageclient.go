package adminapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hoard-s3/hoard/internal/usage"
)

// Usage reads the usage of bucket, or of prefix, and of its sub-prefixes
// depth levels down (0: the server's default of 1).
func (c *Client) Usage(ctx context.Context, bucket, prefix string, depth int) (*usage.Report, error) {
	q := url.Values{}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if depth > 0 {
		q.Set("depth", strconv.Itoa(depth))
	}
	path := "/usage/" + url.PathEscape(bucket)
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out usage.Report
	return &out, c.do(ctx, http.MethodGet, path, nil, http.StatusOK, &out)
}

// Recount recounts bucket (every bucket when empty) and repairs its
// counters.
func (c *Client) Recount(ctx context.Context, bucket string) ([]RecountJSON, error) {
	path := "/usage/recount"
	if bucket != "" {
		path += "?bucket=" + url.QueryEscape(bucket)
	}
	var out struct {
		Recounts []RecountJSON `json:"recounts"`
	}
	err := c.do(ctx, http.MethodPost, path, nil, http.StatusOK, &out)
	return out.Recounts, err
}

// History reads the last days daily snapshots of bucket.
func (c *Client) History(ctx context.Context, bucket string, days int) ([]usage.Day, error) {
	var out struct {
		Days []usage.Day `json:"days"`
	}
	path := "/usage/" + url.PathEscape(bucket) + "/history?days=" + strconv.Itoa(days)
	err := c.do(ctx, http.MethodGet, path, nil, http.StatusOK, &out)
	return out.Days, err
}
