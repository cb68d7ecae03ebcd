package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/server"
)

// logOptions are the flags of server access log delivery and the audit
// trail; each falls back to its environment variable when not given.
type logOptions struct {
	interval    string
	auditFile   string
	auditBucket string
	auditData   onOffFlag
}

func (o *logOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.interval, "access-log-interval", "", "how often queued server access log and audit records are written as objects (default $HOARD_ACCESS_LOG_INTERVAL, else 5m)")
	fs.StringVar(&o.auditFile, "audit-log", "", "`file` the audit trail (CloudTrail JSON records, one a line) is appended to (default $HOARD_AUDIT_LOG; none: no file)")
	fs.StringVar(&o.auditBucket, "audit-bucket", "", "`bucket[/prefix]` receiving the audit trail as CloudTrail log files (default $HOARD_AUDIT_BUCKET; none: no bucket)")
	fs.Var(&o.auditData, "audit-data-events", "on or off (default $HOARD_AUDIT_DATA_EVENTS, else off): also record object reads and writes in the audit trail")
}

// resolve applies the environment and checks the values.
func (o *logOptions) resolve(getenv func(string) string) (time.Duration, server.AuditConfig, error) {
	pick := func(v, env string) string {
		if v == "" {
			return getenv(env)
		}
		return v
	}
	var every time.Duration
	if v := pick(o.interval, "HOARD_ACCESS_LOG_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return 0, server.AuditConfig{}, fmt.Errorf("--access-log-interval: want a positive duration such as 5m, not %q", v)
		}
		every = d
	}
	if err := o.auditData.fromEnv(getenv, "HOARD_AUDIT_DATA_EVENTS"); err != nil {
		return 0, server.AuditConfig{}, err
	}
	a := server.AuditConfig{
		File:       pick(o.auditFile, "HOARD_AUDIT_LOG"),
		Bucket:     pick(o.auditBucket, "HOARD_AUDIT_BUCKET"),
		DataEvents: o.auditData.on,
	}
	if a.DataEvents && a.File == "" && a.Bucket == "" {
		return 0, a, fmt.Errorf("--audit-data-events needs --audit-log or --audit-bucket")
	}
	return every, a, nil
}
