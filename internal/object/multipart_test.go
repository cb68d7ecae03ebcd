package object

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"sync"
	"testing"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// testMinPart is the minimum part size in tests, so that objects of many
// parts stay small; TestEntityTooSmallDefault checks the real limit.
const testMinPart = 1000

func newMPEnv(t testing.TB) *testEnv {
	e := newEnv(t)
	e.minPartSize = testMinPart
	e.bucket(t, "bkt")
	return e
}

func (e *testEnv) create(t testing.TB, key string, alg checksum.Algorithm, typ ChecksumType) string {
	t.Helper()
	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: key, ChecksumAlgorithm: alg, ChecksumType: typ})
	if err != nil {
		t.Fatalf("create upload %s: %v", key, err)
	}
	return up.UploadID
}

func (e *testEnv) part(t testing.TB, key, id string, n int, data []byte) *PartInfo {
	t.Helper()
	p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: key, UploadID: id, PartNumber: n, Body: bytes.NewReader(data), Size: int64(len(data))})
	if err != nil {
		t.Fatalf("upload part %d: %v", n, err)
	}
	return p
}

func (e *testEnv) complete(t testing.TB, key, id string, parts ...*PartInfo) *ObjectInfo {
	t.Helper()
	info, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: key, UploadID: id, Parts: completed(parts...)})
	if err != nil {
		t.Fatalf("complete %s: %v", key, err)
	}
	return info
}

func completed(parts ...*PartInfo) []CompletedPart {
	out := make([]CompletedPart, len(parts))
	for i, p := range parts {
		out[i] = CompletedPart{PartNumber: p.PartNumber, ETag: `"` + p.ETag + `"`}
	}
	return out
}

// multipartETag is S3's ETag computed independently: the MD5 of the
// concatenated part MD5s, then "-N".
func multipartETag(parts ...[]byte) string {
	var cat []byte
	for _, p := range parts {
		s := md5.Sum(p)
		cat = append(cat, s[:]...)
	}
	s := md5.Sum(cat)
	return hex.EncodeToString(s[:]) + "-" + strconv.Itoa(len(parts))
}

// upload creates an upload, uploads the given parts as numbers 1..n and
// completes it.
func (e *testEnv) upload(t testing.TB, key string, parts ...[]byte) *ObjectInfo {
	t.Helper()
	id := e.create(t, key, "", "")
	infos := make([]*PartInfo, len(parts))
	for i, p := range parts {
		infos[i] = e.part(t, key, id, i+1, p)
	}
	return e.complete(t, key, id, infos...)
}

func TestMultipartRoundTrip(t *testing.T) {
	e := newMPEnv(t)
	p1, p2, p3 := randBytes(3000), randBytes(2000), randBytes(10)
	meta := Metadata{ContentType: "text/csv", User: map[string]string{"a": "b"}}
	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "big", Metadata: meta, Tags: []Tag{{"t", "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.UploadID) != uploadIDLen || up.ChecksumAlgorithm != checksum.CRC64NVME || up.ChecksumType != ChecksumFullObject {
		t.Fatalf("upload %+v", up)
	}
	id := up.UploadID
	a := e.part(t, "big", id, 1, p1)
	b := e.part(t, "big", id, 2, p2)
	c := e.part(t, "big", id, 3, p3)
	if a.ETag != md5hex(p1) || a.Size != 3000 {
		t.Fatalf("part info %+v", a)
	}
	// Not visible before Complete.
	_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "big", HeadOnly: true})
	wantErr(t, err, ErrNoSuchKey)
	info := e.complete(t, "big", id, a, b, c)
	if want := multipartETag(p1, p2, p3); info.ETag != want || info.PartsCount != 3 || info.Size != 5010 {
		t.Fatalf("completed %+v, want ETag %s", info, want)
	}
	r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "big", HeadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Info.ETag != info.ETag || r.Info.Metadata.ContentType != "text/csv" || r.Info.Metadata.User["a"] != "b" || r.Info.TagCount != 1 || r.Info.PartsCount != 3 {
		t.Fatalf("head %+v", r.Info)
	}
	if got := e.read(t, "bkt", "big"); !bytes.Equal(got, concat(p1, p2, p3)) {
		t.Fatal("object bytes differ")
	}
	// The upload is gone.
	_, err = e.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "big", UploadID: id})
	wantErr(t, err, ErrNoSuchUpload)
	// Listings show it like any object.
	l, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 100})
	if err != nil || len(l.Objects) != 1 || l.Objects[0].ETag != info.ETag || l.Objects[0].Size != 5010 {
		t.Fatalf("list %+v, %v", l, err)
	}
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestUploadPartErrors(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", checksum.CRC32, "")
	other := e.create(t, "other", "", "")
	data := []byte("hello")
	tests := []struct {
		name string
		in   UploadPartInput
		want error
	}{
		{"part 0", UploadPartInput{PartNumber: 0}, ErrInvalidArgument},
		{"part 10001", UploadPartInput{PartNumber: 10001}, ErrInvalidArgument},
		{"negative part", UploadPartInput{PartNumber: -1}, ErrInvalidArgument},
		{"too large", UploadPartInput{PartNumber: 1, Size: MaxPartSize + 1}, ErrEntityTooLarge},
		{"unknown upload", UploadPartInput{PartNumber: 1, UploadID: "00" + id[2:]}, ErrNoSuchUpload},
		{"malformed upload id", UploadPartInput{PartNumber: 1, UploadID: "../../b/x"}, ErrNoSuchUpload},
		{"upload of another key", UploadPartInput{PartNumber: 1, UploadID: other}, ErrNoSuchUpload},
		{"other bucket", UploadPartInput{Bucket: "nope", PartNumber: 1}, ErrNoSuchUpload},
		{"bad key", UploadPartInput{Key: "a\x00b", PartNumber: 1}, ErrInvalidKey},
		{"short body", UploadPartInput{PartNumber: 1, Size: 6}, ErrIncompleteBody},
		{"bad Content-MD5", UploadPartInput{PartNumber: 1, ContentMD5: make([]byte, 16)}, ErrBadDigest},
		{"bad checksum", UploadPartInput{PartNumber: 1, Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: "AAAAAA=="}}, ErrChecksumMismatch},
		{"other algorithm", UploadPartInput{PartNumber: 1, Checksum: ExpectedChecksum{Algorithm: checksum.SHA256, Value: sumOf(checksum.SHA256, data)}}, ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Bucket == "" {
				in.Bucket = "bkt"
			}
			if in.Key == "" {
				in.Key = "k"
			}
			if in.UploadID == "" {
				in.UploadID = id
			}
			if in.Size == 0 {
				in.Size = int64(len(data))
			}
			in.Body = bytes.NewReader(data)
			_, err := e.UploadPart(ctx, in)
			wantErr(t, err, tt.want)
		})
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files after failed uploads", n)
	}
	// A correct checksum and Content-MD5 are accepted.
	sum := md5.Sum(data)
	p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: 10000, Body: bytes.NewReader(data), Size: 5,
		ContentMD5: sum[:], Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Late: func() (string, error) { return sumOf(checksum.CRC32, data), nil }}})
	if err != nil || p.Checksum.Encoded != sumOf(checksum.CRC32, data) {
		t.Fatalf("upload part: %+v, %v", p, err)
	}
}

func sumOf(a checksum.Algorithm, data []byte) string {
	h := a.New()
	h.Write(data)
	return checksum.Encode(h.Sum(nil))
}

func TestCompleteErrors(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	big1, big2, small := randBytes(testMinPart), randBytes(testMinPart+1), randBytes(testMinPart-1)
	p1 := e.part(t, "k", id, 1, big1)
	p2 := e.part(t, "k", id, 2, small)
	p3 := e.part(t, "k", id, 3, big2)
	cp := func(n int, etag string) CompletedPart { return CompletedPart{PartNumber: n, ETag: etag} }
	tests := []struct {
		name  string
		parts []CompletedPart
		id    string
		want  error
	}{
		{"empty list", nil, "", ErrMalformedPartList},
		{"descending", []CompletedPart{cp(3, p3.ETag), cp(1, p1.ETag)}, "", ErrInvalidPartOrder},
		{"duplicate, no ETag matches", []CompletedPart{cp(1, p3.ETag), cp(1, p2.ETag)}, "", ErrInvalidPart},
		{"duplicate out of order", []CompletedPart{cp(1, p1.ETag), cp(3, p3.ETag), cp(3, p3.ETag), cp(1, p1.ETag)}, "", ErrInvalidPartOrder},
		{"missing part", []CompletedPart{cp(1, p1.ETag), cp(4, p3.ETag)}, "", ErrInvalidPart},
		{"wrong ETag", []CompletedPart{cp(1, p3.ETag), cp(3, p3.ETag)}, "", ErrInvalidPart},
		{"part number 0", []CompletedPart{cp(0, p1.ETag)}, "", ErrInvalidPart},
		{"small middle part", []CompletedPart{cp(1, p1.ETag), cp(2, p2.ETag), cp(3, p3.ETag)}, "", ErrEntityTooSmall},
		{"no such upload", []CompletedPart{cp(1, p1.ETag)}, "ff" + id[2:], ErrNoSuchUpload},
		{"wrong checksum", []CompletedPart{{PartNumber: 1, ETag: p1.ETag, Checksum: checksum.Value{Algorithm: checksum.CRC64NVME, Encoded: "AAAAAAAAAAA="}}}, "", ErrInvalidPart},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uid := id
			if tt.id != "" {
				uid = tt.id
			}
			_, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: uid, Parts: tt.parts})
			wantErr(t, err, tt.want)
		})
	}
	// Failed completes left the upload intact: a small last part is fine,
	// and unquoted ETags are accepted.
	info, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id,
		Parts: []CompletedPart{cp(1, p1.ETag), cp(2, `"`+p2.ETag+`"`)}})
	if err != nil || info.ETag != multipartETag(big1, small) {
		t.Fatalf("complete: %+v, %v", info, err)
	}
}

func TestEntityTooSmallDefault(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	id := e.create(t, "k", "", "")
	a := e.part(t, "k", id, 1, make([]byte, MinPartSize-1))
	b := e.part(t, "k", id, 2, []byte("x"))
	_, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: completed(a, b)})
	wantErr(t, err, ErrEntityTooSmall)
	a = e.part(t, "k", id, 1, make([]byte, MinPartSize))
	if info := e.complete(t, "k", id, a, b); info.Size != MinPartSize+1 {
		t.Fatalf("size %d", info.Size)
	}
}

func TestCreateMultipartErrors(t *testing.T) {
	e := newMPEnv(t)
	tests := []struct {
		name string
		in   CreateMultipartInput
		want error
	}{
		{"no bucket", CreateMultipartInput{Bucket: "nope", Key: "k"}, ErrNoSuchBucket},
		{"bad key", CreateMultipartInput{Bucket: "bkt", Key: ""}, ErrInvalidKey},
		{"metadata too large", CreateMultipartInput{Bucket: "bkt", Key: "k", Metadata: Metadata{User: map[string]string{"x": string(make([]byte, 3000))}}}, ErrMetadataTooLarge},
		{"bad tag", CreateMultipartInput{Bucket: "bkt", Key: "k", Tags: []Tag{{"aws:x", "y"}}}, ErrInvalidTag},
		{"unknown algorithm", CreateMultipartInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: "MD4"}, ErrInvalidArgument},
		{"type without algorithm", CreateMultipartInput{Bucket: "bkt", Key: "k", ChecksumType: ChecksumComposite}, ErrInvalidRequest},
		{"composite CRC64NVME", CreateMultipartInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: checksum.CRC64NVME, ChecksumType: ChecksumComposite}, ErrInvalidRequest},
		{"full-object SHA256", CreateMultipartInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: checksum.SHA256, ChecksumType: ChecksumFullObject}, ErrInvalidRequest},
		{"full-object SHA1", CreateMultipartInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: checksum.SHA1, ChecksumType: ChecksumFullObject}, ErrInvalidRequest},
		{"unknown type", CreateMultipartInput{Bucket: "bkt", Key: "k", ChecksumAlgorithm: checksum.CRC32, ChecksumType: "PARTIAL"}, ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.CreateMultipartUpload(ctx, tt.in)
			wantErr(t, err, tt.want)
		})
	}
}

// Upload ids are unique, unguessable and URL-safe.
func TestUploadIDs(t *testing.T) {
	e := newMPEnv(t)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		id := e.create(t, "k", "", "")
		if seen[id] || validUploadID(id) != nil {
			t.Fatalf("upload id %q repeated or invalid", id)
		}
		seen[id] = true
	}
}

// Parts uploaded concurrently and out of order assemble in number order.
func TestPartsConcurrentOutOfOrder(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", checksum.CRC32C, ChecksumFullObject)
	const n = 12
	data := make([][]byte, n)
	infos := make([]*PartInfo, n)
	for i := range data {
		data[i] = randBytes(testMinPart + 37*i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := n - 1; i >= 0; i-- {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: i + 1, Body: bytes.NewReader(data[i]), Size: int64(len(data[i]))})
			infos[i] = p
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	info := e.complete(t, "k", id, infos...)
	all := concat(data...)
	if info.ETag != multipartETag(data...) || !bytes.Equal(e.read(t, "bkt", "k"), all) {
		t.Fatal("concurrently uploaded object differs")
	}
	if info.Checksum.Encoded != sumOf(checksum.CRC32C, all) || info.ChecksumType != ChecksumFullObject {
		t.Fatalf("checksum %+v", info.Checksum)
	}
}

// Re-uploading a part number replaces the part and frees the old data.
func TestReuploadPartReplaces(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	e.part(t, "k", id, 1, randBytes(2000))
	e.part(t, "k", id, 2, randBytes(1500))
	if n := e.blobFiles(t); n != 2 {
		t.Fatalf("%d blob files", n)
	}
	newer := bytes.Repeat([]byte("z"), 2500)
	p1 := e.part(t, "k", id, 1, newer)
	if n := e.blobFiles(t); n != 2 {
		t.Fatalf("%d blob files after replacing a part, want 2", n)
	}
	l, err := e.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: id})
	if err != nil || len(l.Parts) != 2 || l.Parts[0].ETag != md5hex(newer) || l.Parts[0].Size != 2500 {
		t.Fatalf("list parts %+v, %v", l, err)
	}
	e.complete(t, "k", id, p1)
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, newer) {
		t.Fatal("replaced part not used")
	}
}
