package object

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hoard-s3/hoard/internal/checksum"
)

func TestPutInlineAndBlob(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	sizes := []int{0, 1, testThreshold - 1, testThreshold, testThreshold + 1, 3 * testThreshold, 600 << 10}
	for _, size := range sizes {
		for _, unknown := range []bool{false, true} {
			data := randBytes(size)
			key := fmt.Sprintf("obj-%d-%v", size, unknown)
			before := e.blobFiles(t)
			in := PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(data), Size: int64(size)}
			if unknown {
				in.Size = -1
			}
			info, err := e.PutObject(ctx, in)
			if err != nil {
				t.Fatalf("put %s: %v", key, err)
			}
			if info.ETag != md5hex(data) || info.Size != int64(size) || info.VersionID != NullVersion {
				t.Fatalf("put %s: info %+v", key, info)
			}
			crc := checksum.CRC64NVME.New()
			crc.Write(data)
			if info.Checksum != (checksum.Value{Algorithm: checksum.CRC64NVME, Encoded: checksum.Encode(crc.Sum(nil))}) {
				t.Fatalf("put %s: default checksum %+v", key, info.Checksum)
			}
			wantFiles := before
			if size > testThreshold {
				wantFiles++
			}
			if got := e.blobFiles(t); got != wantFiles {
				t.Fatalf("put %s: %d blob files, want %d", key, got, wantFiles)
			}
			if got := e.read(t, "bkt", key); !bytes.Equal(got, data) {
				t.Fatalf("get %s: %d bytes differ", key, len(got))
			}
		}
	}
}

// A body longer than Size is read only up to Size.
func TestPutReadsExactlySize(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	r := strings.NewReader("hello world")
	info, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: r, Size: 5})
	if err != nil || info.Size != 5 || r.Len() != 6 {
		t.Fatalf("put: %+v %v, left %d", info, err, r.Len())
	}
	if got := e.read(t, "bkt", "k"); string(got) != "hello" {
		t.Fatalf("got %q", got)
	}
}

func TestPutMetadataAndTags(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	md := Metadata{ContentType: "text/plain", ContentEncoding: "gzip", ContentDisposition: "inline",
		ContentLanguage: "en", CacheControl: "max-age=1", Expires: "Wed, 21 Oct 2015 07:28:00 GMT",
		User: map[string]string{"color": "blue", "ünicode": "välue"}}
	tags := []Tag{{"a", "1"}, {"b", ""}}
	for _, data := range [][]byte{[]byte("small"), randBytes(2 * testThreshold)} {
		_, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(data), Size: int64(len(data)), Metadata: md, Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
		if err != nil || r.Body != nil {
			t.Fatalf("head: %v body %v", err, r.Body)
		}
		if !reflect.DeepEqual(r.Info.Metadata, md) || r.Info.TagCount != 2 {
			t.Fatalf("info %+v", r.Info)
		}
		got, _, err := e.GetObjectTagging(ctx, "bkt", "k", "")
		if err != nil || !reflect.DeepEqual(got, tags) {
			t.Fatalf("tags %v %v", got, err)
		}
	}
}

var errAuth = errors.New("signature mismatch")

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("body must not be read") }

func TestPutErrors(t *testing.T) {
	small, big := []byte("hello"), randBytes(3*testThreshold)
	sum := md5.Sum(small)
	crc := func(b []byte) string {
		h := crc32.NewIEEE()
		h.Write(b)
		return checksum.Encode(h.Sum(nil))
	}
	bigMeta := map[string]string{"k": strings.Repeat("v", MaxUserMetaBytes)}
	tooManyTags := make([]Tag, MaxTags+1)
	for i := range tooManyTags {
		tooManyTags[i] = Tag{Key: fmt.Sprint(i)}
	}
	tests := []struct {
		name string
		in   PutInput
		want error
	}{
		{"no bucket", PutInput{Bucket: "nope"}, ErrNoSuchBucket},
		{"empty key", PutInput{Key: ""}, ErrInvalidKey},
		{"NUL key", PutInput{Key: "a\x00"}, ErrInvalidKey},
		{"long key", PutInput{Key: strings.Repeat("k", 1025)}, ErrKeyTooLong},
		{"metadata", PutInput{Metadata: Metadata{User: bigMeta}}, ErrMetadataTooLarge},
		{"too many tags", PutInput{Tags: tooManyTags}, ErrInvalidTag},
		{"duplicate tags", PutInput{Tags: []Tag{{"a", "1"}, {"a", "2"}}}, ErrInvalidTag},
		{"empty tag key", PutInput{Tags: []Tag{{"", "1"}}}, ErrInvalidTag},
		{"long tag key", PutInput{Tags: []Tag{{strings.Repeat("k", 129), ""}}}, ErrInvalidTag},
		{"long tag value", PutInput{Tags: []Tag{{"k", strings.Repeat("v", 257)}}}, ErrInvalidTag},
		{"tag utf8", PutInput{Tags: []Tag{{"k", "\xff"}}}, ErrInvalidTag},
		{"aws tag", PutInput{Tags: []Tag{{"aws:x", "1"}}}, ErrInvalidTag},
		{"too large", PutInput{Body: panicReader{}, Size: MaxSinglePutSize + 1}, ErrEntityTooLarge},
		{"short small", PutInput{Body: bytes.NewReader(small), Size: 6}, ErrIncompleteBody},
		{"short big", PutInput{Body: bytes.NewReader(big), Size: int64(len(big)) + 1}, ErrIncompleteBody},
		{"read error small", PutInput{Body: &failingReader{small, errAuth}, Size: 100}, errAuth},
		{"read error big", PutInput{Body: &failingReader{big, errAuth}, Size: int64(len(big)) * 2}, errAuth},
		{"read error unknown size", PutInput{Body: &failingReader{big, errAuth}, Size: -1}, errAuth},
		{"bad md5", PutInput{Body: bytes.NewReader(small), Size: 5, ContentMD5: make([]byte, 16)}, ErrBadDigest},
		{"bad md5 big", PutInput{Body: bytes.NewReader(big), Size: int64(len(big)), ContentMD5: sum[:]}, ErrBadDigest},
		{"md5 length", PutInput{Body: bytes.NewReader(small), Size: 5, ContentMD5: []byte{1}}, ErrBadDigest},
		{"malformed checksum", PutInput{Body: panicReader{}, Size: 5, Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: "!!"}}, ErrInvalidChecksum},
		{"checksum wrong length", PutInput{Body: panicReader{}, Size: 5, Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: "AAAAAAAA"}}, ErrInvalidChecksum},
		{"checksum without algorithm", PutInput{Body: panicReader{}, Size: 5, Checksum: ExpectedChecksum{Value: "AAAAAA=="}}, ErrInvalidChecksum},
		{"unknown algorithm", PutInput{Body: panicReader{}, Size: 5, Checksum: ExpectedChecksum{Algorithm: "MD4"}}, ErrInvalidArgument},
		{"checksum mismatch", PutInput{Body: bytes.NewReader(small), Size: 5, Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: crc(big)}}, ErrChecksumMismatch},
		{"checksum mismatch big", PutInput{Body: bytes.NewReader(big), Size: int64(len(big)), Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Value: crc(small)}}, ErrChecksumMismatch},
		{"late mismatch", PutInput{Body: bytes.NewReader(big), Size: int64(len(big)), Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Late: func() (string, error) { return crc(small), nil }}}, ErrChecksumMismatch},
		{"late malformed", PutInput{Body: bytes.NewReader(small), Size: 5, Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Late: func() (string, error) { return "xx", nil }}}, ErrInvalidChecksum},
		{"late error", PutInput{Body: bytes.NewReader(big), Size: int64(len(big)), Checksum: ExpectedChecksum{Algorithm: checksum.CRC32, Late: func() (string, error) { return "", errAuth }}}, errAuth},
		{"if-none-match naming nothing", PutInput{Body: panicReader{}, Size: 5, Cond: WriteConditions{IfNoneMatch: " , "}}, ErrInvalidArgument},
		{"if-match missing", PutInput{Body: panicReader{}, Size: 5, Cond: WriteConditions{IfMatch: `"abc"`}}, ErrNoSuchKey},
	}
	e := newEnv(t)
	e.bucket(t, "bkt")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Bucket == "" {
				in.Bucket = "bkt"
			}
			if in.Key == "" && tt.want != ErrInvalidKey {
				in.Key = "key"
			}
			_, err := e.PutObject(ctx, in)
			wantErr(t, err, tt.want)
			_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "key", HeadOnly: true})
			wantErr(t, err, ErrNoSuchKey)
			if n := e.blobFiles(t); n != 0 {
				t.Fatalf("%d blob files left", n)
			}
		})
	}
}

func TestPutChecksums(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	for _, alg := range checksum.All {
		for _, data := range [][]byte{[]byte("abc"), randBytes(2 * testThreshold)} {
			h := alg.New()
			h.Write(data)
			want := checksum.Encode(h.Sum(nil))
			cases := map[string]ExpectedChecksum{
				"header":   {Algorithm: alg, Value: want},
				"trailer":  {Algorithm: alg, Late: func() (string, error) { return want, nil }},
				"computed": {Algorithm: alg},
			}
			for name, exp := range cases {
				info, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(data), Size: int64(len(data)), Checksum: exp})
				if err != nil {
					t.Fatalf("%s %s: %v", alg, name, err)
				}
				if info.Checksum != (checksum.Value{Algorithm: alg, Encoded: want}) {
					t.Fatalf("%s %s: %+v", alg, name, info.Checksum)
				}
				r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
				if err != nil || r.Info.Checksum != info.Checksum {
					t.Fatalf("%s %s: stored %+v %v", alg, name, r.Info.Checksum, err)
				}
			}
		}
	}
	sum := md5.Sum([]byte("abc"))
	if _, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "m", Body: strings.NewReader("abc"), Size: 3, ContentMD5: sum[:]}); err != nil {
		t.Fatalf("good Content-MD5: %v", err)
	}
}

func TestPutConditional(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	put := func(data string, c WriteConditions) (*ObjectInfo, error) {
		return e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader(data), Size: int64(len(data)), Cond: c})
	}
	first, err := put("one", WriteConditions{IfNoneMatch: "*"})
	wantErr(t, err, nil)
	_, err = put("two", WriteConditions{IfNoneMatch: "*"})
	wantErr(t, err, ErrPreconditionFailed)
	_, err = put("two", WriteConditions{IfMatch: `"0123"`})
	wantErr(t, err, ErrPreconditionFailed)
	_, err = put("two", WriteConditions{IfMatch: `"` + first.ETag + `"`})
	wantErr(t, err, nil)
	_, err = put("three", WriteConditions{IfMatch: first.ETag})
	wantErr(t, err, ErrPreconditionFailed)
	if got := e.read(t, "bkt", "k"); string(got) != "two" {
		t.Fatalf("got %q", got)
	}
}

// Exactly one of many concurrent create-only writers wins, and only its
// data is kept.
func TestPutConcurrentIfNoneMatch(t *testing.T) {
	for _, size := range []int{10, 3 * testThreshold} {
		e := newEnv(t)
		e.bucket(t, "bkt")
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data := bytes.Repeat([]byte{byte(i)}, size)
				_, errs[i] = e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(data), Size: int64(size), Cond: WriteConditions{IfNoneMatch: "*"}})
			}()
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Fatalf("size %d: writers %d and %d both won", size, winner, i)
				}
				winner = i
			case !errors.Is(err, ErrPreconditionFailed) && !errors.Is(err, ErrConditionalConflict):
				t.Fatalf("size %d: writer %d: %v", size, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("size %d: no writer won", size)
		}
		if got := e.read(t, "bkt", "k"); !bytes.Equal(got, bytes.Repeat([]byte{byte(winner)}, size)) {
			t.Fatalf("size %d: stored data is not the winner's", size)
		}
		wantFiles := 0
		if size > testThreshold {
			wantFiles = 1
		}
		if got := e.blobFiles(t); got != wantFiles {
			t.Fatalf("size %d: %d blob files, want %d", size, got, wantFiles)
		}
	}
}

func TestOverwriteFreesBlob(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	big1, big2 := randBytes(2*testThreshold), randBytes(3*testThreshold)
	e.put(t, "bkt", "k", big1)
	e.put(t, "bkt", "k", big2)
	if n := e.blobFiles(t); n != 1 {
		t.Fatalf("after overwrite: %d blob files", n)
	}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, big2) {
		t.Fatal("overwrite lost")
	}
	e.put(t, "bkt", "k", []byte("tiny"))
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("after inline overwrite: %d blob files", n)
	}
	e.put(t, "bkt", "k", big1)
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("after delete: %d blob files", n)
	}
}

var _ io.Reader = (*failingReader)(nil)
