package object

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
)

// BenchmarkMetadataSealing measures what --encrypt-metadata costs in the
// object service: a 1,000-key listing page from a bucket of 10,000
// objects, and HEAD and GET of one object, each object with typical
// metadata (a content type, three user metadata pairs, two tags), stored
// plain and sealed.
func BenchmarkMetadataSealing(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		name := "plain"
		if sealed {
			name = "sealed"
		}
		b.Run(name, func(b *testing.B) {
			s := metaBenchService(b, sealed, 10_000)
			ctx := context.Background()
			b.Run("list-1000", func(b *testing.B) {
				b.ReportAllocs()
				defer reportCPU(b)()
				for b.Loop() {
					res, err := s.ListObjects(ctx, ListInput{Bucket: "bench", MaxKeys: MaxListKeys})
					if err != nil || len(res.Objects) != MaxListKeys {
						b.Fatalf("%v", err)
					}
				}
			})
			for _, head := range []bool{true, false} {
				op := "get-1KiB"
				if head {
					op = "head"
				}
				b.Run(op, func(b *testing.B) {
					b.ReportAllocs()
					defer reportCPU(b)()
					for b.Loop() {
						r, err := s.GetObject(ctx, GetInput{Bucket: "bench", Key: benchMetaKey(0), HeadOnly: head})
						if err != nil || r.Info.Metadata.User["owner"] == "" {
							b.Fatalf("%v", err)
						}
						if r.Body != nil {
							io.Copy(io.Discard, r.Body)
							r.Body.Close()
						}
					}
				})
			}
		})
	}
}

// reportCPU reports the process's CPU time per iteration (cpu-ns/op)
// when the returned function runs after the loop: on a machine shared
// with other work, wall time mostly measures the others, CPU time less so.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecodeListed decodes 1,000 records as a listing does, with
// plain and with sealed metadata: the CPU a listing page spends on
// records, without the engine's scan.
func BenchmarkDecodeListed(b *testing.B) {
	s := New(nil, nil, Config{})
	md := Metadata{ContentType: "image/jpeg", User: map[string]string{"owner": "alice@example.com", "camera": "X100V", "album": "holidays-2026"}}
	rec := &record{VersionID: NullVersion, Size: 1 << 20, ModTime: time.Now().UnixNano(), ETag: make([]byte, 16),
		ChecksumAlg: algCodes[3], ChecksumRaw: make([]byte, 8), BlobID: "0123456789abcdef0123456789abcdef",
		Meta: md, Tags: []Tag{{Key: "project", Value: "atlas"}, {Key: "retention", Value: "7y"}}}
	plain := rec.encode()
	sealed, err := s.encodeRecord("bench", benchMetaKey(1), rec)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		v    []byte
	}{{"plain", plain}, {"sealed", sealed}} {
		b.Run(c.name, func(b *testing.B) {
			cpu := reportCPU(b)
			for b.Loop() {
				for range 1000 {
					var r record
					if err := r.decode(c.v, modeList); err != nil {
						b.Fatal(err)
					}
				}
			}
			cpu()
			b.ReportMetric(float64(len(c.v)), "record-bytes")
		})
	}
}

func benchMetaKey(i int) string { return fmt.Sprintf("photos/2026/img-%07d.jpg", i) }

// metaBenchService holds n SSE-S3 objects of 1 KiB (inline) with
// metadata. One is written through PutObject; the others copy its
// record, re-encoded (and re-sealed) for each key, straight into the
// store, so that loading takes a second rather than n synced PUTs.
func metaBenchService(b *testing.B, sealed bool, n int) *Service {
	dir := b.TempDir()
	m, err := pebblemeta.Open(filepath.Join(dir, "meta"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		b.Fatal(err)
	}
	cfg := Config{}
	if !sealed {
		cfg.MetadataEncryption = EncryptionOff
	}
	s := New(m, blobs, cfg)
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "bench", "us-east-1", "owner"); err != nil {
		b.Fatal(err)
	}
	md := Metadata{ContentType: "image/jpeg", User: map[string]string{"owner": "alice@example.com", "camera": "X100V", "album": "holidays-2026"}}
	tags := []Tag{{Key: "project", Value: "atlas"}, {Key: "retention", Value: "7y"}}
	data := bytes.Repeat([]byte("x"), 1024)
	if _, err := s.PutObject(ctx, PutInput{Bucket: "bench", Key: benchMetaKey(0), Body: bytes.NewReader(data), Size: 1024, Metadata: md, Tags: tags}); err != nil {
		b.Fatal(err)
	}
	rec, err := s.existing(ctx, m, "bench", benchMetaKey(0), "", true)
	if err != nil {
		b.Fatal(err)
	}
	rec.ModTime = time.Now().UnixNano()
	const batch = 5_000
	for lo := 1; lo < n; lo += batch {
		err := m.Update(ctx, func(tx meta.Txn) error {
			for i := lo; i < min(lo+batch, n); i++ {
				// The data key is bound to the first key; the benchmark
				// reads only that object's data.
				v, err := s.encodeRecord("bench", benchMetaKey(i), rec)
				if err != nil {
					return err
				}
				if err := tx.Set(objectKey("bench", benchMetaKey(i)), v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}
