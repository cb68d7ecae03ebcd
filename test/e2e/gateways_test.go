package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/pgtest"
)

// startGateways starts n hoard servers at once on one database and one
// data directory (so they also race to create the schema and the root
// keys), with extra flags.
func startGateways(t *testing.T, n int, dbURL string, extra ...string) []*proc {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	gws := make([]*proc, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range gws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := append([]string{"--meta", dbURL, "--console-address", ""}, extra...)
			gws[i], errs[i] = launch(t, startOpts{dataDir: dir, args: args})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			out := ""
			if gws[i] != nil {
				out = gws[i].stderr.String()
			}
			t.Fatalf("start gateway %d: %v\n%s", i, err, out)
		}
	}
	return gws
}

// TestGatewaysShareTheDirectory: a server with the embedded engine cannot
// open a directory gateways use, nor can root key rotation while they
// run; once they are stopped, rotation through the database works and a
// gateway reads every object again.
func TestGatewaysShareTheDirectory(t *testing.T) {
	db := pgtest.Database(t)
	gws := startGateways(t, 2, db)
	createBucket(t, gws[0].client(), "shared")
	body := patterned(1, 300<<10)
	mustPut(t, gws[1].client(), "shared", "k", body)
	if p, err := launch(t, startOpts{dataDir: gws[0].DataDir}); err == nil || !strings.Contains(p.stderr.String(), "in use") {
		t.Fatalf("embedded-engine server on the gateways' directory: %v", err)
	}
	rotate := func() (string, error) {
		cmd := exec.Command(hoardBin, "admin", "rotate-root-key", "--data", gws[0].DataDir, "--meta", db)
		cmd.Env = serverEnv(false)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := rotate(); err == nil {
		t.Fatalf("rotation while gateways run: %s", out)
	}
	for _, p := range gws {
		p.stop(t)
	}
	if out, err := rotate(); err != nil || !strings.Contains(out, "new root key") {
		t.Fatalf("rotation: %v: %s", err, out)
	}
	p := startHoard(t, startOpts{dataDir: gws[0].DataDir, args: []string{"--meta", db}})
	if got, err := getBody(testContext(t), p.client(), "shared", "k"); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("after rotation: %d bytes, %v", len(got), err)
	}
}

func sharedGateways(t *testing.T, n int, extra ...string) []*proc {
	t.Helper()
	return startGateways(t, n, pgtest.Database(t), extra...)
}

func mustPut(t *testing.T, c *s3.Client, bucket, key string, body []byte) {
	t.Helper()
	if _, err := c.PutObject(testContext(t), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func getBody(ctx context.Context, c *s3.Client, bucket, key string) ([]byte, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// TestGatewaysReadAfterWrite: what one gateway writes, the others read at
// once: objects, overwrites, deletions and listings.
func TestGatewaysReadAfterWrite(t *testing.T) {
	gws := sharedGateways(t, 3)
	ctx := testContext(t)
	bucket := "raw"
	if _, err := gws[0].client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 0; i < 24; i++ {
		key := fmt.Sprintf("dir%d/obj-%02d", i%3, i)
		body := bytes.Repeat([]byte{byte(i)}, 100+i*700) // inline and in files
		mustPut(t, gws[i%3].client(), bucket, key, body)
		want = append(want, key)
		for j := 1; j < 3; j++ {
			got, err := getBody(ctx, gws[(i+j)%3].client(), bucket, key)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("%s written through gateway %d, read through %d: %d bytes, %v", key, i%3, (i+j)%3, len(got), err)
			}
		}
		// A listing through the next gateway already holds it.
		if keys := listAll(t, gws[(i+1)%3].client(), bucket, ""); len(keys) != len(want) {
			t.Fatalf("after %d puts gateway %d lists %d keys", i+1, (i+1)%3, len(keys))
		}
	}
	sort.Strings(want)
	for g, p := range gws {
		if keys := listAll(t, p.client(), bucket, ""); strings.Join(keys, ",") != strings.Join(want, ",") {
			t.Fatalf("gateway %d lists %v, want %v", g, keys, want)
		}
		out, err := p.client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Delimiter: aws.String("/")})
		if err != nil || len(out.CommonPrefixes) != 3 {
			t.Fatalf("gateway %d delimiter listing: %d prefixes, %v", g, len(out.CommonPrefixes), err)
		}
	}
	key := want[0]
	mustPut(t, gws[1].client(), bucket, key, []byte("overwritten"))
	if got, err := getBody(ctx, gws[2].client(), bucket, key); err != nil || string(got) != "overwritten" {
		t.Fatalf("overwrite read elsewhere: %q, %v", got, err)
	}
	if _, err := gws[2].client().DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}); err != nil {
		t.Fatal(err)
	}
	if _, err := gws[0].client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key}); httpStatus(err) != 404 {
		t.Fatalf("HEAD of a key deleted through another gateway: %v", err)
	}
}

func listAll(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, MaxKeys: aws.Int32(7)})
	for p.HasMorePages() {
		out, err := p.NextPage(testContext(t))
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, o := range out.Contents {
			keys = append(keys, *o.Key)
		}
	}
	return keys
}

// TestGatewaysIfNoneMatchOneWins: 16 PUTs of one key with If-None-Match: *
// spread over three gateways; exactly one creates it.
func TestGatewaysIfNoneMatchOneWins(t *testing.T) {
	gws := sharedGateways(t, 3)
	ctx := testContext(t)
	bucket := "race"
	if _, err := gws[0].client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	results := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, results[i] = gws[i%3].client().PutObject(ctx, &s3.PutObjectInput{
				Bucket: &bucket, Key: aws.String("k"), IfNoneMatch: aws.String("*"),
				Body: strings.NewReader(fmt.Sprintf("writer %02d", i)),
			})
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range results {
		switch st := httpStatus(err); {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("writers %d and %d both created the key", winner, i)
			}
			winner = i
		case st == 412 || st == 409:
		default:
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer created the key")
	}
	for g, p := range gws {
		got, err := getBody(ctx, p.client(), bucket, "k")
		if err != nil || string(got) != fmt.Sprintf("writer %02d", winner) {
			t.Fatalf("gateway %d reads %q, %v; writer %d won", g, got, err, winner)
		}
	}
}

// TestGatewaysMultipart: uploads started, fed and completed through
// different gateways, at the same time.
func TestGatewaysMultipart(t *testing.T) {
	gws := sharedGateways(t, 3)
	ctx := testContext(t)
	bucket := "mpu"
	if _, err := gws[0].client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	const uploads = 3
	bodies := make([][]byte, uploads)
	errs := make(chan error, uploads)
	for u := 0; u < uploads; u++ {
		bodies[u] = patterned(u, 5<<20+1234)
		go func() { errs <- multipartAcross(ctx, gws, bucket, fmt.Sprintf("big-%d", u), u, bodies[u]) }()
	}
	for u := 0; u < uploads; u++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for u := 0; u < uploads; u++ {
		for g, p := range gws {
			got, err := getBody(ctx, p.client(), bucket, fmt.Sprintf("big-%d", u))
			if err != nil || !bytes.Equal(got, bodies[u]) {
				t.Fatalf("upload %d read through gateway %d: %d bytes, %v", u, g, len(got), err)
			}
		}
	}
}

func patterned(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + seed*7 + i/4096)
	}
	return b
}

// multipartAcross creates the upload on one gateway, sends each part
// through another and completes it through a third.
func multipartAcross(ctx context.Context, gws []*proc, bucket, key string, u int, body []byte) error {
	cr, err := gws[u%3].client().CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("%s: create: %w", key, err)
	}
	var parts []types.CompletedPart
	for n, off := int32(1), 0; off < len(body); n, off = n+1, off+5<<20 {
		end := min(off+5<<20, len(body))
		out, err := gws[(u+int(n))%3].client().UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &bucket, Key: &key, UploadId: cr.UploadId, PartNumber: aws.Int32(n), Body: bytes.NewReader(body[off:end]),
		})
		if err != nil {
			return fmt.Errorf("%s: part %d: %w", key, n, err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag})
	}
	_, err = gws[(u+2)%3].client().CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &bucket, Key: &key, UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return fmt.Errorf("%s: complete: %w", key, err)
	}
	return nil
}
