package checksum_test

import (
	"crypto/md5"
	"hash"
	"testing"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// BenchmarkHash measures each checksum over 256 KiB writes, the size an
// upload feeds them. MD5 (the ETag of every PUT) is included for scale:
// it and SHA-256 bound a signed single-request upload per core.
func BenchmarkHash(b *testing.B) {
	data := make([]byte, 256<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	hashes := []struct {
		name string
		new  func() hash.Hash
	}{{"MD5", md5.New}}
	for _, a := range []checksum.Algorithm{checksum.CRC32, checksum.CRC32C, checksum.CRC64NVME, checksum.SHA1, checksum.SHA256} {
		hashes = append(hashes, struct {
			name string
			new  func() hash.Hash
		}{string(a), a.New})
	}
	for _, h := range hashes {
		b.Run(h.name, func(b *testing.B) {
			d := h.new()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				d.Write(data)
			}
			d.Sum(nil)
		})
	}
}
