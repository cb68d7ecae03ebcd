package object

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"math"
)

// Version ids are 16 bytes: the version's modification time in Unix
// nanoseconds, inverted (math.MaxUint64 - t) and big-endian, then 8 random
// bytes. They are written in base32hex without padding (26 characters of
// 0-9A-V), whose alphabet is in ASCII order, so the text sorts like the
// bytes: a newer version of a key sorts first, which is the order
// ListObjectVersions shows. The text is the version's sort id in its
// metadata key (see keys.go), so finding a version by id is one point read.
//
// The "null" version (written while versioning was off or suspended) has no
// id of its own to sort by; its sort id is built the same way from its
// modification time with zero random bytes, and a pointer record names it
// while it is noncurrent.
const versionIDLen = 26

var versionEnc = base32.HexEncoding.WithPadding(base32.NoPadding)

// newVersionID returns a fresh version id for a version modified at t.
func newVersionID(t int64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], math.MaxUint64-uint64(t))
	// crypto/rand does not fail on a working system (the runtime aborts).
	_, _ = rand.Read(b[8:])
	return versionEnc.EncodeToString(b[:])
}

// nullSortID is the sort id of a null version modified at t.
func nullSortID(t int64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], math.MaxUint64-uint64(t))
	return versionEnc.EncodeToString(b[:])
}

// sortID is where rec sorts among the versions of its key.
func (r *record) sortID() string {
	if r.VersionID == NullVersion {
		return nullSortID(r.ModTime)
	}
	return r.VersionID
}

// parseVersionID checks a version id from a client: "null", or the exact
// canonical text newVersionID produces. Anything else is malformed
// (S3's 400 InvalidArgument "Invalid version id specified").
func parseVersionID(s string) error {
	if s == NullVersion {
		return nil
	}
	if len(s) != versionIDLen {
		return fmt.Errorf("version id %q: %w", s, ErrInvalidVersionID)
	}
	var b [16]byte
	n, err := versionEnc.Decode(b[:], []byte(s))
	if err != nil || n != len(b) || versionEnc.EncodeToString(b[:]) != s {
		return fmt.Errorf("version id %q: %w", s, ErrInvalidVersionID)
	}
	return nil
}

// versionTime is the modification time a well-formed version id carries.
func versionTime(id string) int64 {
	var b [16]byte
	if _, err := versionEnc.Decode(b[:], []byte(id)); err != nil {
		return 0
	}
	return int64(math.MaxUint64 - binary.BigEndian.Uint64(b[:8]))
}
