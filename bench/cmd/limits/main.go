// Command limits measures what this machine can do for an object store,
// independently of any server: memory copy, the hashes and the cipher a
// PUT or GET must run over every byte (one core each), loopback TCP, and
// the disk (sequential O_DIRECT writes with fsync, and fsync latency). The
// figures bound the benchmark results: a 64 MiB PUT cannot cost less CPU
// than MD5 of 64 MiB, a 4 KiB PUT cannot finish faster than an fsync.
//
//	limits -dir /path/on/the/data/disk
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"flag"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"github.com/minio/crc64nvme"
	"golang.org/x/sys/unix"
)

const mib = 1 << 20

func main() {
	dir := flag.String("dir", os.TempDir(), "directory on the disk under test")
	diskMiB := flag.Int("disk-mib", 1024, "MiB written for the sequential disk test")
	flag.Parse()
	fmt.Println("| What | Rate | Per 64 MiB |")
	fmt.Println("|---|--:|--:|")
	cpu("memory copy (64 MiB buffers)", copyRate)
	cpu("AES-256-GCM seal (64 KiB packages)", gcmRate(false))
	cpu("AES-256-GCM open (64 KiB packages)", gcmRate(true))
	for _, h := range []struct {
		name string
		new  func() hash.Hash
	}{
		{"MD5", md5.New},
		{"SHA-256", sha256.New},
		{"CRC32C", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
		{"CRC64NVME", func() hash.Hash { return crc64nvme.New() }},
	} {
		cpu(h.name, hashRate(h.new))
	}
	report(loopback())
	report(diskWrite(*dir, *diskMiB))
	report(fsyncLatency(*dir))
}

type result struct {
	what string
	rate string
	per  string
}

func report(r result, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "limits: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("| %s | %s | %s |\n", r.what, r.rate, r.per)
}

// cpu runs a one-core throughput test for about a second and prints GB/s
// and the time it would take over 64 MiB.
func cpu(what string, run func(n int) int64) {
	run(1) // warm up
	start := time.Now()
	var bytes int64
	for time.Since(start) < time.Second {
		bytes += run(8)
	}
	sec := time.Since(start).Seconds()
	rate := float64(bytes) / sec
	fmt.Printf("| %s, one core | %.2f GB/s | %.1f ms |\n", what, rate/1e9, 64*mib/rate*1e3)
}

// src is filled with data: a never-written buffer reads the kernel's
// shared zero page and would make copies look free.
var src, dst = randomBytes(64 * mib), make([]byte, 64*mib)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func copyRate(n int) int64 {
	for range n {
		copy(dst, src)
		src, dst = dst, src
	}
	return int64(n) * int64(len(src))
}

func gcmRate(open bool) func(int) int64 {
	block, err := aes.NewCipher(make([]byte, 32))
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	nonce := make([]byte, aead.NonceSize())
	plain := make([]byte, 64<<10)
	sealed := aead.Seal(nil, nonce, plain, nil)
	out := make([]byte, len(sealed))
	return func(n int) int64 {
		for range n * 64 {
			if open {
				if _, err := aead.Open(out[:0], nonce, sealed, nil); err != nil {
					panic(err)
				}
			} else {
				aead.Seal(out[:0], nonce, plain, nil)
			}
		}
		return int64(n) * 64 * int64(len(plain))
	}
}

func hashRate(newHash func() hash.Hash) func(int) int64 {
	buf := src[:256<<10]
	return func(n int) int64 {
		h := newHash()
		for range n * 16 {
			h.Write(buf)
		}
		h.Sum(nil)
		return int64(n) * 16 * int64(len(buf))
	}
}

// loopback sends 4 GiB over one TCP connection on 127.0.0.1 in 256 KiB
// writes and reports the rate and the CPU time (both ends, this process)
// per 64 MiB: the floor under a large GET or PUT on loopback.
func loopback() (result, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, fmt.Errorf("loopback listen: %w", err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		_, err = io.CopyBuffer(io.Discard, c, make([]byte, 256<<10))
		done <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return result{}, fmt.Errorf("loopback dial: %w", err)
	}
	const total = 4 << 30
	buf := src[:256<<10]
	cpu0, start := cpuTime(), time.Now()
	for sent := 0; sent < total; sent += len(buf) {
		if _, err := c.Write(buf); err != nil {
			return result{}, fmt.Errorf("loopback write: %w", err)
		}
	}
	c.Close()
	if err := <-done; err != nil {
		return result{}, fmt.Errorf("loopback read: %w", err)
	}
	sec, cpuSec := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
	return result{"loopback TCP, one connection (CPU of both ends)",
		fmt.Sprintf("%.2f GB/s", total/sec/1e9), fmt.Sprintf("%.1f ms CPU", cpuSec/(total/(64*mib))*1e3)}, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// diskWrite writes a file sequentially in 4 MiB O_DIRECT writes, then
// fsyncs it, as Hoard writes a large object.
func diskWrite(dir string, sizeMiB int) (result, error) {
	path := filepath.Join(dir, fmt.Sprintf("limits-%d.tmp", os.Getpid()))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|unix.O_DIRECT, 0o600)
	if err != nil {
		return result{}, fmt.Errorf("disk: %w", err)
	}
	defer os.Remove(path)
	defer f.Close()
	buf := aligned(4 * mib)
	copy(buf, src)
	start := time.Now()
	for range sizeMiB / 4 {
		if _, err := f.Write(buf); err != nil {
			return result{}, fmt.Errorf("disk write: %w", err)
		}
	}
	if err := f.Sync(); err != nil {
		return result{}, fmt.Errorf("disk fsync: %w", err)
	}
	rate := float64(sizeMiB) * mib / time.Since(start).Seconds()
	return result{fmt.Sprintf("disk, sequential O_DIRECT writes + fsync (%d MiB)", sizeMiB),
		fmt.Sprintf("%.0f MB/s", rate/1e6), fmt.Sprintf("%.0f ms", 64*mib/rate*1e3)}, nil
}

// fsyncLatency appends 4 KiB and fdatasyncs, 200 times: every acknowledged
// small PUT waits for (at least a share of) one of these.
func fsyncLatency(dir string) (result, error) {
	path := filepath.Join(dir, fmt.Sprintf("limits-sync-%d.tmp", os.Getpid()))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|os.O_APPEND, 0o600)
	if err != nil {
		return result{}, fmt.Errorf("fsync: %w", err)
	}
	defer os.Remove(path)
	defer f.Close()
	var lat []time.Duration
	for range 200 {
		t := time.Now()
		if _, err := f.Write(src[:4096]); err != nil {
			return result{}, fmt.Errorf("fsync write: %w", err)
		}
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			return result{}, fmt.Errorf("fdatasync: %w", err)
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	p50 := lat[len(lat)/2]
	return result{"disk, 4 KiB append + fdatasync, p50 (p99)",
		fmt.Sprintf("%.0f syncs/s", 1/p50.Seconds()), fmt.Sprintf("%.2f ms (%.2f ms)", ms(p50), ms(lat[len(lat)*99/100]))}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }

// aligned returns n bytes starting on a 4 KiB boundary, as O_DIRECT needs.
func aligned(n int) []byte {
	raw := make([]byte, n+4096)
	off := (4096 - int(uintptr(unsafe.Pointer(&raw[0]))&4095)) & 4095
	return raw[off : off+n]
}
