package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func runVersion(a *app, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(a.stderr, "hoard version: unexpected arguments %q\n", args)
		return 2
	}
	fmt.Fprintln(a.stdout, versionString())
	return 0
}

// versionString names the release plus the source revision stamped by the
// Go toolchain, so that a "dev" build can still be traced to its commit.
func versionString() string {
	rev := "unknown revision"
	if info, ok := debug.ReadBuildInfo(); ok {
		var commit, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if commit != "" {
			rev = commit
			if modified == "true" {
				rev += "+dirty"
			}
		}
	}
	return fmt.Sprintf("hoard %s (%s, %s, %s/%s)", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func versionUsage(w io.Writer) {
	fmt.Fprint(w, "Usage: hoard version\n\nPrints the version, source revision and Go version of this binary.\n")
}
