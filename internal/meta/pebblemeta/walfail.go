package pebblemeta

import (
	"errors"
	"os"
)

// ErrWALFailed wraps the error of a commit whose log write or fsync failed.
var ErrWALFailed = errors.New("pebblemeta: write-ahead log failed")

// walFailed handles a failed log write or fsync (a full disk, an I/O
// error). By then the batch is already applied to the memtable and
// visible to reads, though not durable, and Pebble keeps the log error:
// every later commit fails too, even once space is freed. Serving on would
// show clients data that a restart loses and refuse every write, so the
// store stops the process, as for Pebble's own fatal errors; a restart
// replays only what reached the log. The data files keep a reserve of
// free space (blob/space.go) so that a full disk stops uploads long before
// it reaches the log.
func (s *Store) walFailed(err error) error {
	err = errors.Join(ErrWALFailed, err)
	if s.opts.OnWALFailure != nil {
		s.opts.OnWALFailure(err)
		return err
	}
	s.opts.Logger.Error("metadata log write failed; stopping so that a restart recovers the durable state",
		"err", err, "component", "pebble", "fatal", true)
	os.Exit(1)
	return err
}
