package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsageFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"GLACIER": {"retrievalPerGB": 0.02}}`)
	for _, tc := range []struct {
		name       string
		o          usageOptions
		env        map[string]string
		wantDepth  int
		wantErr    string
		wantGlacRt float64
	}{
		{name: "defaults", wantGlacRt: 0.01},
		{name: "flag", o: usageOptions{depth: "3", prices: good}, wantDepth: 3, wantGlacRt: 0.02},
		{name: "env", env: map[string]string{"HOARD_USAGE_DEPTH": "1", "HOARD_USAGE_PRICES": good}, wantDepth: 1, wantGlacRt: 0.02},
		{name: "zero means bucket totals", o: usageOptions{depth: "0"}, wantDepth: -1, wantGlacRt: 0.01},
		{name: "too deep", o: usageOptions{depth: "9"}, wantErr: "--usage-depth"},
		{name: "not a number", o: usageOptions{depth: "two"}, wantErr: "--usage-depth"},
		{name: "unknown class", o: usageOptions{prices: write("bad.json", `{"STANDARD_X": {}}`)}, wantErr: "unknown storage class"},
		{name: "unknown field", o: usageOptions{prices: write("bad2.json", `{"STANDARD": {"perGB": 1}}`)}, wantErr: "unknown field"},
		{name: "negative", o: usageOptions{prices: write("bad3.json", `{"STANDARD": {"storageGBMonth": -1}}`)}, wantErr: "negative"},
		{name: "missing file", o: usageOptions{prices: filepath.Join(dir, "none.json")}, wantErr: "price file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.o.config(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Depth != tc.wantDepth || c.Prices["GLACIER"].RetrievalPerGB != tc.wantGlacRt || c.Prices["STANDARD"].StorageGBMonth != 0.023 {
				t.Fatalf("config %+v", c)
			}
		})
	}
}
