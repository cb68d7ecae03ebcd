package object

import (
	"io"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// NullVersion is the version id of objects written while versioning is off.
const NullVersion = "null"

// Limits from the S3 documentation.
const (
	MaxKeyLength      = 1024
	MaxUserMetaBytes  = 2048
	MaxSinglePutSize  = 5 << 30
	MaxTags           = 10
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
	MaxListKeys       = 1000
	MaxDeleteObjects  = 1000
)

// Bucket describes a bucket.
type Bucket struct {
	Name       string
	Region     string
	Owner      string
	Created    time.Time
	Versioning VersioningState
	// ObjectLock is set for buckets created with object lock enabled (or
	// that had it enabled later); their versioning cannot be suspended.
	ObjectLock bool
}

// VersioningState is a bucket's versioning status. A bucket starts
// unversioned (VersioningOff) and, once enabled, only moves between
// Enabled and Suspended.
type VersioningState uint8

const (
	VersioningOff VersioningState = iota
	VersioningEnabled
	VersioningSuspended
)

// String is the state as S3's VersioningConfiguration Status shows it
// ("" for a bucket that was never versioned).
func (v VersioningState) String() string {
	switch v {
	case VersioningEnabled:
		return "Enabled"
	case VersioningSuspended:
		return "Suspended"
	}
	return ""
}

// LockMode is the object-lock retention mode of one version.
type LockMode uint8

const (
	LockNone LockMode = iota
	LockGovernance
	LockCompliance
)

// String is the mode as S3 spells it ("" for none).
func (m LockMode) String() string {
	switch m {
	case LockGovernance:
		return "GOVERNANCE"
	case LockCompliance:
		return "COMPLIANCE"
	}
	return ""
}

// ObjectLock is the object-lock state of one version.
type ObjectLock struct {
	Mode        LockMode
	RetainUntil time.Time // zero for none
	LegalHold   bool
	// LegalHoldSet: a legal hold, ON or OFF, was ever set on the version
	// (GetObjectLegalHold of one never set is NoSuchObjectLockConfiguration).
	LegalHoldSet bool
}

// ListBucketsInput pages through buckets in name order.
type ListBucketsInput struct {
	Prefix string
	After  string // exclusive: list names greater than this (decoded continuation token)
	Max    int    // 0 means no limit
	// Keep, when set, lists only the buckets it keeps (the caller's
	// account's); Max counts kept buckets.
	Keep func(*Bucket) bool
}

// ListBucketsResult is one page of buckets. Next is non-empty when more
// buckets follow; it is the name to pass as After.
type ListBucketsResult struct {
	Buckets []Bucket
	Next    string
}

// Metadata is what a client stores with an object besides its bytes.
type Metadata struct {
	ContentType        string            `json:"ct,omitempty"`
	ContentEncoding    string            `json:"ce,omitempty"`
	ContentDisposition string            `json:"cd,omitempty"`
	ContentLanguage    string            `json:"cl,omitempty"`
	CacheControl       string            `json:"cc,omitempty"`
	Expires            string            `json:"ex,omitempty"`
	User               map[string]string `json:"um,omitempty"` // lower-case names without "x-amz-meta-"
}

// Tag is one object tag.
type Tag struct {
	Key   string
	Value string
}

// ObjectInfo describes a stored object version.
type ObjectInfo struct {
	Bucket       string
	Key          string
	VersionID    string
	Size         int64
	ETag         string // unquoted: hex MD5, or hex-N for multipart objects
	LastModified time.Time
	Metadata     Metadata
	Checksum     checksum.Value
	ChecksumType ChecksumType // set when Checksum is
	TagCount     int
	StorageClass string
	PartsCount   int // 0 for single-part objects
	SSE          SSEInfo
	DeleteMarker bool
	Lock         ObjectLock
	// CopySourceVersionID is, for a copy, the version that was copied.
	CopySourceVersionID string
	// Restore is the restore of an archived version; nil when none was
	// asked for (or the restored copy has expired).
	Restore *RestoreStatus
	// AccessTier is the access tier of an INTELLIGENT_TIERING version
	// (TierFrequent ... TierDeepArchive); "" for other classes.
	AccessTier string
	// Replication is x-amz-replication-status (ReplNone: no header).
	Replication ReplicationStatus
}

// ExpectedChecksum is the additional checksum a client declared for an
// upload. Value holds it when it came in a header; Late yields it after the
// body has been read to EOF when it came in a trailer.
type ExpectedChecksum struct {
	Algorithm checksum.Algorithm
	Value     string
	Late      func() (string, error)
}

// WriteConditions are the conditional-write headers of PUT and Complete.
type WriteConditions struct {
	IfMatch     string // an ETag (quoted or not) or "*"
	IfNoneMatch string // only "*" is meaningful for writes
}

// ReadConditions are RFC 9110 preconditions on GET/HEAD and copy sources.
// Zero values mean absent.
type ReadConditions struct {
	IfMatch           string
	IfNoneMatch       string
	IfModifiedSince   time.Time
	IfUnmodifiedSince time.Time
}

// PutInput is a single-request upload.
type PutInput struct {
	Bucket     string
	Key        string
	Body       io.Reader
	Size       int64 // exact number of bytes Body must yield
	Metadata   Metadata
	Tags       []Tag
	ContentMD5 []byte // raw 16-byte digest when the client sent Content-MD5
	Checksum   ExpectedChecksum
	Cond       WriteConditions
	SSE        SSERequest
	// Lock is the object lock the request asks for; nil: the bucket's
	// default retention, if any.
	Lock *ObjectLock
	// LockNeedsDigest: the write is a PutObject, whose new version S3
	// lets have a retention only with Content-MD5 or a checksum.
	LockNeedsDigest bool
	// StorageClass of the new version ("" means STANDARD).
	StorageClass string
}

// Range is a byte range request. Suffix > 0 means the last Suffix bytes;
// otherwise First..Last inclusive, with Last < 0 meaning to the end.
type Range struct {
	First  int64
	Last   int64
	Suffix int64
}

// GetInput reads an object or, with HeadOnly, only its description.
type GetInput struct {
	Bucket     string
	Key        string
	VersionID  string
	Range      *Range
	PartNumber int
	Cond       ReadConditions
	HeadOnly   bool
	SSE        SSERequest // the customer key of an SSE-C object
}

// ObjectReader is an opened object. Body yields Length bytes starting at
// Offset; it is nil for HeadOnly reads. Partial is true when a range applied.
type ObjectReader struct {
	Info    ObjectInfo
	Offset  int64
	Length  int64
	Partial bool
	Body    io.ReadCloser
}

// DeleteInput deletes one object (version).
type DeleteInput struct {
	Bucket    string
	Key       string
	VersionID string
	Cond      DeleteConditions
	// BypassGovernance asks to remove a version under GOVERNANCE
	// retention; the caller has checked s3:BypassGovernanceRetention.
	BypassGovernance bool
}

// DeleteConditions are S3's conditional deletes, evaluated against the
// version the request would delete (the latest without a version id).
// Zero values mean absent.
type DeleteConditions struct {
	IfMatch             string    // an ETag or "*"
	IfMatchLastModified time.Time // x-amz-if-match-last-modified-time
	IfMatchSize         *int64    // x-amz-if-match-size
}

// DeleteResult reports one deletion; Err is set per key in batch deletes.
// VersionID is the version removed (ByVersion) or the delete marker
// written (DeleteMarker without ByVersion); empty in unversioned buckets.
type DeleteResult struct {
	Key          string
	VersionID    string
	DeleteMarker bool
	ByVersion    bool
	Err          error
}

// CopyInput copies (or, with the same source and destination and
// ReplaceMetadata, rewrites the metadata of) an object.
type CopyInput struct {
	SrcBucket       string
	SrcKey          string
	SrcVersionID    string
	SrcCond         ReadConditions
	DstBucket       string
	DstKey          string
	ReplaceMetadata bool
	Metadata        Metadata
	ReplaceTags     bool
	Tags            []Tag
	Checksum        checksum.Algorithm // compute this checksum for the copy; None keeps the source's
	Cond            WriteConditions
	// SSE is the destination's encryption (SSEDefault: the destination
	// bucket's default); SrcSSE carries the source's customer key.
	SSE    SSERequest
	SrcSSE SSERequest
	// Lock is the destination's object lock (never the source's); nil:
	// the destination bucket's default retention, if any.
	Lock *ObjectLock
	// StorageClass of the copy ("" means STANDARD, whatever the
	// source's, as on S3).
	StorageClass string
}

// ListInput lists current objects in key order. After is exclusive (marker,
// start-after or decoded continuation token).
type ListInput struct {
	Bucket    string
	Prefix    string
	Delimiter string
	After     string
	MaxKeys   int
}

// ListedObject is what a listing shows of one object: the fields of a
// ListObjects entry and nothing more, so a 1,000-key page stays small.
type ListedObject struct {
	Key               string
	Size              int64
	ETag              string // unquoted, as in ObjectInfo
	LastModified      time.Time
	ChecksumAlgorithm checksum.Algorithm // None when the object has no checksum
	ChecksumType      ChecksumType       // set when ChecksumAlgorithm is
	StorageClass      string
	// Restore is the restore of an archived object (nil when none).
	Restore *RestoreStatus
	// LastRead (when the object was last read, or written) and
	// ArchiveTier (TierArchive, TierDeepArchive or "") are set for
	// INTELLIGENT_TIERING objects; Service.AccessTier names their tier.
	LastRead    time.Time
	ArchiveTier string
}

// ListResult is one page. When IsTruncated, NextMarker is the last key or
// common prefix of the page, to pass as After for the next page.
type ListResult struct {
	Objects        []ListedObject
	CommonPrefixes []string
	IsTruncated    bool
	NextMarker     string
}
