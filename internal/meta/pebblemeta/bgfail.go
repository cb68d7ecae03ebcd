package pebblemeta

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// ErrBackgroundFailed wraps the error of a failed flush or compaction.
var ErrBackgroundFailed = errors.New("pebblemeta: metadata engine failed in the background")

// bgFailure is the first background error of a store.
//
// Pebble retries a failed flush or compaction at once and for ever, with
// no backoff: on a full disk that is a busy loop logging a line per
// attempt (hundreds a second), and Open, which waits for the flush of the
// log it replayed, never returns. A background error is therefore final
// for the store: report records it and parks the reporting goroutine,
// Pebble's flush or compaction, for good instead of letting it retry. It
// holds Pebble's mutex there, so the database can never be closed or
// written again: the store refuses every call and the process is expected
// to stop (Options.OnBackgroundFailure), as after a failed log write.
type bgFailure struct {
	once sync.Once
	done chan struct{} // closed at the first failure
	err  error         // valid once done is closed
}

func newBGFailure() *bgFailure { return &bgFailure{done: make(chan struct{})} }

// report is Pebble's EventListener.BackgroundError.
func (f *bgFailure) report(err error) {
	f.once.Do(func() {
		f.err = fmt.Errorf("%w: %w", ErrBackgroundFailed, err)
		close(f.done)
	})
	select {}
}

// failed returns the failure, nil while there is none.
func (f *bgFailure) failed() error {
	select {
	case <-f.done:
		return f.err
	default:
		return nil
	}
}

// watchBackground hands a failure after Open to OnBackgroundFailure, by
// default a log line and the end of the process.
func (s *Store) watchBackground() {
	select {
	case <-s.bg.done:
	case <-s.closing:
		return
	}
	if s.opts.OnBackgroundFailure != nil {
		s.opts.OnBackgroundFailure(s.bg.err)
		return
	}
	s.opts.Logger.Error("metadata engine cannot write; stopping (a restart recovers the durable state once the cause is fixed)",
		"err", s.bg.err, "component", "pebble", "fatal", true)
	os.Exit(1)
}
