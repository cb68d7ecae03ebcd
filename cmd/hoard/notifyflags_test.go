package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNotifyFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "targets")
	os.WriteFile(file, []byte("# targets\n\nq=amqp://u:p@127.0.0.1:5672/?routing-key=ev\n"), 0o600)
	cases := []struct {
		args    []string
		env     map[string]string
		names   string
		records int64
		err     string
	}{
		{args: nil, names: "", records: 10_000_000},
		{args: []string{"--notify-target", "a=http://h/x", "--notify-target", "b=nats://h:4222/s"}, names: "a,b", records: 10_000_000},
		{env: map[string]string{"HOARD_NOTIFY_TARGETS": "a=redis://h:6379/0, k=kafka://h:9092/t", "HOARD_OUTBOX_MAX_RECORDS": "5"}, names: "a,k", records: 5},
		{args: []string{"--notify-target", "a=http://h/x", "--notify-config", file, "--outbox-max-records", "0"}, names: "a,q", records: 0},
		{env: map[string]string{"HOARD_NOTIFY_CONFIG": file}, names: "q", records: 10_000_000},
		{args: []string{"--notify-target", "a=ftp://h/x"}, err: "want http(s)://"},
		{args: []string{"--notify-target", "a b=http://h/x"}, err: "letters, digits"},
		{args: []string{"--notify-target", "nourl"}, err: "NAME=URL"},
		{args: []string{"--outbox-max-bytes", "-1"}, err: "--outbox-max-bytes"},
	}
	for _, c := range cases {
		fs, o := serverFlags(&strings.Builder{})
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		cfg, err := o.notify.config(func(k string) string { return c.env[k] })
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v %v: err %v, want %q", c.args, c.env, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v %v: %v", c.args, c.env, err)
		}
		var names []string
		for _, s := range cfg.Targets {
			names = append(names, s.Name)
		}
		if strings.Join(names, ",") != c.names || cfg.Limits.MaxRecords != c.records {
			t.Errorf("%v %v: targets %v limits %+v", c.args, c.env, names, cfg.Limits)
		}
	}
}
