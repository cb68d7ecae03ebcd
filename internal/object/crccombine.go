package object

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/minio/crc64nvme"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// crcSpec combines CRCs in GF(2): the CRC of A‖B is the CRC of A shifted
// over len(B) zero bytes, xor the CRC of B. Shifting by n bytes is a
// multiplication by x^(8n) mod P, built from a table of x^(2^k) mod P, so
// one combination costs O(log n) polynomial products whatever the sizes
// (the method of zlib's crc32_combine). It holds for reflected CRCs whose
// initial value equals their final xor, as CRC-32, CRC-32C and
// CRC-64/NVME do.
type crcSpec struct {
	width uint   // 32 or 64
	poly  uint64 // reflected polynomial
	x2n   [64]uint64
}

func newCRCSpec(width uint, poly uint64) *crcSpec {
	c := &crcSpec{width: width, poly: poly}
	p := uint64(1) << (width - 2) // x^1
	for k := range c.x2n {
		c.x2n[k] = p
		p = c.mul(p, p)
	}
	return c
}

// mul multiplies two polynomials modulo P in the reflected bit order.
func (c *crcSpec) mul(a, b uint64) uint64 {
	if a == 0 {
		return 0
	}
	m := uint64(1) << (c.width - 1)
	var p uint64
	for {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				return p
			}
		}
		m >>= 1
		if b&1 != 0 {
			b = b>>1 ^ c.poly
		} else {
			b >>= 1
		}
	}
}

// x8n returns x^(8n) mod P.
func (c *crcSpec) x8n(n uint64) uint64 {
	p := uint64(1) << (c.width - 1) // x^0
	for k := 3; n != 0 && k < len(c.x2n); k++ {
		if n&1 != 0 {
			p = c.mul(c.x2n[k], p)
		}
		n >>= 1
	}
	return p
}

// combine returns the CRC of A‖B from crc(A), crc(B) and len(B).
func (c *crcSpec) combine(crcA, crcB uint64, lenB int64) uint64 {
	return c.mul(c.x8n(uint64(lenB)), crcA) ^ crcB
}

var crcSpecs = map[checksum.Algorithm]*crcSpec{
	checksum.CRC32:     newCRCSpec(32, crc32.IEEE),
	checksum.CRC32C:    newCRCSpec(32, crc32.Castagnoli),
	checksum.CRC64NVME: newCRCSpec(64, crc64nvme.NVME),
}

// fullObjectCRC accumulates the full-object CRC of a sequence of parts
// from their raw (big-endian) CRCs and sizes.
type fullObjectCRC struct {
	spec *crcSpec
	crc  uint64
}

func newFullObjectCRC(alg checksum.Algorithm) *fullObjectCRC {
	spec := crcSpecs[alg]
	if spec == nil {
		return nil
	}
	return &fullObjectCRC{spec: spec} // the CRC of no bytes is 0
}

func (f *fullObjectCRC) add(raw []byte, size int64) {
	var v uint64
	if f.spec.width == 32 {
		v = uint64(binary.BigEndian.Uint32(raw))
	} else {
		v = binary.BigEndian.Uint64(raw)
	}
	f.crc = f.spec.combine(f.crc, v, size)
}

func (f *fullObjectCRC) sum() []byte {
	if f.spec.width == 32 {
		return binary.BigEndian.AppendUint32(nil, uint32(f.crc))
	}
	return binary.BigEndian.AppendUint64(nil, f.crc)
}
