package sse

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func seal(t testing.TB, plain, key []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewWriter(&out, key)
	if err != nil {
		t.Fatal(err)
	}
	// Odd write sizes exercise package boundaries inside one Write.
	for p := plain; len(p) > 0; {
		n := min(len(p), 1+len(p)%70001)
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

var sizes = []int{0, 1, 100, PackageSize - 1, PackageSize, PackageSize + 1, 2 * PackageSize, 3*PackageSize + 17}

func TestRoundTripAndSizes(t *testing.T) {
	key := testKey(1)
	for _, n := range sizes {
		plain := randBytes(n)
		sealed := seal(t, plain, key)
		if int64(len(sealed)) != CiphertextSize(int64(n)) {
			t.Fatalf("size %d: sealed %d bytes, CiphertextSize says %d", n, len(sealed), CiphertextSize(int64(n)))
		}
		if p, err := PlaintextSize(int64(len(sealed))); err != nil || p != int64(n) {
			t.Fatalf("PlaintextSize(%d) = %d, %v; want %d", len(sealed), p, err, n)
		}
		got, err := Decrypt(sealed, key)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("size %d: decrypt err %v, equal %v", n, err, bytes.Equal(got, plain))
		}
		if n > 16 && bytes.Contains(sealed, plain[:16]) {
			t.Fatalf("size %d: plaintext visible in ciphertext", n)
		}
	}
}

func TestPlaintextSizeRejectsImpossibleLengths(t *testing.T) {
	for _, c := range []int64{-1, 0, 15, SealedSize + 1, SealedSize + 16, 2*SealedSize + 5} {
		if _, err := PlaintextSize(c); !errors.Is(err, ErrCiphertextSize) {
			t.Errorf("PlaintextSize(%d) err = %v", c, err)
		}
	}
}

func TestRangeReads(t *testing.T) {
	key := testKey(2)
	n := 3*PackageSize + 1000
	plain := randBytes(n)
	sealed := seal(t, plain, key)
	cases := [][2]int{{0, n}, {0, 1}, {PackageSize - 1, 2}, {PackageSize, PackageSize}, {n - 1, 1}, {n, 0}, {100, 2*PackageSize + 50}}
	for _, c := range cases {
		r, err := NewReader(bytesAt(sealed), int64(n), key, int64(c[0]), int64(c[1]))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain[c[0]:c[0]+c[1]]) {
			t.Fatalf("range %v: err %v, %d bytes", c, err, len(got))
		}
	}
	if _, err := NewReader(bytesAt(sealed), int64(n), key, int64(n-1), 2); err == nil {
		t.Fatal("range past the end accepted")
	}
}

// countingAt counts the bytes read from the sealed data.
type countingAt struct {
	bytesAt
	n int
}

func (c *countingAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.bytesAt.ReadAt(p, off)
	c.n += n
	return n, err
}

func TestRangeReadsOnlyNeededPackages(t *testing.T) {
	key := testKey(3)
	n := 10 * PackageSize
	sealed := seal(t, randBytes(n), key)
	src := &countingAt{bytesAt: sealed}
	r, _ := NewReader(src, int64(n), key, 5*PackageSize-10, 20)
	if _, err := io.ReadAll(r); err != nil {
		t.Fatal(err)
	}
	if src.n != 2*SealedSize {
		t.Fatalf("read %d sealed bytes for a range over two packages", src.n)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	key := testKey(4)
	n := 3*PackageSize + 10
	plain := randBytes(n)
	sealed := seal(t, plain, key)
	last := sealed[2*SealedSize:]
	cases := map[string][]byte{
		"flipped byte":      flip(sealed, SealedSize+7),
		"flipped tag":       flip(sealed, len(sealed)-1),
		"truncated package": sealed[:3*SealedSize],
		"dropped last byte": sealed[:len(sealed)-1],
		"reordered":         concat(sealed[SealedSize:2*SealedSize], sealed[:SealedSize], last),
		"appended package":  concat(sealed, sealed[:SealedSize]),
		"appended byte":     concat(sealed, []byte{0}),
		"wrong key":         nil,
	}
	for name, c := range cases {
		k := key
		if c == nil {
			c, k = sealed, testKey(5)
		}
		if got, err := Decrypt(c, k); err == nil {
			t.Errorf("%s: decrypted %d bytes without error", name, len(got))
		}
	}
	// A truncation that is itself a valid length must fail on the final flag.
	short := sealed[:2*SealedSize]
	if _, err := Decrypt(short, key); !errors.Is(err, ErrAuth) {
		t.Errorf("truncation at a package boundary: %v", err)
	}
	// Reading with the object's true size also detects a short file.
	r, _ := NewReader(bytesAt(sealed[:2*SealedSize]), int64(n), key, 0, int64(n))
	if _, err := io.ReadAll(r); err == nil {
		t.Error("short file read without error")
	}
}

func TestPrimeReportsDamageUpFront(t *testing.T) {
	key := testKey(6)
	sealed := seal(t, randBytes(1000), key)
	r, _ := NewReader(bytesAt(flip(sealed, 10)), 1000, key, 0, 1000)
	if err := r.Prime(); !errors.Is(err, ErrAuth) {
		t.Fatalf("Prime of a damaged package: %v", err)
	}
	r, _ = NewReader(bytesAt(sealed), 1000, key, 10, 990)
	if err := r.Prime(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || len(got) != 990 {
		t.Fatalf("read after Prime: %d bytes, %v", len(got), err)
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x40
	return c
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestWriterRejectsBadKey(t *testing.T) {
	if _, err := NewWriter(io.Discard, make([]byte, 16)); !errors.Is(err, ErrKeySize) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzDecrypt(f *testing.F) {
	key := testKey(9)
	for _, n := range []int{0, 1, 33, PackageSize + 3} {
		f.Add(seal(f, randBytes(n), key))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Decrypt(data, key)
		if err == nil && len(out) > len(data) {
			t.Fatalf("%d bytes of plaintext from %d sealed", len(out), len(data))
		}
		if _, err := DecodeEnvelope(data); err == nil {
			return
		}
	})
}

func BenchmarkEncrypt(b *testing.B) {
	key := testKey(1)
	buf := randBytes(1 << 20)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		w, _ := NewWriter(io.Discard, key)
		w.Write(buf)
		w.Close()
	}
}

func BenchmarkDecrypt(b *testing.B) {
	key := testKey(1)
	sealed := seal(b, randBytes(1<<20), key)
	out := make([]byte, 256<<10)
	b.SetBytes(1 << 20)
	for b.Loop() {
		r, _ := NewReader(bytesAt(sealed), 1<<20, key, 0, 1<<20)
		for {
			if _, err := r.Read(out); err != nil {
				break
			}
		}
	}
}
