package object

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/blob/faultfs"
	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
)

// A disk failure during a part fails that UploadPart only: nothing leaks,
// the earlier parts survive, and the upload goes on.
func TestUploadPartFaults(t *testing.T) {
	faults := []struct {
		name   string
		inject func(*faultfs.FS)
		want   error
	}{
		{"ENOSPC mid-part", func(f *faultfs.FS) { f.FailWritesAfter(10 << 10) }, blob.ErrNoSpace},
		{"ENOSPC on first write", func(f *faultfs.FS) { f.FailNthWrite(1) }, blob.ErrNoSpace},
		{"create fails", func(f *faultfs.FS) { f.FailCreate(true) }, nil},
		{"fsync fails", func(f *faultfs.FS) { f.FailSync(true) }, nil},
		{"rename fails", func(f *faultfs.FS) { f.FailRename(true) }, nil},
	}
	for _, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			ffs := faultfs.New(blob.OS)
			e := newEnvFS(t, ffs)
			e.minPartSize = testMinPart
			e.bucket(t, "bkt")
			id := e.create(t, "k", checksum.CRC32C, ChecksumFullObject)
			first := randBytes(testMinPart)
			p1 := e.part(t, "k", id, 1, first)
			before, err := ffs.CountFiles(e.blobDir)
			if err != nil {
				t.Fatal(err)
			}
			big := randBytes(1 << 20)
			// A new part number and a replacement of part 1 both fail.
			for _, n := range []int{2, 1} {
				tt.inject(ffs)
				_, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: n, Body: bytes.NewReader(big), Size: int64(len(big))})
				if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("part %d: %v, want failure %v", n, err, tt.want)
				}
			}
			ffs.Reset()
			if after, _ := ffs.CountFiles(e.blobDir); after != before {
				t.Fatalf("%d blob files after failed parts, want %d", after, before)
			}
			p2 := e.part(t, "k", id, 2, big)
			e.complete(t, "k", id, p1, p2)
			if got := e.read(t, "bkt", "k"); !bytes.Equal(got, concat(first, big)) {
				t.Fatal("object after recovered upload differs")
			}
		})
	}
}

// A metadata commit that fails after the part's data is durable drops the
// data.
func TestUploadPartMetaFailureDropsBlob(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	real := e.meta
	e.meta = failingMeta{real}
	_, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: 1, Body: bytes.NewReader(randBytes(5000)), Size: 5000})
	wantErr(t, err, errMetaDown)
	e.meta = real
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files after failed part commit", n)
	}
}

// CollectGarbage keeps the blobs of parts, both in an upload and in a
// completed object, and removes blobs no part or object references.
func TestCollectGarbageParts(t *testing.T) {
	e := newMPEnv(t)
	all, _ := threeParts(t, e, "done")
	id := e.create(t, "open", "", "")
	open := randBytes(2000)
	p := e.part(t, "open", id, 1, open)
	// A crash between a part blob's commit and its record.
	w, err := e.blobs.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(randBytes(3000))
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// A crash between an abort's commit and the removal of its files.
	gone := e.create(t, "gone", "", "")
	e.part(t, "gone", gone, 1, randBytes(2000))
	if err := e.meta.Update(ctx, func(tx meta.Txn) error {
		_, err := dropUpload(ctx, tx, "bkt", "gone", gone)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := e.blobFiles(t); n != 6 {
		t.Fatalf("%d blob files before GC", n)
	}
	e.dir.Grace = -time.Minute
	n, err := e.collectPastGrace(t)
	if err != nil || n != 2 {
		t.Fatalf("GC removed %d, %v; want 2", n, err)
	}
	if got := e.read(t, "bkt", "done"); !bytes.Equal(got, all) {
		t.Fatal("completed object damaged by GC")
	}
	e.complete(t, "open", id, p)
	if got := e.read(t, "bkt", "open"); !bytes.Equal(got, open) {
		t.Fatal("part in progress damaged by GC")
	}
	if n, err := e.CollectGarbage(ctx); err != nil || n != 0 {
		t.Fatalf("second GC removed %d, %v", n, err)
	}
}

// manyParts builds a part table of n parts without writing data.
func manyParts(n int) *record {
	r := &record{VersionID: NullVersion, Parts: n, ChecksumAlg: checksum.CRC64NVME, ChecksumRaw: make([]byte, 8), ETag: make([]byte, 16), Composite: false}
	var table []byte
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%032x", i)
		table = appendPartEntry(table, partEntry{Number: i, Size: 5 << 20, BlobID: id, MD5: string(make([]byte, 16)), Sum: "12345678"})
		r.Size += 5 << 20
	}
	r.PartTable = string(table)
	return r
}

func TestRecordManyParts(t *testing.T) {
	r := manyParts(MaxPartNumber)
	enc := r.encode()
	if enc[0] != recordV2 {
		t.Fatalf("version %d", enc[0])
	}
	got, err := decodeRecordMode(enc, modeFull)
	if err != nil {
		t.Fatal(err)
	}
	if got.PartTable != r.PartTable || got.Size != r.Size || got.Parts != MaxPartNumber || len(got.blobIDs()) != MaxPartNumber {
		t.Fatal("10,000-part record does not round-trip")
	}
	head, err := decodeRecordMode(enc, modeHeader)
	if err != nil || head.PartTable != "" || head.Parts != MaxPartNumber || head.info("b", "k").ETag[32:] != "-10000" {
		t.Fatalf("header decode: %v", err)
	}
	// Every truncation and a flipped byte fail cleanly.
	small := manyParts(3).encode()
	for i := 0; i < len(small); i++ {
		if _, err := decodeRecordMode(small[:i], modeParts); err == nil {
			t.Fatalf("truncation at %d decoded", i)
		}
	}
	bad := append([]byte(nil), small...)
	bad[len(bad)-12] ^= 0x80
	_, _ = decodeRecordMode(bad, modeFull) // must not panic
}

func BenchmarkDecodeManyParts(b *testing.B) {
	enc := manyParts(MaxPartNumber).encode()
	b.SetBytes(int64(len(enc)))
	for i := 0; i < b.N; i++ {
		if _, err := decodeRecordMode(enc, modeParts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompleteMultipart completes uploads of 1,000 parts. Complete is
// a metadata operation, so the time per op is the same for every part size.
func BenchmarkCompleteMultipart(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("1000x%dKiB", size>>10), func(b *testing.B) {
			e := newEnv(b)
			e.minPartSize = 1
			e.bucket(b, "bkt")
			data := randBytes(size)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				// A fresh key each time: replacing an object would add the
				// removal of its 1,000 files to the measurement.
				key := fmt.Sprint("k", i)
				id := e.create(b, key, checksum.CRC32C, ChecksumFullObject)
				parts := make([]*PartInfo, 1000)
				for n := range parts {
					parts[n] = e.part(b, key, id, n+1, data)
				}
				in := CompleteMultipartInput{Bucket: "bkt", Key: key, UploadID: id, Parts: completed(parts...)}
				b.StartTimer()
				if _, err := e.CompleteMultipartUpload(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The size limits hold without writing terabytes: records are forged.
func TestMultipartSizeLimits(t *testing.T) {
	e := newMPEnv(t)
	// An object of 5 GiB + 5 MiB: too large to copy into one part.
	huge := manyParts(1025)
	huge.Size = 0
	var table []byte
	it := huge.parts()
	for p, ok := it.next(); ok; p, ok = it.next() {
		p.Size = MaxPartSize / 1024
		table = appendPartEntry(table, p)
		huge.Size += p.Size
	}
	huge.PartTable = string(table)
	if err := e.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(objectKey("bkt", "huge"), huge.encode()) }); err != nil {
		t.Fatal(err)
	}
	id := e.create(t, "dst", "", "")
	_, err := e.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: id, PartNumber: 1, SrcBucket: "bkt", SrcKey: "huge"})
	wantErr(t, err, ErrInvalidRequest)
	// 1,025 parts of 5 GiB exceed the 5 TiB object limit.
	var listed []CompletedPart
	if err := e.meta.Update(ctx, func(tx meta.Txn) error {
		for n := 1; n <= 1025; n++ {
			p := &partRec{Size: MaxPartSize, MD5: make([]byte, 16), Sum: make([]byte, 8), BlobID: fmt.Sprintf("%032x", n)}
			listed = append(listed, CompletedPart{PartNumber: n, ETag: "00000000000000000000000000000000"})
			if err := tx.Set(partKey(id, n), p.encode()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err = e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "dst", UploadID: id, Parts: listed})
	wantErr(t, err, ErrEntityTooLarge)
	_, err = e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "dst", UploadID: id, Parts: make([]CompletedPart, MaxPartNumber+1)})
	wantErr(t, err, ErrMalformedPartList)
	// A multipart object whose part blob vanished fails to read; no panic.
	_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "huge"})
	wantErr(t, err, blob.ErrNotFound)
}
