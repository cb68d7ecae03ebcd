package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/server"
)

// `hoard admin account …` talks to a running server's admin API, signed
// as the operator's root, so accounts come and go without a restart.

const accountUsage = `Usage: hoard admin account <create|list|delete> [flags]

Manages the accounts of a running server through its admin API, signed as
the operator account's root: HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY,
or the root-credentials.json of --data.

  create --name NAME [--email ADDR] [--id 12DIGITS] [--org o-…]
                         prints the new account's id, canonical id and its
                         root's key pair (the secret is shown only once)
  list                   lists the accounts
  delete ID              deletes an account that owns no buckets

Common flags (each also from the environment):
  --endpoint URL   HOARD_ENDPOINT   the server (default http://127.0.0.1:9000)
  --region R       HOARD_REGION     the server's region (default us-east-1)
  --data DIR                        read the root key pair from DIR
  --json                            print JSON
`

func runAccount(a *app, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, accountUsage)
		return 2
	}
	sub := args[0]
	switch sub {
	case "create", "list", "delete":
	case "-h", "-help", "--help":
		fmt.Fprint(a.stdout, accountUsage)
		return 0
	default:
		fmt.Fprintf(a.stderr, "hoard admin account: unknown command %q\n\n%s", sub, accountUsage)
		return 2
	}
	fs := flag.NewFlagSet("admin account "+sub, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	endpoint := fs.String("endpoint", envOr(a, "HOARD_ENDPOINT", "http://127.0.0.1:9000"), "server `URL`")
	region := fs.String("region", envOr(a, "HOARD_REGION", "us-east-1"), "server region")
	data := fs.String("data", "", "data `directory` whose root-credentials.json to use")
	asJSON := fs.Bool("json", false, "print JSON")
	var in adminapi.CreateRequest
	if sub == "create" {
		fs.StringVar(&in.Name, "name", "", "account name (required)")
		fs.StringVar(&in.Email, "email", "", "email address")
		fs.StringVar(&in.ID, "id", "", "12-digit account id (default: random)")
		fs.StringVar(&in.Org, "org", "", "organization id for aws:PrincipalOrgID")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	wantArgs := 0
	if sub == "delete" {
		wantArgs = 1
	}
	if fs.NArg() != wantArgs {
		fmt.Fprintf(a.stderr, "hoard admin account %s: wrong arguments %q\n", sub, fs.Args())
		return 2
	}
	cl, err := adminClient(a, *endpoint, *region, *data)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin account %s: %v\n", sub, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch sub {
	case "create":
		var acct *adminapi.AccountJSON
		if acct, err = cl.Create(ctx, in); err == nil {
			printAccounts(a, []adminapi.AccountJSON{*acct}, *asJSON, true)
		}
	case "list":
		var list []adminapi.AccountJSON
		if list, err = cl.List(ctx); err == nil {
			printAccounts(a, list, *asJSON, false)
		}
	case "delete":
		if err = cl.Delete(ctx, fs.Arg(0)); err == nil {
			fmt.Fprintf(a.stdout, "deleted account %s\n", fs.Arg(0))
		}
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin account %s: %v\n", sub, err)
		return 1
	}
	return 0
}

func envOr(a *app, name, def string) string {
	if v := a.getenv(name); v != "" {
		return v
	}
	return def
}

// adminClient signs with the root key pair of the environment or, failing
// that, of the data directory (which it never creates).
func adminClient(a *app, endpoint, region, data string) (*adminapi.Client, error) {
	ak, sk := a.getenv("HOARD_ROOT_ACCESS_KEY"), a.getenv("HOARD_ROOT_SECRET_KEY")
	if ak == "" && sk == "" {
		if data == "" {
			return nil, errors.New("set HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY, or --data")
		}
		if _, err := os.Stat(filepath.Join(data, "root-credentials.json")); err != nil {
			return nil, fmt.Errorf("no root credentials in %s: %w", data, err)
		}
	}
	root, _, err := server.LoadRootCredentials(data, ak, sk)
	if err != nil {
		return nil, err
	}
	return &adminapi.Client{Endpoint: endpoint, Region: region, AccessKey: root.AccessKey, SecretKey: root.SecretKey}, nil
}

func printAccounts(a *app, list []adminapi.AccountJSON, asJSON, created bool) {
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if created {
			enc.Encode(list[0])
		} else {
			enc.Encode(list)
		}
		return
	}
	if created {
		c := list[0]
		fmt.Fprintf(a.stdout, "account %s (%s)\ncanonical id %s\nroot access key %s\nroot secret key %s\n",
			c.ID, c.Name, c.CanonicalID, c.RootAccessKey, c.RootSecretKey)
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCANONICAL ID\tCREATED\tROOT KEY")
	for _, c := range list {
		key := c.RootAccessKey
		if c.Operator {
			key = "(operator)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, c.CanonicalID, c.Created.Format(time.RFC3339), key)
	}
	tw.Flush()
}
