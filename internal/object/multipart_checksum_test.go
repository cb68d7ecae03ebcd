package object

import (
	"bytes"
	"encoding/base64"
	"hash/crc32"
	"strconv"
	"testing"

	"github.com/minio/crc64nvme"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// compositeOf computes a composite checksum independently: the checksum of
// the concatenated raw part checksums, with the part count appended.
func compositeOf(a checksum.Algorithm, parts ...[]byte) string {
	outer := a.New()
	for _, p := range parts {
		h := a.New()
		h.Write(p)
		outer.Write(h.Sum(nil))
	}
	return checksum.Encode(outer.Sum(nil)) + "-" + strconv.Itoa(len(parts))
}

func TestMultipartChecksums(t *testing.T) {
	parts := [][]byte{randBytes(testMinPart + 11), randBytes(testMinPart + 5), randBytes(3)}
	all := concat(parts...)
	tests := []struct {
		alg  checksum.Algorithm
		typ  ChecksumType
		want ChecksumType
	}{
		{checksum.CRC32, "", ChecksumComposite},
		{checksum.CRC32, ChecksumFullObject, ChecksumFullObject},
		{checksum.CRC32C, ChecksumComposite, ChecksumComposite},
		{checksum.CRC32C, ChecksumFullObject, ChecksumFullObject},
		{checksum.CRC64NVME, "", ChecksumFullObject},
		{checksum.CRC64NVME, ChecksumFullObject, ChecksumFullObject},
		{checksum.SHA1, "", ChecksumComposite},
		{checksum.SHA256, ChecksumComposite, ChecksumComposite},
		{checksum.None, "", ChecksumFullObject}, // S3's default: full-object CRC64NVME
	}
	for _, tt := range tests {
		t.Run(string(tt.alg)+"/"+string(tt.typ), func(t *testing.T) {
			e := newMPEnv(t)
			id := e.create(t, "k", tt.alg, tt.typ)
			alg := tt.alg
			if alg == checksum.None {
				alg = checksum.CRC64NVME
			}
			var infos []*PartInfo
			var listed []CompletedPart
			for i, p := range parts {
				pi := e.part(t, "k", id, i+1, p)
				if pi.Checksum.Algorithm != alg || pi.Checksum.Encoded != sumOf(alg, p) {
					t.Fatalf("part %d checksum %+v", i+1, pi.Checksum)
				}
				infos = append(infos, pi)
				listed = append(listed, CompletedPart{PartNumber: pi.PartNumber, ETag: pi.ETag, Checksum: pi.Checksum})
			}
			want := sumOf(alg, all)
			if tt.want == ChecksumComposite {
				want = compositeOf(alg, parts...)
			}
			// A wrong whole-object checksum fails and leaves the upload.
			bad := checksum.Value{Algorithm: alg, Encoded: sumOf(alg, []byte("other"))}
			_, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: listed, Checksum: bad})
			wantErr(t, err, ErrChecksumMismatch)
			other := ChecksumComposite
			if tt.want == ChecksumComposite {
				other = ChecksumFullObject
			}
			_, err = e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: listed, ChecksumType: other})
			wantErr(t, err, ErrInvalidRequest)
			size := int64(len(all)) + 1
			_, err = e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: listed, ObjectSize: &size})
			wantErr(t, err, ErrInvalidRequest)
			size--
			info, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: listed,
				Checksum: checksum.Value{Algorithm: alg, Encoded: want}, ChecksumType: tt.want, ObjectSize: &size})
			if err != nil {
				t.Fatal(err)
			}
			if info.Checksum.Algorithm != alg || info.Checksum.Encoded != want || info.ChecksumType != tt.want {
				t.Fatalf("checksum %+v %s, want %s %s", info.Checksum, info.ChecksumType, want, tt.want)
			}
			r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
			if err != nil || r.Info.Checksum != info.Checksum || r.Info.ChecksumType != tt.want {
				t.Fatalf("head %+v, %v", r, err)
			}
		})
	}
}

// The composite value may be sent with or without its "-N" suffix; a wrong
// suffix or an algorithm other than the upload's is refused.
func TestCompleteExpectedComposite(t *testing.T) {
	e := newMPEnv(t)
	parts := [][]byte{randBytes(testMinPart), randBytes(10)}
	want := compositeOf(checksum.SHA1, parts...)
	for _, tt := range []struct {
		v    checksum.Value
		err  error
		done bool
	}{
		{checksum.Value{Algorithm: checksum.SHA1, Encoded: want[:len(want)-2] + "-3"}, ErrInvalidChecksum, false},
		{checksum.Value{Algorithm: checksum.CRC32, Encoded: "AAAAAA=="}, ErrInvalidRequest, false},
		{checksum.Value{Algorithm: checksum.SHA1, Encoded: "!!"}, ErrInvalidChecksum, false},
		{checksum.Value{Algorithm: checksum.SHA1, Encoded: want[:len(want)-2]}, nil, true},
	} {
		id := e.create(t, "k", checksum.SHA1, "")
		a, b := e.part(t, "k", id, 1, parts[0]), e.part(t, "k", id, 2, parts[1])
		_, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: completed(a, b), Checksum: tt.v})
		wantErr(t, err, tt.err)
	}
}

// In an upload without a declared algorithm, parts may carry the checksum
// current SDKs add by default (CRC32); it is verified, and the object gets
// S3's default full-object CRC64NVME.
func TestDefaultUploadAcceptsPartChecksums(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	data := randBytes(1234)
	_, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: 1, Body: bytes.NewReader(data), Size: int64(len(data)),
		Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, []byte("x"))}})
	wantErr(t, err, ErrChecksumMismatch)
	p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: 1, Body: bytes.NewReader(data), Size: int64(len(data)),
		Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: sumOf(checksum.CRC32, data)}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id,
		Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag, Checksum: checksum.Value{Algorithm: checksum.CRC32, Encoded: sumOf(checksum.CRC32, data)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Checksum.Algorithm != checksum.CRC64NVME || info.Checksum.Encoded != sumOf(checksum.CRC64NVME, data) {
		t.Fatalf("checksum %+v", info.Checksum)
	}
}

// The CRC combination agrees with a direct computation for every split of
// the data, including empty pieces, for each CRC algorithm.
func TestCRCCombine(t *testing.T) {
	data := randBytes(70001)
	direct := map[checksum.Algorithm]func([]byte) uint64{
		checksum.CRC32:     func(b []byte) uint64 { return uint64(crc32.ChecksumIEEE(b)) },
		checksum.CRC32C:    func(b []byte) uint64 { return uint64(crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))) },
		checksum.CRC64NVME: func(b []byte) uint64 { return crc64nvme.Checksum(b) },
	}
	splits := [][]int{{}, {0}, {1}, {70000}, {0, 0, 5}, {1000, 1000, 30000, 69999}, {17, 4099, 65536}}
	for alg, crc := range direct {
		spec := crcSpecs[alg]
		for _, cuts := range splits {
			var got uint64
			prev := 0
			for _, c := range append(cuts, len(data)) {
				got = spec.combine(got, crc(data[prev:c]), int64(c-prev))
				prev = c
			}
			if want := crc(data); got != want {
				t.Fatalf("%s split %v: %x, want %x", alg, cuts, got, want)
			}
		}
		// Combining with an empty piece is the identity; huge lengths
		// (5 TiB) terminate.
		if spec.combine(12345, 0, 0) != 12345 {
			t.Fatalf("%s: empty combine", alg)
		}
		_ = spec.combine(1, 2, MaxObjectSize)
	}
}

func TestFullObjectCRCEncoding(t *testing.T) {
	f := newFullObjectCRC(checksum.CRC32)
	data := []byte("hello, world")
	h := checksum.CRC32.New()
	h.Write(data[:5])
	f.add(h.Sum(nil), 5)
	h = checksum.CRC32.New()
	h.Write(data[5:])
	f.add(h.Sum(nil), int64(len(data)-5))
	if got, want := base64.StdEncoding.EncodeToString(f.sum()), sumOf(checksum.CRC32, data); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
	if newFullObjectCRC(checksum.SHA256) != nil {
		t.Fatal("SHA256 has no full-object combination")
	}
}
