package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// `hoard admin replicate-existing BUCKET` queues a bucket's existing
// versions for replication (S3 Batch Replication's job) on a running
// server; run again, it resumes where an interrupted run stopped.
func runReplicateExisting(a *app, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(a.stderr, "Usage: hoard admin replicate-existing BUCKET [--server URL] [--server-region R] [--data DIR] [--json]\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return 0
		}
		return 2
	}
	bucket := args[0]
	fs := flag.NewFlagSet("admin replicate-existing", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	server := fs.String("server", envOr(a, "HOARD_ENDPOINT", "http://127.0.0.1:9000"), "this server's `URL`")
	region := fs.String("server-region", envOr(a, "HOARD_REGION", "us-east-1"), "this server's region")
	data := fs.String("data", "", "data `directory` whose root-credentials.json to use")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(a.stderr, "hoard admin replicate-existing: unexpected arguments %q\n", fs.Args())
		return 2
	}
	cl, err := adminClient(a, *server, *region, *data)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin replicate-existing: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cl.HTTP = &http.Client{Timeout: 10 * time.Minute} // 30 s would cut a large bucket short
	out, err := cl.ReplicateExisting(ctx, bucket)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin replicate-existing: %v (run it again to resume)\n", err)
		return 1
	}
	if *asJSON {
		json.NewEncoder(a.stdout).Encode(out)
		return 0
	}
	fmt.Fprintf(a.stdout, "queued %d versions of %s for replication (%d in all)\n", out.Queued, out.Bucket, out.Total)
	return 0
}
