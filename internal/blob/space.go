package blob

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Data files stop short of filling the disk: a reserve is kept for the
// metadata engine, which shares the file system. Pebble cannot continue
// after a failed write to its log (pebblemeta stops the process rather
// than risk acknowledging a write that is not durable), so a full disk
// must be met here, by the blob that would fill it, and answered as
// ErrNoSpace, never reach the metadata commit. The reserve covers a full
// memtable's worth of log (64 MiB) and the flush that follows.

// spaceReporter is implemented by file systems that can tell free space.
type spaceReporter interface {
	// Space reports the bytes available to the process and the size of
	// the file system holding path.
	Space(path string) (avail, total uint64, err error)
}

func (osFS) Space(path string) (avail, total uint64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}

const (
	minReserve = 160 << 20
	maxReserve = 2 << 30
)

// DefaultReserve is the space kept free on a file system of total bytes:
// 5%, at least 160 MiB and at most 2 GiB, but never more than half.
func DefaultReserve(total uint64) uint64 {
	return min(max(total/20, minReserve), maxReserve, total/2)
}

// checkSpace fails with ErrNoSpace when writing need more bytes would eat
// into the reserve. File systems that cannot report space are not checked.
func (d *Dir) checkSpace(id string, need uint64) error {
	sr, ok := d.fs.(spaceReporter)
	if !ok {
		return nil
	}
	avail, total, err := sr.Space(d.root)
	if err != nil {
		return nil // unknown: let the write itself find out
	}
	reserve := d.Reserve
	if reserve == 0 {
		reserve = DefaultReserve(total)
	}
	if avail < reserve+need {
		return wrapErr("reserve", id, fmt.Errorf("%d bytes free, %d kept for metadata: %w", avail, reserve, syscall.ENOSPC))
	}
	return nil
}
