package server

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestConsoleConfigRefused(t *testing.T) {
	for _, d := range []time.Duration{-time.Second, time.Millisecond, 8 * 24 * time.Hour} {
		_, err := Open(Config{
			DataDir: t.TempDir(), Address: "127.0.0.1:0",
			Root:    RootCredentials{AccessKey: "HOARDTESTROOTKEY0001", SecretKey: "hoard-test-secret-key-0123456789abcdefghij"},
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			Console: ConsoleConfig{Address: "127.0.0.1:0", PartURLExpiry: d},
		})
		if err == nil || !strings.Contains(err.Error(), "part URL expiry") {
			t.Errorf("expiry %s: %v, want a refusal", d, err)
		}
	}
}
