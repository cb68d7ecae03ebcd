package main

import (
	"io"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/server"
)

func TestLogFlagsAndEnvironment(t *testing.T) {
	tests := []struct {
		args      []string
		env       map[string]string
		wantEvery time.Duration
		want      server.AuditConfig
		wantErr   bool
	}{
		{nil, nil, 0, server.AuditConfig{}, false},
		{[]string{"--access-log-interval", "30s"}, map[string]string{"HOARD_ACCESS_LOG_INTERVAL": "1h"}, 30 * time.Second, server.AuditConfig{}, false},
		{nil, map[string]string{"HOARD_ACCESS_LOG_INTERVAL": "2m"}, 2 * time.Minute, server.AuditConfig{}, false},
		{[]string{"--access-log-interval", "0s"}, nil, 0, server.AuditConfig{}, true},
		{[]string{"--access-log-interval", "soon"}, nil, 0, server.AuditConfig{}, true},
		{[]string{"--audit-log", "/var/log/hoard-audit.json", "--audit-data-events", "on"}, nil, 0,
			server.AuditConfig{File: "/var/log/hoard-audit.json", DataEvents: true}, false},
		{nil, map[string]string{"HOARD_AUDIT_BUCKET": "trail/ops", "HOARD_AUDIT_DATA_EVENTS": "on"}, 0,
			server.AuditConfig{Bucket: "trail/ops", DataEvents: true}, false},
		{[]string{"--audit-bucket", "mine", "--audit-data-events=off"}, map[string]string{"HOARD_AUDIT_BUCKET": "trail", "HOARD_AUDIT_DATA_EVENTS": "on"}, 0,
			server.AuditConfig{Bucket: "mine"}, false},
		{[]string{"--audit-data-events", "on"}, nil, 0, server.AuditConfig{}, true}, // nowhere to write
	}
	for _, tt := range tests {
		fs, o := serverFlags(io.Discard)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		every, a, err := o.logs.resolve(func(k string) string { return tt.env[k] })
		if (err != nil) != tt.wantErr {
			t.Errorf("%q %v: err %v, want error %v", tt.args, tt.env, err, tt.wantErr)
			continue
		}
		if err == nil && (every != tt.wantEvery || a != tt.want) {
			t.Errorf("%q %v: got %v %+v, want %v %+v", tt.args, tt.env, every, a, tt.wantEvery, tt.want)
		}
	}
}
