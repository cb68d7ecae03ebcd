package main

import (
	"strings"
	"testing"
	"time"
)

func TestLifecycleDaySetting(t *testing.T) {
	for _, c := range []struct {
		flag time.Duration
		env  string
		want time.Duration
		err  string
	}{
		{0, "", 24 * time.Hour, ""},
		{10 * time.Second, "", 10 * time.Second, ""},
		{0, "500ms", 500 * time.Millisecond, ""},
		{time.Minute, "10s", time.Minute, ""}, // the flag wins
		{-time.Second, "", 0, "--lifecycle-day"},
		{0, "ten", 0, "HOARD_LIFECYCLE_DAY"},
		{0, "-5s", 0, "HOARD_LIFECYCLE_DAY"},
	} {
		got, err := lifecycleDay(c.flag, func(string) string { return c.env })
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("flag %v env %q: err %v, want one naming %s", c.flag, c.env, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("flag %v env %q: %v %v, want %v", c.flag, c.env, got, err, c.want)
		}
	}
}

func TestInventoryDaySetting(t *testing.T) {
	for _, c := range []struct {
		flag time.Duration
		env  string
		want time.Duration
		err  string
	}{
		{0, "", 24 * time.Hour, ""},
		{0, "2s", 2 * time.Second, ""},
		{time.Minute, "10s", time.Minute, ""},
		{-time.Second, "", 0, "--inventory-day"},
		{0, "soon", 0, "HOARD_INVENTORY_DAY"},
	} {
		got, err := dayFlag("inventory-day", "HOARD_INVENTORY_DAY", c.flag, func(name string) string {
			if name == "HOARD_INVENTORY_DAY" {
				return c.env
			}
			return ""
		})
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("flag %v env %q: err %v, want one naming %s", c.flag, c.env, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("flag %v env %q: %v %v, want %v", c.flag, c.env, got, err, c.want)
		}
	}
}
