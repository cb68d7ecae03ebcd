package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
)

func TestOpenTiersRefusesBadConfigurations(t *testing.T) {
	dir := t.TempDir()
	def, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "creds")
	os.WriteFile(creds, []byte("[default]\naws_access_key_id = AK\naws_secret_access_key = SECRET\n[other]\naws_access_key_id = X\n"), 0o600)
	cold := "dir:" + filepath.Join(dir, "cold")
	good := TierConfig{
		Tiers:   map[string]string{"cold": cold, "remote": "s3://bucket/prefix?endpoint=http://127.0.0.1:1&credentials=" + creds},
		Classes: map[string]string{"GLACIER": "cold", "STANDARD_IA": "remote"},
	}
	if _, err := openTiers(good, dir, 0, def); err != nil {
		t.Fatalf("a good configuration: %v", err)
	}
	for name, cfg := range map[string]TierConfig{
		"unknown class":       {Tiers: map[string]string{"cold": cold}, Classes: map[string]string{"COLD": "cold"}},
		"missing tier":        {Tiers: map[string]string{"cold": cold}, Classes: map[string]string{"GLACIER": "warm"}},
		"relative directory":  {Tiers: map[string]string{"cold": "dir:cold"}},
		"bad tier name":       {Tiers: map[string]string{"Cold": cold}},
		"not a tier":          {Tiers: map[string]string{"cold": "ftp://x"}},
		"no credentials file": {Tiers: map[string]string{"r": "s3://bucket?endpoint=http://h"}},
		"incomplete profile":  {Tiers: map[string]string{"r": "s3://bucket?credentials=" + creds + "&profile=other"}},
		"missing profile":     {Tiers: map[string]string{"r": "s3://bucket?credentials=" + creds + "&profile=none"}},
	} {
		if _, err := openTiers(cfg, dir, 0, def); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
