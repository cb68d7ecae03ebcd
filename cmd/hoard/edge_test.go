package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEdgeFlagErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "secret")
	os.WriteFile(good, []byte("a-long-enough-edge-secret\n"), 0o600)
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("tiny"), 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no origin", []string{"--secret-file", good}, "--origin"},
		{"bad origin", []string{"--origin", "ftp://x", "--secret-file", good}, "origin must be an http"},
		{"no secret", []string{"--origin", "http://127.0.0.1:9000"}, "secret shared with the origin is required"},
		{"short secret", []string{"--origin", "http://127.0.0.1:9000", "--secret-file", short}, "shorter than"},
		{"missing secret file", []string{"--origin", "http://127.0.0.1:9000", "--secret-file", filepath.Join(dir, "none")}, "read edge secret"},
		{"bad protocol", []string{"--origin", "http://127.0.0.1:9000", "--secret-file", good, "--origin-protocol", "h3"}, "http1 or h2c"},
		{"extra argument", []string{"--origin", "http://127.0.0.1:9000", "stray"}, "unexpected arguments"},
	}
	for _, tc := range cases {
		code, _, stderr := runApp(append([]string{"edge"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, code, stderr, tc.want)
		}
	}
}
