package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/server"
)

// notifyOptions are the event notification and outbox flags.
type notifyOptions struct {
	targets    listFlag
	configFile string
	maxRecords string
	maxBytes   string
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func (o *notifyOptions) register(fs *flag.FlagSet) {
	fs.Var(&o.targets, "notify-target", "event notification target `NAME=URL` (repeatable; also $HOARD_NOTIFY_TARGETS, comma-separated): http(s)://host/path[#token=T&hmac-secret=S], nats://host:port/SUBJECT, amqp://user:pass@host:port/vhost?exchange=E&routing-key=K, kafka://host:port/TOPIC, redis://host:port/DB?stream=S")
	fs.StringVar(&o.configFile, "notify-config", "", "`file` of notification targets, one NAME=URL per line (default $HOARD_NOTIFY_CONFIG; keep it mode 0600 when URLs hold secrets)")
	fs.StringVar(&o.maxRecords, "outbox-max-records", "", "records the outbox holds before new ones are dropped (default $HOARD_OUTBOX_MAX_RECORDS, else 10000000; 0: no limit)")
	fs.StringVar(&o.maxBytes, "outbox-max-bytes", "", "bytes the outbox holds before new records are dropped (default $HOARD_OUTBOX_MAX_BYTES, else 8589934592; 0: no limit)")
}

// config resolves the flags, then the environment.
func (o *notifyOptions) config(getenv func(string) string) (server.NotifyConfig, error) {
	var cfg server.NotifyConfig
	for _, t := range o.targets {
		s, err := notify.ParseSpec(t)
		if err != nil {
			return cfg, fmt.Errorf("--notify-target: %w", err)
		}
		cfg.Targets = append(cfg.Targets, s)
	}
	if len(o.targets) == 0 {
		specs, err := notify.ParseSpecs(getenv("HOARD_NOTIFY_TARGETS"))
		if err != nil {
			return cfg, fmt.Errorf("HOARD_NOTIFY_TARGETS: %w", err)
		}
		cfg.Targets = specs
	}
	file := o.configFile
	if file == "" {
		file = getenv("HOARD_NOTIFY_CONFIG")
	}
	if file != "" {
		specs, err := notify.LoadFile(file)
		if err != nil {
			return cfg, err
		}
		cfg.Targets = append(cfg.Targets, specs...)
	}
	var err error
	cfg.Limits = outbox.Limits{}
	if cfg.Limits.MaxRecords, err = sizeSetting(o.maxRecords, "--outbox-max-records", getenv, "HOARD_OUTBOX_MAX_RECORDS", 10_000_000); err != nil {
		return cfg, err
	}
	if cfg.Limits.MaxBytes, err = sizeSetting(o.maxBytes, "--outbox-max-bytes", getenv, "HOARD_OUTBOX_MAX_BYTES", 8<<30); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func sizeSetting(v, flagName string, getenv func(string) string, env string, def int64) (int64, error) {
	from := flagName
	if v == "" {
		v, from = getenv(env), env
	}
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: want a count of at least 0, not %q", from, v)
	}
	return n, nil
}
