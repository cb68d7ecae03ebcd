// Package inventory writes S3 Inventory reports: for one inventory
// configuration of a bucket it streams the bucket's versions from one
// consistent view (object.Service.ScanInventory), writes the data files
// (gzip CSV or Parquet) a file at a time through a temporary file, then
// the manifest, its checksum and the Hive symlink file, all as ordinary
// objects of the destination bucket through the object service, so they
// are encrypted, versioned and notified like any other object. A
// scheduler (scheduler.go) runs each enabled configuration on its
// schedule, with its state in the metadata store.
//
// ORC is not written: no maintained Go ORC writer is available, and the
// object service refuses ORC configurations with NotImplemented.
package inventory

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/object"
)

// Config tunes report generation. Zero values take the defaults.
type Config struct {
	// TempDir holds data files while they are written (os.TempDir()).
	TempDir string
	// RowsPerFile starts a new data file after this many rows.
	RowsPerFile int
	// AsOwner returns ctx acting as the source bucket's owner (the
	// canonical id), so an SSE-KMS key of the report is used on its
	// behalf, as S3 uses it on behalf of the account that configured
	// the inventory; nil leaves ctx unchanged.
	AsOwner func(ctx context.Context, owner string) (context.Context, error)
	Logger  *slog.Logger
	Now     func() time.Time
}

// DefaultRowsPerFile keeps data files near S3's sizes (tens of MB).
const DefaultRowsPerFile = 1_000_000

func (c *Config) fill() {
	if c.TempDir == "" {
		c.TempDir = os.TempDir()
	}
	if c.RowsPerFile <= 0 {
		c.RowsPerFile = DefaultRowsPerFile
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Generator writes reports through the object service.
type Generator struct {
	svc *object.Service
	cfg Config
}

// NewGenerator returns a generator over svc.
func NewGenerator(svc *object.Service, cfg Config) *Generator {
	cfg.fill()
	return &Generator{svc: svc, cfg: cfg}
}

// File is one data file of a report, as the manifest lists it.
type File struct {
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	MD5Checksum string `json:"MD5checksum"`
	// versionID is the version written, removed again when the report
	// fails after it.
	versionID string
}

// Report is what one run wrote.
type Report struct {
	ManifestKey string
	ChecksumKey string
	SymlinkKey  string
	Files       []File
	Rows        int64
	Created     time.Time
}

// Run writes one report of configuration c of bucket now.
func (g *Generator) Run(ctx context.Context, bucket string, c *object.InventoryConfiguration) (*Report, error) {
	if c.Destination.Format != object.InventoryCSV && c.Destination.Format != object.InventoryParquet {
		return nil, fmt.Errorf("inventory %q of %q: %s reports: %w", c.ID, bucket, c.Destination.Format, object.ErrNotImplemented)
	}
	created := g.cfg.Now().UTC().Truncate(time.Millisecond)
	ctx, err := g.asOwner(ctx, bucket, c)
	if err != nil {
		return nil, fmt.Errorf("inventory %q of %q: %w", c.ID, bucket, err)
	}
	r := &run{g: g, bucket: bucket, c: c, cols: columnsFor(c), base: reportBase(bucket, c), ctx: ctx}
	rep := &Report{Created: created}
	err = g.svc.ScanInventory(ctx, object.InventoryScanInput{Bucket: bucket, Prefix: c.Prefix,
		AllVersions: c.Versions == object.InventoryAll}, r.add)
	if err == nil {
		err = r.finish(ctx)
	}
	r.discard()
	if err == nil {
		rep.Files, rep.Rows = r.files, r.rows
		err = g.writeManifest(ctx, bucket, c, r.cols, rep)
	}
	if err != nil {
		g.removeFiles(context.WithoutCancel(ctx), c, r.files)
		return nil, fmt.Errorf("inventory %q of %q: %w", c.ID, bucket, err)
	}
	return rep, nil
}

// asOwner checks that the destination still belongs to the source
// bucket's owner (it was checked when the configuration was stored, but
// may since have been deleted and created again by someone else) and
// returns ctx acting as that owner.
func (g *Generator) asOwner(ctx context.Context, bucket string, c *object.InventoryConfiguration) (context.Context, error) {
	b, err := g.svc.HeadBucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	d, err := g.svc.HeadBucket(ctx, c.Destination.Bucket)
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	if d.Owner != b.Owner {
		return nil, fmt.Errorf("destination %q has another owner: %w", d.Name, object.ErrAccessDenied)
	}
	if g.cfg.AsOwner == nil {
		return ctx, nil
	}
	if ctx, err = g.cfg.AsOwner(ctx, b.Owner); err != nil {
		return nil, fmt.Errorf("act as the bucket owner: %w", err)
	}
	return ctx, nil
}

// removeFiles takes back the data files of a report that failed, so a
// destination holds only files some manifest names.
func (g *Generator) removeFiles(ctx context.Context, c *object.InventoryConfiguration, files []File) {
	for _, f := range files {
		_, err := g.svc.DeleteObject(ctx, object.DeleteInput{Bucket: c.Destination.Bucket, Key: f.Key, VersionID: f.versionID})
		if err != nil {
			g.cfg.Logger.Warn("removing a data file of a failed inventory report", "bucket", c.Destination.Bucket, "key", f.Key, "err", err)
		}
	}
}

// reportBase is DEST-PREFIX/SOURCE-BUCKET/CONFIG-ID, S3's layout. It is
// joined by hand: path.Join would clean an id such as "..".
func reportBase(bucket string, c *object.InventoryConfiguration) string {
	base := bucket + "/" + c.ID
	if p := strings.TrimSuffix(c.Destination.Prefix, "/"); p != "" {
		base = p + "/" + base
	}
	return base
}

// rowWriter is one format's encoder.
type rowWriter interface {
	write(e *object.InventoryEntry) error
	close() error
}

// run is one report in progress: the data file being written and the
// files already delivered.
type run struct {
	g      *Generator
	bucket string
	c      *object.InventoryConfiguration
	cols   []column
	base   string

	tmp    *os.File
	sum    hash.Hash
	count  *countWriter
	w      rowWriter
	inFile int
	rows   int64
	files  []File
	// ctx is the scan's, for uploads started from add.
	ctx context.Context
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (r *run) add(e *object.InventoryEntry) error {
	if r.w == nil {
		if err := r.open(); err != nil {
			return err
		}
	}
	if err := r.w.write(e); err != nil {
		return fmt.Errorf("write inventory row: %w", err)
	}
	r.rows++
	if r.inFile++; r.inFile >= r.g.cfg.RowsPerFile {
		return r.deliver(r.ctx)
	}
	return nil
}

func (r *run) open() error {
	f, err := os.CreateTemp(r.g.cfg.TempDir, "hoard-inventory-*")
	if err != nil {
		return fmt.Errorf("inventory temporary file: %w", err)
	}
	r.tmp, r.sum, r.inFile = f, md5.New(), 0
	r.count = &countWriter{w: io.MultiWriter(f, r.sum)}
	if r.c.Destination.Format == object.InventoryParquet {
		r.w = newParquetWriter(r.count, r.bucket, r.cols)
	} else {
		r.w = newCSVWriter(r.count, r.bucket, r.cols)
	}
	return nil
}

// deliver finishes the current data file and writes it to the
// destination as data/<uuid>.csv.gz (or .parquet).
func (r *run) deliver(ctx context.Context) error {
	if err := r.w.close(); err != nil {
		return fmt.Errorf("finish inventory data file: %w", err)
	}
	ext := ".csv.gz"
	ctype := "application/x-gzip"
	if r.c.Destination.Format == object.InventoryParquet {
		ext, ctype = ".parquet", "application/octet-stream"
	}
	key := r.base + "/data/" + uuid.NewString() + ext
	if _, err := r.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	md := r.sum.Sum(nil)
	vid, err := r.g.put(ctx, r.c, key, ctype, r.tmp, r.count.n, md)
	if err != nil {
		return err
	}
	r.files = append(r.files, File{Key: key, Size: r.count.n, MD5Checksum: hex.EncodeToString(md), versionID: vid})
	r.discard()
	return nil
}

// finish delivers the last data file; an empty bucket still gets one
// (empty) data file, so every report has a file to read.
func (r *run) finish(ctx context.Context) error {
	if r.w == nil && len(r.files) == 0 {
		if err := r.open(); err != nil {
			return err
		}
	}
	if r.w == nil {
		return nil
	}
	return r.deliver(ctx)
}

func (r *run) discard() {
	if r.tmp != nil {
		r.tmp.Close()
		os.Remove(r.tmp.Name())
	}
	r.tmp, r.w = nil, nil
}

// put writes one report object with the configuration's encryption (the
// destination bucket's default when the configuration names none).
func (g *Generator) put(ctx context.Context, c *object.InventoryConfiguration, key, ctype string, body io.Reader, size int64, md []byte) (string, error) {
	in := object.PutInput{Bucket: c.Destination.Bucket, Key: key, Body: body, Size: size, ContentMD5: md,
		Metadata: object.Metadata{ContentType: ctype}}
	switch c.Destination.Encryption {
	case object.InventorySSES3:
		in.SSE.Mode = object.SSES3
	case object.InventorySSEKMS:
		in.SSE.Mode, in.SSE.KMSKeyID = object.SSEKMS, c.Destination.KMSKeyID
	}
	info, err := g.svc.PutObject(ctx, in)
	if err != nil {
		return "", fmt.Errorf("write %s to %q: %w", key, c.Destination.Bucket, err)
	}
	return info.VersionID, nil
}
