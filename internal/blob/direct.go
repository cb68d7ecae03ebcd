package blob

import (
	"errors"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Large blobs are written with O_DIRECT, as MinIO does: copying every byte
// into the page cache (and later writing back dirty pages) cost more CPU
// than hashing it, and the cached copy of an object just uploaded is rarely
// what the next reads want. Small blobs, and the unaligned tail of a large
// one, go through the page cache: O_DIRECT needs offsets, lengths and
// memory aligned to the device's logical block size.
//
// A writer switches to O_DIRECT when its first full buffer is flushed (so
// the blob is at least bufSize long and the file offset is 0) and back to
// buffered writes for the tail. Any refusal (a file system without
// O_DIRECT, a stricter alignment) silently keeps buffered writes.

// directWrites can be turned off to compare (tests and benchmarks).
var directWrites = true

// directAlign is the alignment used for O_DIRECT: 4 KiB satisfies every
// common logical block size.
const directAlign = 4096

// fdFile is implemented by *os.File.
type fdFile interface {
	Fd() uintptr
}

// setDirect turns O_DIRECT on or off for f. It reports whether the flag is
// now as asked.
func setDirect(f File, on bool) bool {
	ff, ok := f.(fdFile)
	if !ok {
		return false
	}
	fd := int(ff.Fd())
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return false
	}
	if on {
		flags |= unix.O_DIRECT
	} else {
		flags &^= unix.O_DIRECT
	}
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags)
	return err == nil
}

// isDirectRefusal reports whether a write failed because of O_DIRECT's
// rules rather than the disk.
func isDirectRefusal(err error) bool {
	return errors.Is(err, syscall.EINVAL)
}

// alignedBuf returns a bufSize buffer (length 0) whose memory starts on a
// directAlign boundary.
func alignedBuf() []byte {
	raw := make([]byte, bufSize+directAlign)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&raw[0])) & (directAlign - 1)); r != 0 {
		off = directAlign - r
	}
	return raw[off : off : off+bufSize]
}
