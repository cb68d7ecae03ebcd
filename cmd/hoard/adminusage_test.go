package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/metrics"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/usage"
)

func putSized(t *testing.T, c *s3.Client, bucket, key string, n int, class types.StorageClass) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(make([]byte, n)), StorageClass: class})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// TestAdminUsageCommand: objects written with the SDK show in `hoard
// admin usage`, priced with an operator's price file, and a recount after
// damage repairs the counters.
func TestAdminUsageCommand(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(prices, []byte(`{"STANDARD": {"storageGBMonth": 1024}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	table, err := usage.LoadPrices(prices)
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.WithConfig(func(c *server.Config) { c.Usage.Prices = table }))
	env := map[string]string{"HOARD_ENDPOINT": srv.URL, "HOARD_ROOT_ACCESS_KEY": testserver.AccessKey, "HOARD_ROOT_SECRET_KEY": testserver.SecretKey}
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("photos")}); err != nil {
		t.Fatal(err)
	}
	putSized(t, c, "photos", "2026/jan/a.jpg", 1<<20, "")
	putSized(t, c, "photos", "2026/jan/b.jpg", 1<<20, "")
	putSized(t, c, "photos", "2026/feb/c.jpg", 3000, types.StorageClassStandardIa)
	putSized(t, c, "photos", "2025/old.jpg", 10, types.StorageClassGlacier)
	putSized(t, c, "photos", "readme", 5, "")

	code, out, errs := runAppEnv(env, "admin", "usage", "photos", "--json")
	var rep usage.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("usage --json: %d %q %q", code, out, errs)
	}
	if rep.Total.Objects != 5 || rep.Total.Bytes != 2<<20+3015 || rep.Depth != usage.DefaultDepth {
		t.Fatalf("bucket total %+v depth %d", rep.Total, rep.Depth)
	}
	if len(rep.Prefixes) != 2 || rep.Prefixes[0].Prefix != "2026/" || rep.Prefixes[0].Objects != 3 || rep.Prefixes[1].Prefix != "2025/" {
		t.Fatalf("prefixes %+v", rep.Prefixes)
	}
	// 2 MiB of STANDARD at the file's $1024/GB is $2; STANDARD_IA keeps
	// the default $0.0125.
	if got := rep.Total.Cost.ByClass["STANDARD"]; got < 1.99999 || got > 2.00001 {
		t.Fatalf("STANDARD cost %v, want 2", got)
	}
	if got, want := rep.Total.Cost.ByClass["STANDARD_IA"], 3000.0/(1<<30)*0.0125; got != want {
		t.Fatalf("STANDARD_IA cost %v, want %v", got, want)
	}

	code, out, errs = runAppEnv(env, "admin", "usage", "photos", "--prefix", "2026/", "--depth", "1")
	if code != 0 || !strings.Contains(out, "photos/2026/: 3 objects, 2100152 B (2.0 MiB) current") ||
		!strings.Contains(out, "2026/jan/") || !strings.Contains(out, "2026/feb/") || !strings.Contains(out, "STANDARD_IA") {
		t.Fatalf("usage --prefix: %d %q %q", code, out, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "usage", "photos", "--prefix", "2026/jan/x/"); code != 1 || !strings.Contains(errs, "InvalidInput") {
		t.Fatalf("prefix past the depth: %d %q", code, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "usage", "nope"); code != 1 || !strings.Contains(errs, "NoSuchBucket") {
		t.Fatalf("missing bucket: %d %q", code, errs)
	}
	if code, _, _ = runAppEnv(env, "admin", "usage"); code != 2 {
		t.Fatalf("no bucket: %d", code)
	}

	code, out, errs = runAppEnv(env, "admin", "usage", "--recount")
	if code != 0 || !strings.Contains(out, "photos: counters were exact (5 objects") {
		t.Fatalf("recount: %d %q %q", code, out, errs)
	}
	// Damage the counters behind the server's back: the recount repairs.
	store := srv.Server().Meta()
	if err := store.Update(ctx, func(tx meta.Txn) error {
		return usage.Replace(ctx, tx, "photos", usage.Scopes{"": &usage.Counters{Uploads: 9}})
	}); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runAppEnv(env, "admin", "usage", "--recount", "photos", "--json")
	var rc struct{ Recounts []adminapi.RecountJSON }
	if code != 0 || json.Unmarshal([]byte(out), &rc) != nil || len(rc.Recounts) != 1 || !rc.Recounts[0].Changed ||
		rc.Recounts[0].Before.Uploads != 9 || rc.Recounts[0].After.Objects != 5 {
		t.Fatalf("recount after damage: %d %q %q", code, out, errs)
	}
	code, out, _ = runAppEnv(env, "admin", "usage", "photos", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Total.Uploads != 0 || rep.Total.Objects != 5 {
		t.Fatalf("after repair: %d %q", code, out)
	}
}

// TestUsageMetrics: /metrics publishes each bucket's usage by storage
// class and its estimated monthly cost.
func TestUsageMetrics(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *server.Config) { c.MetricsToken = "tok" }))
	c := srv.Client()
	ctx := context.Background()
	for _, b := range []string{"logs", "media"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	putSized(t, c, "logs", "a/1", 1000, "")
	putSized(t, c, "logs", "a/2", 24, "")
	putSized(t, c, "media", "v.mp4", 7000, types.StorageClassGlacierIr)
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("logs"), Key: aws.String("a/2")}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+metrics.Path, nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	body := string(raw)
	for _, want := range []string{
		`hoard_usage_bytes{bucket="logs",storage_class="STANDARD",version="current"} 1000`,
		`hoard_usage_objects{bucket="logs",storage_class="STANDARD",version="current"} 1`,
		`hoard_usage_bytes{bucket="media",storage_class="GLACIER_IR",version="current"} 7000`,
		`hoard_usage_objects{bucket="media",storage_class="GLACIER_IR",version="noncurrent"} 0`,
		fmt.Sprintf(`hoard_usage_monthly_cost_dollars{bucket="media",storage_class="GLACIER_IR"} %g`, 7000.0/(1<<30)*0.004),
		`hoard_usage_delete_markers{bucket="logs"} 0`,
		`hoard_usage_scrape_errors 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", body)
	}
}
