package object

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// InventoryEntry is one row of an inventory report: a version or, with
// DeleteMarker, a delete marker (whose size, ETag and the like are zero).
type InventoryEntry struct {
	Key          string
	VersionID    string
	IsLatest     bool
	DeleteMarker bool
	Size         int64
	LastModified time.Time
	ETag         string // unquoted
	StorageClass string
	Multipart    bool
	// Encryption is S3's EncryptionStatus: NOT-SSE, SSE-S3, SSE-C or
	// SSE-KMS; BucketKey says the request asked for a bucket key.
	Encryption  string
	BucketKey   bool
	LockMode    string // "" for none
	RetainUntil time.Time
	LegalHold   bool
	// ChecksumAlgorithm is the additional checksum ("" for none).
	ChecksumAlgorithm string
	// ReplicationStatus is S3's x-amz-replication-status ("" for none).
	ReplicationStatus string
	// Owner is the object's owner (the bucket owner's canonical id).
	Owner string
}

// InventoryScanInput selects what an inventory covers.
type InventoryScanInput struct {
	Bucket string
	Prefix string
	// AllVersions lists every version and delete marker; otherwise only
	// current versions that are not delete markers.
	AllVersions bool
}

// ScanInventory calls fn for each entry in key order (newest first
// within a key), from one consistent view of the bucket where the
// engine offers snapshots (Pebble, PostgreSQL); on others the scan is
// live, and like a listing never repeats or skips an entry that existed
// throughout. The entry passed to fn is reused: fn must copy what it
// keeps. Memory stays flat whatever the bucket's size.
func (s *Service) ScanInventory(ctx context.Context, in InventoryScanInput, fn func(*InventoryEntry) error) error {
	b, err := s.bucket(ctx, s.meta, in.Bucket)
	if err != nil {
		return err
	}
	var r meta.Reader = s.meta
	if sn, ok := s.meta.(meta.Snapshotter); ok {
		snap, err := sn.Snapshot(ctx)
		if err != nil {
			return fmt.Errorf("inventory snapshot of %q: %w", in.Bucket, err)
		}
		defer snap.Close()
		r = snap
	}
	sc := invScanner{fn: fn, obase: objectBase(in.Bucket), vbase: versionBase(in.Bucket), owner: b.Owner}
	if sc.o, err = prefixIterOn(ctx, r, sc.obase, in.Prefix); err != nil {
		return err
	}
	defer sc.o.Close()
	if in.AllVersions {
		if sc.v, err = prefixIterOn(ctx, r, sc.vbase, in.Prefix); err != nil {
			return err
		}
		defer sc.v.Close()
	}
	if err := sc.run(ctx); err != nil {
		return fmt.Errorf("inventory of %q: %w", in.Bucket, err)
	}
	return nil
}

func prefixIterOn(ctx context.Context, r meta.Reader, base []byte, prefix string) (meta.Iterator, error) {
	lower := append(append([]byte(nil), base...), prefix...)
	it, err := r.NewIter(ctx, lower, meta.PrefixEnd(lower))
	if err != nil {
		return nil, fmt.Errorf("inventory scan: %w", err)
	}
	return it, nil
}

// invScanner merges the "o/" and "v/" ranges as ListObjectVersions does
// (v is nil for current versions only).
type invScanner struct {
	fn           func(*InventoryEntry) error
	obase, vbase []byte
	o, v         meta.Iterator
	owner        string
	e            InventoryEntry
}

func (sc *invScanner) run(ctx context.Context) error {
	oOK := sc.o.First()
	vOK := sc.v != nil && sc.v.First()
	prev := ""
	for n := 0; oOK || vOK; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		var vk string
		if vOK {
			rest := sc.v.Key()[len(sc.vbase):]
			i := bytes.LastIndexByte(rest, 0)
			if i < 0 {
				return fmt.Errorf("version key %q: %w", rest, errCorrupt)
			}
			vk = string(rest[:i])
		}
		fromO := oOK && (!vOK || string(sc.o.Key()[len(sc.obase):]) <= vk)
		it, key := sc.v, vk
		if fromO {
			it, key = sc.o, string(sc.o.Key()[len(sc.obase):])
		}
		if err := sc.emit(it, key, fromO || key != prev); err != nil {
			return err
		}
		prev = key
		if fromO {
			oOK = sc.o.Next()
		} else {
			vOK = sc.v.Next()
		}
	}
	if err := sc.o.Error(); err != nil {
		return err
	}
	if sc.v != nil {
		return sc.v.Error()
	}
	return nil
}

func (sc *invScanner) emit(it meta.Iterator, key string, latest bool) error {
	val, err := it.Value()
	if err != nil {
		return err
	}
	var rec record
	if err := rec.decode(val, modeHeader); err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	sc.e = InventoryEntry{Key: key, VersionID: rec.VersionID, IsLatest: latest, DeleteMarker: rec.DeleteMarker,
		LastModified: time.Unix(0, rec.ModTime).UTC(), Owner: sc.owner}
	if rec.DeleteMarker {
		return sc.fn(&sc.e)
	}
	e := &sc.e
	e.Size, e.ETag, e.Multipart = rec.Size, rec.etag(), rec.Parts > 0
	e.StorageClass = rec.StorageClass
	if e.StorageClass == "" {
		e.StorageClass = "STANDARD"
	}
	e.Encryption = "NOT-SSE"
	if rec.Enc != nil && rec.Enc.Type != sse.None {
		e.Encryption, e.BucketKey = rec.Enc.Type.String(), rec.Enc.BucketKey
	}
	e.LockMode, e.LegalHold = rec.LockMode.String(), rec.LegalHold
	if rec.RetainUntil != 0 {
		e.RetainUntil = time.Unix(0, rec.RetainUntil).UTC()
	}
	e.ChecksumAlgorithm = string(rec.ChecksumAlg)
	e.ReplicationStatus = rec.Repl.String()
	return sc.fn(e)
}
