package inventory_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/parquet-go/parquet-go"

	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/testserver"
)

type env struct {
	t   *testing.T
	srv *testserver.Server
	c   *s3.Client
	ctx context.Context
}

func newEnv(t *testing.T, opts ...testserver.Option) *env {
	srv := testserver.Start(t, opts...)
	return &env{t: t, srv: srv, c: srv.Client(), ctx: testserver.Context(t)}
}

func (e *env) bucket(name string, versioned bool) {
	e.t.Helper()
	if _, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		e.t.Fatal(err)
	}
	if versioned {
		_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) put(bucket, key, body string) {
	e.t.Helper()
	_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		e.t.Fatalf("put %s: %v", key, err)
	}
}

func (e *env) read(bucket, key string) []byte {
	e.t.Helper()
	out, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		e.t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// row is one report row, by S3 field name (CSV names), values as text.
type row map[string]string

// expected lists the bucket as a client sees it, in report order.
func (e *env) expected(bucket string, all bool) []row {
	e.t.Helper()
	var rows []row
	if !all {
		p := s3.NewListObjectsV2Paginator(e.c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		for p.HasMorePages() {
			page, err := p.NextPage(e.ctx)
			if err != nil {
				e.t.Fatal(err)
			}
			for _, o := range page.Contents {
				rows = append(rows, row{"Bucket": bucket, "Key": *o.Key, "Size": strconv.FormatInt(*o.Size, 10),
					"ETag": strings.Trim(*o.ETag, `"`), "StorageClass": string(o.StorageClass),
					"LastModifiedDate": o.LastModified.UTC().Format("2006-01-02T15:04:05.000Z")})
			}
		}
		return rows
	}
	p := s3.NewListObjectVersionsPaginator(e.c, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		var part []row
		for _, v := range page.Versions {
			part = append(part, row{"Bucket": bucket, "Key": *v.Key, "VersionId": *v.VersionId,
				"IsLatest": strconv.FormatBool(*v.IsLatest), "IsDeleteMarker": "false",
				"Size": strconv.FormatInt(*v.Size, 10), "ETag": strings.Trim(*v.ETag, `"`),
				"StorageClass": string(v.StorageClass), "LastModifiedDate": v.LastModified.UTC().Format("2006-01-02T15:04:05.000Z")})
		}
		for _, m := range page.DeleteMarkers {
			part = append(part, row{"Bucket": bucket, "Key": *m.Key, "VersionId": *m.VersionId,
				"IsLatest": strconv.FormatBool(*m.IsLatest), "IsDeleteMarker": "true", "Size": "", "ETag": "", "StorageClass": "",
				"LastModifiedDate": m.LastModified.UTC().Format("2006-01-02T15:04:05.000Z")})
		}
		rows = append(rows, part...)
	}
	// The SDK splits versions and markers; the report interleaves them
	// by key, newest first (version ids sort newest first here too when
	// they share a key, but LastModified is what S3 orders by).
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i]["Key"] != rows[j]["Key"] {
			return rows[i]["Key"] < rows[j]["Key"]
		}
		return rows[i]["IsLatest"] == "true" && rows[j]["IsLatest"] != "true"
	})
	return rows
}

// readReport checks the manifest against its checksum and every data
// file against the manifest's size and MD5, and returns the rows.
func (e *env) readReport(dest string, rep *inventory.Report) (inventory.Manifest, []row) {
	e.t.Helper()
	doc := e.read(dest, rep.ManifestKey)
	sum := md5.Sum(doc)
	if got := string(e.read(dest, rep.ChecksumKey)); got != hex.EncodeToString(sum[:]) {
		e.t.Fatalf("manifest.checksum %q, manifest MD5 %x", got, sum)
	}
	var m inventory.Manifest
	if err := json.Unmarshal(doc, &m); err != nil {
		e.t.Fatal(err)
	}
	if m.Version != "2016-11-30" || m.DestinationBucket != "arn:aws:s3:::"+dest {
		e.t.Errorf("manifest = %+v", m)
	}
	if ms, err := strconv.ParseInt(m.CreationTimestamp, 10, 64); err != nil || time.Since(time.UnixMilli(ms)) > time.Hour {
		e.t.Errorf("creationTimestamp %q", m.CreationTimestamp)
	}
	var links []string
	for _, l := range strings.Split(strings.TrimSpace(string(e.read(dest, rep.SymlinkKey))), "\n") {
		links = append(links, l)
	}
	var rows []row
	for i, f := range m.Files {
		b := e.read(dest, f.Key)
		fs := md5.Sum(b)
		if int64(len(b)) != f.Size || hex.EncodeToString(fs[:]) != f.MD5Checksum {
			e.t.Fatalf("file %s: %d bytes MD5 %x, manifest says %d %s", f.Key, len(b), fs, f.Size, f.MD5Checksum)
		}
		if !strings.HasPrefix(f.Key, strings.TrimSuffix(rep.ManifestKey, "manifest.json")[:0]) || !strings.Contains(f.Key, "/data/") {
			e.t.Errorf("data file key %s", f.Key)
		}
		if i >= len(links) || links[i] != "s3://"+dest+"/"+f.Key {
			e.t.Errorf("symlink.txt %v does not list %s", links, f.Key)
		}
		if m.FileFormat == "CSV" {
			rows = append(rows, parseCSV(e.t, m.FileSchema, b)...)
		} else {
			rows = append(rows, parseParquet(e.t, b)...)
		}
	}
	return m, rows
}

func parseCSV(t *testing.T, schema string, b []byte) []row {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Split(schema, ", ")
	r := csv.NewReader(bytes.NewReader(raw))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Every field is quoted, as S3 quotes them.
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if line != "" && (!strings.HasPrefix(line, `"`) || !strings.HasSuffix(line, `"`)) {
			t.Errorf("unquoted CSV line %s", line)
		}
	}
	var rows []row
	for _, rec := range recs {
		if len(rec) != len(names) {
			t.Fatalf("CSV record %v for schema %v", rec, names)
		}
		rw := row{}
		for i, n := range names {
			rw[n] = rec[i]
		}
		k, err := url.QueryUnescape(rw["Key"])
		if err != nil {
			t.Fatalf("key %q not URL-encoded: %v", rw["Key"], err)
		}
		rw["Key"] = k
		rows = append(rows, rw)
	}
	return rows
}

// parquetNames maps S3's Parquet column names back to field names.
var parquetNames = map[string]string{
	"bucket": "Bucket", "key": "Key", "version_id": "VersionId", "is_latest": "IsLatest",
	"is_delete_marker": "IsDeleteMarker", "size": "Size", "last_modified_date": "LastModifiedDate",
	"storage_class": "StorageClass", "e_tag": "ETag", "is_multipart_uploaded": "IsMultipartUploaded",
	"replication_status": "ReplicationStatus", "encryption_status": "EncryptionStatus",
	"object_lock_retain_until_date": "ObjectLockRetainUntilDate", "object_lock_mode": "ObjectLockMode",
	"object_lock_legal_hold_status":   "ObjectLockLegalHoldStatus",
	"intelligent_tiering_access_tier": "IntelligentTieringAccessTier", "bucket_key_status": "BucketKeyStatus",
	"checksum_algorithm": "ChecksumAlgorithm", "object_access_control_list": "ObjectAccessControlList",
	"object_owner": "ObjectOwner",
}

func parseParquet(t *testing.T, b []byte) []row {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	schema := f.Schema()
	r := parquet.NewReader(bytes.NewReader(b))
	defer r.Close()
	var rows []row
	buf := make([]parquet.Row, 100)
	for {
		n, err := r.ReadRows(buf)
		for _, pr := range buf[:n] {
			rw := row{}
			for i, fld := range schema.Fields() {
				v := pr[i]
				name := parquetNames[fld.Name()]
				switch {
				case v.IsNull():
					rw[name] = ""
				case fld.Type().Kind() == parquet.Boolean:
					rw[name] = strconv.FormatBool(v.Boolean())
				case fld.Type().Kind() == parquet.Int64 && strings.HasPrefix(fld.Type().String(), "TIMESTAMP"):
					rw[name] = time.UnixMilli(v.Int64()).UTC().Format("2006-01-02T15:04:05.000Z")
				case fld.Type().Kind() == parquet.Int64:
					rw[name] = strconv.FormatInt(v.Int64(), 10)
				default:
					rw[name] = string(v.ByteArray())
				}
			}
			rows = append(rows, rw)
		}
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// compare checks the report object for object against the listing on
// the fields the listing shows.
func compare(t *testing.T, got, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("report has %d rows, listing %d:\n%v\n%v", len(got), len(want), got, want)
	}
	for i := range want {
		for k, v := range want[i] {
			if g, ok := got[i][k]; ok && g != v {
				t.Errorf("row %d (%s) %s = %q, listing %q", i, want[i]["Key"], k, g, v)
			} else if !ok && (k == "Key" || k == "Bucket") {
				t.Errorf("row %d has no %s", i, k)
			}
		}
	}
}

func fmtRows(rows []row) string { return fmt.Sprint(rows) }

// parquetColumns names a Parquet file's columns in file order, mapped
// back to field names, joined as a CSV fileSchema is.
func parquetColumns(t *testing.T, b []byte) string {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fld := range f.Schema().Fields() {
		names = append(names, parquetNames[fld.Name()])
	}
	return strings.Join(names, ", ")
}
