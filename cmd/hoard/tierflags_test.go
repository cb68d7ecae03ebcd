package main

import (
	"testing"
	"time"
)

func TestTierOptions(t *testing.T) {
	env := map[string]string{
		"HOARD_TIERS":          "cold=dir:/mnt/cold, remote=s3://b/p?endpoint=http://h:9000&credentials=/c",
		"HOARD_CLASS_TIERS":    "GLACIER=cold",
		"HOARD_RESTORE_DELAYS": "Bulk=1m",
		"HOARD_RESTORE_DAY":    "10s",
	}
	getenv := func(k string) string { return env[k] }
	var o tierOptions
	if err := o.classes.Set("STANDARD_IA=remote"); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.config(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Tiers["cold"] != "dir:/mnt/cold" || cfg.Tiers["remote"] != "s3://b/p?endpoint=http://h:9000&credentials=/c" {
		t.Errorf("tiers from the environment: %v", cfg.Tiers)
	}
	if len(cfg.Classes) != 1 || cfg.Classes["STANDARD_IA"] != "remote" {
		t.Errorf("a flag given overrides the environment: %v", cfg.Classes)
	}
	if cfg.RestoreDelays["Bulk"] != time.Minute || cfg.RestoreDay != 10*time.Second {
		t.Errorf("restore settings: %v %v", cfg.RestoreDelays, cfg.RestoreDay)
	}
	for _, bad := range []map[string]string{
		{"HOARD_RESTORE_DELAYS": "Fast=1s"},
		{"HOARD_RESTORE_DELAYS": "Bulk=soon"},
		{"HOARD_RESTORE_DAY": "-1h"},
		{"HOARD_TIERS": "cold"},
		{"HOARD_TIERS": "cold=dir:/a,cold=dir:/b"},
	} {
		var o tierOptions
		if _, err := o.config(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
