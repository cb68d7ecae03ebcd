package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadMetricsToken(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "token")
	empty := filepath.Join(dir, "empty")
	os.WriteFile(good, []byte("  s3cret\n"), 0o600)
	os.WriteFile(empty, []byte("\n"), 0o600)
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "HOARD_METRICS_TOKEN" {
				return v
			}
			return ""
		}
	}
	for _, tt := range []struct {
		name, file, env, want string
		wantErr               bool
	}{
		{"none", "", "", "", false},
		{"environment", "", " fromenv ", "fromenv", false},
		{"file wins", good, "fromenv", "s3cret", false},
		{"empty file", empty, "", "", true},
		{"missing file", filepath.Join(dir, "missing"), "", "", true},
	} {
		got, err := loadMetricsToken(tt.file, env(tt.env))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: %q, %v; want %q (error %v)", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}
