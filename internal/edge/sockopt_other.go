//go:build !linux

package edge

// setSockBuf is a no-op where socket buffer options are not wired up.
func setSockBuf(fd, n int) error { return nil }

// setCongestion is a no-op where TCP_CONGESTION is not wired up.
func setCongestion(fd int, cc string) error { return nil }
