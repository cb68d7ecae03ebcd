// Package s3tier is a blob.Store in a bucket of any S3-compatible
// endpoint (another Hoard, Amazon S3, MinIO): a tier that lets cold data
// leave the machine. It stores blobs as they are given, which for Hoard
// means sealed packages: the endpoint never sees plaintext or keys.
//
// A blob is spooled to a local temporary file while it is written and
// sent with one PUT on Commit, so that a failed or abandoned write never
// leaves a partial object behind and the PUT's length is known. Objects
// are named <prefix><id>; ids are the 32 hex digits blob.Dir issues.
package s3tier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/blob"
)

// Config says where the tier is.
type Config struct {
	Endpoint  string // https://host:port; empty for Amazon S3 itself
	Region    string
	Bucket    string
	Prefix    string // object names start with it ("" or ending in '/')
	AccessKey string
	SecretKey string
	// Spool is a local directory for blobs being written.
	Spool string
	// Grace protects objects younger than this from GC (their metadata
	// commit may be on its way).
	Grace time.Duration
	// Timeout bounds each request to the endpoint.
	Timeout time.Duration
}

// Store is a blob.Store over an S3 bucket.
type Store struct {
	cfg    Config
	client *s3.Client
}

var (
	_ blob.Store     = (*Store)(nil)
	_ blob.IDCreator = (*Store)(nil)
)

// Open returns the store; it does not contact the endpoint (a tier that
// is down at start-up must not keep the server from starting).
func Open(cfg Config) (*Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("s3 tier: no bucket")
	}
	if cfg.Prefix != "" && !strings.HasSuffix(cfg.Prefix, "/") {
		cfg.Prefix += "/"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Grace <= 0 {
		cfg.Grace = blob.DefaultGrace
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if err := os.MkdirAll(cfg.Spool, 0o700); err != nil {
		return nil, fmt.Errorf("s3 tier: spool: %w", err)
	}
	opts := s3.Options{
		Region:       cfg.Region,
		UsePathStyle: true,
		Credentials:  aws.NewCredentialsCache(staticCreds{cfg.AccessKey, cfg.SecretKey}),
		HTTPClient:   &http.Client{Timeout: cfg.Timeout},
		// One retry: a tier that is down answers fast, and the caller
		// (a transition, a restore) retries later on its own schedule.
		RetryMaxAttempts: 2,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	return &Store{cfg: cfg, client: s3.New(opts)}, nil
}

type staticCreds struct{ key, secret string }

func (c staticCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.key, SecretAccessKey: c.secret, Source: "hoard tier credentials file"}, nil
}

func (s *Store) name(id string) string { return s.cfg.Prefix + id }

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("s3 tier: new id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Create starts a blob under a fresh id.
func (s *Store) Create(ctx context.Context) (blob.Writer, error) {
	id, err := newID()
	if err != nil {
		return nil, err
	}
	return s.CreateID(ctx, id)
}

// CreateID starts a blob under a given id (a copy from another tier).
func (s *Store) CreateID(ctx context.Context, id string) (blob.Writer, error) {
	if !validID(id) {
		return nil, fmt.Errorf("s3 tier: create %q: %w", id, blob.ErrInvalidID)
	}
	f, err := os.CreateTemp(s.cfg.Spool, id+".*")
	if err != nil {
		return nil, fmt.Errorf("s3 tier: spool %s: %w", id, err)
	}
	return &writer{s: s, id: id, f: f}, nil
}

// Open reads a blob with ranged GETs.
func (s *Store) Open(ctx context.Context, id string) (blob.Reader, error) {
	if !validID(id) {
		return nil, fmt.Errorf("s3 tier: open %q: %w", id, blob.ErrInvalidID)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: aws.String(s.name(id))})
	if err != nil {
		return nil, s.wrap("open", id, err)
	}
	return &reader{s: s, ctx: context.WithoutCancel(ctx), id: id, size: aws.ToInt64(out.ContentLength)}, nil
}

// Delete removes a blob; a missing one is not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("s3 tier: delete %q: %w", id, blob.ErrInvalidID)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.Bucket, Key: aws.String(s.name(id))})
	if err != nil && !errors.Is(s.wrap("delete", id, err), blob.ErrNotFound) {
		return s.wrap("delete", id, err)
	}
	return nil
}

// GC deletes objects older than the grace period that referenced says
// nothing needs, and spool files left by a crash.
func (s *Store) GC(ctx context.Context, referenced func(ctx context.Context, id string) (bool, error)) (int, error) {
	s.cleanSpool()
	cutoff := time.Now().Add(-s.cfg.Grace)
	removed := 0
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.cfg.Bucket, Prefix: aws.String(s.cfg.Prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return removed, s.wrap("list", s.cfg.Prefix, err)
		}
		for _, o := range page.Contents {
			id := strings.TrimPrefix(aws.ToString(o.Key), s.cfg.Prefix)
			if !validID(id) || o.LastModified == nil || o.LastModified.After(cutoff) {
				continue
			}
			ok, err := referenced(ctx, id)
			if err != nil {
				return removed, err
			}
			if ok {
				continue
			}
			if err := s.Delete(ctx, id); err != nil {
				return removed, err
			}
			removed++
		}
	}
	return removed, nil
}

// cleanSpool removes spool files of writers gone for a day (a crash).
func (s *Store) cleanSpool() {
	entries, err := os.ReadDir(s.cfg.Spool)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.Remove(filepath.Join(s.cfg.Spool, e.Name()))
		}
	}
}

// wrap classifies an endpoint error: a missing object is blob.ErrNotFound,
// anything else (refused connections, timeouts, 5xx, refused
// credentials) is blob.ErrTierUnavailable.
func (s *Store) wrap(op, id string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return fmt.Errorf("s3 tier %s %s: %w", op, id, blob.ErrNotFound)
		}
	}
	return fmt.Errorf("s3 tier %s %s at %s/%s: %v: %w", op, id, s.cfg.Endpoint, s.cfg.Bucket, err, blob.ErrTierUnavailable)
}

// writer spools a blob and PUTs it on Commit.
type writer struct {
	s    *Store
	id   string
	f    *os.File
	n    int64
	done bool
	err  error
}

func (w *writer) ID() string { return w.id }

func (w *writer) Write(p []byte) (int, error) {
	if w.done || w.err != nil {
		return 0, errors.Join(errors.New("s3 tier: write after commit or abort"), w.err)
	}
	n, err := w.f.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("s3 tier: spool %s: %w", w.id, err)
		return n, w.err
	}
	return n, nil
}

func (w *writer) Commit(ctx context.Context) error {
	if w.done {
		return w.err
	}
	defer w.release()
	if w.err != nil {
		return w.err
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("s3 tier: spool %s: %w", w.id, err)
	}
	_, err := w.s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &w.s.cfg.Bucket, Key: aws.String(w.s.name(w.id)), Body: w.f, ContentLength: aws.Int64(w.n),
	})
	if err != nil {
		w.err = w.s.wrap("put", w.id, err)
		return w.err
	}
	return nil
}

func (w *writer) Abort() error {
	if !w.done {
		w.err = errors.New("s3 tier: aborted")
		w.release()
	}
	return nil
}

func (w *writer) release() {
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}
