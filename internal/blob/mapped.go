package blob

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// Large blobs can be read in place through a memory map. Decrypting a GET
// from a pread buffer costs a copy of every byte out of the page cache
// first, about a sixth of the CPU of a 64 MiB GET; decrypting straight
// from mapped page-cache pages does not.
//
// A reader maps one window of the file at a time (mapWindow bytes,
// populated at once), so a ranged read maps only what it reads and the
// process's resident size grows by a window per reader, not by the
// object. Committed blobs never change and are never truncated, and
// deleting one leaves its mappings valid, so a window cannot shrink under
// a reader. What a map cannot do is report a disk error as EIO: reading a
// page that fails raises SIGBUS. Whoever reads mapped bytes does so inside
// GuardFaults, which turns that fault into ErrMappedRead for this request
// instead of ending the process.

// mapThreshold is the smallest blob read through a map; below it a map
// costs more (two system calls, page table updates) than the copy it saves.
const mapThreshold = 4 << 20

// mapWindow is how much of a file one mapping covers.
const mapWindow = 4 << 20

// ErrMappedRead reports a fault while reading mapped blob data: the
// kernel could not read the page (a disk error) or the file shrank.
var ErrMappedRead = errors.New("blob: read of mapped data failed")

// mappedReader is a reader of a file large enough to map (see Open).
type mappedReader struct {
	reader
	fd     int
	win    []byte // the current window, nil when none
	winOff int64  // file offset of win[0]
}

// Slice returns n bytes at off read in place, valid until the next Slice
// or Close and never to be written to. The bytes must be read inside
// GuardFaults.
func (r *mappedReader) Slice(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > r.size || n > r.size-off {
		return nil, fmt.Errorf("blob: slice %d+%d of %d bytes: %w", off, n, r.size, io.ErrUnexpectedEOF)
	}
	if off < r.winOff || off+n > r.winOff+int64(len(r.win)) {
		if err := r.mapAt(off, n); err != nil {
			return nil, err
		}
	}
	return r.win[off-r.winOff : off-r.winOff+n], nil
}

// mapAt replaces the window with one starting at the page holding off and
// covering at least n bytes.
func (r *mappedReader) mapAt(off, n int64) error {
	r.unmap()
	start := off &^ (int64(unix.Getpagesize()) - 1)
	length := min(max(n+off-start, mapWindow), r.size-start)
	win, err := unix.Mmap(r.fd, start, int(length), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return fmt.Errorf("blob: map %d bytes at %d: %w", length, start, err)
	}
	r.win, r.winOff = win, start
	return nil
}

func (r *mappedReader) unmap() {
	if r.win != nil {
		_ = unix.Munmap(r.win)
		r.win = nil
	}
}

func (r *mappedReader) Close() error {
	r.unmap()
	return r.reader.Close()
}

// newReader returns a reader of f, mapped when f is a real file large
// enough for a map to pay.
func newReader(f File, size int64) Reader {
	if ff, ok := f.(fdFile); ok && size >= mapThreshold {
		return &mappedReader{reader: reader{f: f, size: size}, fd: int(ff.Fd())}
	}
	return &reader{f: f, size: size}
}

// GuardFaults runs read, which reads bytes from Slice, and turns a fault
// on mapped memory into ErrMappedRead. Other panics pass through.
func GuardFaults(read func() (int, error)) (n int, err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if p := recover(); p != nil {
			if fault, ok := p.(interface{ Addr() uintptr }); ok {
				n, err = 0, fmt.Errorf("%w (fault at %#x)", ErrMappedRead, fault.Addr())
				return
			}
			panic(p)
		}
	}()
	return read()
}
