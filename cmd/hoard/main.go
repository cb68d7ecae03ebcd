// Command hoard is the Hoard S3-compatible object store: one binary that
// serves the S3 API from a data directory.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// app carries the process's outside world so that commands can be run and
// tested without touching the real stdout, environment or exit.
type app struct {
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	exit   func(code int) // immediate exit, used by a second signal
}

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(a *app, args []string) int
	usage   func(w io.Writer)
}

// commands is filled in init to break the cycle help → commands → help.
var commands map[string]command

func init() {
	commands = map[string]command{
		"server":  {summary: "run the S3 server on a data directory", run: runServer, usage: serverUsage},
		"admin":   {summary: "maintain a stopped server's data directory (rotate-root-key)", run: runAdmin, usage: adminUsage},
		"edge":    {summary: "relay S3 requests to a distant origin (transfer acceleration)", run: runEdge, usage: edgeUsage},
		"presign": {summary: "print presigned URLs for an object or a multipart upload", run: runPresign, usage: presignUsage},
		"version": {summary: "print the version and build information", run: runVersion, usage: versionUsage},
		"help":    {summary: "show help for a command", run: runHelp, usage: helpUsage},
	}
}

func main() {
	a := &app{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, exit: os.Exit}
	os.Exit(a.run(os.Args[1:]))
}

// run dispatches to a subcommand and returns the process exit code.
func (a *app) run(args []string) int {
	if len(args) == 0 {
		mainUsage(a.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		mainUsage(a.stdout)
		return 0
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(a.stderr, "hoard: unknown command %q\n\n", name)
		mainUsage(a.stderr)
		return 2
	}
	return cmd.run(a, args[1:])
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `Hoard is an S3-compatible object store.

Usage:
  hoard <command> [flags]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'hoard help <command>' for the flags of a command.
`)
}

func runHelp(a *app, args []string) int {
	if len(args) == 0 {
		mainUsage(a.stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok || len(args) > 1 {
		fmt.Fprintf(a.stderr, "hoard help: unknown command %q\n", strings.Join(args, " "))
		return 2
	}
	cmd.usage(a.stdout)
	return 0
}

func helpUsage(w io.Writer) {
	fmt.Fprint(w, "Usage: hoard help [command]\n\nShows the usage of hoard or of one command.\n")
}
