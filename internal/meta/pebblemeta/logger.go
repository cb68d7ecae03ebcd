package pebblemeta

import (
	"fmt"
	"log/slog"
	"os"
)

// slogLogger routes Pebble's log lines to slog. Pebble's informational
// chatter (flushes, compactions, WAL recovery) goes to Debug so a server
// logging at Info or Warn stays quiet.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Infof(format string, args ...any) {
	s.l.Debug(fmt.Sprintf(format, args...), "component", "pebble")
}

func (s slogLogger) Errorf(format string, args ...any) {
	s.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf is called when Pebble cannot continue safely (for example a failed
// WAL write). The process must stop: carrying on could acknowledge writes
// that are not durable, and a panic could be recovered by an HTTP handler.
func (s slogLogger) Fatalf(format string, args ...any) {
	s.l.Error(fmt.Sprintf(format, args...), "component", "pebble", "fatal", true)
	os.Exit(1)
}
