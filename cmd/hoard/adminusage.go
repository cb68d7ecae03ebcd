package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/usage"
)

const usageUsage = `Usage: hoard admin usage BUCKET [--prefix P] [--depth N] [--json]
       hoard admin usage --recount [BUCKET]

Shows a bucket's exact usage (objects, bytes by storage class, noncurrent
versions, delete markers, multipart uploads in progress) and its monthly
storage cost at the server's prices, for the bucket or prefix P and its
sub-prefixes N levels down (default 1). Prefixes end in '/' and have at
most the server's --usage-depth levels.

--recount recomputes the counters of BUCKET (every bucket without one) from
a full scan and repairs them, printing what changed.

Through the admin API of a running server, signed as the operator's root
(HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY, or --data DIR); the
server is --endpoint (HOARD_ENDPOINT, default http://127.0.0.1:9000).
`

func runAdminUsage(a *app, args []string) int {
	fs := flag.NewFlagSet("admin usage", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() { fmt.Fprint(a.stderr, usageUsage) }
	endpoint := fs.String("endpoint", envOr(a, "HOARD_ENDPOINT", "http://127.0.0.1:9000"), "server `URL`")
	region := fs.String("region", envOr(a, "HOARD_REGION", "us-east-1"), "server region")
	data := fs.String("data", "", "data `directory` whose root-credentials.json to use")
	prefix := fs.String("prefix", "", "report on this `prefix` (ending in '/') instead of the whole bucket")
	depth := fs.Int("depth", 1, "levels of sub-prefixes to list below the bucket or prefix")
	recount := fs.Bool("recount", false, "recount from a full scan and repair")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseInterleaved(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if (!*recount && fs.NArg() != 1) || fs.NArg() > 1 {
		fmt.Fprint(a.stderr, usageUsage)
		return 2
	}
	cl, err := adminClient(a, *endpoint, *region, *data)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin usage: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if *recount {
		err = printRecounts(ctx, a, cl, fs.Arg(0), *asJSON)
	} else {
		err = printUsage(ctx, a, cl, fs.Arg(0), *prefix, *depth, *asJSON)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin usage: %v\n", err)
		return 1
	}
	return 0
}

// parseInterleaved lets flags follow the bucket name, as the usage line
// shows them.
func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

func printUsage(ctx context.Context, a *app, cl *adminapi.Client, bucket, prefix string, depth int, asJSON bool) error {
	rep, err := cl.Usage(ctx, bucket, prefix, depth)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	name := bucket
	if prefix != "" {
		name += "/" + prefix
	}
	t := rep.Total
	fmt.Fprintf(a.stdout, "%s: %d objects, %s current; %d noncurrent versions, %s; %d delete markers; %d uploads in progress, %d parts, %s\n",
		name, t.Objects, size(t.Bytes), t.NoncurrentObjects, size(t.NoncurrentBytes), t.DeleteMarkers, t.Uploads, t.UploadParts, size(t.UploadBytes))
	if t.RestoredObjects > 0 {
		fmt.Fprintf(a.stdout, "restored copies: %d, %s\n", t.RestoredObjects, size(t.RestoredBytes))
	}
	fmt.Fprintf(a.stdout, "monthly storage cost: $%.2f\n\n", t.Cost.Monthly)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STORAGE CLASS\tOBJECTS\tBYTES\tNONCURRENT\tNONCURRENT BYTES\tCOST/MONTH")
	for _, class := range sortedClasses(t.Classes) {
		x := t.Classes[class]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t$%.2f\n", class, x.Objects, size(x.Bytes), x.NoncurrentObjects, size(x.NoncurrentBytes), t.Cost.ByClass[class])
	}
	tw.Flush()
	if len(rep.Prefixes) == 0 {
		return nil
	}
	fmt.Fprintln(a.stdout)
	tw = tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tOBJECTS\tBYTES\tNONCURRENT BYTES\tUPLOAD BYTES\tMARKERS\tCOST/MONTH")
	for _, p := range rep.Prefixes {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t$%.2f\n", p.Prefix, p.Objects, size(p.Bytes), size(p.NoncurrentBytes), size(p.UploadBytes), p.DeleteMarkers, p.Cost.Monthly)
	}
	return tw.Flush()
}

func sortedClasses(m map[string]usage.ClassCount) []string {
	var out []string
	for _, c := range append([]string{"STANDARD"}, classOrder...) {
		if _, ok := m[c]; ok && !contains(out, c) {
			out = append(out, c)
		}
	}
	for c := range m {
		if !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

var classOrder = []string{"REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func printRecounts(ctx context.Context, a *app, cl *adminapi.Client, bucket string, asJSON bool) error {
	rcs, err := cl.Recount(ctx, bucket)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"recounts": rcs})
	}
	for _, rc := range rcs {
		if !rc.Changed {
			fmt.Fprintf(a.stdout, "%s: counters were exact (%d objects, %s)\n", rc.Bucket, rc.After.Objects, size(rc.After.StoredBytes()))
			continue
		}
		fmt.Fprintf(a.stdout, "%s: repaired: %d objects, %s (counters said %d objects, %s)\n", rc.Bucket,
			rc.After.Objects, size(rc.After.StoredBytes()), rc.Before.Objects, size(rc.Before.StoredBytes()))
	}
	return nil
}

// size prints bytes exactly and, past a KiB, in binary units too.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n), -1
	for v >= unit && u < 4 {
		v /= unit
		u++
	}
	return fmt.Sprintf("%d B (%.1f %ciB)", n, v, "KMGTP"[u])
}
