package inventory

import (
	"slices"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

// kind is a column's type: CSV writes every kind as text, Parquet as its
// own physical type.
type kind int

const (
	kString kind = iota
	kBool
	kInt64
	kTime // Parquet TIMESTAMP_MILLIS; CSV ISO 8601 with milliseconds
)

// value is one cell; null cells (ok false) are empty in CSV and absent
// in Parquet.
type value struct {
	s  string
	b  bool
	i  int64
	t  time.Time
	ok bool
}

func str(s string) value      { return value{s: s, ok: s != ""} }
func boolean(b bool) value    { return value{b: b, ok: true} }
func int64v(i int64) value    { return value{i: i, ok: true} }
func timev(t time.Time) value { return value{t: t, ok: !t.IsZero()} }

// column is one column of a report: its name in the CSV fileSchema and
// in Parquet, as S3 names them.
type column struct {
	field    string // CSV / manifest name
	pq       string // Parquet name
	kind     kind
	required bool
	get      func(bucket string, e *object.InventoryEntry) value
}

// markerNull hides a version's fields on a delete marker.
func markerNull(f func(e *object.InventoryEntry) value) func(string, *object.InventoryEntry) value {
	return func(_ string, e *object.InventoryEntry) value {
		if e.DeleteMarker {
			return value{}
		}
		return f(e)
	}
}

var (
	colBucket = column{"Bucket", "bucket", kString, true, func(b string, _ *object.InventoryEntry) value { return str(b) }}
	colKey    = column{"Key", "key", kString, true, func(_ string, e *object.InventoryEntry) value { return str(e.Key) }}
	// Present only in reports of all versions.
	versionCols = []column{
		{"VersionId", "version_id", kString, false, func(_ string, e *object.InventoryEntry) value { return str(e.VersionID) }},
		{"IsLatest", "is_latest", kBool, false, func(_ string, e *object.InventoryEntry) value { return boolean(e.IsLatest) }},
		{"IsDeleteMarker", "is_delete_marker", kBool, false, func(_ string, e *object.InventoryEntry) value { return boolean(e.DeleteMarker) }},
	}
)

// optionalCols are S3's optional fields in report order (the same order
// as object.InventoryFields).
var optionalCols = []column{
	{"Size", "size", kInt64, false, markerNull(func(e *object.InventoryEntry) value { return int64v(e.Size) })},
	{"LastModifiedDate", "last_modified_date", kTime, false, func(_ string, e *object.InventoryEntry) value { return timev(e.LastModified) }},
	{"StorageClass", "storage_class", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.StorageClass) })},
	{"ETag", "e_tag", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.ETag) })},
	{"IsMultipartUploaded", "is_multipart_uploaded", kBool, false, markerNull(func(e *object.InventoryEntry) value { return boolean(e.Multipart) })},
	{"ReplicationStatus", "replication_status", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.ReplicationStatus) })},
	{"EncryptionStatus", "encryption_status", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.Encryption) })},
	{"ObjectLockRetainUntilDate", "object_lock_retain_until_date", kTime, false, markerNull(func(e *object.InventoryEntry) value { return timev(e.RetainUntil) })},
	{"ObjectLockMode", "object_lock_mode", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.LockMode) })},
	{"ObjectLockLegalHoldStatus", "object_lock_legal_hold_status", kString, false, markerNull(legalHold)},
	{"IntelligentTieringAccessTier", "intelligent_tiering_access_tier", kString, false, func(string, *object.InventoryEntry) value { return value{} }},
	{"BucketKeyStatus", "bucket_key_status", kString, false, markerNull(bucketKey)},
	{"ChecksumAlgorithm", "checksum_algorithm", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.ChecksumAlgorithm) })},
	{"ObjectAccessControlList", "object_access_control_list", kString, false, func(string, *object.InventoryEntry) value { return value{} }},
	{"ObjectOwner", "object_owner", kString, false, markerNull(func(e *object.InventoryEntry) value { return str(e.Owner) })},
}

func legalHold(e *object.InventoryEntry) value {
	if e.LegalHold {
		return str("ON")
	}
	return str("OFF")
}

func bucketKey(e *object.InventoryEntry) value {
	if e.BucketKey && e.Encryption == "SSE-KMS" {
		return str("ENABLED")
	}
	return str("DISABLED")
}

// columnsFor returns a configuration's columns in S3's order.
func columnsFor(c *object.InventoryConfiguration) []column {
	cols := []column{colBucket, colKey}
	if c.Versions == object.InventoryAll {
		cols = append(cols, versionCols...)
	}
	for _, oc := range optionalCols {
		if slices.Contains(c.Fields, oc.field) {
			cols = append(cols, oc)
		}
	}
	return cols
}
