package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hoard-s3/hoard/internal/server"
)

func adminUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: hoard admin <command> [flags]

Maintenance of a data directory whose server is stopped, and status of a
running server.

Commands:
  rotate-root-key --data DIR   (server stopped) add a new root key and
                               re-wrap every SSE-S3 data key under it
                               (object data is not rewritten; old keys
                               stay in root-keys.json)
  cert [--hosts H,H] [--out DIR] [--days N]
                               write a self-signed certificate (hoard.crt,
                               hoard.key) for --tls-cert/--tls-key and say
                               how to trust it
  account create|list|delete   (server running) manage accounts; see
                               'hoard admin account --help'
  inventory run BUCKET ID      (server running) write inventory report ID
                               of BUCKET now; see 'hoard admin inventory --help'
  usage BUCKET [--prefix P] [--depth N] [--json]
                               (server running) exact usage and monthly
                               cost of a bucket and its prefixes
  usage --recount [BUCKET]     (server running) recount from a full scan
                               and repair the usage counters
  site add|list|remove         (server running) register the sites this
                               one replicates to; see
                               'hoard admin site --help'
  replicate-existing BUCKET    (server running) queue the bucket's existing
                               versions for replication; resumable
  notify status [--endpoint URL] [--token-file FILE] [--json]
                               (server running) health and backlog of the
                               event notification targets (the token is
                               the server's metrics token, default
                               $HOARD_METRICS_TOKEN)
`)
}

func runAdmin(a *app, args []string) int {
	if len(args) == 0 {
		adminUsage(a.stderr)
		return 2
	}
	switch args[0] {
	case "rotate-root-key":
		return runRotateRootKey(a, args[1:])
	case "notify":
		return runAdminNotify(a, args[1:])
	case "cert":
		return runAdminCert(a, args[1:])
	case "account":
		return runAccount(a, args[1:])
	case "inventory":
		return runAdminInventory(a, args[1:])
	case "usage":
		return runAdminUsage(a, args[1:])
	case "site":
		return runSite(a, args[1:])
	case "replicate-existing":
		return runReplicateExisting(a, args[1:])
	case "-h", "-help", "--help":
		adminUsage(a.stdout)
		return 0
	}
	fmt.Fprintf(a.stderr, "hoard admin: unknown command %q\n\n", args[0])
	adminUsage(a.stderr)
	return 2
}

func runRotateRootKey(a *app, args []string) int {
	fs := flag.NewFlagSet("admin rotate-root-key", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	data := fs.String("data", "./data", "data directory of a stopped server")
	metaURL := fs.String("meta", "", "metadata database of the stopped gateways, as given to hoard server --meta (default $HOARD_META)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "hoard admin rotate-root-key: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *metaURL == "" {
		*metaURL = a.getenv("HOARD_META")
	}
	id, n, err := server.RotateRootKey(context.Background(), *data, *metaURL)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin rotate-root-key: %v\n", err)
		return 1
	}
	fmt.Fprintf(a.stdout, "new root key %s; re-wrapped %d data keys, key service keys and IAM secrets\n", id, n)
	return 0
}
