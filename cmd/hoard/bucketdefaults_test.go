package main

import (
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/s3api"
)

func TestBucketDefaultsSetting(t *testing.T) {
	for _, c := range []struct {
		flag, env string
		want      s3api.BucketDefaults
		err       string
	}{
		{"", "", s3api.SecureBucketDefaults, ""},
		{"legacy", "", s3api.LegacyBucketDefaults, ""},
		{"", "legacy", s3api.LegacyBucketDefaults, ""},
		{"secure", "legacy", s3api.SecureBucketDefaults, ""}, // the flag wins
		{"Legacy", "", 0, "--bucket-defaults"},
		{"", "open", 0, "HOARD_BUCKET_DEFAULTS"},
	} {
		getenv := func(k string) string {
			if k == "HOARD_BUCKET_DEFAULTS" {
				return c.env
			}
			return ""
		}
		got, err := bucketDefaults(c.flag, getenv)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("flag %q env %q: err %v, want one naming %s", c.flag, c.env, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("flag %q env %q: %v, %v; want %v", c.flag, c.env, got, err, c.want)
		}
	}
}
