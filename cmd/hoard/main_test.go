package main

import (
	"bytes"
	"strings"
	"testing"
)

func runApp(args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, getenv: func(string) string { return "" }, exit: func(int) {}}
	code = a.run(args)
	return code, out.String(), errw.String()
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		stdoutHas string
		stderrHas string
	}{
		{"no command", nil, 2, "", "Commands:"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"help", []string{"help"}, 0, "hoard <command>", ""},
		{"--help", []string{"--help"}, 0, "Commands:", ""},
		{"help server", []string{"help", "server"}, 0, "-address", ""},
		{"help unknown", []string{"help", "nope"}, 2, "", "unknown command"},
		{"version", []string{"version"}, 0, "hoard dev (", ""},
		{"--version", []string{"--version"}, 0, "hoard dev (", ""},
		{"version extra", []string{"version", "x"}, 2, "", "unexpected arguments"},
		{"server -h", []string{"server", "-h"}, 0, "", "-shutdown-timeout"},
		{"server bad flag", []string{"server", "--nope"}, 2, "", "flag provided but not defined"},
		{"server extra arg", []string{"server", "extra"}, 2, "", "unexpected arguments"},
		{"server bad log format", []string{"server", "--log-format", "xml"}, 2, "", "invalid --log-format"},
		{"server bad log level", []string{"server", "--log-level", "loud"}, 2, "", "invalid --log-level"},
		{"server bad encryption", []string{"server", "--encryption", "maybe"}, 2, "", "want on or off"},
		{"server bad encrypt-metadata", []string{"server", "--encrypt-metadata", "yes"}, 2, "", "want on or off"},
		{"help server encryption", []string{"help", "server"}, 0, "benchmarks only", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runApp(tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errs)
			}
			if !strings.Contains(out, tt.stdoutHas) {
				t.Errorf("stdout %q lacks %q", out, tt.stdoutHas)
			}
			if !strings.Contains(errs, tt.stderrHas) {
				t.Errorf("stderr %q lacks %q", errs, tt.stderrHas)
			}
		})
	}
}

func TestDialURL(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:9000": "http://127.0.0.1:9000",
		"[::]:9000":      "http://127.0.0.1:9000",
		"0.0.0.0:80":     "http://127.0.0.1:80",
		":9000":          "http://127.0.0.1:9000",
		"[::1]:9000":     "http://[::1]:9000",
		"example.com:1":  "http://example.com:1",
	}
	for in, want := range tests {
		if got := dialURL(in); got != want {
			t.Errorf("dialURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServerBadCredentialsEnv(t *testing.T) {
	var out, errw bytes.Buffer
	env := map[string]string{"HOARD_ROOT_ACCESS_KEY": "onlythekey"}
	a := &app{stdout: &out, stderr: &errw, getenv: func(k string) string { return env[k] }, exit: func(int) {}}
	code := a.run([]string{"server", "--data", t.TempDir(), "--address", "127.0.0.1:0"})
	if code != 1 || !strings.Contains(errw.String(), "HOARD_ROOT_SECRET_KEY") {
		t.Fatalf("code %d, stderr %q; want 1 and a message naming HOARD_ROOT_SECRET_KEY", code, errw.String())
	}
	if strings.Contains(out.String(), "listening") {
		t.Fatalf("printed a listening line despite failing: %q", out.String())
	}
}
