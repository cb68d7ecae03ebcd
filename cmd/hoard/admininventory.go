package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/adminapi"
)

const inventoryUsage = `Usage: hoard admin inventory run BUCKET ID [flags]

Writes the report of inventory configuration ID of BUCKET now, whatever
its schedule, through a running server's admin API (signed as the operator
account's root: HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY, or the
root-credentials.json of --data), and prints the manifest's key.

Flags (each also from the environment):
  --endpoint URL   HOARD_ENDPOINT   the server (default http://127.0.0.1:9000)
  --region R       HOARD_REGION     the server's region (default us-east-1)
  --data DIR                        read the root key pair from DIR
  --timeout D                       how long to wait for the report (default 1h)
  --json                            print JSON
`

func runAdminInventory(a *app, args []string) int {
	if len(args) == 0 || args[0] != "run" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(a.stdout, inventoryUsage)
			return 0
		}
		fmt.Fprint(a.stderr, inventoryUsage)
		return 2
	}
	fs := flag.NewFlagSet("admin inventory run", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	endpoint := fs.String("endpoint", envOr(a, "HOARD_ENDPOINT", "http://127.0.0.1:9000"), "server `URL`")
	region := fs.String("region", envOr(a, "HOARD_REGION", "us-east-1"), "server region")
	data := fs.String("data", "", "data `directory` whose root-credentials.json to use")
	timeout := fs.Duration("timeout", time.Hour, "how long to wait for the report")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(interleave(args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(a.stderr, "hoard admin inventory run: want BUCKET ID, got %q\n", fs.Args())
		return 2
	}
	cl, err := adminClient(a, *endpoint, *region, *data)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin inventory run: %v\n", err)
		return 1
	}
	cl.HTTP = &http.Client{Timeout: *timeout}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	out, err := cl.RunInventory(ctx, fs.Arg(0), fs.Arg(1))
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin inventory run: %v\n", err)
		return 1
	}
	printInventoryRun(a, out, *asJSON)
	return 0
}

func printInventoryRun(a *app, out *adminapi.InventoryRunJSON, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return
	}
	fmt.Fprintf(a.stdout, "inventory %s of %s: %d rows in %d files\nmanifest %s\n",
		out.ID, out.Bucket, out.Rows, len(out.Files), out.Manifest)
}

// interleave moves flags given after the positional arguments in front
// of them, so "run B ID --json" parses like "run --json B ID".
func interleave(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			if !hasValue(a) && i+1 < len(args) && !isBoolFlag(a) {
				i++
				flags = append(flags, args[i])
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func hasValue(flag string) bool {
	for i := range flag {
		if flag[i] == '=' {
			return true
		}
	}
	return false
}

func isBoolFlag(f string) bool { return f == "--json" || f == "-json" }
