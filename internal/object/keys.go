package object

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Metadata key layout. The engine orders keys bytewise, so each record kind
// lives under its own one-letter prefix:
//
//	b/<bucket>                bucket record
//	o/<bucket>/<key>          latest version, when it is not a delete marker
//	r/<blobID>                reverse index: the blob is referenced while this exists;
//	                          the value is the record key that first referenced it
//	                          (a version may since have moved from o/ to v/)
//	u/<bucket>/<key>\x00<id>  multipart upload in progress; ids sort by initiation time
//	p/<id>/<part uint16 BE>   uploaded part of upload <id>, in part-number order
//	v/<bucket>/<key>\x00<sid> noncurrent versions and every delete marker, newest
//	                          first: <sid> is the sort id of versionid.go
//	n/<bucket>/<key>          sort id of the key's null version while it is under v/
//	d/<bucket>/<key>          sort id of the delete marker that is the key's latest
//	                          version (present exactly when the key has v/ entries
//	                          and no o/ record), so a read or write finds it by a
//	                          point read
//	c/<bucket>/<name>         per-bucket configuration document (bucketconfig.go)
//	a/<name>                  account-wide configuration (access.go)
//	l/<bucket>/<key>…         object ACLs (access.go)
//	m/<id>                    completed multipart upload, for retried completions (mpdone.go)
//
// Other services share the engine under prefixes of their own ("iam/",
// "kms/"), none of which is a one-letter prefix above.
//
// Bucket names never contain '/', so "o/<bucket>/" is an exact prefix of the
// bucket's objects and nothing else; the key after it is arbitrary bytes and
// listing order is byte order.
//
// Versions: "o/" holds exactly what ListObjects shows (the latest version
// of each key unless that is a delete marker), so object listings cost what
// they cost before versioning. Every other version lives under "v/". Keys
// hold no NUL, so "<key>\x00" sorts a key's versions right after each other
// and before any longer key, and a key's versions are one short range; the
// latest of a key is its "o/" record if there is one, else its first "v/"
// entry. Records written before versioning existed are "o/" records with
// version "null" and read unchanged. The rules that keep this true live in
// versions.go and nowhere else.
const (
	bucketPrefix = "b/"
	objectPrefix = "o/"
	versionPfx   = "v/"
	nullPtrPfx   = "n/"
	markerPtrPfx = "d/"
	reversePfx   = "r/"
	uploadPrefix = "u/"
	partPrefix   = "p/"
	orphanPfx    = "g/"
)

func bucketKey(bucket string) []byte { return []byte(bucketPrefix + bucket) }

// objectBase is the prefix under which all of a bucket's object records live.
func objectBase(bucket string) []byte {
	b := make([]byte, 0, len(objectPrefix)+len(bucket)+1)
	b = append(b, objectPrefix...)
	b = append(b, bucket...)
	return append(b, '/')
}

func objectKey(bucket, key string) []byte {
	return append(objectBase(bucket), key...)
}

// versionBase is the prefix of a bucket's noncurrent versions.
func versionBase(bucket string) []byte { return []byte(versionPfx + bucket + "/") }

// versionsOf is the prefix of one key's noncurrent versions.
func versionsOf(bucket, key string) []byte {
	b := make([]byte, 0, len(versionPfx)+len(bucket)+len(key)+2+versionIDLen)
	b = append(b, versionPfx...)
	b = append(b, bucket...)
	b = append(b, '/')
	b = append(b, key...)
	return append(b, 0)
}

func versionKey(bucket, key, sortID string) []byte {
	return append(versionsOf(bucket, key), sortID...)
}

func nullPtrKey(bucket, key string) []byte { return []byte(nullPtrPfx + bucket + "/" + key) }

func markerPtrKey(bucket, key string) []byte { return []byte(markerPtrPfx + bucket + "/" + key) }

func reverseKey(blobID string) []byte { return []byte(reversePfx + blobID) }

// uploadBase is the prefix of a bucket's upload records.
func uploadBase(bucket string) []byte { return []byte(uploadPrefix + bucket + "/") }

func uploadKey(bucket, key, id string) []byte {
	b := make([]byte, 0, len(uploadPrefix)+len(bucket)+len(key)+len(id)+2)
	b = append(b, uploadPrefix...)
	b = append(b, bucket...)
	b = append(b, '/')
	b = append(b, key...)
	b = append(b, 0)
	return append(b, id...)
}

// partBase is the prefix of an upload's part records. Upload ids are
// validated hex, so the prefix cannot reach another upload's parts.
func partBase(id string) []byte { return []byte(partPrefix + id + "/") }

func partKey(id string, n int) []byte {
	return binary.BigEndian.AppendUint16(partBase(id), uint16(n))
}

// validBucketName applies the S3 naming rules for general purpose buckets.
func validBucketName(name string) error {
	if n := len(name); n < 3 || n > 63 {
		return fmt.Errorf("bucket name %q must be 3 to 63 characters: %w", name, ErrInvalidBucketName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("bucket name %q has a character other than a-z 0-9 . -: %w", name, ErrInvalidBucketName)
		}
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return fmt.Errorf("bucket name %q must begin and end with a letter or digit: %w", name, ErrInvalidBucketName)
	}
	if strings.Contains(name, "..") {
		return fmt.Errorf("bucket name %q has adjacent periods: %w", name, ErrInvalidBucketName)
	}
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		return fmt.Errorf("bucket name %q is an IP address: %w", name, ErrInvalidBucketName)
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return fmt.Errorf("bucket name %q has reserved prefix %q: %w", name, p, ErrInvalidBucketName)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", "--x-s3", ".mrap", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return fmt.Errorf("bucket name %q has reserved suffix %q: %w", name, s, ErrInvalidBucketName)
		}
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// validKey checks an object key: 1..1024 bytes of UTF-8 without NUL (XML 1.0
// cannot carry NUL, so such a key could never be listed).
func validKey(key string) error {
	if key == "" {
		return fmt.Errorf("empty object key: %w", ErrInvalidKey)
	}
	if len(key) > MaxKeyLength {
		return fmt.Errorf("object key of %d bytes: %w", len(key), ErrKeyTooLong)
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("object key is not valid UTF-8: %w", ErrInvalidKey)
	}
	if strings.IndexByte(key, 0) >= 0 {
		return fmt.Errorf("object key contains NUL: %w", ErrInvalidKey)
	}
	return nil
}

// checkVersion accepts no version id or a well-formed one.
func checkVersion(v string) error {
	if v == "" {
		return nil
	}
	return parseVersionID(v)
}
