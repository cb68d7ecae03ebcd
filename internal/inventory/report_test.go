package inventory_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/object"
)

// fill writes keys that need quoting and encoding, overwrites some and
// deletes one, so the versions report has noncurrent versions and a
// delete marker.
func (e *env) fill(bucket string) {
	keys := []string{"a.txt", "dir/b c.txt", `q"uote,d.csv`, "ünï/cødé+%.bin", "z/z/z"}
	for i, k := range keys {
		e.put(bucket, k, strings.Repeat("x", i*100+1))
	}
	e.put(bucket, "a.txt", "second version")
	e.put(bucket, "z/z/z", "2")
	if _, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/b c.txt")}); err != nil {
		e.t.Fatal(err)
	}
	e.multipart(bucket, "mp/one")
}

func (e *env) multipart(bucket, key string) {
	e.t.Helper()
	up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		e.t.Fatal(err)
	}
	part, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part one")})
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32}}}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestReportEachFormat(t *testing.T) {
	e := newEnv(t)
	e.bucket("src", true)
	e.bucket("dst", false)
	e.fill("src")
	gen := inventory.NewGenerator(e.srv.Server().Service(), inventory.Config{RowsPerFile: 3})
	fields := []string{"Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "EncryptionStatus", "ObjectOwner"}
	for _, format := range []string{"CSV", "Parquet"} {
		for _, versions := range []string{"All", "Current"} {
			t.Run(format+"/"+versions, func(t *testing.T) {
				e.t = t
				c := &object.InventoryConfiguration{ID: "r-" + format + "-" + versions, Enabled: true, Versions: versions,
					Frequency: "Daily", Fields: fields,
					Destination: object.InventoryDestination{BucketARN: "arn:aws:s3:::dst", Bucket: "dst", Format: format, Prefix: "inv"}}
				rep, err := gen.Run(e.ctx, "src", c)
				if err != nil {
					t.Fatal(err)
				}
				m, rows := e.readReport("dst", rep)
				want := e.expected("src", versions == "All")
				compare(t, rows, want)
				if m.SourceBucket != "src" || m.FileFormat != format || len(m.Files) != (len(want)+2)/3 {
					t.Errorf("manifest %+v for %d rows", m, len(want))
				}
				for _, f := range m.Files {
					if !strings.HasPrefix(f.Key, "inv/src/"+c.ID+"/data/") {
						t.Errorf("data file %s", f.Key)
					}
				}
				if !strings.HasPrefix(rep.SymlinkKey, "inv/src/"+c.ID+"/hive/dt=") || !strings.HasPrefix(rep.ManifestKey, "inv/src/"+c.ID+"/") {
					t.Errorf("keys %s %s", rep.SymlinkKey, rep.ManifestKey)
				}
				for _, r := range rows {
					if (r["IsDeleteMarker"] != "true" && r["IsMultipartUploaded"] != strconv.FormatBool(strings.Contains(r["ETag"], "-"))) || (r["IsDeleteMarker"] != "true" && r["EncryptionStatus"] != "SSE-S3") ||
						(r["IsDeleteMarker"] != "true" && r["ObjectOwner"] == "") {
						t.Errorf("row %v", r)
					}
				}
				wantSchema := "Bucket, Key, Size, LastModifiedDate, StorageClass, ETag, IsMultipartUploaded, EncryptionStatus, ObjectOwner"
				if versions == "All" {
					wantSchema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, StorageClass, ETag, IsMultipartUploaded, EncryptionStatus, ObjectOwner"
				}
				if format == "CSV" && m.FileSchema != wantSchema {
					t.Errorf("fileSchema %q", m.FileSchema)
				}
				if format == "Parquet" && parquetColumns(t, e.read("dst", m.Files[0].Key)) != wantSchema {
					t.Errorf("Parquet columns %q, want %q", parquetColumns(t, e.read("dst", m.Files[0].Key)), wantSchema)
				}
				if format == "Parquet" && !strings.HasPrefix(m.FileSchema, "message s3.inventory { required binary bucket (STRING); required binary key (STRING);") {
					t.Errorf("fileSchema %q", m.FileSchema)
				}
			})
		}
	}
}

// TestReportFieldsAndPrefix: only the configured fields appear, and the
// filter prefix narrows the rows.
func TestReportFieldsAndPrefix(t *testing.T) {
	e := newEnv(t)
	e.bucket("src", false)
	e.bucket("dst", false)
	e.fill("src")
	gen := inventory.NewGenerator(e.srv.Server().Service(), inventory.Config{})
	for _, format := range []string{"CSV", "Parquet"} {
		c := &object.InventoryConfiguration{ID: "p" + format, Enabled: true, Versions: "Current", Frequency: "Weekly",
			Prefix: "z/", HasFilter: true, Fields: []string{"ChecksumAlgorithm", "Size"},
			Destination: object.InventoryDestination{BucketARN: "arn:aws:s3:::dst", Bucket: "dst", Format: format}}
		rep, err := gen.Run(e.ctx, "src", c)
		if err != nil {
			t.Fatal(err)
		}
		_, rows := e.readReport("dst", rep)
		if len(rows) != 1 || len(rows[0]) != 4 || rows[0]["Key"] != "z/z/z" || rows[0]["Size"] != "1" {
			t.Errorf("%s rows = %s", format, fmtRows(rows))
		}
		if _, ok := rows[0]["ChecksumAlgorithm"]; !ok {
			t.Errorf("%s rows lack ChecksumAlgorithm: %s", format, fmtRows(rows))
		}
		if !strings.HasPrefix(rep.ManifestKey, "src/p"+format+"/") {
			t.Errorf("manifest key %s", rep.ManifestKey)
		}
	}
}
