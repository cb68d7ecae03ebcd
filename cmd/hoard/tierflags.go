package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/server"
)

// pairsFlag is a repeatable NAME=VALUE flag; an environment variable
// holding the pairs separated by commas stands in when it is not given.
type pairsFlag struct {
	m   map[string]string
	set bool
}

func (f *pairsFlag) String() string {
	if f == nil {
		return ""
	}
	var parts []string
	for k, v := range f.m {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (f *pairsFlag) Set(v string) error {
	f.set = true
	return f.add(v)
}

func (f *pairsFlag) add(v string) error {
	k, val, ok := strings.Cut(strings.TrimSpace(v), "=")
	if !ok || k == "" || val == "" {
		return fmt.Errorf("want NAME=VALUE, not %q", v)
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	if _, dup := f.m[k]; dup {
		return fmt.Errorf("%s given twice", k)
	}
	f.m[k] = val
	return nil
}

func (f *pairsFlag) fromEnv(getenv func(string) string, name string) error {
	if f.set {
		return nil
	}
	for _, p := range strings.Split(getenv(name), ",") {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if err := f.add(p); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// tierOptions are the flags of storage tiers and restores.
type tierOptions struct {
	tiers, classes, delays pairsFlag
	restoreDay             string
}

func (t *tierOptions) config(getenv func(string) string) (server.TierConfig, error) {
	cfg := server.TierConfig{RestoreDelays: map[string]time.Duration{}}
	for _, e := range []struct {
		f    *pairsFlag
		name string
	}{{&t.tiers, "HOARD_TIERS"}, {&t.classes, "HOARD_CLASS_TIERS"}, {&t.delays, "HOARD_RESTORE_DELAYS"}} {
		if err := e.f.fromEnv(getenv, e.name); err != nil {
			return cfg, err
		}
	}
	cfg.Tiers, cfg.Classes = t.tiers.m, t.classes.m
	for tier, v := range t.delays.m {
		switch tier {
		case "Expedited", "Standard", "Bulk":
		default:
			return cfg, fmt.Errorf("--restore-delay %s: want Expedited, Standard or Bulk", tier)
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return cfg, fmt.Errorf("--restore-delay %s=%s: want a duration", tier, v)
		}
		cfg.RestoreDelays[tier] = d
	}
	day := t.restoreDay
	if day == "" {
		day = getenv("HOARD_RESTORE_DAY")
	}
	if day != "" {
		d, err := time.ParseDuration(day)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("--restore-day %q: want a positive duration", day)
		}
		cfg.RestoreDay = d
	}
	return cfg, nil
}
