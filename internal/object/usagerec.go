package object

import (
	"bytes"

	"github.com/hoard-s3/hoard/internal/usage"
)

// tracked reports whether the usage counters depend on the record at key:
// latest versions ("o/"), other versions and delete markers ("v/"),
// uploads ("u/") and their parts ("p/"). Other services' prefixes
// ("usage/", "iam/", …) are longer than one letter, so they never match.
func tracked(key []byte) bool {
	if len(key) < 2 || key[1] != '/' {
		return false
	}
	switch key[0] {
	case 'o', 'v', 'u', 'p':
		return true
	}
	return false
}

// contributionOf is what the value of a tracked key counts; a part's
// reference is its upload's, which the transaction resolves.
func contributionOf(key, val []byte) (usageRef, usage.Counters) {
	if key[0] == 'p' {
		return usageRef{}, partCounts(val)
	}
	return recordUsage(key, val)
}

// recordUsage is the contribution of an "o/", "v/" or "u/" record.
func recordUsage(key, val []byte) (usageRef, usage.Counters) {
	var c usage.Counters
	bucket, rest, ok := bytes.Cut(key[2:], []byte{'/'})
	if !ok {
		return usageRef{}, c
	}
	objKey, _, _ := bytes.Cut(rest, []byte{0})
	ref := usageRef{bucket: string(bucket), key: string(objKey)}
	if key[0] == 'u' {
		c.Uploads = 1
		return ref, c
	}
	r, err := decodeRecordMode(val, modeList)
	if err != nil {
		return ref, c
	}
	if r.DeleteMarker {
		c.DeleteMarkers = 1
		return ref, c
	}
	x := usage.ClassCount{Objects: 1, Bytes: r.Size}
	if key[0] == 'v' {
		x = usage.ClassCount{NoncurrentObjects: 1, NoncurrentBytes: r.Size}
	}
	c.Classes = map[string]usage.ClassCount{storageClass(r.StorageClass): x}
	if r.Restore != nil && !r.Restore.Ongoing {
		c.RestoredObjects, c.RestoredBytes = 1, r.Size
	}
	return ref, c
}

// partCounts is the contribution of a part record.
func partCounts(val []byte) usage.Counters {
	p, err := decodePart(val)
	if err != nil {
		return usage.Counters{}
	}
	return usage.Counters{UploadParts: 1, UploadBytes: p.Size}
}
