package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/sites"
)

// `hoard admin site …` registers the other sites a running server may
// replicate to, through its admin API.

const siteUsage = `Usage: hoard admin site <add|list|remove> [flags]

Manages the other Hoard sites a running server replicates to, through its
admin API, signed as the operator account's root (HOARD_ROOT_ACCESS_KEY and
HOARD_ROOT_SECRET_KEY, or the root-credentials.json of --data). The secret
key is kept wrapped under the server's root key and never shown again.

  add NAME --endpoint URL --region R --access-key K --secret-key S
                         registers site NAME: its S3 endpoint, its region
                         and the key pair this server signs with there
  list                   lists the sites (without secrets)
  remove NAME            forgets a site

Common flags (each also from the environment):
  --server URL       HOARD_ENDPOINT  this server (default http://127.0.0.1:9000;
                                     list and remove also take --endpoint)
  --server-region R  HOARD_REGION    this server's region (default us-east-1)
  --data DIR                        read the root key pair from DIR
  --json                            print JSON
`

func runSite(a *app, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, siteUsage)
		return 2
	}
	sub := args[0]
	switch sub {
	case "add", "list", "remove":
	case "-h", "-help", "--help":
		fmt.Fprint(a.stdout, siteUsage)
		return 0
	default:
		fmt.Fprintf(a.stderr, "hoard admin site: unknown command %q\n\n%s", sub, siteUsage)
		return 2
	}
	rest := args[1:]
	var name string
	if sub != "list" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			fmt.Fprintf(a.stderr, "hoard admin site %s: the site NAME comes first\n", sub)
			return 2
		}
		name, rest = rest[0], rest[1:]
	}
	fs := flag.NewFlagSet("admin site "+sub, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	server := envOr(a, "HOARD_ENDPOINT", "http://127.0.0.1:9000")
	fs.StringVar(&server, "server", server, "this server's `URL`")
	serverRegion := fs.String("server-region", envOr(a, "HOARD_REGION", "us-east-1"), "this server's region")
	data := fs.String("data", "", "data `directory` whose root-credentials.json to use")
	asJSON := fs.Bool("json", false, "print JSON")
	in := adminapi.SiteRequest{Name: name}
	if sub == "add" {
		fs.StringVar(&in.Endpoint, "endpoint", "", "the site's S3 endpoint `URL` (required)")
		fs.StringVar(&in.Region, "region", "", "the site's region (required)")
		fs.StringVar(&in.AccessKey, "access-key", "", "access key id this server uses at the site (required)")
		fs.StringVar(&in.SecretKey, "secret-key", "", "its secret key (required)")
	} else {
		fs.StringVar(&server, "endpoint", server, "this server's `URL`")
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(a.stderr, "hoard admin site %s: unexpected arguments %q\n", sub, fs.Args())
		return 2
	}
	cl, err := adminClient(a, server, *serverRegion, *data)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin site %s: %v\n", sub, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch sub {
	case "add":
		var s *sites.Site
		if s, err = cl.AddSite(ctx, in); err == nil {
			printSites(a, []sites.Site{*s}, *asJSON)
		}
	case "list":
		var list []sites.Site
		if list, err = cl.ListSites(ctx); err == nil {
			printSites(a, list, *asJSON)
		}
	case "remove":
		if err = cl.RemoveSite(ctx, name); err == nil {
			fmt.Fprintf(a.stdout, "removed site %s\n", name)
		}
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin site %s: %v\n", sub, err)
		return 1
	}
	return 0
}

func printSites(a *app, list []sites.Site, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(list)
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tENDPOINT\tREGION\tACCESS KEY\tCREATED")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Endpoint, s.Region, s.AccessKey, s.Created.Format(time.RFC3339))
	}
	tw.Flush()
}
