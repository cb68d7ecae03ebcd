package object

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// threeParts uploads a 3-part object (sizes 1200, 1000, 7) and returns its
// bytes.
func threeParts(t *testing.T, e *testEnv, key string) ([]byte, [][]byte) {
	t.Helper()
	parts := [][]byte{randBytes(1200), randBytes(1000), randBytes(7)}
	e.upload(t, key, parts...)
	return concat(parts...), parts
}

func readAll(t *testing.T, r *ObjectReader) []byte {
	t.Helper()
	defer r.Body.Close()
	// A small buffer makes the reader cross part boundaries mid-read.
	var out bytes.Buffer
	buf := make([]byte, 97)
	for {
		n, err := r.Body.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			return out.Bytes()
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
	}
}

func TestMultipartRanges(t *testing.T) {
	e := newMPEnv(t)
	all, _ := threeParts(t, e, "k")
	size := int64(len(all))
	tests := []struct {
		r          Range
		off, n     int64
		wantErrVal error
	}{
		{Range{First: 0, Last: 0}, 0, 1, nil},
		{Range{First: 1199, Last: 1200}, 1199, 2, nil},    // across the first boundary
		{Range{First: 1000, Last: 2201}, 1000, 1202, nil}, // across both
		{Range{First: 1200, Last: 2199}, 1200, 1000, nil}, // exactly part 2
		{Range{First: 2200, Last: -1}, 2200, 7, nil},      // last part
		{Range{First: 5, Last: 100000}, 5, size - 5, nil}, // clamped
		{Range{Suffix: 10}, size - 10, 10, nil},           // suffix across a boundary
		{Range{Suffix: size + 5}, 0, size, nil},           // whole
		{Range{First: size, Last: size + 1}, 0, 0, ErrInvalidRange},
	}
	for _, tt := range tests {
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", Range: &tt.r})
		if tt.wantErrVal != nil {
			wantErr(t, err, tt.wantErrVal)
			continue
		}
		if err != nil {
			t.Fatalf("range %+v: %v", tt.r, err)
		}
		if r.Offset != tt.off || r.Length != tt.n || !r.Partial {
			t.Fatalf("range %+v: offset %d length %d", tt.r, r.Offset, r.Length)
		}
		if got := readAll(t, r); !bytes.Equal(got, all[tt.off:tt.off+tt.n]) {
			t.Fatalf("range %+v: bytes differ", tt.r)
		}
	}
}

func TestMultipartPartNumberReads(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", checksum.SHA256, "")
	parts := [][]byte{randBytes(1200), randBytes(1000), randBytes(7)}
	// Non-contiguous part numbers: GET partNumber counts the object's parts.
	var infos []*PartInfo
	for i, n := range []int{2, 5, 9} {
		infos = append(infos, e.part(t, "k", id, n, parts[i]))
	}
	e.complete(t, "k", id, infos...)
	off := int64(0)
	for i, p := range parts {
		for _, head := range []bool{false, true} {
			r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", PartNumber: i + 1, HeadOnly: head})
			if err != nil {
				t.Fatal(err)
			}
			if r.Offset != off || r.Length != int64(len(p)) || !r.Partial || r.Info.PartsCount != 3 || r.Info.Size != 2207 {
				t.Fatalf("part %d: %+v", i+1, r)
			}
			if r.Info.Checksum.Encoded != sumOf(checksum.SHA256, p) {
				t.Fatalf("part %d checksum %+v", i+1, r.Info.Checksum)
			}
			if !head && !bytes.Equal(readAll(t, r), p) {
				t.Fatalf("part %d bytes differ", i+1)
			}
		}
		off += int64(len(p))
	}
	for _, n := range []int{4, 10000} {
		_, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", PartNumber: n})
		wantErr(t, err, ErrInvalidPartNumber)
	}
	_, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", PartNumber: 10001})
	wantErr(t, err, ErrInvalidArgument)
}

func TestGetObjectParts(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", checksum.CRC32, "")
	var infos []*PartInfo
	var data [][]byte
	for n := 1; n <= 7; n++ {
		d := randBytes(testMinPart + n)
		data = append(data, d)
		infos = append(infos, e.part(t, "k", id, n*2, d))
	}
	e.complete(t, "k", id, infos...)
	var got []PartInfo
	marker := 0
	for pages := 0; ; pages++ {
		res, err := e.GetObjectParts(ctx, GetObjectPartsInput{Bucket: "bkt", Key: "k", MaxParts: 3, PartNumberMarker: marker})
		if err != nil {
			t.Fatal(err)
		}
		if res.PartsCount != 7 || res.MaxParts != 3 || len(res.Parts) > 3 {
			t.Fatalf("page %+v", res)
		}
		got = append(got, res.Parts...)
		if !res.IsTruncated {
			break
		}
		marker = res.NextPartNumberMarker
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != 7 {
		t.Fatalf("%d parts", len(got))
	}
	for i, p := range got {
		if p.PartNumber != 2*(i+1) || p.Size != int64(len(data[i])) || p.Checksum.Encoded != sumOf(checksum.CRC32, data[i]) {
			t.Fatalf("part %d: %+v", i, p)
		}
	}
	e.put(t, "bkt", "single", []byte("x"))
	res, err := e.GetObjectParts(ctx, GetObjectPartsInput{Bucket: "bkt", Key: "single"})
	if err != nil || res.PartsCount != 0 || len(res.Parts) != 0 {
		t.Fatalf("single-part object: %+v, %v", res, err)
	}
	_, err = e.GetObjectParts(ctx, GetObjectPartsInput{Bucket: "bkt", Key: "missing"})
	wantErr(t, err, ErrNoSuchKey)
	_, err = e.GetObjectParts(ctx, GetObjectPartsInput{Bucket: "bkt", Key: "k", MaxParts: -1})
	wantErr(t, err, ErrInvalidArgument)
}

// CopyObject from a multipart source streams all its parts into a new
// single-part object; metadata rewrites on itself keep the parts.
func TestCopyFromMultipart(t *testing.T) {
	e := newMPEnv(t)
	all, parts := threeParts(t, e, "src")
	info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "dst"})
	if err != nil {
		t.Fatal(err)
	}
	if info.ETag != md5hex(all) || info.PartsCount != 0 || !bytes.Equal(e.read(t, "bkt", "dst"), all) {
		t.Fatalf("copy %+v", info)
	}
	_, err = e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "src", DstBucket: "bkt", DstKey: "src", ReplaceMetadata: true, Metadata: Metadata{ContentType: "a/b"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutObjectTagging(ctx, "bkt", "src", "", []Tag{{"x", "y"}}); err != nil {
		t.Fatal(err)
	}
	r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "src"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Info.ETag != multipartETag(parts...) || r.Info.Metadata.ContentType != "a/b" || r.Info.TagCount != 1 || !bytes.Equal(readAll(t, r), all) {
		t.Fatalf("rewritten multipart object %+v", r.Info)
	}
}

func TestUploadPartCopy(t *testing.T) {
	e := newMPEnv(t)
	src, _ := threeParts(t, e, "src") // multipart source
	single := randBytes(3 * testThreshold)
	srcInfo := e.put(t, "bkt", "single", single)
	id := e.create(t, "dst", checksum.CRC32C, "")
	cp := func(n int, key string, r *Range, cond ReadConditions) (*PartInfo, error) {
		return e.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: id, PartNumber: n, SrcBucket: "bkt", SrcKey: key, SrcRange: r, SrcCond: cond})
	}
	p1, err := cp(1, "src", &Range{First: 1000, Last: 2201}, ReadConditions{})
	if err != nil {
		t.Fatal(err)
	}
	want1 := src[1000:2202]
	if p1.ETag != md5hex(want1) || p1.Size != int64(len(want1)) || p1.Checksum.Encoded != sumOf(checksum.CRC32C, want1) {
		t.Fatalf("part copy %+v", p1)
	}
	p2, err := cp(2, "single", nil, ReadConditions{IfMatch: `"` + srcInfo.ETag + `"`})
	if err != nil {
		t.Fatal(err)
	}
	errTests := []struct {
		name string
		key  string
		r    *Range
		cond ReadConditions
		want error
	}{
		{"range past end", "single", &Range{First: 0, Last: int64(len(single))}, ReadConditions{}, ErrInvalidRange},
		{"inverted range", "single", &Range{First: 5, Last: 4}, ReadConditions{}, ErrInvalidRange},
		{"if-match fails", "single", nil, ReadConditions{IfMatch: "nope"}, ErrPreconditionFailed},
		{"if-none-match fails", "single", nil, ReadConditions{IfNoneMatch: srcInfo.ETag}, ErrPreconditionFailed},
		{"missing source", "missing", nil, ReadConditions{}, ErrNoSuchKey},
	}
	for _, tt := range errTests {
		_, err := cp(3, tt.key, tt.r, tt.cond)
		if err == nil || !errors.Is(err, tt.want) {
			t.Fatalf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	_, err = e.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: id, PartNumber: 0, SrcBucket: "bkt", SrcKey: "single"})
	wantErr(t, err, ErrInvalidArgument)
	info := e.complete(t, "dst", id, p1, p2)
	if !bytes.Equal(e.read(t, "bkt", "dst"), concat(want1, single)) || info.ETag != multipartETag(want1, single) {
		t.Fatal("copied parts differ")
	}
}
