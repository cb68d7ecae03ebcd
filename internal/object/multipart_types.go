package object

import (
	"io"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// Multipart limits from the S3 documentation.
const (
	MaxPartSize    = 5 << 30 // one part
	MinPartSize    = 5 << 20 // every part but the last
	MaxPartNumber  = 10000
	MaxObjectSize  = 5 << 40 // a completed multipart object
	MaxListParts   = 1000
	MaxListUploads = 1000
)

// ChecksumType says how an object's additional checksum covers its bytes.
type ChecksumType string

const (
	// ChecksumFullObject is a checksum of the object's bytes, whether
	// computed in one pass or combined from the parts' CRCs.
	ChecksumFullObject ChecksumType = "FULL_OBJECT"
	// ChecksumComposite is the checksum of the concatenated part
	// checksums; its value carries a "-N" suffix.
	ChecksumComposite ChecksumType = "COMPOSITE"
)

// CreateMultipartInput starts a multipart upload. Without an algorithm the
// upload gets S3's default, a full-object CRC64NVME. Without a type, CRC64NVME
// is FULL_OBJECT and every other algorithm COMPOSITE.
type CreateMultipartInput struct {
	Bucket            string
	Key               string
	Metadata          Metadata
	Tags              []Tag
	ChecksumAlgorithm checksum.Algorithm
	ChecksumType      ChecksumType
	SSE               SSERequest
	// Lock is applied to the object at Complete; nil: the bucket's
	// default retention then.
	Lock *ObjectLock
	// StorageClass of the object ("" means STANDARD); its parts are
	// stored in the class's tier.
	StorageClass string
	// Parties records who started the upload and whose object it makes.
	Parties UploadParties
}

// UploadParties are the principals of an upload, opaque to the service:
// the canonical id of the object's owner-to-be ("" for the bucket's
// owner), the initiator as listings show it (a canonical id or an IAM
// ARN, with its display name), and an ACL document attached to the
// object when the upload completes (nil: none).
type UploadParties struct {
	Owner         string
	InitiatorID   string
	InitiatorName string
	ACL           []byte
}

// MultipartUpload describes an upload in progress.
type MultipartUpload struct {
	Bucket            string
	Key               string
	UploadID          string
	Initiated         time.Time
	StorageClass      string
	ChecksumAlgorithm checksum.Algorithm
	ChecksumType      ChecksumType
	SSE               SSEInfo
	// Owner, InitiatorID and InitiatorName are the upload's recorded
	// parties (empty for uploads that recorded none).
	Owner         string
	InitiatorID   string
	InitiatorName string
}

// UploadPartInput uploads one part. Size is the exact body length, or -1
// to read to EOF (at most MaxPartSize bytes).
type UploadPartInput struct {
	Bucket     string
	Key        string
	UploadID   string
	PartNumber int
	Body       io.Reader
	Size       int64
	ContentMD5 []byte
	Checksum   ExpectedChecksum
	SSE        SSERequest // the upload's customer key when it uses SSE-C
}

// UploadPartCopyInput fills a part from (a byte range of) an existing
// object. SrcRange, when set, must lie inside the source (First..Last).
type UploadPartCopyInput struct {
	Bucket       string
	Key          string
	UploadID     string
	PartNumber   int
	SrcBucket    string
	SrcKey       string
	SrcVersionID string
	SrcRange     *Range
	SrcCond      ReadConditions
	SSE          SSERequest // the upload's customer key when it uses SSE-C
	SrcSSE       SSERequest // the source's customer key
}

// PartInfo describes an uploaded part, or a part of a completed object (whose
// ETag and LastModified are then empty).
type PartInfo struct {
	PartNumber   int
	ETag         string // unquoted hex MD5 of the part
	Size         int64
	LastModified time.Time
	Checksum     checksum.Value
	SSE          SSEInfo // set by UploadPart and UploadPartCopy
}

// CompletedPart is one entry of CompleteMultipartUpload's part list. ETag
// may be quoted; Checksum, when set, must match the part's stored checksum.
type CompletedPart struct {
	PartNumber int
	ETag       string
	Checksum   checksum.Value
}

// CompleteMultipartInput completes an upload. Checksum is the client's
// expected checksum of the whole object (for COMPOSITE uploads with or
// without the "-N" suffix); ChecksumType, when set, must be the upload's;
// ObjectSize, when set, must be the completed object's size.
type CompleteMultipartInput struct {
	Bucket       string
	Key          string
	UploadID     string
	Parts        []CompletedPart
	Checksum     checksum.Value
	ChecksumType ChecksumType
	ObjectSize   *int64
	Cond         WriteConditions
	SSE          SSERequest // the customer key of an SSE-C upload
}

// ListPartsInput pages through an upload's parts. MaxParts 0 means
// MaxListParts; PartNumberMarker is exclusive.
type ListPartsInput struct {
	Bucket           string
	Key              string
	UploadID         string
	MaxParts         int
	PartNumberMarker int
}

// ListPartsResult is one page of parts in part-number order.
type ListPartsResult struct {
	Upload               MultipartUpload
	Parts                []PartInfo
	PartNumberMarker     int
	NextPartNumberMarker int
	MaxParts             int
	IsTruncated          bool
}

// ListUploadsInput lists uploads in progress by key, then initiation time.
// UploadIDMarker counts only together with KeyMarker.
type ListUploadsInput struct {
	Bucket         string
	Prefix         string
	Delimiter      string
	KeyMarker      string
	UploadIDMarker string
	MaxUploads     int // 0 means MaxListUploads
}

// ListUploadsResult is one page of uploads. When IsTruncated, the Next
// markers continue the listing (NextUploadIDMarker is empty when the page
// ended on a common prefix).
type ListUploadsResult struct {
	Uploads            []MultipartUpload
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// GetObjectPartsInput pages through the parts of a completed multipart
// object (GetObjectAttributes' ObjectParts).
type GetObjectPartsInput struct {
	Bucket           string
	Key              string
	VersionID        string
	MaxParts         int // 0 means MaxListParts
	PartNumberMarker int
	SSE              SSERequest // the customer key of an SSE-C object
}

// ObjectPartsResult is one page of an object's parts. PartsCount is 0 and
// Parts empty for an object not uploaded in parts.
type ObjectPartsResult struct {
	Info                 ObjectInfo
	PartsCount           int
	Parts                []PartInfo
	PartNumberMarker     int
	NextPartNumberMarker int
	MaxParts             int
	IsTruncated          bool
}
