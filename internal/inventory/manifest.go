package inventory

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// Manifest is S3's manifest.json.
type Manifest struct {
	SourceBucket      string `json:"sourceBucket"`
	DestinationBucket string `json:"destinationBucket"`
	Version           string `json:"version"`
	CreationTimestamp string `json:"creationTimestamp"`
	FileFormat        string `json:"fileFormat"`
	FileSchema        string `json:"fileSchema"`
	Files             []File `json:"files"`
}

// ManifestVersion is the manifest format S3 writes.
const ManifestVersion = "2016-11-30"

// writeManifest writes, after the data files, manifest.json and
// manifest.checksum under the report's date folder
// (YYYY-MM-DDTHH-MMZ), and hive/dt=YYYY-MM-DD-HH-MM/symlink.txt, which
// lists the data files for Athena-style partitions. The manifest comes
// last but one, so a reader that finds it finds every file it names.
func (g *Generator) writeManifest(ctx context.Context, bucket string, c *object.InventoryConfiguration, cols []column, rep *Report) error {
	schema := csvSchema(cols)
	if c.Destination.Format == object.InventoryParquet {
		schema = parquetSchemaText(cols)
	}
	m := Manifest{SourceBucket: bucket, DestinationBucket: c.Destination.BucketARN, Version: ManifestVersion,
		CreationTimestamp: strconv.FormatInt(rep.Created.UnixMilli(), 10), FileFormat: c.Destination.Format,
		FileSchema: schema, Files: rep.Files}
	doc, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		return err
	}
	base := reportBase(bucket, c)
	var links strings.Builder
	for _, f := range rep.Files {
		links.WriteString("s3://" + c.Destination.Bucket + "/" + f.Key + "\n")
	}
	rep.SymlinkKey = base + "/hive/dt=" + rep.Created.Format("2006-01-02-15-04") + "/symlink.txt"
	if err := g.putBytes(ctx, c, rep.SymlinkKey, "text/plain", []byte(links.String())); err != nil {
		return err
	}
	dir := base + "/" + rep.Created.Format("2006-01-02T15-04Z") + "/"
	rep.ManifestKey, rep.ChecksumKey = dir+"manifest.json", dir+"manifest.checksum"
	if err := g.putBytes(ctx, c, rep.ManifestKey, "application/json", doc); err != nil {
		return err
	}
	sum := md5.Sum(doc)
	return g.putBytes(ctx, c, rep.ChecksumKey, "text/plain", []byte(hex.EncodeToString(sum[:])))
}

func (g *Generator) putBytes(ctx context.Context, c *object.InventoryConfiguration, key, ctype string, b []byte) error {
	sum := md5.Sum(b)
	_, err := g.put(ctx, c, key, ctype, bytes.NewReader(b), int64(len(b)), sum[:])
	return err
}
