package object

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/sse"
)

func sampleRecord() *record {
	return &record{
		VersionID:   NullVersion,
		Size:        5,
		ModTime:     1_700_000_000_123_456_789,
		ETag:        []byte{0x5d, 0x41, 0x40, 0x2a, 0xbc, 0x4b, 0x2a, 0x76, 0xb9, 0x71, 0x9d, 0x91, 0x10, 0x17, 0xc5, 0x92},
		ChecksumAlg: checksum.CRC32C,
		ChecksumRaw: []byte{1, 2, 3, 4},
		Meta: Metadata{
			ContentType: "text/plain", CacheControl: "no-cache", Expires: "Thu, 01 Dec 1994 16:00:00 GMT",
			User: map[string]string{"a": "1", "ünï": "cödé"},
		},
		Tags:   []Tag{{"k", "v"}, {"empty", ""}},
		Inline: []byte("hello"),
	}
}

func TestRecordRoundTrip(t *testing.T) {
	blobRec := sampleRecord()
	blobRec.Inline, blobRec.BlobID, blobRec.Size, blobRec.Parts = nil, "0123abcd", 1<<33, 3
	for _, r := range []*record{sampleRecord(), blobRec, {VersionID: NullVersion, Inline: []byte{}}} {
		enc := r.encode()
		if enc[0] != recordV1 {
			t.Fatalf("version byte %d", enc[0])
		}
		got, err := decodeRecordMode(enc, modeFull)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if r.BlobID == "" && len(r.Inline) == 0 {
			got.Inline, r.Inline = nil, nil
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
		}
		head, err := decodeRecordMode(enc, modeHeader)
		if err != nil || head.Inline != nil {
			t.Fatalf("header decode: %v, inline %q", err, head.Inline)
		}
	}
}

// A listing decodes only part of a record; what it shows must be what a
// full decode shows, for every record shape.
func TestRecordListed(t *testing.T) {
	blobRec := sampleRecord()
	blobRec.Inline, blobRec.BlobID, blobRec.Size, blobRec.StorageClass = nil, "0123abcd", 1<<33, "GLACIER"
	mp := sampleRecord()
	md5 := string(make([]byte, 16))
	table := appendPartEntry(nil, partEntry{Number: 1, Size: 3, BlobID: "a", MD5: md5})
	table = appendPartEntry(table, partEntry{Number: 2, Size: 2, BlobID: "b", MD5: md5})
	mp.Inline, mp.Parts, mp.Composite, mp.PartTable = nil, 2, true, string(table)
	plain := &record{VersionID: NullVersion, Inline: []byte{}}
	for i, r := range []*record{sampleRecord(), blobRec, mp, plain} {
		for _, enc := range []*sse.Envelope{nil, {Type: sse.S3, Wrapped: []byte("wrapped key")}} {
			r.Enc = enc
			if enc != nil && r.BlobID == "" && !r.multipart() {
				r.Inline = make([]byte, sse.CiphertextSize(r.Size))
			}
			b := r.encode()
			full, err := decodeRecordMode(b, modeFull)
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			var l record
			if err := l.decode(b, modeList); err != nil {
				t.Fatalf("record %d: list decode: %v", i, err)
			}
			if got, want := l.listed("k"), full.listed("k"); got != want {
				t.Fatalf("record %d: listed %+v, want %+v", i, got, want)
			}
		}
	}
}

func TestRecordInlineIsRaw(t *testing.T) {
	data := bytes.Repeat([]byte{0, '"', '\\', 0xff}, 1024)
	r := &record{VersionID: NullVersion, Size: int64(len(data)), Inline: data}
	enc := r.encode()
	if !bytes.HasSuffix(enc, data) || len(enc) > len(data)+32 {
		t.Fatalf("inline data not stored raw: %d bytes for %d", len(enc), len(data))
	}
}

func TestRecordInfo(t *testing.T) {
	info := sampleRecord().info("b", "k")
	if info.ETag != "5d41402abc4b2a76b9719d911017c592" {
		t.Errorf("ETag %q", info.ETag)
	}
	if info.Checksum != (checksum.Value{Algorithm: checksum.CRC32C, Encoded: "AQIDBA=="}) {
		t.Errorf("checksum %+v", info.Checksum)
	}
	if info.TagCount != 2 || info.StorageClass != "STANDARD" || info.VersionID != NullVersion {
		t.Errorf("info %+v", info)
	}
	r := sampleRecord()
	r.Parts = 2
	if got := r.info("b", "k").ETag; got != "5d41402abc4b2a76b9719d911017c592-2" {
		t.Errorf("multipart ETag %q", got)
	}
}

// Every truncation or corruption of a record decodes to an error, never a
// panic or an outsized allocation.
func TestRecordCorrupt(t *testing.T) {
	enc := sampleRecord().encode()
	for i := 0; i < len(enc); i++ {
		if _, err := decodeRecordMode(enc[:i], modeFull); !errors.Is(err, errCorrupt) {
			t.Fatalf("truncated at %d: %v", i, err)
		}
	}
	for i := 0; i < len(enc); i++ {
		bad := append([]byte(nil), enc...)
		bad[i] ^= 0xff
		decodeRecordMode(bad, modeFull) // must not panic
	}
	huge := []byte{recordV1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}
	if _, err := decodeRecordMode(huge, modeFull); err == nil {
		t.Fatal("huge length accepted")
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(sampleRecord().encode())
	f.Add((&record{VersionID: newVersionID(3), ModTime: 3, DeleteMarker: true, Inline: []byte{}}).encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecordMode(b, modeFull)
		if err == nil {
			if _, err := decodeRecordMode(r.encode(), modeFull); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			var l record
			if err := l.decode(b, modeList); err != nil {
				t.Fatalf("list decode of a valid record: %v", err)
			}
			if got, want := l.listed("k"), r.listed("k"); got != want {
				t.Fatalf("listed %+v, want %+v", got, want)
			}
		}
	})
}

func TestBucketRecord(t *testing.T) {
	b := &Bucket{Name: "x", Region: "eu-west-1", Owner: "me", Created: sampleTime}
	got, err := decodeBucket("x", encodeBucket(b))
	if err != nil || *got != *b {
		t.Fatalf("bucket round trip: %+v, %v", got, err)
	}
	if _, err := decodeBucket("x", []byte{9}); err == nil {
		t.Fatal("bad version accepted")
	}
}

// Delete markers and object-lock fields ride in the version block; records
// without them encode exactly as before versioning.
func TestRecordVersionBlock(t *testing.T) {
	plain := sampleRecord().encode()
	if plain[0]&recordExt != 0 {
		t.Fatalf("plain record has the version block: %x", plain[0])
	}
	marker := &record{VersionID: newVersionID(7), ModTime: 7, DeleteMarker: true, Inline: []byte{}}
	locked := sampleRecord()
	locked.VersionID, locked.LockMode, locked.RetainUntil, locked.LegalHold = newVersionID(9), LockCompliance, 1_800_000_000_000_000_000, true
	mp := sampleRecord()
	mp.Inline, mp.Parts, mp.LockMode, mp.Enc = nil, 2, LockGovernance, &sse.Envelope{Type: sse.S3, Wrapped: []byte("w")}
	md5 := string(make([]byte, 16))
	mp.PartTable = string(appendPartEntry(appendPartEntry(nil, partEntry{Number: 1, Size: 2, BlobID: "a", MD5: md5}), partEntry{Number: 2, Size: 3, BlobID: "b", MD5: md5}))
	mp.Size = 5
	for _, r := range []*record{marker, locked, mp} {
		enc := r.encode()
		if enc[0]&recordExt == 0 {
			t.Fatalf("version block missing: %x", enc[0])
		}
		got, err := decodeRecordMode(enc, modeFull)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if len(r.Inline) == 0 {
			got.Inline, r.Inline = nil, nil
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
		}
		var l record
		if err := l.decode(enc, modeList); err != nil || l.DeleteMarker != r.DeleteMarker {
			t.Fatalf("list decode: %v, marker %v", err, l.DeleteMarker)
		}
	}
	info := locked.info("b", "k")
	if info.Lock.Mode != LockCompliance || !info.Lock.LegalHold || info.Lock.RetainUntil.UnixNano() != locked.RetainUntil {
		t.Fatalf("lock info %+v", info.Lock)
	}
	bad := marker.encode()
	bad[1] |= 0x80 // an unknown flag
	if _, err := decodeRecordMode(bad, modeFull); !errors.Is(err, errCorrupt) {
		t.Fatalf("unknown flag: %v", err)
	}
}

func TestBucketRecordVersioning(t *testing.T) {
	for _, b := range []*Bucket{
		{Name: "x", Owner: "me", Created: sampleTime, Versioning: VersioningEnabled},
		{Name: "x", Owner: "me", Created: sampleTime, Versioning: VersioningSuspended, ObjectLock: true},
	} {
		enc := encodeBucket(b)
		if enc[0] != bucketV2 {
			t.Fatalf("version %d", enc[0])
		}
		got, err := decodeBucket("x", enc)
		if err != nil || *got != *b {
			t.Fatalf("round trip: %+v, %v", got, err)
		}
	}
	if enc := encodeBucket(&Bucket{Name: "x", Created: sampleTime}); enc[0] != bucketV1 {
		t.Fatalf("unversioned bucket written as version %d", enc[0])
	}
}
